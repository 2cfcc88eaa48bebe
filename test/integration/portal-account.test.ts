// The portal's account API (/api/v1/me, /api/v1/me/sessions, /api/v1/me/password) through app.inject() on a real
// database: only a signed-in user, only their own sessions (another user's session is neither shown nor ended), and a
// password change that checks the current password (throttled like a sign-in), applies the policy to the new one, and
// ends the user's other sessions.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, PASSWORD, type Call } from '../helpers/admin-api.ts';
import type { MeView, MySessions, PasswordChanged } from '../../server/src/portal/schemas.ts';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
  const group = await api.identity.createGroup('staff');
  await api.identity.addMemberById(group.id, api.user.id);
});

afterAll(async () => app?.close());

async function sessionIsAlive(token: string): Promise<boolean> {
  return (await api.identity.authenticate(token)) !== null;
}

async function eventsOf(type: string): Promise<Array<{ actor: string; target_type: string; target_id: string; target_label: string; data: Record<string, unknown> }>> {
  const { rows } = await app.db.pool.query('SELECT actor, target_type, target_id, target_label, data FROM events e WHERE type = $1 ORDER BY e.id', [type]);
  return rows;
}

describe('who may use the portal', () => {
  const routes: Call[] = [
    { url: '/api/v1/me' },
    { url: '/api/v1/me/sessions' },
    { method: 'DELETE', url: `/api/v1/me/sessions/${randomUUID()}` },
    { method: 'PUT', url: '/api/v1/me/password', payload: { currentPassword: PASSWORD, newPassword: 'another long password' } },
  ];

  it('refuses every route without a session, with an unknown session, and with an API token (the portal is for people)', async () => {
    const bearer = await api.token(['users:read', 'sessions:read', 'sessions:write']);
    for (const route of routes) {
      for (const response of [await api.call(route), await api.call({ ...route, session: 'x'.repeat(43) }), await api.call({ ...route, bearer, headers: { origin: app.url } })]) {
        expect(response.statusCode, route.url).toBe(401);
        expect(Object.keys(response.json()).sort()).toEqual(['error', 'message', 'requestId']);
      }
    }
  });

  it('refuses a change from another site', async () => {
    const other = await api.sessionOf(api.user.id);
    const response = await api.call({ method: 'DELETE', url: `/api/v1/me/sessions/${(await api.identity.authenticate(other))!.session.id}`, session: api.userSession, headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect(await sessionIsAlive(other)).toBe(true);
  });
});

describe('me', () => {
  it('shows a user who they are and their groups, admin or not', async () => {
    const me = await api.call({ url: '/api/v1/me', session: api.userSession });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: { id: api.user.id, username: 'bob', email: 'bob@example.test', displayName: null, isAdmin: false }, groups: ['staff'] } satisfies MeView);
    const admin = (await api.call({ url: '/api/v1/me', session: api.adminSession })).json() as MeView;
    expect(admin.user).toMatchObject({ username: 'ada', isAdmin: true });
  });
});

