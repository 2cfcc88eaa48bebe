// The client registry: what an application may be registered with, how its secret is kept, and how a change
// reaches every instance.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/serve.ts';
import { OidcError, type OidcService } from '../../server/src/providers/oidc/index.ts';
import { secretMatches } from '../../server/src/providers/oidc/clients.ts';

let gatehouse: TestApp;
let oidc: OidcService;
let counter = 0;

const name = () => `app ${++counter}`;

async function refusal(promise: Promise<unknown>): Promise<OidcError> {
  const error = await promise.then(
    () => new Error('it was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OidcError);
  return error as OidcError;
}

beforeAll(async () => {
  gatehouse = await createTestApp();
  oidc = gatehouse.service<OidcService>('oidc');
});

afterAll(async () => {
  await gatehouse?.close();
});

describe('redirect URIs', () => {
  const refused: Array<[string, string]> = [
    ['javascript:alert(document.cookie)', 'a javascript: URI'],
    ['data:text/html,<script>alert(1)</script>', 'a data: URI'],
    ['com.example.app:/oauth2redirect', 'a custom scheme'],
    ['file:///etc/passwd', 'a file: URI'],
    ['https://app.example/cb#fragment', 'a fragment (RFC 6749 §3.1.2)'],
    ['http://grafana.lan/login/generic_oauth', 'http on a LAN host'],
    ['https://user:password@app.example/cb', 'credentials in the URI'],
    [' https://app.example/cb', 'a leading space'],
    ['/relative/cb', 'a relative URI'],
    ['', 'an empty URI'],
  ];
  for (const [uri, what] of refused) {
    it(`refuses ${what}`, async () => {
      expect((await refusal(oidc.createClient({ name: name(), redirectUris: [uri] }))).code).toBe('invalid_redirect_uri');
    });
  }

  it('accepts https, and http on loopback addresses (RFC 8252 §7.3)', async () => {
    const uris = ['https://grafana.lan/login/generic_oauth', 'http://127.0.0.1:8080/cb', 'http://[::1]:3000/cb', 'http://localhost/cb'];
    const { client } = await oidc.createClient({ name: name(), redirectUris: uris });
    expect(client.redirectUris).toEqual(uris);
  });

  it('accepts http on a LAN host only for an application allowed it', async () => {
    const { client } = await oidc.createClient({ name: name(), redirectUris: ['http://grafana.lan/cb'], allowHttpRedirectUris: true });
    expect(client.allowHttpRedirectUris).toBe(true);
  });

  it('keeps a URI exactly as given, for exact comparison (RFC 9700 §4.1.3)', async () => {
    const uri = 'https://App.Example:443/a/../cb?x=1';
    const { client } = await oidc.createClient({ name: name(), redirectUris: [uri] });
    expect((await oidc.getClient(client.clientId))!.redirectUris).toEqual([uri]);
  });

  it('checks post-logout redirect URIs by the same rules', async () => {
    expect((await refusal(oidc.createClient({ name: name(), redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: ['javascript:void(0)'] }))).code).toBe('invalid_redirect_uri');
  });
});

describe('secrets', () => {
  it('are 256 random bits, returned once, and stored only as their SHA-256', async () => {
    const { client, clientSecret } = await oidc.createClient({ name: name(), redirectUris: ['https://a.example/cb'] });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await gatehouse.db.pool.query('SELECT * FROM oidc_clients WHERE client_id = $1', [client.clientId]);
    expect(rows[0].secret_sha256).toEqual(createHash('sha256').update(clientSecret!).digest());
    expect(JSON.stringify(rows[0])).not.toContain(clientSecret);
    expect(JSON.stringify(await oidc.getClient(client.clientId))).not.toContain(clientSecret);
  });

  it('are compared with the stored hash, and nothing but the right secret matches', () => {
    const stored = `sha256:${createHash('sha256').update('right').digest('hex')}`;
    expect(secretMatches(stored, 'right')).toBe(true);
    expect(secretMatches(stored, 'wrong')).toBe(false);
    expect(secretMatches(stored, '')).toBe(false);
    // The stored form itself is not a secret that works.
    expect(secretMatches(stored, stored)).toBe(false);
    expect(secretMatches(createHash('sha256').update('right').digest('hex'), 'right')).toBe(false);
  });

  it('do not exist for a public client, which may not use client credentials or be a resource server', async () => {
    const { client, clientSecret } = await oidc.createClient({ name: name(), redirectUris: ['http://127.0.0.1/cb'], isPublic: true });
    expect(clientSecret).toBeNull();
    expect(client.isPublic).toBe(true);
    expect((await refusal(oidc.createClient({ name: name(), isPublic: true, grantTypes: ['client_credentials'] }))).code).toBe('invalid_grant_types');
    expect((await refusal(oidc.createClient({ name: name(), redirectUris: ['http://127.0.0.1/cb'], isPublic: true, isResourceServer: true }))).code).toBe('invalid_client_options');
  });
});

describe('grant types and names', () => {
  it('default to the authorization code and refresh token grants', async () => {
    const { client } = await oidc.createClient({ name: name(), redirectUris: ['https://a.example/cb'] });
    expect(client.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });

  it('refuse unknown grant types, the code grant without a redirect URI, and refresh tokens without a user grant', async () => {
    expect((await refusal(oidc.createClient({ name: name(), grantTypes: ['password'] }))).code).toBe('invalid_grant_types');
    expect((await refusal(oidc.createClient({ name: name(), grantTypes: ['authorization_code'] }))).code).toBe('invalid_grant_types');
    expect((await refusal(oidc.createClient({ name: name(), grantTypes: ['client_credentials', 'refresh_token'] }))).code).toBe('invalid_grant_types');
  });

  it('allow a service with client credentials only, without redirect URIs', async () => {
    const { client } = await oidc.createClient({ name: name(), grantTypes: ['client_credentials'] });
    expect(client.redirectUris).toEqual([]);
  });

  it('make a readable client id from the name', async () => {
    const { client } = await oidc.createClient({ name: 'Home Assistant', redirectUris: ['https://a.example/cb'] });
    expect(client.clientId).toMatch(/^home-assistant-[a-z0-9]{8}$/);
    const odd = await oidc.createClient({ name: '日本語', redirectUris: ['https://a.example/cb'] });
    expect(odd.client.clientId).toMatch(/^app-[a-z0-9]{8}$/);
  });

  it('refuse a second application of the same name, regardless of case', async () => {
    await oidc.createClient({ name: 'Gitea', redirectUris: ['https://a.example/cb'] });
    const error = await refusal(oidc.createClient({ name: 'gitea', redirectUris: ['https://a.example/cb'] }));
    expect(error.code).toBe('client_name_taken');
    expect(error.statusCode).toBe(409);
  });

  it('refuse an empty name', async () => {
    expect((await refusal(oidc.createClient({ name: '   ', redirectUris: ['https://a.example/cb'] }))).code).toBe('invalid_client_name');
  });
});

describe('disabling an application', () => {
  it('is seen at once by another instance that had the application cached', async () => {
    const other = await createTestApp({ db: gatehouse.db });
    try {
      const { client, clientSecret } = await oidc.createClient({ name: name(), grantTypes: ['client_credentials'] });
      const token = () =>
        other.app.inject({
          method: 'POST',
          url: '/oidc/token',
          headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'grant_type=client_credentials',
        });
      expect((await token()).statusCode).toBe(200);
      expect((await token()).statusCode).toBe(200);
      await oidc.setClientEnabled(client.clientId, false);
      await waitFor(async () => (await token()).statusCode === 401, 2_000, 'the other instance to refuse the disabled client');
      expect((await oidc.getClient(client.clientId))!.isEnabled).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('of an unknown client id is client_not_found', async () => {
    expect((await refusal(oidc.setClientEnabled('no-such-client', false))).code).toBe('client_not_found');
  });
});
