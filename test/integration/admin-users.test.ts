// The users API (/api/v1/users) through app.inject() on a real database: who may call it, validation next to the
// field, search, filters and keyset paging, every change and the event it writes (never a secret), the rules that
// keep an admin in charge (the last admin, yourself), reset links and a user's sessions.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersAdmin } from '../../server/src/admin/users/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, allPages, expectGuarded, PASSWORD } from '../helpers/admin-api.ts';
import { SEARCH_COUNT_LIMIT, type UserDetail, type UserPage, type UserSummary } from '../../server/src/admin/users/schemas.ts';
import type { SessionPage } from '../../server/src/admin/sessions/schemas.ts';
import { UsersRepo } from '../../server/src/admin/users/repo.ts';

const ZERO_ID = '00000000-0000-4000-8000-000000000000';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

async function createUser(body: Record<string, unknown>): Promise<UserDetail> {
  return api.ok<UserDetail>({ method: 'POST', url: '/api/v1/users', payload: body }, 201);
}

describe('who may use the users API', () => {
  it('refuses every route without a session, to a non-admin, and to a token that lacks the scope, has expired, was revoked or whose admin was demoted, with no data', async () => {
    const id = api.user.id;
    await expectGuarded(api, [
      { url: '/api/v1/users', scope: 'users:read' },
      { url: `/api/v1/users/${id}`, scope: 'users:read' },
      { method: 'POST', url: '/api/v1/users', payload: { username: 'mallory' }, scope: 'users:write' },
      { method: 'PATCH', url: `/api/v1/users/${id}`, payload: { isActive: false }, scope: 'users:write' },
      { method: 'DELETE', url: `/api/v1/users/${id}`, scope: 'users:write' },
      { method: 'PUT', url: `/api/v1/users/${id}/groups`, payload: { groupIds: [] }, scope: 'users:write' },
      { method: 'POST', url: `/api/v1/users/${id}/password-reset`, scope: 'users:write' },
      { url: `/api/v1/users/${id}/sessions`, scope: 'sessions:read' },
      { method: 'DELETE', url: `/api/v1/users/${id}/sessions`, scope: 'sessions:write' },
    ]);
    expect(await api.identity.findUserByUsername('mallory')).toBeNull();
    expect((await api.identity.findUserById(id))?.isActive).toBe(true);
  });

  it('lets a token with the scope in, and records the token as the actor', async () => {
    const bearer = await api.token(['users:read', 'users:write']);
    const list = await api.call({ url: '/api/v1/users?search=bob', bearer });
    expect(list.statusCode).toBe(200);
    expect((list.json() as UserPage).items.map((user) => user.username)).toEqual(['bob']);
    const created = await api.call({ method: 'POST', url: '/api/v1/users', bearer, payload: { username: 'scripted' } });
    expect(created.statusCode, created.body).toBe(201);
    const event = await api.lastEvent('user.created');
    expect(event).toMatchObject({ actor: 'token:test users:read users:write', actor_user_id: null, target_id: (created.json() as UserDetail).id });
  });

  it('never lets a token give admin rights or touch an admin’s account, so a token cannot outgrow its scopes', async () => {
    const bearer = await api.token(['users:read', 'users:write']);
    const refusals = [
      await api.call({ method: 'POST', url: '/api/v1/users', bearer, payload: { username: 'mallory', password: 'a long password 9', isAdmin: true } }),
      await api.call({ method: 'PATCH', url: `/api/v1/users/${api.user.id}`, bearer, payload: { isAdmin: true } }),
      await api.call({ method: 'PATCH', url: `/api/v1/users/${api.admin.id}`, bearer, payload: { email: 'attacker@example.test' } }),
      await api.call({ method: 'POST', url: `/api/v1/users/${api.admin.id}/password-reset`, bearer }),
      await api.call({ method: 'DELETE', url: `/api/v1/users/${api.admin.id}`, bearer }),
    ];
    for (const response of refusals) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json()).toMatchObject({ error: 'needs_signed_in_admin' });
    }
    expect(refusals[0]!.json()).toMatchObject({ field: 'isAdmin' });
    expect(await api.identity.findUserByUsername('mallory')).toBeNull();
    expect(await api.identity.findUserById(api.user.id)).toMatchObject({ isAdmin: false });
    expect(await api.identity.findUserById(api.admin.id)).toMatchObject({ isActive: true, email: api.admin.email });
    // An ordinary user is still the token's to manage.
    const reset = await api.call({ method: 'POST', url: `/api/v1/users/${api.user.id}/password-reset`, bearer });
    expect(reset.statusCode, reset.body).toBe(201);
  });

  it('refuses an admin’s change from another site, and changes nothing', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { origin: '', 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const response = await api.asAdmin({ method: 'POST', url: '/api/v1/users', payload: { username: 'forged' }, headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'cross_site_request' });
    }
    expect(await api.identity.findUserByUsername('forged')).toBeNull();
  });
});

