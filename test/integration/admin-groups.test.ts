// The groups API (/api/v1/groups) through app.inject() on a real database: who may call it, validation next to the
// field, search and keyset paging with member counts, every change and its event, and members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, allPages, expectGuarded } from '../helpers/admin-api.ts';
import type { GroupPage, GroupView } from '../../server/src/admin/groups/schemas.ts';
import type { UserPage, UserSummary } from '../../server/src/admin/users/schemas.ts';

const ZERO_ID = '00000000-0000-4000-8000-000000000000';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

async function createGroup(body: Record<string, unknown>): Promise<GroupView> {
  return api.ok<GroupView>({ method: 'POST', url: '/api/v1/groups', payload: body }, 201);
}

describe('who may use the groups API', () => {
  it('refuses every route without a session, to a non-admin, and to a token that lacks the scope, has expired, was revoked or whose admin was demoted, with no data', async () => {
    const group = await api.identity.createGroup('guarded');
    const id = group.id;
    await expectGuarded(api, [
      { url: '/api/v1/groups', scope: 'groups:read' },
      { url: `/api/v1/groups/${id}`, scope: 'groups:read' },
      { url: `/api/v1/groups/${id}/members`, scope: 'groups:read' },
      { method: 'POST', url: '/api/v1/groups', payload: { name: 'forged' }, scope: 'groups:write' },
      { method: 'PATCH', url: `/api/v1/groups/${id}`, payload: { name: 'renamed' }, scope: 'groups:write' },
      { method: 'DELETE', url: `/api/v1/groups/${id}`, scope: 'groups:write' },
      { method: 'PUT', url: `/api/v1/groups/${id}/members/${api.user.id}`, scope: 'groups:write' },
      { method: 'DELETE', url: `/api/v1/groups/${id}/members/${api.user.id}`, scope: 'groups:write' },
    ]);
    expect(await api.identity.findGroupById(id)).toMatchObject({ name: 'guarded' });
    expect(await api.identity.groupsOf(api.user.id)).toEqual([]);
  });

  it('lets a token with groups:write change groups, recorded as the token', async () => {
    const bearer = await api.token(['groups:write']);
    const response = await api.call({ method: 'POST', url: '/api/v1/groups', bearer, payload: { name: 'made-by-script' } });
    expect(response.statusCode, response.body).toBe(201);
    expect(await api.lastEvent('group.created')).toMatchObject({ actor: 'token:test groups:write', target_label: 'made-by-script' });
  });

  it('refuses an admin’s change from another site', async () => {
    const response = await api.asAdmin({ method: 'POST', url: '/api/v1/groups', payload: { name: 'cross' }, headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'cross_site_request' });
  });
});

describe('validation', () => {
  it('names the field of each mistake', async () => {
    await createGroup({ name: 'Taken' });
    const cases: Array<[string, string, Record<string, unknown>, number, string, string]> = [
      ['POST', '/api/v1/groups', {}, 400, 'invalid_request', 'name'],
      ['POST', '/api/v1/groups', { name: '-starts-with-a-dash' }, 400, 'invalid_group_name', 'name'],
      ['POST', '/api/v1/groups', { name: 'ok', description: 'x'.repeat(501) }, 400, 'invalid_request', 'description'],
      ['POST', '/api/v1/groups', { name: 'taken' }, 409, 'group_taken', 'name'],
    ];
    for (const [method, url, payload, status, error, field] of cases) {
      const response = await api.asAdmin({ method: method as 'POST', url, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ error, field });
    }
    const other = await createGroup({ name: 'Other' });
    const rename = await api.asAdmin({ method: 'PATCH', url: `/api/v1/groups/${other.id}`, payload: { name: 'TAKEN' } });
    expect(rename.statusCode).toBe(409);
    expect(rename.json()).toMatchObject({ error: 'group_taken', field: 'name' });
    expect((await api.asAdmin({ method: 'PATCH', url: `/api/v1/groups/${other.id}`, payload: {} })).statusCode).toBe(400);
    expect((await api.asAdmin({ url: `/api/v1/groups/${ZERO_ID}` })).json()).toMatchObject({ error: 'group_not_found' });
  });
});