describe('my sessions', () => {
  it('lists only my own live sessions, marking this browser’s', async () => {
    const laptop = await api.sessionOf(api.user.id, '192.0.2.20');
    const response = await api.call({ url: '/api/v1/me/sessions', session: api.userSession });
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as MySessions;
    const mine = await api.identity.listSessionsOfUser(api.user.id);
    expect(items.map((session) => session.id).sort()).toEqual(mine.map((session) => session.id).sort());
    expect(items.every((session) => session.userId === api.user.id && session.username === 'bob')).toBe(true);
    const current = (await api.identity.authenticate(api.userSession))!.session.id;
    expect(items.filter((session) => session.current).map((session) => session.id)).toEqual([current]);
    expect(items.some((session) => session.lastIp === '192.0.2.20')).toBe(true);
    expect(await sessionIsAlive(laptop)).toBe(true);
  });

  it('ends one of my sessions, records it, and then knows it no more', async () => {
    const phone = await api.sessionOf(api.user.id, '192.0.2.30');
    const phoneId = (await api.identity.authenticate(phone))!.session.id;
    const response = await api.call({ method: 'DELETE', url: `/api/v1/me/sessions/${phoneId}`, session: api.userSession });
    expect(response.statusCode).toBe(204);
    expect(await sessionIsAlive(phone)).toBe(false);
    expect(await sessionIsAlive(api.userSession)).toBe(true);
    expect((await eventsOf('session.revoked')).at(-1)).toEqual({ actor: 'bob', target_type: 'user', target_id: api.user.id, target_label: 'bob', data: { sessionId: phoneId } });
    const again = await api.call({ method: 'DELETE', url: `/api/v1/me/sessions/${phoneId}`, session: api.userSession });
    expect(again.statusCode).toBe(404);
    expect(again.json().error).toBe('session_not_found');
  });

  it('cannot see or end another user’s session: its id answers 404 as an unknown one does, and it stays alive', async () => {
    const adminSessionId = (await api.identity.authenticate(api.adminSession))!.session.id;
    const listed = (await api.call({ url: '/api/v1/me/sessions', session: api.userSession })).json() as MySessions;
    expect(listed.items.map((session) => session.id)).not.toContain(adminSessionId);
    const revokedBefore = (await eventsOf('session.revoked')).length;
    const response = await api.call({ method: 'DELETE', url: `/api/v1/me/sessions/${adminSessionId}`, session: api.userSession });
    const unknown = await api.call({ method: 'DELETE', url: `/api/v1/me/sessions/${randomUUID()}`, session: api.userSession });
    expect(response.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(response.json().error).toBe(unknown.json().error);
    expect(response.json().message).toBe(unknown.json().message);
    expect(await sessionIsAlive(api.adminSession)).toBe(true);
    expect((await eventsOf('session.revoked')).length).toBe(revokedBefore);
  });

  it('signs this browser out when I end its own session', async () => {
    const token = await api.sessionOf(api.user.id);
    const id = (await api.identity.authenticate(token))!.session.id;
    expect((await api.call({ method: 'DELETE', url: `/api/v1/me/sessions/${id}`, session: token })).statusCode).toBe(204);
    expect((await api.call({ url: '/api/v1/me', session: token })).statusCode).toBe(401);
  });

  it('names the field of a session id that is not one', async () => {
    const response = await api.call({ method: 'DELETE', url: '/api/v1/me/sessions/not-an-id', session: api.userSession });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('id');
  });
});

describe('changing my password', () => {
  async function userWithSessions(username: string, sessions: number): Promise<{ id: string; tokens: string[] }> {
    const user = await api.identity.createUser({ username, password: PASSWORD });
    const tokens: string[] = [];
    for (let i = 0; i < sessions; i++) tokens.push(await api.sessionOf(user.id));
    return { id: user.id, tokens };
  }

  function change(session: string, body: object) {
    return api.call({ method: 'PUT', url: '/api/v1/me/password', session, payload: body });
  }

  it('refuses a wrong current password next to currentPassword, and keeps the old password', async () => {
    const dave = await userWithSessions('dave', 1);
    const response = await change(dave.tokens[0]!, { currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'wrong_password', field: 'currentPassword' });
    expect((await api.identity.checkPassword('dave', PASSWORD)).ok).toBe(true);
  });

  it('applies the password policy to the new password, next to newPassword', async () => {
    const erin = await userWithSessions('erin', 1);
    for (const [newPassword, code] of [['short', 'password_too_short'], ['x'.repeat(1025), 'invalid_request']] as const) {
      const response = await change(erin.tokens[0]!, { currentPassword: PASSWORD, newPassword });
      expect(response.statusCode, newPassword).toBe(400);
      expect(response.json(), newPassword).toMatchObject({ error: code, field: 'newPassword' });
    }
    await api.ok({ method: 'PUT', url: '/api/v1/settings/password-policy', payload: { minLength: 8, disallowUsername: true } });
    const sameAsName = await api.identity.createUser({ username: 'longusername', password: PASSWORD });
    const token = await api.sessionOf(sameAsName.id);
    const response = await change(token, { currentPassword: PASSWORD, newPassword: 'LongUsername' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'password_is_username', field: 'newPassword' });
    const missing = await change(token, { currentPassword: PASSWORD });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().field).toBe('newPassword');
  });

  it('sets the new password, ends my other sessions but not this one, and records the change', async () => {
    const frank = await userWithSessions('frank', 3);
    const [here, ...elsewhere] = frank.tokens as [string, ...string[]];
    const response = await change(here, { currentPassword: PASSWORD, newPassword: 'correct horse battery staple' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ otherSessionsRevoked: 2 } satisfies PasswordChanged);
    expect(await sessionIsAlive(here)).toBe(true);
    for (const token of elsewhere) expect(await sessionIsAlive(token)).toBe(false);
    expect((await api.identity.checkPassword('frank', 'correct horse battery staple')).ok).toBe(true);
    expect((await api.identity.checkPassword('frank', PASSWORD)).ok).toBe(false);
    const event = (await eventsOf('user.password_changed')).at(-1)!;
    expect(event).toEqual({ actor: 'frank', target_type: 'user', target_id: frank.id, target_label: 'frank', data: { sessionsRevoked: 2 } });
    expect(JSON.stringify(event)).not.toContain('correct horse');
  });

  it('throttles attempts like sign-ins: after ten, even the right password is refused with 429 and Retry-After', async () => {
    const grace = await userWithSessions('grace', 1);
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await change(grace.tokens[0]!, { currentPassword: `guess ${attempt}`, newPassword: 'a brand new password' });
      expect(response.statusCode, `attempt ${attempt}`).toBe(400);
    }
    const blocked = await change(grace.tokens[0]!, { currentPassword: PASSWORD, newPassword: 'a brand new password' });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().error).toBe('too_many_attempts');
    expect((await api.identity.checkPassword('grace', PASSWORD)).ok).toBe(true);
  });
});