describe('validation', () => {
  it('names the field of each mistake', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{}, 400, 'invalid_request', 'username'],
      [{ username: '' }, 400, 'invalid_request', 'username'],
      [{ username: 'has space' }, 400, 'invalid_username', 'username'],
      [{ username: 'carl', email: 'not-an-address' }, 400, 'invalid_email', 'email'],
      [{ username: 'carl', password: 'short' }, 400, 'password_too_short', 'password'],
      [{ username: 'carl', isAdmin: 'yes' }, 400, 'invalid_request', 'isAdmin'],
      [{ username: 'carl', groupIds: ['not-a-uuid'] }, 400, 'invalid_request', 'groupIds.0'],
      [{ username: 'carl', groupIds: [ZERO_ID] }, 404, 'group_not_found', 'groupIds'],
      [{ username: 'BOB' }, 409, 'username_taken', 'username'],
      [{ username: 'carl', email: 'BOB@example.test' }, 409, 'email_taken', 'email'],
    ];
    for (const [payload, status, error, field] of cases) {
      const response = await api.asAdmin({ method: 'POST', url: '/api/v1/users', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ error, field });
    }
    // None of them left a user behind (the one with a missing group rolled back whole).
    expect(await api.identity.findUserByUsername('carl')).toBeNull();
  });

  it('refuses an empty change, and a malformed id, before touching anything', async () => {
    expect((await api.asAdmin({ method: 'PATCH', url: `/api/v1/users/${api.user.id}`, payload: {} })).statusCode).toBe(400);
    const malformed = await api.asAdmin({ url: '/api/v1/users/not-a-uuid' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'invalid_request', field: 'id' });
    const unknown = await api.asAdmin({ url: `/api/v1/users/${ZERO_ID}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'user_not_found' });
  });
});

describe('the list', () => {
  let everyone: UserSummary[];
  let staffId: string;

  beforeAll(async () => {
    const staff = await api.identity.createGroup('list-staff');
    staffId = staff.id;
    for (let i = 0; i < 23; i++) {
      const user = await api.identity.createUser({
        username: `lister${String(i).padStart(2, '0')}`,
        email: `lister${i}@list.example`,
        displayName: i % 5 === 0 ? `Grace Hopper ${i}` : `Person ${i}`,
        isAdmin: i % 7 === 0,
      });
      if (i % 4 === 0) await api.identity.setActive(user.id, false);
      if (i % 3 === 0) await api.identity.addMember('list-staff', user.username);
    }
    await api.identity.createUser({ username: 'percent', displayName: '100% sure' });
    everyone = (await api.ok<UserPage>({ url: '/api/v1/users?limit=100' })).items;
  });

  it('lists users in username order, regardless of case', () => {
    const names = everyone.map((user) => user.username.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(everyone.length).toBeGreaterThan(25);
  });

  it('walks every user page by page, with no user twice and none left out, and the same total on each page', async () => {
    const { items, pages } = await allPages<UserSummary>(api, '/api/v1/users', 7);
    expect(items.map((user) => user.id)).toEqual(everyone.map((user) => user.id));
    expect(pages).toBe(Math.ceil(everyone.length / 7));
    const first = await api.ok<UserPage>({ url: '/api/v1/users?limit=7' });
    expect(first.total).toBe(everyone.length);
  });

  it('searches a part of the username, email or display name, regardless of case, and counts the matches', async () => {
    // lister01 by their email (lister1@…), the others by their username.
    const byName = await api.ok<UserPage>({ url: '/api/v1/users?search=ISTER1' });
    expect(byName.items.map((user) => user.username)).toEqual(['lister01', 'lister10', 'lister11', 'lister12', 'lister13', 'lister14', 'lister15', 'lister16', 'lister17', 'lister18', 'lister19']);
    expect(byName.total).toBe(11);
    const byEmail = await api.ok<UserPage>({ url: '/api/v1/users?search=lister7%40LIST' });
    expect(byEmail.items.map((user) => user.username)).toEqual(['lister07']);
    const byDisplayName = await api.ok<UserPage>({ url: `/api/v1/users?search=${encodeURIComponent('grace hop')}` });
    expect(byDisplayName.items.map((user) => user.username)).toEqual(['lister00', 'lister05', 'lister10', 'lister15', 'lister20']);
    // LIKE's wildcards are searched for as themselves.
    expect((await api.ok<UserPage>({ url: '/api/v1/users?search=100%25' })).items.map((user) => user.username)).toEqual(['percent']);
    expect((await api.ok<UserPage>({ url: '/api/v1/users?search=_' })).total).toBe(0);
  });

  it('filters by status and by group, and pages a filtered search without gaps', async () => {
    const disabled = await api.ok<UserPage>({ url: '/api/v1/users?status=disabled&limit=100' });
    expect(disabled.items.length).toBeGreaterThan(0);
    expect(disabled.items.every((user) => !user.isActive)).toBe(true);
    expect(disabled.total).toBe(everyone.filter((user) => !user.isActive).length);
    const active = await api.ok<UserPage>({ url: '/api/v1/users?status=active&limit=100' });
    expect(active.total + disabled.total).toBe(everyone.length);
    const admins = await api.ok<UserPage>({ url: '/api/v1/users?status=admin&limit=100' });
    expect(admins.items.map((user) => user.username)).toEqual(everyone.filter((user) => user.isAdmin).map((user) => user.username));
    const staff = await api.ok<UserPage>({ url: `/api/v1/users?groupId=${staffId}&limit=100` });
    expect(staff.items.map((user) => user.username)).toEqual(['lister00', 'lister03', 'lister06', 'lister09', 'lister12', 'lister15', 'lister18', 'lister21']);
    const { items } = await allPages<UserSummary>(api, `/api/v1/users?groupId=${staffId}&status=active&search=lister`, 2);
    expect(items.map((user) => user.username)).toEqual(['lister03', 'lister06', 'lister09', 'lister15', 'lister18', 'lister21']);
  });

  it('refuses a cursor it did not make with 400 invalid_cursor on the cursor field', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('["x","y"]').toString('base64url'), Buffer.from('["DROP TABLE"]').toString('base64url')]) {
      const response = await api.asAdmin({ url: `/api/v1/users?cursor=${cursor}` });
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
    }
  });

  it('searches through the trigram index users_search_trgm (the query repeats its expression exactly)', async () => {
    const client = await app.platform.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plans: string[] = [];
      const explaining = {
        query: async (text: string, values: unknown[]) => {
          plans.push((await client.query(`EXPLAIN ${text}`, values)).rows.map((row) => row['QUERY PLAN']).join('\n'));
          return { rows: [{ matched: 0, id: null }] };
        },
      };
      const repo = new UsersRepo(explaining as never);
      await repo.page({ search: 'grace' }, null, 50);
      expect(plans).toHaveLength(1);
      expect(plans[0]).toContain('users_search_trgm');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('creating a user', () => {
  it('creates a user in groups, answers them with their groups, and records user.created without a secret', async () => {
    const editors = await api.identity.createGroup('editors');
    const user = await createUser({ username: 'dora', email: ' dora@example.test ', displayName: 'Dora', password: 'dora’s long password', groupIds: [editors.id] });
    expect(user).toMatchObject({ username: 'dora', email: 'dora@example.test', displayName: 'Dora', isActive: true, isAdmin: false, emailVerified: false, hasPassword: true, groups: [{ id: editors.id, name: 'editors' }] });
    expect(await api.identity.verifyPassword('dora', 'dora’s long password')).not.toBeNull();
    const event = await api.lastEvent('user.created');
    expect(event).toMatchObject({ actor: 'ada', actor_user_id: api.admin.id, target_type: 'user', target_id: user.id, target_label: 'dora' });
    expect(event!.data).toEqual({ after: { username: 'dora', email: 'dora@example.test', emailVerified: false, displayName: 'Dora', isActive: true, isAdmin: false, hasPassword: true, groups: ['editors'] } });
    const json = JSON.stringify(event);
    expect(json).not.toContain('argon2');
    expect(json).not.toContain('long password');
  });

  it('creates a user without a password, who cannot sign in until they use a reset link', async () => {
    const user = await createUser({ username: 'erin', email: '' });
    expect(user).toMatchObject({ email: null, hasPassword: false, passwordChangedAt: null });
  });

  it('applies the password policy, including not the username', async () => {
    const response = await api.asAdmin({ method: 'POST', url: '/api/v1/users', payload: { username: 'frankfurter', password: 'FrankFurter' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'password_is_username', field: 'password' });
  });
});

describe('changing a user', () => {
  it('changes what is given, answers the user, and records only what changed', async () => {
    const user = await createUser({ username: 'gina', email: 'gina@example.test' });
    const changed = await api.ok<UserDetail>({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { displayName: 'Gina G', emailVerified: true } });
    expect(changed).toMatchObject({ displayName: 'Gina G', emailVerified: true, email: 'gina@example.test' });
    expect((await api.lastEvent('user.updated'))!.data).toEqual({ before: { displayName: null, emailVerified: false }, after: { displayName: 'Gina G', emailVerified: true } });
    // A new address is not verified.
    const moved = await api.ok<UserDetail>({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { email: 'gina@new.example' } });
    expect(moved).toMatchObject({ email: 'gina@new.example', emailVerified: false });
    const cleared = await api.ok<UserDetail>({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { displayName: null, email: null } });
    expect(cleared).toMatchObject({ email: null, displayName: null });
    // Nothing different, nothing recorded.
    const before = await api.eventCount();
    await api.ok({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { displayName: null } });
    expect(await api.eventCount()).toBe(before);
  });

  it('ends a user’s sessions when they are disabled, at once, and says so in the event', async () => {
    const user = await createUser({ username: 'hugo', password: PASSWORD });
    const session = await api.sessionOf(user.id);
    expect(await api.identity.authenticate(session)).not.toBeNull();
    const disabled = await api.ok<UserDetail>({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { isActive: false } });
    expect(disabled.isActive).toBe(false);
    expect(await api.identity.authenticate(session)).toBeNull();
    expect((await api.lastEvent('user.updated'))!.data).toEqual({ before: { isActive: true }, after: { isActive: false }, sessionsRevoked: 1 });
    expect(await api.identity.verifyPassword('hugo', PASSWORD)).toBeNull();
  });

  it('refuses an admin disabling or demoting themselves: they would lock themselves out', async () => {
    for (const [payload, field] of [[{ isActive: false }, 'isActive'], [{ isAdmin: false }, 'isAdmin']] as const) {
      const response = await api.asAdmin({ method: 'PATCH', url: `/api/v1/users/${api.admin.id}`, payload });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'cannot_change_self', field });
    }
    // However the id is spelled (ids are case-insensitive).
    const shouted = await api.asAdmin({ method: 'PATCH', url: `/api/v1/users/${api.admin.id.toUpperCase()}`, payload: { isAdmin: false } });
    expect(shouted.statusCode).toBe(409);
    const deleted = await api.asAdmin({ method: 'DELETE', url: `/api/v1/users/${api.admin.id.toUpperCase()}` });
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json()).toMatchObject({ error: 'cannot_change_self' });
    expect(await api.identity.findUserById(api.admin.id)).toMatchObject({ isActive: true, isAdmin: true });
  });

  it('lets an admin change their own name, and another admin disable them', async () => {
    expect((await api.ok<UserDetail>({ method: 'PATCH', url: `/api/v1/users/${api.admin.id}`, payload: { displayName: 'Ada L' } })).displayName).toBe('Ada L');
    const other = await api.identity.createUser({ username: 'ivy', isAdmin: true });
    const ivySession = await api.sessionOf(other.id);
    const target = await createUser({ username: 'jack', isAdmin: true });
    const response = await api.call({ method: 'PATCH', url: `/api/v1/users/${target.id}`, session: ivySession, payload: { isAdmin: false } });
    expect(response.statusCode, response.body).toBe(200);
    await api.identity.setActive(other.id, false);
  });

  it('refuses to demote, disable or delete the last active admin, from the command line too (tokens never reach an admin)', async () => {
    // Only ada is an active admin from here on in this test.
    const { rows: others } = await app.platform.pool.query<{ id: string }>('UPDATE users SET is_admin = false WHERE is_admin AND is_active AND id <> $1 RETURNING id', [api.admin.id]);
    try {
      const cli = createUsersAdmin({ identity: api.identity, db: app.platform.pool, publicUrl: app.url });
      for (const change of [() => cli.update(api.admin.id, { isAdmin: false }, { actor: 'cli' }), () => cli.update(api.admin.id, { isActive: false }, { actor: 'cli' }), () => cli.remove(api.admin.id, { actor: 'cli' })]) {
        await expect(change()).rejects.toMatchObject({ code: 'last_admin' });
      }
      const bearer = await api.token(['users:write']);
      const response = await api.call({ method: 'PATCH', payload: { isAdmin: false }, url: `/api/v1/users/${api.admin.id}`, bearer });
      expect(response.json()).toMatchObject({ error: 'needs_signed_in_admin' });
      expect(await api.identity.findUserById(api.admin.id)).toMatchObject({ isActive: true, isAdmin: true });
    } finally {
      await app.platform.pool.query('UPDATE users SET is_admin = true WHERE id = ANY($1)', [others.map((row) => row.id)]);
    }
  });

  it('keeps one admin when two demote each other at the same moment: the second waits for the first, then is refused', async () => {
    const { rows: others } = await app.platform.pool.query<{ id: string }>('UPDATE users SET is_admin = false WHERE is_admin AND is_active RETURNING id');
    let finishFirst: (() => void) | undefined;
    try {
      const kim = await api.identity.createUser({ username: 'kim', isAdmin: true });
      const lea = await api.identity.createUser({ username: 'lea', isAdmin: true });
      const firstMayFinish = new Promise<void>((resolve) => (finishFirst = resolve));
      let firstDemoted!: () => void;
      const firstHasDemoted = new Promise<void>((resolve) => (firstDemoted = resolve));
      // Kim demotes Lea, and holds the transaction open until told.
      const first = api.identity.transaction(async (tx) => {
        await tx.updateUser(lea.id, { isAdmin: false });
        firstDemoted();
        await firstMayFinish;
      });
      await firstHasDemoted;
      // Lea (still an admin to anyone outside that transaction) demotes Kim: this waits on the admins lock.
      const second = api.identity.updateUser(kim.id, { isAdmin: false }).then(() => 'demoted', (error: { code?: string }) => error.code);
      await expect.poll(async () => (await app.platform.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0]!.n, { timeout: 10_000 }).toBe(1);
      finishFirst!();
      await first;
      expect(await second).toBe('last_admin');
      const { rows } = await app.platform.pool.query<{ username: string }>('SELECT username FROM users WHERE is_admin AND is_active');
      expect(rows.map((row) => row.username)).toEqual(['kim']);
    } finally {
      finishFirst?.();
      await app.platform.pool.query("UPDATE users SET is_admin = false WHERE username IN ('kim', 'lea')");
      await app.platform.pool.query('UPDATE users SET is_admin = true WHERE id = ANY($1)', [others.map((row) => row.id)]);
    }
  });
});

describe('deleting a user', () => {
  it('deletes the user with their sessions, answers 204, and records user.deleted with how they were', async () => {
    const user = await createUser({ username: 'mona', email: 'mona@example.test', password: PASSWORD });
    const session = await api.sessionOf(user.id);
    const response = await api.asAdmin({ method: 'DELETE', url: `/api/v1/users/${user.id}` });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await api.identity.authenticate(session)).toBeNull();
    expect((await api.asAdmin({ url: `/api/v1/users/${user.id}` })).statusCode).toBe(404);
    const event = await api.lastEvent('user.deleted');
    expect(event).toMatchObject({ target_id: user.id, target_label: 'mona', data: { before: { username: 'mona', email: 'mona@example.test', isActive: true, isAdmin: false } } });
    expect((await api.asAdmin({ method: 'DELETE', url: `/api/v1/users/${user.id}` })).statusCode).toBe(404);
  });
});

describe('a user’s groups', () => {
  it('sets exactly the groups given, and records the names before and after', async () => {
    const [red, blue, green] = await Promise.all(['red', 'blue', 'green'].map((name) => api.identity.createGroup(name)));
    const user = await createUser({ username: 'nina', groupIds: [red!.id, blue!.id] });
    const changed = await api.ok<UserDetail>({ method: 'PUT', url: `/api/v1/users/${user.id}/groups`, payload: { groupIds: [blue!.id, green!.id] } });
    expect(changed.groups.map((group) => group.name)).toEqual(['blue', 'green']);
    expect(await api.lastEvent('user.groups_changed')).toMatchObject({ target_id: user.id, data: { before: ['blue', 'red'], after: ['blue', 'green'] } });
    const before = await api.eventCount();
    await api.ok({ method: 'PUT', url: `/api/v1/users/${user.id}/groups`, payload: { groupIds: [green!.id, blue!.id] } });
    expect(await api.eventCount()).toBe(before);
    const missing = await api.asAdmin({ method: 'PUT', url: `/api/v1/users/${user.id}/groups`, payload: { groupIds: [red!.id, ZERO_ID] } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'group_not_found', field: 'groupIds' });
    expect((await api.ok<UserDetail>({ url: `/api/v1/users/${user.id}` })).groups.map((group) => group.name)).toEqual(['blue', 'green']);
  });
});

describe('password-reset links', () => {
  it('makes a one-time link for 24 hours, keeps only its SHA-256, and records that one exists without the link', async () => {
    const user = await createUser({ username: 'olga' });
    const link = await api.ok<{ url: string; expiresAt: string }>({ method: 'POST', url: `/api/v1/users/${user.id}/password-reset` }, 201);
    const url = new URL(link.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${app.url}/reset`);
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const { rows } = await app.platform.pool.query('SELECT * FROM password_resets WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_sha256).toEqual(createHash('sha256').update(token).digest());
    expect(JSON.stringify(rows)).not.toContain(token);
    const event = await api.lastEvent('user.password_reset_link_created');
    expect(event).toMatchObject({ target_id: user.id, actor: 'ada', data: { expiresAt: link.expiresAt } });
    expect(JSON.stringify(event)).not.toContain(token);
  });

  it('replaces the older link: only the newest one works', async () => {
    const user = await createUser({ username: 'paul' });
    const first = new URL((await api.ok<{ url: string }>({ method: 'POST', url: `/api/v1/users/${user.id}/password-reset` }, 201)).url).searchParams.get('token');
    const second = new URL((await api.ok<{ url: string }>({ method: 'POST', url: `/api/v1/users/${user.id}/password-reset` }, 201)).url).searchParams.get('token');
    expect((await app.app.inject({ url: `/api/flow/reset?token=${first}` })).json()).toEqual({ state: 'invalid_link' });
    expect((await app.app.inject({ url: `/api/flow/reset?token=${second}` })).json()).toMatchObject({ state: 'open', username: 'paul' });
  });

  it('refuses a link for a disabled user, and for no user', async () => {
    const user = await createUser({ username: 'quinn' });
    await api.ok({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { isActive: false } });
    const refused = await api.asAdmin({ method: 'POST', url: `/api/v1/users/${user.id}/password-reset` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'user_is_disabled' });
    expect((await api.asAdmin({ method: 'POST', url: `/api/v1/users/${ZERO_ID}/password-reset` })).statusCode).toBe(404);
  });
});