describe('the list', () => {
  beforeAll(async () => {
    for (let i = 0; i < 17; i++) await api.identity.createGroup(`team-${String(i).padStart(2, '0')}`, i % 2 === 0 ? 'even team' : undefined);
    for (const username of ['m1', 'm2', 'm3']) {
      await api.identity.createUser({ username });
      await api.identity.addMember('team-03', username);
    }
  });

  it('lists groups in name order with member counts, and pages them with no group twice and none left out', async () => {
    const everything = await api.ok<GroupPage>({ url: '/api/v1/groups?limit=100' });
    const names = everything.items.map((group) => group.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(everything.total).toBe(everything.items.length);
    expect(everything.items.find((group) => group.name === 'team-03')).toMatchObject({ memberCount: 3, description: null });
    expect(everything.items.find((group) => group.name === 'team-04')).toMatchObject({ memberCount: 0, description: 'even team' });
    const { items } = await allPages<GroupView>(api, '/api/v1/groups', 4);
    expect(items.map((group) => group.id)).toEqual(everything.items.map((group) => group.id));
  });

  it('searches a part of the name regardless of case, with the total of matches, across pages', async () => {
    const page = await api.ok<GroupPage>({ url: '/api/v1/groups?search=TEAM-1&limit=3' });
    expect(page.total).toBe(7);
    expect(page.items.map((group) => group.name)).toEqual(['team-10', 'team-11', 'team-12']);
    const { items } = await allPages<GroupView>(api, '/api/v1/groups?search=team-1', 3);
    expect(items.map((group) => group.name)).toEqual(['team-10', 'team-11', 'team-12', 'team-13', 'team-14', 'team-15', 'team-16']);
    expect((await api.asAdmin({ url: '/api/v1/groups?cursor=bm9wZQ' })).json()).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
  });
});

describe('changes', () => {
  it('creates, renames and deletes a group, each recorded with before and after', async () => {
    const group = await createGroup({ name: 'ops', description: 'Operations' });
    expect(group).toMatchObject({ name: 'ops', description: 'Operations', memberCount: 0 });
    expect(await api.lastEvent('group.created')).toMatchObject({ actor: 'ada', target_type: 'group', target_id: group.id, target_label: 'ops', data: { after: { name: 'ops', description: 'Operations' } } });

    const renamed = await api.ok<GroupView>({ method: 'PATCH', url: `/api/v1/groups/${group.id}`, payload: { name: 'operations', description: '' } });
    expect(renamed).toMatchObject({ name: 'operations', description: null });
    expect((await api.lastEvent('group.updated'))!.data).toEqual({ before: { name: 'ops', description: 'Operations' }, after: { name: 'operations', description: null } });
    expect(await api.ok<GroupView>({ url: `/api/v1/groups/${group.id}` })).toEqual(renamed);

    const deleted = await api.asAdmin({ method: 'DELETE', url: `/api/v1/groups/${group.id}` });
    expect(deleted.statusCode).toBe(204);
    expect(await api.lastEvent('group.deleted')).toMatchObject({ target_id: group.id, target_label: 'operations', data: { before: { name: 'operations', description: null } } });
    expect((await api.asAdmin({ method: 'DELETE', url: `/api/v1/groups/${group.id}` })).statusCode).toBe(404);
  });

  it('adds and removes members, records only real changes, and lists the members as users', async () => {
    const group = await createGroup({ name: 'crew' });
    const zed = await api.identity.createUser({ username: 'zed' });
    const amy = await api.identity.createUser({ username: 'amy' });
    for (const user of [zed, amy]) expect((await api.asAdmin({ method: 'PUT', url: `/api/v1/groups/${group.id}/members/${user.id}` })).statusCode).toBe(204);
    const before = await api.eventCount();
    expect((await api.asAdmin({ method: 'PUT', url: `/api/v1/groups/${group.id}/members/${zed.id}` })).statusCode).toBe(204);
    expect(await api.eventCount()).toBe(before);
    expect(await api.lastEvent('group.member_added')).toMatchObject({ target_type: 'group', target_id: group.id, target_label: 'crew', data: { userId: amy.id, username: 'amy' } });

    const members = await api.ok<UserPage>({ url: `/api/v1/groups/${group.id}/members` });
    expect(members.items.map((user) => user.username)).toEqual(['amy', 'zed']);
    expect(members.total).toBe(2);
    expect((await api.ok<GroupView>({ url: `/api/v1/groups/${group.id}` })).memberCount).toBe(2);
    const { items } = await allPages<UserSummary>(api, `/api/v1/groups/${group.id}/members`, 1);
    expect(items.map((user) => user.username)).toEqual(['amy', 'zed']);
    expect((await api.ok<UserPage>({ url: `/api/v1/groups/${group.id}/members?search=ze` })).items.map((user) => user.username)).toEqual(['zed']);

    expect((await api.asAdmin({ method: 'DELETE', url: `/api/v1/groups/${group.id}/members/${zed.id}` })).statusCode).toBe(204);
    expect(await api.lastEvent('group.member_removed')).toMatchObject({ target_id: group.id, data: { userId: zed.id, username: 'zed' } });
    expect(await api.identity.groupsOf(zed.id)).toEqual([]);

    const unknownUser = await api.asAdmin({ method: 'PUT', url: `/api/v1/groups/${group.id}/members/${ZERO_ID}` });
    expect(unknownUser.statusCode).toBe(404);
    expect(unknownUser.json()).toMatchObject({ error: 'user_not_found' });
    expect((await api.asAdmin({ method: 'PUT', url: `/api/v1/groups/${ZERO_ID}/members/${zed.id}` })).json()).toMatchObject({ error: 'group_not_found' });
    expect((await api.asAdmin({ url: `/api/v1/groups/${ZERO_ID}/members` })).statusCode).toBe(404);
  });

  it('keeps the members when their group is deleted', async () => {
    const group = await createGroup({ name: 'short-lived' });
    const user = await api.identity.createUser({ username: 'survivor' });
    await api.ok({ method: 'PUT', url: `/api/v1/groups/${group.id}/members/${user.id}` }, 204);
    await api.ok({ method: 'DELETE', url: `/api/v1/groups/${group.id}` }, 204);
    expect(await api.identity.findUserById(user.id)).not.toBeNull();
    expect(await api.identity.groupsOf(user.id)).toEqual([]);
  });
});
