// Sessions: hashed tokens, one query per authenticated request, expiry and revocation seen at once by every
// instance, cleanup, and the session cookie.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createIdentityService, type IdentityService, type UserRecord } from '../../server/src/identity/service.ts';
import { createArgon2idHasher } from '../../server/src/identity/passwords.ts';
import { SESSION_ABSOLUTE_LIFETIME_SECONDS, SESSION_IDLE_LIFETIME_SECONDS } from '../../server/src/identity/sessions.ts';
import { cleanupTargets, runCleanup } from '../../server/src/platform/cleanup.ts';

/**
 * A pool that records every statement sent on any of its connections. Each connection's query() is wrapped as
 * the pool opens it, so a statement counts whether it goes through pool.query() or a checked-out client
 * (a transaction would show up as BEGIN, …, COMMIT).
 */
function countingPool(config: pg.ClientConfig): { pool: pg.Pool; statements: string[] } {
  const pool = new pg.Pool({ ...config, max: 2 });
  const statements: string[] = [];
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      statements.push(typeof first === 'string' ? first : first.text);
      return query(...args);
    }) as typeof client.query;
  });
  return { pool, statements };
}

const cheapHasher = createArgon2idHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

// Two instances of the whole application on one database, as behind a load balancer.
let first: TestApp;
let second: TestApp;
let identityA: IdentityService;
let identityB: IdentityService;
let alice: UserRecord;
beforeAll(async () => {
  first = await createTestApp();
  second = await createTestApp({ db: first.db });
  identityA = first.service<IdentityService>('identity');
  identityB = second.service<IdentityService>('identity');
  alice = await identityA.createUser({ username: 'alice', email: 'alice@example.org', displayName: 'Alice' });
  await identityA.createGroup('staff');
  await identityA.createGroup('admins');
  await identityA.addMember('staff', 'alice');
  await identityA.addMember('admins', 'alice');
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

async function sql<Row extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Row[]> {
  return (await first.db.pool.query<Row>(text, params)).rows;
}

describe('createSession', () => {
  it('answers the new session with its user and groups, as authenticate does for its token', async () => {
    const { token, ...created } = await identityA.createSession(alice.id, { authMethods: ['pwd'], ip: '192.0.2.11', userAgent: 'Firefox' });
    expect(created.user).toMatchObject({ id: alice.id, username: 'alice', isActive: true });
    expect(created.groups).toEqual(['admins', 'staff']);
    expect(await identityA.authenticate(token)).toEqual(created);
  });

  it('returns a random token and stores only its SHA-256', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'], ip: '192.0.2.10', userAgent: 'Firefox' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await sql<Record<string, unknown>>('SELECT * FROM sessions WHERE id = $1', [session.id]);
    expect(row!.token_hash).toEqual(createHash('sha256').update(token).digest());
    // No column holds the token itself, in any form the row can be printed in.
    expect(JSON.stringify(row)).not.toContain(token);
    expect(Buffer.from(JSON.stringify(row)).toString('base64url')).not.toContain(token);
  });

  it('sets both expiries from the database clock and records how and from where the user logged in', async () => {
    const authTime = new Date(Date.now() - 5_000);
    const { session } = await identityA.createSession(alice.id, { authMethods: ['pwd', 'otp'], authTime, ip: '2001:db8::1', userAgent: 'Safari' });
    const [clock] = await sql<{ now: Date }>('SELECT now()');
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(SESSION_ABSOLUTE_LIFETIME_SECONDS * 1000);
    expect(session.idleExpiresAt.getTime() - session.createdAt.getTime()).toBe(SESSION_IDLE_LIFETIME_SECONDS * 1000);
    expect(Math.abs(session.createdAt.getTime() - clock!.now.getTime())).toBeLessThan(60_000);
    expect(session).toMatchObject({ userId: alice.id, authMethods: ['pwd', 'otp'], authTime, lastIp: '2001:db8::1', userAgent: 'Safari' });
  });

  it('refuses a disabled user and an unknown one', async () => {
    const bob = await identityA.createUser({ username: 'bob' });
    await identityA.setActive(bob.id, false);
    await expect(identityA.createSession(bob.id, { authMethods: ['pwd'] })).rejects.toMatchObject({ code: 'user_disabled' });
    await expect(identityA.createSession('00000000-0000-4000-8000-000000000000', { authMethods: ['pwd'] })).rejects.toMatchObject({ code: 'user_not_found' });
  });
});

describe('authenticate', () => {
  it('returns the session, its user and their groups', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    const found = await identityB.authenticate(token);
    expect(found).toEqual({ session, user: alice, groups: ['admins', 'staff'] });
  });

  it('costs exactly one SQL statement, also when it slides the idle expiry', async () => {
    const { pool, statements } = countingPool(first.db.config);
    try {
      const counted = createIdentityService({ pool, publicUrl: first.url, hasher: cheapHasher });
      const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });

      statements.length = 0;
      const fresh = await counted.authenticate(token, { ip: '192.0.2.1', userAgent: 'Firefox' });
      expect(fresh?.groups).toEqual(['admins', 'staff']);
      expect(statements).toHaveLength(1);

      // Last used two minutes ago: this request also moves the idle expiry.
      await sql(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes', idle_expires_at = now() + interval '1 hour' WHERE id = $1`, [session.id]);
      statements.length = 0;
      const slid = await counted.authenticate(token, { ip: '192.0.2.1', userAgent: 'Firefox' });
      expect(slid!.session.idleExpiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
      expect(statements).toHaveLength(1);

      // A token that cannot be ours costs nothing.
      statements.length = 0;
      expect(await counted.authenticate('not a token')).toBeNull();
      expect(statements).toHaveLength(0);
    } finally {
      await pool.end();
    }
  });

  it('slides the idle expiry and records the address and user agent at most once a minute', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'], ip: '192.0.2.1', userAgent: 'Firefox' });
    const version = async () => (await sql<{ xmin: string }>('SELECT xmin::text FROM sessions WHERE id = $1', [session.id]))[0]!.xmin;
    const before = await version();
    // Used again within the minute: the row is not written.
    expect((await identityB.authenticate(token, { ip: '198.51.100.7', userAgent: 'Chrome' }))?.session).toMatchObject({ lastIp: '192.0.2.1', userAgent: 'Firefox' });
    expect(await version()).toBe(before);

    await sql(`UPDATE sessions SET last_seen_at = now() - interval '61 seconds', idle_expires_at = now() + interval '10 minutes' WHERE id = $1`, [session.id]);
    const slid = await identityB.authenticate(token, { ip: '198.51.100.7', userAgent: 'Chrome' });
    expect(slid!.session).toMatchObject({ lastIp: '198.51.100.7', userAgent: 'Chrome' });
    expect(slid!.session.idleExpiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const [row] = await sql<{ idle_expires_at: Date; last_ip: string }>('SELECT idle_expires_at, host(last_ip) AS last_ip FROM sessions WHERE id = $1', [session.id]);
    expect(row).toEqual({ idle_expires_at: slid!.session.idleExpiresAt, last_ip: '198.51.100.7' });
  });

  it('looks a session up without sliding it when asked (a check that is not a use)', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '10 minutes', idle_expires_at = now() + interval '5 minutes' WHERE id = $1`, [session.id]);
    const [before] = await sql<{ idle_expires_at: Date; last_seen_at: Date }>('SELECT idle_expires_at, last_seen_at FROM sessions WHERE id = $1', [session.id]);
    expect(await identityB.authenticate(token, { slide: false })).not.toBeNull();
    const [after] = await sql<{ idle_expires_at: Date; last_seen_at: Date }>('SELECT idle_expires_at, last_seen_at FROM sessions WHERE id = $1', [session.id]);
    expect(after).toEqual(before);
    // A use slides it.
    await identityB.authenticate(token);
    const [used] = await sql<{ idle_expires_at: Date }>('SELECT idle_expires_at FROM sessions WHERE id = $1', [session.id]);
    expect(used!.idle_expires_at.getTime()).toBeGreaterThan(before!.idle_expires_at.getTime());
  });

  it('never slides the idle expiry past the absolute one', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    await sql(
      `UPDATE sessions SET last_seen_at = now() - interval '2 minutes', idle_expires_at = now() + interval '10 seconds', expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [session.id],
    );
    const found = await identityA.authenticate(token);
    expect(found!.session.idleExpiresAt).toEqual(found!.session.expiresAt);
  });

  it('refuses a session past its absolute expiry, on every instance, at once', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    expect(await identityB.authenticate(token)).not.toBeNull();
    await sql(`UPDATE sessions SET idle_expires_at = now() - interval '1 second', expires_at = now() - interval '1 second' WHERE id = $1`, [session.id]);
    expect(await identityA.authenticate(token)).toBeNull();
    expect(await identityB.authenticate(token)).toBeNull();
  });

  it('refuses a session left idle past its idle expiry, on every instance, at once', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    expect(await identityB.authenticate(token)).not.toBeNull();
    await sql(`UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1`, [session.id]);
    expect(await identityA.authenticate(token)).toBeNull();
    expect(await identityB.authenticate(token)).toBeNull();
  });

  it('refuses a revoked session on every instance at once', async () => {
    const { token, session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    expect(await identityB.authenticate(token)).not.toBeNull();
    expect(await identityA.revokeSession(session.id)).toBe(true);
    expect(await identityB.authenticate(token)).toBeNull();
    expect(await identityA.authenticate(token)).toBeNull();
    expect(await identityA.revokeSession(session.id)).toBe(false);
  });

  it('refuses the session of a user made inactive behind its back', async () => {
    const carol = await identityA.createUser({ username: 'carol' });
    const { token } = await identityA.createSession(carol.id, { authMethods: ['pwd'] });
    await sql('UPDATE users SET is_active = false WHERE id = $1', [carol.id]);
    expect(await identityB.authenticate(token)).toBeNull();
  });

  it('refuses an unknown or malformed token', async () => {
    expect(await identityA.authenticate('A'.repeat(43))).toBeNull();
    expect(await identityA.authenticate('')).toBeNull();
    expect(await identityA.authenticate("' OR 1=1 --")).toBeNull();
  });
});