describe('a user’s sessions', () => {
  it('lists the user’s live sessions, newest activity first, and ends them all with session.revoked_all', async () => {
    const user = await createUser({ username: 'rita', password: PASSWORD });
    const tokens = [await api.sessionOf(user.id, '192.0.2.7'), await api.sessionOf(user.id, '192.0.2.8')];
    const listed = await api.ok<SessionPage>({ url: `/api/v1/users/${user.id}/sessions` });
    expect(listed.items).toHaveLength(2);
    expect(listed.items.every((session) => session.userId === user.id && session.username === 'rita')).toBe(true);
    expect(listed.items.map((session) => session.lastIp).sort()).toEqual(['192.0.2.7', '192.0.2.8']);
    expect(await api.ok({ method: 'DELETE', url: `/api/v1/users/${user.id}/sessions` })).toEqual({ revoked: 2 });
    for (const token of tokens) expect(await api.identity.authenticate(token)).toBeNull();
    expect(await api.lastEvent('session.revoked_all')).toMatchObject({ target_type: 'user', target_id: user.id, target_label: 'rita', data: { revoked: 2 } });
    expect((await api.ok<SessionPage>({ url: `/api/v1/users/${user.id}/sessions` })).items).toEqual([]);
    expect((await api.asAdmin({ url: `/api/v1/users/${ZERO_ID}/sessions` })).statusCode).toBe(404);
  });
});

