// The admin API's foundation on a real database: who the guard lets in (admin sessions, API tokens with scopes,
// and every way a token stops working), the OpenAPI document, and live updates over the WebSocket — from this
// instance, from another instance on the same database, and from a plain connection as the CLI has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import pg from 'pg';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import { ApiTokenRepo } from '../../server/src/admin/tokens/repo.ts';
import { newApiToken } from '../../server/src/admin/tokens/token-format.ts';
import { recordEvent } from '../../server/src/admin/audit.ts';
import type { AdminScope } from '../../server/src/admin/scopes.ts';
import type { LiveMessage } from '../../server/src/admin/live/schemas.ts';

const COOKIE = 'gatehouse_session';
const WAIT = { timeout: 15_000, interval: 50 };

let app: TestApp;
let identity: IdentityService;
let tokens: ApiTokenRepo;
let adminId: string;
let adminSession: string;
let userId: string;
let userSession: string;

async function makeToken(scopes: AdminScope[], options: { expiresAt?: Date; createdBy?: string } = {}): Promise<{ id: string; secret: string }> {
  const { token, tokenSha256 } = newApiToken();
  const row = await tokens.insert({ name: `test-${scopes.join('-')}`, tokenSha256, scopes, createdBy: options.createdBy ?? adminId, expiresAt: options.expiresAt ?? new Date(Date.now() + 86_400_000) });
  return { id: row.id, secret: token };
}

