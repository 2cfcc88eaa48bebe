// The applications API (/api/v1/applications) through app.inject() on a real database: who may call it, what it
// refuses (naming the field), what it answers, the events it records, and — with openid-client 6 at the token
// endpoint of the listening app — that a rotated secret, a disabled or a deleted application is refused at once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { OFFLINE, REDIRECT_URI, SignIns } from '../helpers/oidc-relying-party.ts';
import { oauthError } from '../interop/oidc-support.ts';
import type { IdentityService, UserRecord } from '../../server/src/identity/index.ts';
import { ApiTokenRepo } from '../../server/src/admin/tokens/repo.ts';
import { newApiToken } from '../../server/src/admin/tokens/token-format.ts';
import type { AdminScope } from '../../server/src/admin/scopes.ts';
import { CLIENT_SECRET_PLACEHOLDER, type ApplicationDetail, type ApplicationPage, type CreatedApplication } from '../../server/src/admin/applications/schemas.ts';

let app: TestApp;
let identity: IdentityService;
let admin: UserRecord;
let adminSession: string;
let userSession: string;

interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** A session token (cookie); none for an anonymous call. */
  session?: string;
  /** An API token (Authorization: Bearer). */
  bearer?: string;
  payload?: object;
}

/** A request as the control UI (a session and Origin) or a script (a bearer token) sends it. */
function call({ method = 'GET', url, session, bearer, payload }: Call) {
  return app.app.inject({
    method,
    url,
    headers: {
      ...(session ? { cookie: `${identity.sessionCookie.name}=${session}` } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(method === 'GET' || bearer ? {} : { origin: app.url }),
    },
    ...(payload === undefined ? {} : { payload }),
  });
}

const asAdmin = (request: Call) => call({ session: adminSession, ...request });

async function apiToken(scopes: AdminScope[], options: { expired?: boolean } = {}): Promise<string> {
  const { token, tokenSha256 } = newApiToken();
  const row = await new ApiTokenRepo(app.platform.pool).insert({ name: `token ${scopes.join(' ')}`, tokenSha256, scopes, createdBy: admin.id, expiresAt: new Date(Date.now() + 3_600_000) });
  if (options.expired) await app.platform.pool.query("UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE id = $1", [row.id]);
  return token;
}

let counter = 0;
const uniqueName = (prefix = 'App') => `${prefix} ${++counter} ${randomBytes(3).toString('hex')}`;

async function create(body: Record<string, unknown> = {}): Promise<CreatedApplication> {
  const response = await asAdmin({ method: 'POST', url: '/api/v1/applications', payload: { type: 'oidc', name: uniqueName(), redirectUris: ['https://app.example.test/cb'], ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as CreatedApplication;
}

/** A service application (client credentials) and openid-client configured for it, with this secret. */
async function serviceWith(clientId: string, clientSecret: string): Promise<client.Configuration> {
  return client.discovery(new URL(app.url), clientId, clientSecret, client.ClientSecretBasic(clientSecret), { execute: [client.allowInsecureRequests] });
}

async function eventsAbout(clientId: string) {
  const { rows } = await app.platform.pool.query<{ type: string; actor: string; actor_user_id: string | null; target_type: string; target_id: string; target_label: string; data: Record<string, unknown> }>(
    "SELECT type, actor, actor_user_id, target_type, target_id, target_label, data FROM events WHERE target_type = 'application' AND target_id = $1 ORDER BY id",
    [clientId],
  );
  return rows;
}

beforeAll(async () => {
  app = await createTestApp({ listen: true });
  identity = app.service<IdentityService>('identity');
  admin = await identity.createUser({ username: 'ada', password: 'a long password 1', isAdmin: true });
  const bob = await identity.createUser({ username: 'bob', password: 'a long password 2' });
  adminSession = (await identity.createSession(admin.id, { authMethods: ['pwd'] })).token;
  userSession = (await identity.createSession(bob.id, { authMethods: ['pwd'] })).token;
});

afterAll(async () => {
  await app?.close();
});

describe('who may use the applications API', () => {
  const everyRoute = (id: string): Call[] => [
    { url: '/api/v1/applications' },
    { url: `/api/v1/applications/${id}` },
    { method: 'POST', url: '/api/v1/applications', payload: { type: 'oidc', name: 'Nope', redirectUris: ['https://nope.example/cb'] } },
    { method: 'PATCH', url: `/api/v1/applications/${id}`, payload: { name: 'Renamed' } },
    { method: 'POST', url: `/api/v1/applications/${id}/secret` },
    { method: 'DELETE', url: `/api/v1/applications/${id}` },
  ];

  it('answers 401 on every route without a session, with nothing of the applications in the body', async () => {
    const { application } = await create();
    for (const request of everyRoute(application.id)) {
      const response = await call(request);
      expect(response.statusCode, `${request.method ?? 'GET'} ${request.url}`).toBe(401);
      expect(Object.keys(response.json()).sort()).toEqual(['error', 'message', 'requestId']);
      expect(response.body).not.toContain(application.id);
    }
  });

  it('answers 403 not_admin on every route to a signed-in user who is not an admin', async () => {
    const { application } = await create();
    for (const request of everyRoute(application.id)) {
      const response = await call({ ...request, session: userSession });
      expect(response.statusCode, `${request.method ?? 'GET'} ${request.url}`).toBe(403);
      expect(response.json().error).toBe('not_admin');
      expect(response.body).not.toContain(application.id);
    }
    expect((await identity.findUserByUsername('bob'))?.isAdmin).toBe(false);
  });

  it('answers 403 insufficient_scope to a token without the route\'s scope, and 401 to an expired token', async () => {
    const { application } = await create();
    const usersOnly = await apiToken(['users:read', 'users:write']);
    const readOnly = await apiToken(['applications:read']);
    const expired = await apiToken(['applications:read', 'applications:write'], { expired: true });
    for (const request of everyRoute(application.id)) {
      const refused = await call({ ...request, bearer: usersOnly });
      expect(refused.statusCode, `${request.method ?? 'GET'} ${request.url}`).toBe(403);
      expect(refused.json().error).toBe('insufficient_scope');
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", scope="applications:(read|write)"$/);
      const old = await call({ ...request, bearer: expired });
      expect(old.statusCode).toBe(401);
      expect(old.json().error).toBe('token_expired');
      expect(old.body + refused.body).not.toContain(application.id);
    }
    expect((await call({ url: `/api/v1/applications/${application.id}`, bearer: readOnly })).statusCode).toBe(200);
    const write = await call({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, bearer: readOnly, payload: { name: 'x' } });
    expect(write.statusCode).toBe(403);
    expect(write.json().error).toBe('insufficient_scope');
  });

  it('lets a token with applications:write make changes, and names the token in the events', async () => {
    const writer = await apiToken(['applications:read', 'applications:write']);
    const response = await call({ method: 'POST', url: '/api/v1/applications', bearer: writer, payload: { type: 'oidc', name: uniqueName('Scripted'), grantTypes: ['client_credentials'] } });
    expect(response.statusCode).toBe(201);
    const [event] = await eventsAbout((response.json() as CreatedApplication).application.id);
    expect(event).toMatchObject({ type: 'application.created', actor: 'token:token applications:read applications:write', actor_user_id: null });
  });

  it('refuses a state-changing request from another site (no Origin) even with an admin session', async () => {
    const response = await app.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { cookie: `${identity.sessionCookie.name}=${adminSession}` }, payload: { type: 'oidc', name: 'Forged' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('cross_site_request');
  });
});

describe('POST /api/v1/applications', () => {
  it('registers an application and shows its secret this once; reading it later never shows a secret', async () => {
    const name = uniqueName('Grafana');
    const created = await create({
      name,
      redirectUris: ['https://grafana.example.test/login/generic_oauth'],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      launchUrl: 'https://grafana.example.test/',
      logoUri: 'https://grafana.example.test/logo.svg',
    });
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.application).toMatchObject({
      type: 'oidc',
      name,
      isEnabled: true,
      isPublic: false,
      launchUrl: 'https://grafana.example.test/',
      logoUri: 'https://grafana.example.test/logo.svg',
      redirectUris: ['https://grafana.example.test/login/generic_oauth'],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    expect(created.application.id).toMatch(/^grafana-\d+-[0-9a-f]{6}-[a-z0-9]{8}$/);
    const read = await asAdmin({ url: `/api/v1/applications/${created.application.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(created.clientSecret);
    expect(read.json()).not.toHaveProperty('clientSecret');
    // The secret shown is the one the token endpoint accepts.
    expect((await client.clientCredentialsGrant(await serviceWith(created.application.id, created.clientSecret!))).access_token).toEqual(expect.any(String));
  });

  it('registers a public application without a secret', async () => {
    const created = await create({ isPublic: true, redirectUris: ['http://127.0.0.1:8000/cb'] });
    expect(created.clientSecret).toBeNull();
    expect(created.application.isPublic).toBe(true);
    expect(created.application.snippets.map((snippet) => snippet.text).join('\n')).not.toContain(CLIENT_SECRET_PLACEHOLDER);
  });

  describe('refuses bad settings with 400 and the field they concern', () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['a bad second redirect URI', { redirectUris: ['https://ok.example/cb', 'javascript:alert(1)'] }, 'invalid_redirect_uri', 'redirectUris.1'],
      ['http on a LAN host', { redirectUris: ['http://app.lan/cb'] }, 'invalid_redirect_uri', 'redirectUris.0'],
      ['a fragment in a post-logout URI', { postLogoutRedirectUris: ['https://ok.example/bye', 'https://ok.example/#x'] }, 'invalid_redirect_uri', 'postLogoutRedirectUris.1'],
      ['the code grant without a redirect URI', { redirectUris: [] }, 'invalid_grant_types', 'grantTypes'],
      ['a public application with client credentials', { isPublic: true, grantTypes: ['client_credentials'] }, 'invalid_grant_types', 'grantTypes'],
      ['a public resource server', { isPublic: true, isResourceServer: true }, 'invalid_client_options', 'isResourceServer'],
      ['a launch URL that is not a web address', { launchUrl: 'ftp://files.lan/' }, 'invalid_application_url', 'launchUrl'],
      ['an http logo (the pages load images over https only)', { logoUri: 'http://grafana.lan/logo.png' }, 'invalid_application_url', 'logoUri'],
      ['a blank name', { name: '   ' }, 'invalid_client_name', 'name'],
      ['an unknown grant type (the schema)', { grantTypes: ['password'] }, 'invalid_request', 'grantTypes.0'],
      ['a missing type (the schema)', { type: undefined }, 'invalid_request', 'type'],
    ];
    for (const [what, body, error, field] of cases) {
      it(what, async () => {
        const payload = Object.fromEntries(Object.entries({ type: 'oidc', name: uniqueName(), redirectUris: ['https://app.example.test/cb'], ...body }).filter(([, value]) => value !== undefined));
        const response = await asAdmin({ method: 'POST', url: '/api/v1/applications', payload });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json()).toMatchObject({ error, field, message: expect.any(String) });
      });
    }

    it('accepts http on a LAN host when the application allows it', async () => {
      const created = await create({ redirectUris: ['http://app.lan/cb'], allowHttpRedirectUris: true });
      expect(created.application.allowHttpRedirectUris).toBe(true);
    });

    it('a name taken (regardless of case) is 409 on the field name', async () => {
      const { application } = await create();
      const response = await asAdmin({ method: 'POST', url: '/api/v1/applications', payload: { type: 'oidc', name: application.name.toUpperCase(), grantTypes: ['client_credentials'] } });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'client_name_taken', field: 'name' });
    });
  });
});

describe('GET /api/v1/applications', () => {
  it('pages through every application in name order regardless of case, with an opaque cursor', async () => {
    const prefix = `Paged ${randomBytes(3).toString('hex')}`;
    const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo'].map((word) => `${prefix} ${word}`);
    for (const name of names) await create({ name });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const response = await asAdmin({ url: `/api/v1/applications?search=${encodeURIComponent(prefix)}&limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(response.statusCode).toBe(200);
      const body = response.json() as ApplicationPage;
      seen.push(...body.items.map((item) => item.name));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it('searches a part of the name regardless of case, with LIKE wildcards taken literally', async () => {
    const tag = randomBytes(3).toString('hex');
    await create({ name: `Search ${tag} 100% done` });
    await create({ name: `Search ${tag} 1000 done` });
    const found = (await asAdmin({ url: `/api/v1/applications?search=${encodeURIComponent(`${tag.toUpperCase()} 100%`)}` })).json() as ApplicationPage;
    expect(found.items.map((item) => item.name)).toEqual([`Search ${tag} 100% done`]);
    expect(found.nextCursor).toBeNull();
  });

  it('refuses a tampered cursor with 400 on the field cursor', async () => {
    const response = await asAdmin({ url: `/api/v1/applications?cursor=${Buffer.from('{"x":1}').toString('base64url')}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
  });
});

describe('GET /api/v1/applications/:id', () => {
  it('answers 404 for an unknown application, and 400 (field id) for an id that cannot be one', async () => {
    const unknown = await asAdmin({ url: '/api/v1/applications/nothing-here-123' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('client_not_found');
    const malformed = await asAdmin({ url: '/api/v1/applications/NOT_AN_ID' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().field).toBe('id');
  });

  it('gives the endpoints exactly as the discovery document does', async () => {
    const { application } = await create();
    const discovery = await app.app.inject({ url: '/.well-known/openid-configuration', headers: { host: new URL(app.url).host } });
    const metadata = discovery.json() as Record<string, string>;
    expect(application.endpoints).toEqual({
      issuer: metadata.issuer,
      discovery: `${app.url}/.well-known/openid-configuration`,
      authorization: metadata.authorization_endpoint,
      token: metadata.token_endpoint,
      userinfo: metadata.userinfo_endpoint,
      jwks: metadata.jwks_uri,
      endSession: metadata.end_session_endpoint,
      introspection: metadata.introspection_endpoint,
      revocation: metadata.revocation_endpoint,
    });
  });

  it('gives snippets for Grafana, Gitea, Nextcloud and any app, with the real URLs and client id and the secret as a placeholder', async () => {
    const { application, clientSecret } = await create({
      name: uniqueName('Grafana'),
      redirectUris: ['https://grafana.example.test/login/generic_oauth', 'https://git.example.test/user/oauth2/Home%20IdP/callback'],
      postLogoutRedirectUris: ['https://grafana.example.test/login'],
      launchUrl: 'https://cloud.example.test/apps/files/',
    });
    const { endpoints } = application;
    const snippet = (id: string) => application.snippets.find((candidate) => candidate.id === id)!;
    expect(application.snippets.map((candidate) => candidate.id)).toEqual(['grafana', 'gitea', 'nextcloud', 'generic']);
    expect(JSON.stringify(application.snippets)).not.toContain(clientSecret!);

    const grafana = snippet('grafana');
    expect(grafana.text.split('\n')).toEqual(expect.arrayContaining([
      '[auth.generic_oauth]',
      `client_id = ${application.id}`,
      `client_secret = ${CLIENT_SECRET_PLACEHOLDER}`,
      'scopes = openid profile email groups',
      `auth_url = ${endpoints.authorization}`,
      `token_url = ${endpoints.token}`,
      `api_url = ${endpoints.userinfo}`,
      'use_pkce = true',
      "role_attribute_path = contains(groups[*], 'grafana-admins') && 'Admin' || 'Viewer'",
      `signout_redirect_url = ${endpoints.endSession}?client_id=${application.id}&post_logout_redirect_uri=https%3A%2F%2Fgrafana.example.test%2Flogin`,
    ]));
    expect(grafana.redirectUriHint).toBe('https://grafana.example.test/login/generic_oauth');

    const gitea = snippet('gitea');
    expect(gitea.text).toMatch(/^gitea admin auth add-oauth --name 'Home IdP' --provider openidConnect/);
    expect(gitea.text).toContain(`--key ${application.id} --secret '${CLIENT_SECRET_PLACEHOLDER}'`);
    expect(gitea.text).toContain(`--auto-discover-url ${endpoints.discovery}`);
    expect(gitea.redirectUriHint).toBe('https://git.example.test/user/oauth2/Home%20IdP/callback');

    const nextcloud = snippet('nextcloud');
    expect(nextcloud.text).toContain('occ user_oidc:provider Gatehouse');
    expect(nextcloud.text).toContain(`--clientid=${application.id}`);
    expect(nextcloud.text).toContain(`--discoveryuri=${endpoints.discovery}`);
    expect(nextcloud.text).toContain("--scope='openid profile email groups'");
    // Not registered yet: where Nextcloud (at the launch URL's origin) will call back.
    expect(nextcloud.redirectUriHint).toBe('https://cloud.example.test/apps/user_oidc/code');

    const generic = snippet('generic').text;
    for (const value of [endpoints.issuer, endpoints.discovery, application.id, ...application.redirectUris, 'openid profile email groups', 'S256']) expect(generic).toContain(value);
  });
});

describe('PATCH /api/v1/applications/:id', () => {
  it('changes what it is given, keeps the rest, and records application.updated with only what changed', async () => {
    const { application } = await create({ launchUrl: 'https://app.example.test/' });
    const response = await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, payload: { name: `${application.name} v2`, redirectUris: ['https://app.example.test/cb', 'https://app.example.test/cb2'], launchUrl: null } });
    expect(response.statusCode, response.body).toBe(200);
    const changed = response.json() as ApplicationDetail;
    expect(changed).toMatchObject({ name: `${application.name} v2`, redirectUris: ['https://app.example.test/cb', 'https://app.example.test/cb2'], launchUrl: null, grantTypes: application.grantTypes, isEnabled: true });
    const updated = (await eventsAbout(application.id)).find((event) => event.type === 'application.updated')!;
    expect(updated).toMatchObject({ actor: 'ada', actor_user_id: admin.id, target_label: `${application.name} v2` });
    expect(updated.data).toEqual({
      before: { name: application.name, redirectUris: ['https://app.example.test/cb'], launchUrl: 'https://app.example.test/' },
      after: { name: `${application.name} v2`, redirectUris: ['https://app.example.test/cb', 'https://app.example.test/cb2'], launchUrl: null },
    });
  });

  it('checks the result as a whole with the registration\'s rules, naming the field', async () => {
    const { application } = await create({ redirectUris: ['http://app.lan/cb'], allowHttpRedirectUris: true });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ redirectUris: ['https://ok.example/cb', 'data:text/html,hi'] }, 'invalid_redirect_uri', 'redirectUris.1'],
      // Turning http off is refused while an http redirect URI remains: the error names that URI.
      [{ allowHttpRedirectUris: false }, 'invalid_redirect_uri', 'redirectUris.0'],
      [{ redirectUris: [] }, 'invalid_grant_types', 'grantTypes'],
      [{ logoUri: 'javascript:alert(1)' }, 'invalid_application_url', 'logoUri'],
      [{}, 'invalid_request', ''],
    ];
    for (const [payload, error, field] of cases) {
      const response = await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error, JSON.stringify(payload)).toBe(error);
      if (field) expect(response.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect((await eventsAbout(application.id)).map((event) => event.type)).toEqual(['application.created']);
  });

  it('answers 404 for an unknown application, and 409 for a name another application has', async () => {
    expect((await asAdmin({ method: 'PATCH', url: '/api/v1/applications/nothing-here-123', payload: { name: 'x' } })).statusCode).toBe(404);
    const first = await create();
    const second = await create();
    const response = await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${second.application.id}`, payload: { name: first.application.name } });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'client_name_taken', field: 'name' });
  });

  it('disabling refuses the application at the token endpoint at once; enabling lets it in again', async () => {
    const { application, clientSecret } = await create({ grantTypes: ['client_credentials'], redirectUris: [] });
    const service = await serviceWith(application.id, clientSecret!);
    expect((await client.clientCredentialsGrant(service)).access_token).toEqual(expect.any(String));
    expect((await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, payload: { isEnabled: false } })).json().isEnabled).toBe(false);
    expect(await oauthError(client.clientCredentialsGrant(service))).toBe('invalid_client');
    await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, payload: { isEnabled: true } });
    expect((await client.clientCredentialsGrant(service)).access_token).toEqual(expect.any(String));
  });
});

describe('changes reach every instance', () => {
  it('another instance that had the application cached refuses it once disabled here, and its old secret once rotated', async () => {
    const other = await createTestApp({ db: app.db, listen: true });
    try {
      const { application, clientSecret } = await create({ grantTypes: ['client_credentials'], redirectUris: [] });
      const atOther = (secret: string) => client.discovery(new URL(other.url), application.id, secret, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
      const viaOther = await atOther(clientSecret!);
      // Twice: the first request caches the application's metadata on the other instance.
      await client.clientCredentialsGrant(viaOther);
      await client.clientCredentialsGrant(viaOther);
      await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, payload: { isEnabled: false } });
      // The cache would keep the application for a minute; the NOTIFY sent at commit drops it within moments.
      await expect.poll(() => oauthError(client.clientCredentialsGrant(viaOther)), { timeout: 5_000, interval: 20 }).toBe('invalid_client');
      await asAdmin({ method: 'PATCH', url: `/api/v1/applications/${application.id}`, payload: { isEnabled: true } });
      await expect.poll(async () => (await client.clientCredentialsGrant(viaOther)).token_type, { timeout: 5_000, interval: 20 }).toBe('bearer');
      const rotated = (await asAdmin({ method: 'POST', url: `/api/v1/applications/${application.id}/secret` })).json().clientSecret as string;
      await expect.poll(() => oauthError(client.clientCredentialsGrant(viaOther)), { timeout: 5_000, interval: 20 }).toBe('invalid_client');
      expect((await client.clientCredentialsGrant(await atOther(rotated))).access_token).toEqual(expect.any(String));
    } finally {
      await other.close();
    }
  });
});

describe('POST /api/v1/applications/:id/secret', () => {
  it('gives a new secret once: the old one is refused at the token endpoint at once, the new one works', async () => {
    const { application, clientSecret } = await create({ grantTypes: ['client_credentials'], redirectUris: [] });
    const before = await serviceWith(application.id, clientSecret!);
    expect((await client.clientCredentialsGrant(before)).access_token).toEqual(expect.any(String));
    const response = await asAdmin({ method: 'POST', url: `/api/v1/applications/${application.id}/secret` });
    expect(response.statusCode).toBe(200);
    const rotated = response.json().clientSecret as string;
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated).not.toBe(clientSecret);
    expect(await oauthError(client.clientCredentialsGrant(before))).toBe('invalid_client');
    expect((await client.clientCredentialsGrant(await serviceWith(application.id, rotated))).access_token).toEqual(expect.any(String));
    const event = (await eventsAbout(application.id)).find((candidate) => candidate.type === 'application.secret_rotated')!;
    expect(event).toMatchObject({ actor: 'ada', target_label: application.name, data: {} });
  });

  it('refuses a public application (it has no secret) and an unknown one', async () => {
    const { application } = await create({ isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    const publicAnswer = await asAdmin({ method: 'POST', url: `/api/v1/applications/${application.id}/secret` });
    expect(publicAnswer.statusCode).toBe(400);
    expect(publicAnswer.json().error).toBe('invalid_client_options');
    expect((await asAdmin({ method: 'POST', url: '/api/v1/applications/nothing-here-123/secret' })).statusCode).toBe(404);
  });
});

describe('DELETE /api/v1/applications/:id', () => {
  it('removes the application and revokes everything issued to it: the token endpoint refuses it, its tokens are gone', async () => {
    const signIns = await SignIns.start(app);
    try {
      const { application, clientSecret } = await create({ redirectUris: [REDIRECT_URI], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] });
      const rp = await signIns.relyingParty(application.id, clientSecret);
      const carol = await identity.createUser({ username: `carol-${randomBytes(3).toString('hex')}` });
      const tokens = await signIns.tokensFor(signIns.browser(), rp, carol, OFFLINE);
      const serviceToken = (await client.clientCredentialsGrant(rp.config)).access_token;
      const response = await asAdmin({ method: 'DELETE', url: `/api/v1/applications/${application.id}` });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await asAdmin({ url: `/api/v1/applications/${application.id}` })).statusCode).toBe(404);
      expect(await oauthError(client.refreshTokenGrant(rp.config, tokens.refresh_token!))).toBe('invalid_client');
      const { rows } = await app.platform.pool.query('SELECT model FROM oidc_payloads WHERE id = ANY($1) OR (model = $2 AND client_id = $3)', [[tokens.refresh_token, tokens.access_token, serviceToken], 'Grant', application.id]);
      expect(rows).toEqual([]);
      const deleted = (await eventsAbout(application.id)).find((event) => event.type === 'application.deleted')!;
      expect(deleted).toMatchObject({ actor: 'ada', target_type: 'application', target_id: application.id, target_label: application.name });
      expect((await asAdmin({ method: 'DELETE', url: `/api/v1/applications/${application.id}` })).statusCode).toBe(404);
    } finally {
      await signIns.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes every applications route with its scope\'s answers', async () => {
    const document = (await app.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths['/api/v1/applications']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/api/v1/applications/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(document.paths['/api/v1/applications/{id}/secret']!)).toEqual(['post']);
  });
});

describe('the events of applications', () => {
  it('record created, updated, secret_rotated and deleted with the application as target, and never a secret', async () => {
    const { application, clientSecret } = await create();
    const url = `/api/v1/applications/${application.id}`;
    await asAdmin({ method: 'PATCH', url, payload: { isEnabled: false } });
    const rotated = (await asAdmin({ method: 'POST', url: `${url}/secret` })).json().clientSecret as string;
    await asAdmin({ method: 'DELETE', url });
    const events = await eventsAbout(application.id);
    expect(events.map((event) => event.type)).toEqual(['application.created', 'application.updated', 'application.secret_rotated', 'application.deleted']);
    for (const event of events) expect(event).toMatchObject({ actor: 'ada', actor_user_id: admin.id, target_type: 'application', target_id: application.id, target_label: application.name });
    expect(events[0]!.data.after).toMatchObject({ clientId: application.id, name: application.name, redirectUris: application.redirectUris });
    expect(events[1]!.data).toEqual({ before: { isEnabled: true }, after: { isEnabled: false } });
    const { rows } = await app.platform.pool.query("SELECT data::text FROM events WHERE target_id = $1", [application.id]);
    for (const { data } of rows) {
      expect(data).not.toContain(clientSecret);
      expect(data).not.toContain(rotated);
      expect(data.toLowerCase()).not.toContain('secret_sha256');
    }
  });
});