describe('a search matching very many users', () => {
  it(`counts up to ${SEARCH_COUNT_LIMIT} matches, then says "at least", and still pages in username order without gaps`, async () => {
    await app.platform.pool.query(`INSERT INTO users (username, email) SELECT 'bulk' || i, 'bulk' || i || '@bulk.example' FROM generate_series(1, $1::int + 30) i`, [SEARCH_COUNT_LIMIT]);
    const many = await api.ok<UserPage>({ url: '/api/v1/users?search=bulk.exam&limit=40' });
    expect(many).toMatchObject({ total: SEARCH_COUNT_LIMIT, totalExact: false });
    expect(many.items.map((user) => user.username)).toEqual(many.items.map((user) => user.username).sort());
    const next = await api.ok<UserPage>({ url: `/api/v1/users?search=bulk.exam&limit=40&cursor=${many.nextCursor}` });
    expect(next.items[0]!.username > many.items.at(-1)!.username).toBe(true);
    // A narrower search is counted exactly, and its page is the first matches in username order.
    const fewer = await api.ok<UserPage>({ url: '/api/v1/users?search=bulk1&limit=40' });
    const { rows } = await app.platform.pool.query<{ username: string; total: number }>(
      "SELECT username, count(*) OVER ()::int AS total FROM users WHERE username LIKE 'bulk1%' ORDER BY lower(username) LIMIT 40",
    );
    expect(fewer).toMatchObject({ total: rows[0]!.total, totalExact: true });
    expect(fewer.items.map((user) => user.username)).toEqual(rows.map((row) => row.username));
  });
});