function withToken(secret: string, url: string, method: 'GET' | 'POST' = 'GET', payload?: object) {
  return app.app.inject({ method, url, headers: { authorization: `Bearer ${secret}` }, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  app = await createTestApp({ listen: true });
  identity = app.service<IdentityService>('identity');
  tokens = new ApiTokenRepo(app.platform.pool);
  const ada = await identity.createUser({ username: 'ada', password: 'a long password 1', isAdmin: true });
  const bob = await identity.createUser({ username: 'bob', password: 'a long password 2' });
  adminId = ada.id;
  userId = bob.id;
  adminSession = (await identity.createSession(ada.id, { authMethods: ['pwd'] })).token;
  userSession = (await identity.createSession(bob.id, { authMethods: ['pwd'] })).token;
});

afterAll(async () => {
  await app?.close();
});

describe('the admin guard', () => {
  it('lets a token with the route\'s scope in, and records the token as the actor', async () => {
    const { secret } = await makeToken(['backups:read']);
    const response = await withToken(secret, '/api/v1/backups');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toHaveProperty('files');
  });

  it('refuses a token without the scope with 403 insufficient_scope and no data', async () => {
    const { secret } = await makeToken(['users:read']);
    const response = await withToken(secret, '/api/v1/backups');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(response.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="backups:read"');
    expect(response.body).not.toContain('files');
  });

  it('refuses an expired token with 401 token_expired', async () => {
    const { secret, id } = await makeToken(['backups:read']);
    await app.platform.pool.query(`UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const response = await withToken(secret, '/api/v1/backups');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'token_expired' });
    expect(response.headers['www-authenticate']).toContain('invalid_token');
  });

  it('refuses a revoked token, an unknown token and a malformed one with 401 invalid_token', async () => {
    const { secret, id } = await makeToken(['backups:read']);
    expect(await tokens.revoke(id)).not.toBeNull();
    for (const presented of [secret, `gh_${'A'.repeat(43)}`, 'not-a-token', '']) {
      const response = await app.app.inject({ url: '/api/v1/backups', headers: { authorization: `Bearer ${presented}` } });
      expect(response.statusCode, presented).toBe(401);
      expect(response.json()).toMatchObject({ error: 'invalid_token' });
    }
  });

  it('stops a token when the admin who made it is no longer an admin', async () => {
    const carol = await identity.createUser({ username: 'carol', password: 'a long password 3', isAdmin: true });
    const { secret } = await makeToken(['backups:read'], { createdBy: carol.id });
    expect((await withToken(secret, '/api/v1/backups')).statusCode).toBe(200);
    await app.platform.pool.query('UPDATE users SET is_admin = false WHERE id = $1', [carol.id]);
    expect((await withToken(secret, '/api/v1/backups')).statusCode).toBe(401);
  });

  it('notes when a token was last used, at most once a minute', async () => {
    const { secret, id } = await makeToken(['backups:read']);
    const lastUsed = async () => (await app.platform.pool.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [id])).rows[0].last_used_at as Date | null;
    expect(await lastUsed()).toBeNull();
    await withToken(secret, '/api/v1/backups');
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await withToken(secret, '/api/v1/backups');
    expect(await lastUsed()).toEqual(first);
  });

  it('never lets a token restore or upload a backup: that would replace every user, admins included', async () => {
    const { secret } = await makeToken(['backups:read', 'backups:write']);
    const restore = await withToken(secret, '/api/v1/backups/restore', 'POST', { file: 'x.ghbk', passphrase: 'p'.repeat(12) });
    expect(restore.statusCode).toBe(403);
    expect(restore.json()).toMatchObject({ error: 'token_not_allowed' });
    const upload = await app.app.inject({ method: 'POST', url: '/api/v1/backups/upload', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/octet-stream' }, payload: Buffer.from('GHBK') });
    expect(upload.statusCode).toBe(403);
    expect(upload.json()).toMatchObject({ error: 'token_not_allowed' });
  });

  it('refuses a non-admin session with 403 and no session with 401', async () => {
    const asUser = await app.app.inject({ url: '/api/v1/backups', headers: { cookie: `${COOKIE}=${userSession}` } });
    expect(asUser.statusCode).toBe(403);
    expect(asUser.json()).toMatchObject({ error: 'not_admin' });
    const anonymous = await app.app.inject({ url: '/api/v1/backups' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses a state-changing admin request from another site, but not one with a token', async () => {
    const crossSite = await app.app.inject({ method: 'PUT', url: '/api/v1/backups/schedule', headers: { cookie: `${COOKIE}=${adminSession}`, origin: 'https://evil.example' }, payload: {} });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json()).toMatchObject({ error: 'cross_site_request' });
    const { secret } = await makeToken(['backups:write']);
    // Passes the guard; the body is then validated (and refused for what it lacks, not for where it came from).
    const withBearer = await withToken(secret, '/api/v1/backups/schedule', 'POST');
    expect(withBearer.statusCode).not.toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('lists the admin routes with their schemas and scopes, and nothing outside /api/v1', async () => {
    const response = await app.app.inject({ url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, { description?: string; requestBody?: unknown }>> };
    expect(document.openapi).toMatch(/^3\./);
    const paths = Object.keys(document.paths);
    expect(paths).toContain('/api/v1/backups');
    expect(paths.every((path) => path.startsWith('/api/v1/'))).toBe(true);
    expect(paths).not.toContain('/api/v1/live');
    expect(document.paths['/api/v1/backups']!.post!.description).toContain('backups:write');
    expect(document.paths['/api/v1/backups']!.post!.requestBody).toBeDefined();
  });
});

describe('live updates', () => {
  const origin = () => app.url;
  const wsUrl = () => `${app.url.replace(/^http/, 'ws')}/api/v1/live`;

  /** Opens a socket and collects what it receives. */
  async function open(session: string, headers: Record<string, string> = { origin: origin() }) {
    const received: LiveMessage[] = [];
    const socket = new WebSocket(wsUrl(), { headers: { cookie: `${COOKIE}=${session}`, ...headers } });
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as LiveMessage));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
    await expect.poll(() => received.some((message) => message.type === 'ready'), WAIT).toBe(true);
    return { socket, received, closed };
  }

  const changed = (received: LiveMessage[]) => received.flatMap((message) => (message.type === 'changed' ? message.topics : []));

  it('refuses a handshake from another origin, and one without a session', async () => {
    await expect(open(adminSession, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(open('x'.repeat(43))).rejects.toThrow('HTTP 401');
  });

  it('tells an admin which topics an event touched, from this instance, another one, and a plain connection', async () => {
    const { socket, received } = await open(adminSession);
    await recordEvent(app.platform.pool, { type: 'group.created', by: { actor: 'test' }, target: { type: 'group', id: 'g1', label: 'Ops' } });
    await expect.poll(() => changed(received), WAIT).toEqual(expect.arrayContaining(['groups', 'events']));

    const other = await createTestApp({ db: app.db });
    try {
      await recordEvent(other.platform.pool, { type: 'application.created', by: { actor: 'test' }, target: { type: 'application', id: 'grafana' } });
      await expect.poll(() => changed(received), WAIT).toContain('applications');
    } finally {
      await other.close();
    }

    const cli = new pg.Client(app.db.config);
    await cli.connect();
    try {
      await recordEvent(cli, { type: 'user.created', by: { actor: 'cli' }, target: { type: 'user', id: userId, label: 'bob' } });
      await expect.poll(() => changed(received), WAIT).toContain('users');
    } finally {
      await cli.end();
    }
    socket.close();
  });

  it('tells a non-admin only of their own sessions and consents', async () => {
    const { socket, received } = await open(userSession);
    await recordEvent(app.platform.pool, { type: 'user.updated', by: { actor: 'test' }, target: { type: 'user', id: adminId, label: 'ada' } });
    await recordEvent(app.platform.pool, { type: 'consent.revoked', by: { actor: 'bob', actorUserId: userId }, target: { type: 'user', id: userId, label: 'bob' } });
    await expect.poll(() => changed(received), WAIT).toContain('consents');
    expect(changed(received)).not.toContain('users');
    expect(changed(received)).not.toContain('events');
    socket.close();
  });

  it('closes the socket with 4401 when its session is revoked', async () => {
    const session = await identity.createSession(userId, { authMethods: ['pwd'] });
    const { closed } = await open(session.token);
    await identity.revokeSession(session.session.id);
    await recordEvent(app.platform.pool, { type: 'session.revoked', by: { actor: 'test' }, target: { type: 'user', id: userId, label: 'bob' }, data: { sessionId: session.session.id } });
    await expect(closed).resolves.toBe(4401);
  });

  it('asks every socket to refetch everything after a bus gap', async () => {
    const { socket, received } = await open(adminSession);
    await app.platform.pool.query(`SELECT pg_notify('gatehouse:platform.reset', '{"o":"test","m":{}}')`);
    await expect.poll(() => received.some((message) => message.type === 'resync'), WAIT).toBe(true);
    socket.close();
  });
});

describe('our own origins', () => {
  it('counts the loopback listener\'s origin as our own for requests from this machine, whatever the public URL', async () => {
    const other = await createTestApp({ listen: true, config: { http: { publicUrl: 'https://id.example.lan' } } });
    try {
      // The public URL is elsewhere; the listener is on 127.0.0.1 at the configured port.
      const port = String(other.ctx.config.http.port);
      const identity = other.service<IdentityService>('identity');
      const admin = await identity.createUser({ username: 'root', password: 'a long password 1', isAdmin: true });
      const session = (await identity.createSession(admin.id, { authMethods: ['pwd'] })).token;
      const put = (origin: string) =>
        fetch(`http://127.0.0.1:${port}/api/v1/backups/schedule`, {
          method: 'PUT',
          headers: { cookie: `${COOKIE}=${session}`, origin, 'content-type': 'application/json' },
          body: JSON.stringify({ enabled: false }),
        });
      // The window on http://127.0.0.1:<port> passes the same-origin check (the body is then judged on its own).
      const own = await put(`http://127.0.0.1:${port}`);
      expect(own.status).not.toBe(403);
      for (const foreign of [`http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`, 'https://evil.example', 'null']) {
        const refused = await put(foreign);
        expect(refused.status, foreign).toBe(403);
        expect(((await refused.json()) as { error: string }).error).toBe('cross_site_request');
      }
    } finally {
      await other.close();
    }
  });
});
