// The API tokens API (/api/v1/tokens) through app.inject() on a real database: only a signed-in admin manages
// tokens (a token never can), the secret is shown once and stored hashed, a new token works with exactly its scopes
// until it expires or is revoked, and both changes are recorded without the secret.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, expectRefusal } from '../helpers/admin-api.ts';
import type { CreatedToken, TokenList } from '../../server/src/admin/tokens/schemas.ts';
import { ADMIN_SCOPES } from '../../server/src/admin/scopes.ts';

const ZERO_ID = '00000000-0000-4000-8000-000000000000';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

async function createToken(body: Record<string, unknown>): Promise<CreatedToken> {
  return api.ok<CreatedToken>({ method: 'POST', url: '/api/v1/tokens', payload: body }, 201);
}

describe('who may manage tokens', () => {
  const routes = [
    { url: '/api/v1/tokens' },
    { method: 'POST' as const, url: '/api/v1/tokens', payload: { name: 'x', scopes: ['users:read'], expiresInDays: 1 } },
    { method: 'DELETE' as const, url: `/api/v1/tokens/${ZERO_ID}` },
  ];

  it('refuses every route to a token, even one with every scope: 403 token_not_allowed, and no token made', async () => {
    const bearer = await api.token([...ADMIN_SCOPES], { name: 'all scopes' });
    for (const route of routes) expectRefusal(await api.call({ ...route, bearer }), 403, 'token_not_allowed', `${route.method ?? 'GET'} ${route.url}`);
    expect((await api.ok<TokenList>({ url: '/api/v1/tokens' })).items.map((token) => token.name)).toEqual(['all scopes']);
  });

  it('refuses every route without a session, and to a non-admin, with no data', async () => {
    for (const route of routes) {
      const label = `${route.method ?? 'GET'} ${route.url}`;
      expectRefusal(await api.call(route), 401, 'not_signed_in', label);
      expectRefusal(await api.call({ ...route, session: api.userSession }), 403, 'not_admin', label);
    }
  });

  it('refuses a token made from another site', async () => {
    const response = await api.asAdmin({ ...routes[1]!, headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'cross_site_request' });
  });
});

describe('tokens', () => {
  it('shows the secret once, stores only its SHA-256, and lists the token with the scopes there are', async () => {
    const created = await createToken({ name: ' backup script ', scopes: ['backups:read', 'users:read'], expiresInDays: 30 });
    expect(created.secret).toMatch(/^gh_[A-Za-z0-9_-]{43}$/);
    expect(created.token).toMatchObject({ name: 'backup script', scopes: ['backups:read', 'users:read'], createdBy: 'ada', lastUsedAt: null });
    expect(Date.parse(created.token.expiresAt) - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    const { rows } = await app.platform.pool.query('SELECT * FROM api_tokens WHERE id = $1', [created.token.id]);
    expect(rows[0].token_sha256).toEqual(createHash('sha256').update(created.secret).digest());
    expect(JSON.stringify(rows)).not.toContain(created.secret.slice(3));
    const list = await api.ok<TokenList>({ url: '/api/v1/tokens' });
    expect(list.scopes).toEqual([...ADMIN_SCOPES]);
    expect(list.items.find((token) => token.id === created.token.id)).toEqual(created.token);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const event = await api.lastEvent('api_token.created');
    expect(event).toMatchObject({ actor: 'ada', target_type: 'api_token', target_id: created.token.id, target_label: 'backup script', data: { after: { name: 'backup script', scopes: ['backups:read', 'users:read'], expiresAt: created.token.expiresAt } } });
    expect(JSON.stringify(event)).not.toContain(created.secret.slice(3));
  });

  it('works with exactly its scopes, and notes when it was used', async () => {
    const { secret, token } = await createToken({ name: 'reader', scopes: ['users:read'], expiresInDays: 1 });
    expect((await api.call({ url: '/api/v1/users', bearer: secret })).statusCode).toBe(200);
    expectRefusal(await api.call({ url: '/api/v1/groups', bearer: secret }), 403, 'insufficient_scope', 'groups with users:read');
    expectRefusal(await api.call({ method: 'POST', url: '/api/v1/users', bearer: secret, payload: { username: 'nope' } }), 403, 'insufficient_scope', 'users:write with users:read');
    const listed = (await api.ok<TokenList>({ url: '/api/v1/tokens' })).items.find((item) => item.id === token.id)!;
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it('stops working the moment it is revoked, leaves the list, and records api_token.revoked', async () => {
    const { secret, token } = await createToken({ name: 'short-lived', scopes: ['users:read'], expiresInDays: 1 });
    expect((await api.asAdmin({ method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).statusCode).toBe(204);
    expectRefusal(await api.call({ url: '/api/v1/users', bearer: secret }), 401, 'invalid_token', 'a revoked token');
    expect((await api.ok<TokenList>({ url: '/api/v1/tokens' })).items.map((item) => item.id)).not.toContain(token.id);
    expect(await api.lastEvent('api_token.revoked')).toMatchObject({ target_id: token.id, target_label: 'short-lived', data: { before: { name: 'short-lived', scopes: ['users:read'] } } });
    const again = await api.asAdmin({ method: 'DELETE', url: `/api/v1/tokens/${token.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: 'token_not_found' });
  });

  it('names the field of each mistake', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ scopes: ['users:read'], expiresInDays: 1 }, 'invalid_request', 'name'],
      [{ name: '   ', scopes: ['users:read'], expiresInDays: 1 }, 'invalid_token_name', 'name'],
      [{ name: 'x', scopes: [], expiresInDays: 1 }, 'invalid_request', 'scopes'],
      [{ name: 'x', scopes: ['root'], expiresInDays: 1 }, 'invalid_request', 'scopes.0'],
      [{ name: 'x', scopes: ['users:read'], expiresInDays: 366 }, 'invalid_request', 'expiresInDays'],
      [{ name: 'x', scopes: ['users:read'] }, 'invalid_request', 'expiresInDays'],
    ];
    for (const [payload, error, field] of cases) {
      const response = await api.asAdmin({ method: 'POST', url: '/api/v1/tokens', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ error, field });
    }
  });
});

describe('the OpenAPI document', () => {
  it('lists the users, groups, sessions and tokens routes, each with the scope it needs, and the token routes with none', async () => {
    const document = (await app.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { description?: string; responses?: Record<string, unknown> }>> };
    const expected: Array<[string, string, string | null]> = [
      ['/api/v1/users', 'get', 'users:read'],
      ['/api/v1/users', 'post', 'users:write'],
      ['/api/v1/users/{id}', 'patch', 'users:write'],
      ['/api/v1/users/{id}/password-reset', 'post', 'users:write'],
      ['/api/v1/users/{id}/sessions', 'delete', 'sessions:write'],
      ['/api/v1/groups/{id}/members/{userId}', 'put', 'groups:write'],
      ['/api/v1/sessions', 'get', 'sessions:read'],
      ['/api/v1/sessions/{id}', 'delete', 'sessions:write'],
      ['/api/v1/tokens', 'post', null],
    ];
    for (const [path, method, scope] of expected) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      if (scope) expect(operation!.description, `${method} ${path}`).toContain(`\`${scope}\``);
      else expect(operation!.description, `${method} ${path}`).not.toContain('API token scope');
    }
    expect(Object.keys(document.paths['/api/v1/users']!.post!.responses!)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409']));
  });
});
