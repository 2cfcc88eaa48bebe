// Users, groups and claims of the identity service, on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createIdentityService, type IdentityService } from '../../server/src/identity/service.ts';
import { createArgon2idHasher } from '../../server/src/identity/passwords.ts';
import { IDENTITY_ERRORS, IdentityError } from '../../server/src/identity/errors.ts';

let db: TestDatabase;
let identity: IdentityService;
beforeAll(async () => {
  db = await createTestDatabase();
  // Cheap hashing: these tests are about users, not passwords.
  identity = createIdentityService({ pool: db.pool, publicUrl: 'http://127.0.0.1:9080', hasher: createArgon2idHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }) });
});
afterAll(async () => db?.drop());

async function rejection(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe('users', () => {
  it('creates a user and finds it by id, by username and by email, regardless of case', async () => {
    const created = await identity.createUser({ username: 'Alice', email: 'Alice@Example.org', displayName: 'Alice Liddell' });
    expect(created).toMatchObject({ username: 'Alice', email: 'Alice@Example.org', displayName: 'Alice Liddell', isActive: true, isAdmin: false, emailVerified: false, attributes: {} });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await identity.findUserById(created.id)).toEqual(created);
    expect(await identity.findUserByUsername('alice')).toEqual(created);
    expect(await identity.findUserByLogin('ALICE')).toEqual(created);
    expect(await identity.findUserByLogin('alice@example.ORG')).toEqual(created);
  });

  it('refuses a second user whose username differs only in case', async () => {
    await identity.createUser({ username: 'bob' });
    const error = await rejection(identity.createUser({ username: 'BOB' }));
    expect(error.code).toBe('username_taken');
    expect(error.statusCode).toBe(409);
  });

  it('refuses a second user whose email differs only in case', async () => {
    await identity.createUser({ username: 'carol', email: 'carol@example.org' });
    expect((await rejection(identity.createUser({ username: 'carol2', email: 'CAROL@example.org' }))).code).toBe('email_taken');
  });

  it('refuses malformed usernames, emails and display names with their own codes, before touching the database', async () => {
    for (const username of ['', ' alice', '-alice', 'al ice', 'a'.repeat(65), 'al/ice']) {
      expect((await rejection(identity.createUser({ username }))).code).toBe('invalid_username');
    }
    expect((await rejection(identity.createUser({ username: 'dave', email: 'not-an-email' }))).code).toBe('invalid_email');
    expect((await rejection(identity.createUser({ username: 'dave', displayName: 'x'.repeat(201) }))).code).toBe('invalid_display_name');
    expect(await identity.findUserByUsername('dave')).toBeNull();
  });

  it('marks an email verified only when told to', async () => {
    expect((await identity.createUser({ username: 'erin', email: 'erin@example.org', emailVerified: true })).emailVerified).toBe(true);
    expect((await identity.createUser({ username: 'frank', email: 'frank@example.org' })).emailVerified).toBe(false);
  });

  it('finds nobody for an unknown login or a malformed id', async () => {
    expect(await identity.findUserByLogin('nobody')).toBeNull();
    expect(await identity.findUserById('not-a-uuid')).toBeNull();
    expect(await identity.findUserById('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('prefers the user whose username is the login over another user whose email it is', async () => {
    const byName = await identity.createUser({ username: 'gina@example.org' });
    await identity.createUser({ username: 'gina', email: 'gina@example.org' });
    expect((await identity.findUserByLogin('gina@example.org'))?.id).toBe(byName.id);
  });

  it('lists users in username order, page by page, and by a search that treats % and _ literally', async () => {
    const all = await identity.listUsers();
    expect(all.map((user) => user.username)).toEqual(expect.arrayContaining(['Alice', 'bob', 'carol', 'erin']));
    expect(all.findIndex((user) => user.username === 'Alice')).toBeLessThan(all.findIndex((user) => user.username === 'bob'));
    const first = await identity.listUsers({ limit: 2 });
    const second = await identity.listUsers({ limit: 2, after: first.at(-1)!.username });
    expect([...first, ...second].map((user) => user.id)).toEqual(all.slice(0, 4).map((user) => user.id));
    expect((await identity.listUsers({ search: 'LIDDELL' })).map((user) => user.username)).toEqual(['Alice']);
    await identity.createUser({ username: 'under_score' });
    expect((await identity.listUsers({ search: '_' })).map((user) => user.username)).toEqual(['under_score']);
    expect(await identity.listUsers({ search: '%' })).toEqual([]);
  });

  it('disables and enables a user, and says when there is no such user', async () => {
    const user = await identity.createUser({ username: 'hank' });
    await identity.setActive(user.id, false);
    expect((await identity.findUserById(user.id))?.isActive).toBe(false);
    await identity.setActive(user.id, true);
    expect((await identity.findUserById(user.id))?.isActive).toBe(true);
    expect((await rejection(identity.setActive('00000000-0000-4000-8000-000000000000', false))).code).toBe('user_not_found');
  });

  it('knows whether an active admin exists', async () => {
    expect(await identity.hasAdmin()).toBe(false);
    const admin = await identity.createUser({ username: 'root-admin', isAdmin: true });
    expect(await identity.hasAdmin()).toBe(true);
    await identity.setActive(admin.id, false);
    expect(await identity.hasAdmin()).toBe(false);
    await identity.setActive(admin.id, true);
  });
});

describe('groups', () => {
  it('creates a group and refuses another whose name differs only in case', async () => {
    const group = await identity.createGroup('Editors', 'People who edit');
    expect(group).toEqual({ id: expect.any(String), name: 'Editors' });
    expect((await rejection(identity.createGroup('editors'))).code).toBe('group_taken');
    expect((await rejection(identity.createGroup('-bad'))).code).toBe('invalid_group_name');
    expect((await rejection(identity.createGroup('Long', 'x'.repeat(501)))).code).toBe('invalid_description');
  });

  it('adds and removes members by name, regardless of case, and adding twice is harmless', async () => {
    const user = await identity.createUser({ username: 'ivy' });
    await identity.createGroup('readers');
    await identity.addMember('READERS', 'IVY');
    await identity.addMember('readers', 'ivy');
    await identity.addMember('editors', 'ivy');
    expect(await identity.groupsOf(user.id)).toEqual(['Editors', 'readers']);
    await identity.removeMember('Editors', 'ivy');
    expect(await identity.groupsOf(user.id)).toEqual(['readers']);
  });

  it('says which name is unknown when adding a member', async () => {
    expect((await rejection(identity.addMember('no-such-group', 'ivy'))).code).toBe('group_not_found');
    expect((await rejection(identity.addMember('readers', 'no-such-user'))).code).toBe('user_not_found');
    expect((await rejection(identity.removeMember('readers', 'no-such-user'))).code).toBe('user_not_found');
  });
});

describe('claims', () => {
  it('gives the OIDC claims of a user: the id as a stable sub, names, email and groups', async () => {
    const user = await identity.createUser({ username: 'jack', email: 'jack@example.org', emailVerified: true, displayName: 'Jack Sprat' });
    await identity.addMember('readers', 'jack');
    expect(await identity.claimsFor(user.id)).toEqual({
      sub: user.id,
      preferred_username: 'jack',
      email: 'jack@example.org',
      email_verified: true,
      name: 'Jack Sprat',
      groups: ['readers'],
    });
  });

  it('leaves out the email and name claims a user does not have', async () => {
    const user = await identity.createUser({ username: 'kim' });
    expect(await identity.claimsFor(user.id)).toEqual({ sub: user.id, preferred_username: 'kim', groups: [] });
  });

  it('gives no claims for an unknown or disabled user', async () => {
    const user = await identity.createUser({ username: 'leo' });
    await identity.setActive(user.id, false);
    expect(await identity.claimsFor(user.id)).toBeNull();
    expect(await identity.claimsFor('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('errors', () => {
  it('have snake_case codes and a 4xx status each', () => {
    for (const [code, status] of Object.entries(IDENTITY_ERRORS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(new IdentityError(code as keyof typeof IDENTITY_ERRORS, 'm')).toMatchObject({ code, statusCode: status });
    }
  });
});