describe('revoking', () => {
  it('disabling a user ends all their sessions on every instance, and enabling them does not bring those back', async () => {
    const dave = await identityA.createUser({ username: 'dave' });
    const tokens = await Promise.all([1, 2, 3].map(async () => (await identityA.createSession(dave.id, { authMethods: ['pwd'] })).token));
    for (const token of tokens) expect(await identityB.authenticate(token)).not.toBeNull();
    await identityA.setActive(dave.id, false);
    for (const token of tokens) expect(await identityB.authenticate(token)).toBeNull();
    expect(await sql('SELECT 1 FROM sessions WHERE user_id = $1', [dave.id])).toHaveLength(0);
    await identityA.setActive(dave.id, true);
    for (const token of tokens) expect(await identityB.authenticate(token)).toBeNull();
  });

  it('revokes all of one user’s sessions and no one else’s', async () => {
    const erin = await identityA.createUser({ username: 'erin' });
    const frank = await identityA.createUser({ username: 'frank' });
    await identityA.createSession(erin.id, { authMethods: ['pwd'] });
    await identityA.createSession(erin.id, { authMethods: ['pwd'] });
    const kept = await identityA.createSession(frank.id, { authMethods: ['pwd'] });
    expect(await identityB.revokeSessionsOfUser(erin.id)).toBe(2);
    expect(await identityA.listSessionsOfUser(erin.id)).toEqual([]);
    expect(await identityA.authenticate(kept.token)).not.toBeNull();
  });

  it('lists a user’s live sessions, most recently used first', async () => {
    const gina = await identityA.createUser({ username: 'gina' });
    const older = await identityA.createSession(gina.id, { authMethods: ['pwd'] });
    const newer = await identityA.createSession(gina.id, { authMethods: ['pwd'] });
    const expired = await identityA.createSession(gina.id, { authMethods: ['pwd'] });
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '1 hour' WHERE id = $1`, [older.session.id]);
    await sql(`UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1`, [expired.session.id]);
    expect((await identityA.listSessionsOfUser(gina.id)).map((session) => session.id)).toEqual([newer.session.id, older.session.id]);
  });
});

describe('cleanup', () => {
  it('deletes sessions past either expiry and keeps the live ones', async () => {
    const hank = await identityA.createUser({ username: 'hank' });
    const live = await identityA.createSession(hank.id, { authMethods: ['pwd'] });
    const idle = await identityA.createSession(hank.id, { authMethods: ['pwd'] });
    const over = await identityA.createSession(hank.id, { authMethods: ['pwd'] });
    await sql(`UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1`, [idle.session.id]);
    await sql(`UPDATE sessions SET idle_expires_at = now() - interval '1 second', expires_at = now() - interval '1 second' WHERE id = $1`, [over.session.id]);
    const target = cleanupTargets().find((candidate) => candidate.name === 'sessions');
    expect(target).toBeDefined();
    await runCleanup(first.db.pool, { maxMs: 5_000, targets: [target!] });
    expect((await sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [hank.id])).map((row) => row.id)).toEqual([live.session.id]);
  });

  it('cannot be handed a session whose idle expiry is past its absolute one', async () => {
    const { session } = await identityA.createSession(alice.id, { authMethods: ['pwd'] });
    await expect(sql(`UPDATE sessions SET idle_expires_at = expires_at + interval '1 second' WHERE id = $1`, [session.id])).rejects.toMatchObject({ code: '23514' });
  });
});

describe('the session cookie', () => {
  /** A tiny app with login, whoami and logout routes on the session cookie helpers. */
  async function cookieApp(identity: IdentityService) {
    const app = Fastify();
    app.post('/login', async (_request, reply) => {
      const { token } = await identity.createSession(alice.id, { authMethods: ['pwd'] });
      identity.sessionCookie.setSessionCookie(reply, token);
      return { ok: true };
    });
    app.get('/me', async (request) => {
      // Asked twice: the second answer comes from the first lookup.
      const once = await identity.sessionCookie.currentSession(request);
      const twice = await identity.sessionCookie.currentSession(request);
      return { username: once?.user.username ?? null, same: once === twice };
    });
    app.post('/logout', async (request, reply) => {
      const current = await identity.sessionCookie.currentSession(request);
      if (current) await identity.revokeSession(current.session.id);
      identity.sessionCookie.clearSessionCookie(reply);
      return { ok: true };
    });
    await app.ready();
    return app;
  }

  it('on http is gatehouse_session, HttpOnly, SameSite=Lax, Path=/, lasting the absolute lifetime, without Secure', async () => {
    const app = await cookieApp(identityA);
    const login = await app.inject({ method: 'POST', url: '/login' });
    const setCookie = login.headers['set-cookie'] as string;
    expect(setCookie).toMatch(new RegExp(`^gatehouse_session=[A-Za-z0-9_-]{43}; Max-Age=${SESSION_ABSOLUTE_LIFETIME_SECONDS}; Path=/; HttpOnly; SameSite=Lax$`));
    await app.close();
  });

  it('on https is __Host-gatehouse_session and Secure', async () => {
    const { pool } = countingPool(first.db.config);
    const app = await cookieApp(createIdentityService({ pool, publicUrl: 'https://id.example.org', hasher: cheapHasher }));
    const login = await app.inject({ method: 'POST', url: '/login' });
    expect(login.headers['set-cookie']).toMatch(/^__Host-gatehouse_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    await app.close();
    await pool.end();
  });

  it('finds the session of a request once per request, and logs out by revoking it and clearing the cookie', async () => {
    const { pool, statements } = countingPool(first.db.config);
    const identity = createIdentityService({ pool, publicUrl: first.url, hasher: cheapHasher });
    const app = await cookieApp(identity);
    const cookie = (await app.inject({ method: 'POST', url: '/login' })).headers['set-cookie']!.toString().split(';')[0]!;

    statements.length = 0;
    const me = await app.inject({ method: 'GET', url: '/me', headers: { cookie: `theme=dark; ${cookie}` } });
    expect(me.json()).toEqual({ username: 'alice', same: true });
    expect(statements).toHaveLength(1);

    const logout = await app.inject({ method: 'POST', url: '/logout', headers: { cookie } });
    expect(logout.headers['set-cookie']).toBe('gatehouse_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
    expect((await app.inject({ method: 'GET', url: '/me', headers: { cookie } })).json()).toEqual({ username: null, same: true });
    // Another instance refuses the old cookie too.
    expect(await identityB.authenticate(cookie.split('=')[1]!)).toBeNull();
    await app.close();
    await pool.end();
  });

  it('after a login, answers the new session as the request’s current one without asking the database', async () => {
    const { pool, statements } = countingPool(first.db.config);
    const identity = createIdentityService({ pool, publicUrl: first.url, hasher: cheapHasher });
    const app = Fastify();
    app.post('/switch', async (request, reply) => {
      const before = await identity.sessionCookie.currentSession(request);
      const { token, ...created } = await identity.createSession(alice.id, { authMethods: ['pwd'] });
      identity.sessionCookie.setSessionCookie(reply, token, created);
      statements.length = 0;
      const after = await identity.sessionCookie.currentSession(request);
      return { before: before?.session.id ?? null, after: after?.session.id, created: created.session.id, queries: statements.length };
    });
    await app.ready();
    const answer = (await app.inject({ method: 'POST', url: '/switch' })).json<{ before: string | null; after: string; created: string; queries: number }>();
    expect(answer).toEqual({ before: null, after: answer.created, created: answer.created, queries: 0 });
    await app.close();
    await pool.end();
  });

  it('finds no session without a cookie, and without asking the database', async () => {
    const { pool, statements } = countingPool(first.db.config);
    const app = await cookieApp(createIdentityService({ pool, publicUrl: first.url, hasher: cheapHasher }));
    statements.length = 0;
    expect((await app.inject({ method: 'GET', url: '/me', headers: { cookie: 'gatehouse_session=forged' } })).json()).toEqual({ username: null, same: true });
    expect((await app.inject({ method: 'GET', url: '/me' })).json()).toEqual({ username: null, same: true });
    expect(statements).toHaveLength(0);
    await app.close();
    await pool.end();
  });
});
