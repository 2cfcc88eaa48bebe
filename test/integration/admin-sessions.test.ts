// The sessions API (/api/v1/sessions) through app.inject() on a real database: who may call it, every live session
// newest activity first in keyset pages, one user's, and revoking one: refused at once, recorded about its user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, allPages, expectGuarded } from '../helpers/admin-api.ts';
import type { SessionPage, SessionView } from '../../server/src/admin/sessions/schemas.ts';
import { encodeCursor } from '../../server/src/admin/page-cursor.ts';

const ZERO_ID = '00000000-0000-4000-8000-000000000000';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

describe('who may use the sessions API', () => {
  it('refuses every route without a session, to a non-admin, and to a token that lacks the scope, has expired, was revoked or whose admin was demoted, with no data', async () => {
    const victim = await api.sessionOf(api.user.id);
    const [session] = await api.identity.listSessionsOfUser(api.user.id);
    await expectGuarded(api, [
      { url: '/api/v1/sessions', scope: 'sessions:read' },
      { url: `/api/v1/sessions?userId=${api.user.id}`, scope: 'sessions:read' },
      { method: 'DELETE', url: `/api/v1/sessions/${session!.id}`, scope: 'sessions:write' },
    ]);
    expect(await api.identity.authenticate(victim)).not.toBeNull();
  });

  it('lets a token with sessions:read list them, and one with sessions:write revoke one', async () => {
    const list = await api.call({ url: '/api/v1/sessions', bearer: await api.token(['sessions:read']) });
    expect(list.statusCode).toBe(200);
    const token = await api.sessionOf(api.user.id);
    const { session } = (await api.identity.authenticate(token))!;
    const revoked = await api.call({ method: 'DELETE', url: `/api/v1/sessions/${session.id}`, bearer: await api.token(['sessions:write']) });
    expect(revoked.statusCode).toBe(204);
    expect(await api.identity.authenticate(token)).toBeNull();
  });
});

describe('the list', () => {
  let made: string[];

  beforeAll(async () => {
    await app.platform.pool.query('DELETE FROM sessions');
    api.adminSession = await api.sessionOf(api.admin.id);
    made = [];
    for (let i = 0; i < 11; i++) {
      const user = await api.identity.createUser({ username: `s${i}`, displayName: `Session User ${i}` });
      made.push((await api.identity.createSession(user.id, { authMethods: ['pwd'], ip: `198.51.100.${i}`, userAgent: `Agent ${i}` })).session.id);
    }
    // Some used a while ago, two at the very same instant (the id breaks the tie).
    await app.platform.pool.query(`UPDATE sessions SET last_seen_at = now() - make_interval(mins => 5) WHERE id = ANY($1)`, [made.slice(0, 4)]);
    await app.platform.pool.query(`UPDATE sessions SET last_seen_at = '2026-01-01T00:00:00.123456Z' WHERE id = ANY($1)`, [made.slice(4, 6)]);
    // Ended sessions are not listed.
    await app.platform.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second', idle_expires_at = now() - interval '1 second', created_at = now() - interval '1 day' WHERE id = $1`, [made[10]]);
  });

  it('lists the live sessions most recently used first, with their user and where they come from', async () => {
    const page = await api.ok<SessionPage>({ url: '/api/v1/sessions?limit=100' });
    expect(page.items).toHaveLength(11); // ten made here and the admin's own
    expect(page.items.map((session) => session.id)).not.toContain(made[10]);
    // Newest activity first. (Ties are broken by id at the database's microseconds; the answer shows milliseconds, so
    // equal times here may still be ordered by the microseconds behind them: the paging test checks the tie-break.)
    const times = page.items.map((session) => Date.parse(session.lastSeenAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const one = page.items.find((session) => session.id === made[7])!;
    expect(one).toMatchObject({ username: 's7', displayName: 'Session User 7', lastIp: '198.51.100.7', userAgent: 'Agent 7', authMethods: ['pwd'] });
    expect(Date.parse(one.idleExpiresAt)).toBeLessThanOrEqual(Date.parse(one.expiresAt));
  });

  it('walks every live session page by page, with none twice and none left out, even among equal times', async () => {
    const everything = (await api.ok<SessionPage>({ url: '/api/v1/sessions?limit=100' })).items;
    for (const limit of [1, 2, 3, 5]) {
      const { items } = await allPages<SessionView>(api, '/api/v1/sessions', limit);
      expect(items.map((session) => session.id), `pages of ${limit}`).toEqual(everything.map((session) => session.id));
    }
  });

  it('lists one user’s sessions', async () => {
    const user = await api.identity.findUserByUsername('s3');
    const page = await api.ok<SessionPage>({ url: `/api/v1/sessions?userId=${user!.id}` });
    expect(page.items.map((session) => session.id)).toEqual([made[3]]);
    expect(page.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not make with 400 invalid_cursor on the cursor field', async () => {
    for (const cursor of ['garbage', encodeCursor(['2026-01-01', ZERO_ID]), encodeCursor(['2026-01-01T00:00:00.000000Z', 'x']), encodeCursor(['2026-02-30T25:61:00.000000Z', ZERO_ID]), encodeCursor(['0000-01-01T00:00:00.000000Z', ZERO_ID])]) {
      const response = await api.asAdmin({ url: `/api/v1/sessions?cursor=${cursor}` });
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
    }
  });
});

describe('revoking a session', () => {
  it('ends it at once, answers 204, and records session.revoked about its user', async () => {
    const user = await api.identity.createUser({ username: 'tom' });
    const token = await api.sessionOf(user.id);
    const other = await api.sessionOf(user.id);
    const { session } = (await api.identity.authenticate(token))!;
    const response = await api.asAdmin({ method: 'DELETE', url: `/api/v1/sessions/${session.id}` });
    expect(response.statusCode).toBe(204);
    expect(await api.identity.authenticate(token)).toBeNull();
    expect(await api.identity.authenticate(other)).not.toBeNull();
    const event = await api.lastEvent('session.revoked');
    expect(event).toMatchObject({ actor: 'ada', actor_user_id: api.admin.id, target_type: 'user', target_id: user.id, target_label: 'tom', data: { sessionId: session.id } });
    expect(JSON.stringify(event)).not.toContain(token);
  });

  it('answers 404 session_not_found for a session that ended already', async () => {
    const response = await api.asAdmin({ method: 'DELETE', url: `/api/v1/sessions/${ZERO_ID}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'session_not_found' });
  });

  it('ends only a given user’s session when asked to (as the portal does), and says whose a session was', async () => {
    const uma = await api.identity.createUser({ username: 'uma' });
    const { session } = (await api.identity.authenticate(await api.sessionOf(uma.id)))!;
    expect(await api.identity.endSession(session.id, { ofUser: api.user.id })).toBeNull();
    expect(await api.identity.endSession(session.id, { ofUser: uma.id })).toEqual({ sessionId: session.id, userId: uma.id, username: 'uma' });
    expect(await api.identity.endSession(session.id)).toBeNull();
  });

  it('lets an admin end their own session: the next request is signed out', async () => {
    const mine = await api.sessionOf(api.admin.id);
    const { session } = (await api.identity.authenticate(mine))!;
    expect((await api.call({ method: 'DELETE', url: `/api/v1/sessions/${session.id}`, session: mine })).statusCode).toBe(204);
    expect((await api.call({ url: '/api/v1/sessions', session: mine })).statusCode).toBe(401);
  });
});
