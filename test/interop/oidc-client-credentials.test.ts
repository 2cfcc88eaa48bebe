// openid-client 6 (a certified relying party library) against a listening Gatehouse: discovery, JWKS,
// client credentials, introspection (and who may introspect), revocation, disabled clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';
import { oauthError } from './oidc-support.ts';

let gatehouse: TestApp;
let oidc: OidcService;


/** An openid-client configuration for a client of this Gatehouse (http is fine: it is 127.0.0.1). */
async function relyingParty(clientId: string, clientSecret: string): Promise<client.Configuration> {
  return client.discovery(new URL(gatehouse.url), clientId, clientSecret, client.ClientSecretBasic(clientSecret), { execute: [client.allowInsecureRequests] });
}

async function serviceClient(name: string, options: { resourceServer?: boolean } = {}) {
  const { client: record, clientSecret } = await oidc.createClient({ name, grantTypes: ['client_credentials'], isResourceServer: options.resourceServer });
  return { clientId: record.clientId, config: await relyingParty(record.clientId, clientSecret!) };
}

beforeAll(async () => {
  gatehouse = await createTestApp({ listen: true });
  oidc = gatehouse.service<OidcService>('oidc');
});

afterAll(async () => {
  await gatehouse?.close();
});

describe('discovery', () => {
  it('publishes the issuer, the endpoints under /oidc, S256 only, and the code flow only', async () => {
    const { config } = await serviceClient('discovery reader');
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(gatehouse.url);
    expect(metadata.authorization_endpoint).toBe(`${gatehouse.url}/oidc/auth`);
    expect(metadata.token_endpoint).toBe(`${gatehouse.url}/oidc/token`);
    expect(metadata.userinfo_endpoint).toBe(`${gatehouse.url}/oidc/me`);
    expect(metadata.jwks_uri).toBe(`${gatehouse.url}/oidc/jwks`);
    expect(metadata.introspection_endpoint).toBe(`${gatehouse.url}/oidc/token/introspection`);
    expect(metadata.revocation_endpoint).toBe(`${gatehouse.url}/oidc/token/revocation`);
    expect(metadata.device_authorization_endpoint).toBe(`${gatehouse.url}/oidc/device/auth`);
    expect(metadata.end_session_endpoint).toBe(`${gatehouse.url}/oidc/session/end`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'groups', 'offline_access']));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'preferred_username', 'name', 'groups']));
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']));
    expect(metadata.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
  });

  it('publishes an RS256 and an ES256 public key, without private parts', async () => {
    const jwks = (await (await fetch(`${gatehouse.url}/oidc/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) {
      expect(key.kid).toEqual(expect.any(String));
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privatePart);
    }
  });
});

describe('client credentials', () => {
  it('issues an access token to a confidential client allowed the grant', async () => {
    const { config } = await serviceClient('metrics collector');
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeGreaterThan(0);
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const { client: record } = await oidc.createClient({ name: 'wrong secret', grantTypes: ['client_credentials'] });
    const config = await relyingParty(record.clientId, 'not-the-secret');
    expect(await oauthError(client.clientCredentialsGrant(config))).toBe('invalid_client');
  });

  it('refuses a client that was not allowed the grant', async () => {
    const { client: record, clientSecret } = await oidc.createClient({ name: 'web app only', redirectUris: ['https://app.example/cb'] });
    const config = await relyingParty(record.clientId, clientSecret!);
    // oidc-provider answers invalid_request ("requested grant type is not allowed for this client").
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('not allowed') });
  });

  it('refuses a disabled client with invalid_client, also for a token asked before it was disabled', async () => {
    const { clientId, config } = await serviceClient('soon disabled');
    const before = await client.clientCredentialsGrant(config);
    await oidc.setClientEnabled(clientId, false);
    expect(await oauthError(client.clientCredentialsGrant(config))).toBe('invalid_client');
    expect(await oauthError(client.tokenIntrospection(config, before.access_token))).toBe('invalid_client');
    await oidc.setClientEnabled(clientId, true);
    expect((await client.clientCredentialsGrant(config)).access_token).toEqual(expect.any(String));
  });
});

describe('introspection', () => {
  it('tells the client its own token is active, with its client_id', async () => {
    const { clientId, config } = await serviceClient('introspects itself');
    const { access_token } = await client.clientCredentialsGrant(config);
    const answer = await client.tokenIntrospection(config, access_token);
    expect(answer.active).toBe(true);
    expect(answer.client_id).toBe(clientId);
    expect(answer.token_type).toBe('Bearer');
  });

  it('answers active: false to another client, even a valid one', async () => {
    const owner = await serviceClient('token owner');
    const stranger = await serviceClient('stranger');
    const { access_token } = await client.clientCredentialsGrant(owner.config);
    expect((await client.tokenIntrospection(stranger.config, access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(owner.config, access_token)).active).toBe(true);
  });

  it('answers a client registered as a resource server about another client\'s token', async () => {
    const owner = await serviceClient('api caller');
    const api = await serviceClient('the api', { resourceServer: true });
    const { access_token } = await client.clientCredentialsGrant(owner.config);
    const answer = await client.tokenIntrospection(api.config, access_token);
    expect(answer.active).toBe(true);
    expect(answer.client_id).toBe(owner.clientId);
  });

  it('answers active: false for a token that does not exist', async () => {
    const { config } = await serviceClient('asks about nonsense');
    expect((await client.tokenIntrospection(config, 'x'.repeat(43))).active).toBe(false);
  });
});

describe('introspection, as RFC 7662 asks', () => {
  /** A raw introspection request, for what openid-client would never send. */
  async function introspect(form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const item of [value].flat()) body.append(key, item);
    const response = await fetch(`${gatehouse.url}/oidc/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  async function confidential() {
    const { client: record, clientSecret } = await oidc.createClient({ name: `raw ${Math.random()}`, grantTypes: ['client_credentials'] });
    const config = await relyingParty(record.clientId, clientSecret!);
    const { access_token } = await client.clientCredentialsGrant(config);
    return { clientId: record.clientId, clientSecret: clientSecret!, token: access_token };
  }

  it('accepts the secret in the body (client_secret_post) as well as in a Basic header, and is never cached', async () => {
    const { clientId, clientSecret, token } = await confidential();
    const answer = await introspect({ token, client_id: clientId, client_secret: clientSecret });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ active: true, client_id: clientId, iss: gatehouse.url });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('searches every kind of token whatever the hint says (RFC 7662 §2.1)', async () => {
    const { clientId, clientSecret, token } = await confidential();
    expect((await introspect({ token, token_type_hint: 'refresh_token', client_id: clientId, client_secret: clientSecret })).body.active).toBe(true);
    expect((await introspect({ token, token_type_hint: 'something_else', client_id: clientId, client_secret: clientSecret })).body.active).toBe(true);
  });

  it('refuses a client without credentials, or with wrong ones, with invalid_client (401, and a Basic challenge for Basic)', async () => {
    const { clientId, token } = await confidential();
    expect(await introspect({ token, client_id: clientId })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const wrong = await introspect({ token }, { authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}` });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('refuses two authentication methods at once, repeated parameters, and a missing token with invalid_request', async () => {
    const { clientId, clientSecret, token } = await confidential();
    const basic = { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` };
    expect(await introspect({ token, client_secret: clientSecret }, basic)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await introspect({ token: [token, token] }, basic)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await introspect({}, basic)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('says a JWT is not a token it introspects (unsupported_token_type)', async () => {
    const { clientId, clientSecret } = await confidential();
    const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`;
    expect(await introspect({ token: jwt, client_id: clientId, client_secret: clientSecret })).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
  });

  it('lets a public client ask about its own tokens only, without a secret', async () => {
    const owner = await confidential();
    const { client: app } = await oidc.createClient({ name: `public ${Math.random()}`, redirectUris: ['http://127.0.0.1/cb'], isPublic: true });
    expect(await introspect({ token: owner.token, client_id: app.clientId })).toMatchObject({ status: 200, body: { active: false } });
  });
});

describe('revocation', () => {
  it('revokes a token so that introspection then says active: false', async () => {
    const { config } = await serviceClient('revokes its token');
    const { access_token } = await client.clientCredentialsGrant(config);
    expect((await client.tokenIntrospection(config, access_token)).active).toBe(true);
    await client.tokenRevocation(config, access_token);
    expect((await client.tokenIntrospection(config, access_token)).active).toBe(false);
  });

  it('does not let a client revoke another client\'s token', async () => {
    const owner = await serviceClient('keeps its token');
    const other = await serviceClient('tries to revoke');
    const { access_token } = await client.clientCredentialsGrant(owner.config);
    await expect(client.tokenRevocation(other.config, access_token)).rejects.toMatchObject({ error: 'invalid_request' });
    expect((await client.tokenIntrospection(owner.config, access_token)).active).toBe(true);
  });
});
