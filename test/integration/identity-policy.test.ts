// Session lifetimes and the password policy as settings: today's constants by default, checked when changed, applied
// to the next session and the next password everywhere (the admin API, the flows, the CLI's service), and seen at once
// by another instance on the same database, whose in-process copy the bus drops (after a change, or a gap).
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { InjectBrowser } from '../helpers/browser.ts';
import { createIdentityService, type IdentityService } from '../../server/src/identity/service.ts';
import { SESSION_ABSOLUTE_LIFETIME_SECONDS, SESSION_IDLE_LIFETIME_SECONDS } from '../../server/src/identity/sessions.ts';
import { PASSWORD_MIN_LENGTH } from '../../server/src/identity/schemas.ts';
import { notifyTopic, RESET_TOPIC } from '../../server/src/platform/bus.ts';
import { AdminApi } from '../helpers/admin-api.ts';

const DEFAULT_SESSIONS = { absoluteLifetimeHours: 168, idleLifetimeMinutes: 1440 };
const DEFAULT_POLICY = { minLength: 8, disallowUsername: true };
const WAIT = { timeout: 10_000, interval: 25 };

let first: TestApp;
let second: TestApp;
let identity: IdentityService;
let other: IdentityService;
let api: AdminApi;

beforeAll(async () => {
  first = await createTestApp();
  second = await createTestApp({ db: first.db });
  identity = first.service<IdentityService>('identity');
  other = second.service<IdentityService>('identity');
  api = await new AdminApi(first).setUp();
});

afterAll(async () => {
  await second?.close();
  await first?.close();
});

beforeEach(async () => {
  await identity.setSessionSettings(DEFAULT_SESSIONS);
  await identity.setPasswordPolicy(DEFAULT_POLICY);
  await expect.poll(() => other.sessionSettings(), WAIT).toEqual(DEFAULT_SESSIONS);
  await expect.poll(() => other.passwordPolicy(), WAIT).toEqual(DEFAULT_POLICY);
});

describe('defaults', () => {
  it('are the constants Gatehouse had before they were settings', async () => {
    await first.db.pool.query("DELETE FROM settings WHERE key LIKE 'identity.%'");
    const fresh = createIdentityService({ pool: first.db.pool, publicUrl: first.url });
    expect(await fresh.sessionSettings()).toEqual({ absoluteLifetimeHours: SESSION_ABSOLUTE_LIFETIME_SECONDS / 3600, idleLifetimeMinutes: SESSION_IDLE_LIFETIME_SECONDS / 60 });
    expect(await fresh.passwordPolicy()).toEqual({ minLength: PASSWORD_MIN_LENGTH, disallowUsername: true });
  });

  it('stand in for a stored value of another shape', async () => {
    await first.db.pool.query("INSERT INTO settings (key, value) VALUES ('identity.sessions', '{\"absoluteLifetimeHours\": \"a week\"}') ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const fresh = createIdentityService({ pool: first.db.pool, publicUrl: first.url });
    expect(await fresh.sessionSettings()).toEqual(DEFAULT_SESSIONS);
  });
});

describe('session lifetimes', () => {
  it('apply to the next session: its expiries, and its cookie’s Max-Age', async () => {
    const before = await identity.createSession(api.user.id, { authMethods: ['pwd'] });
    await identity.setSessionSettings({ absoluteLifetimeHours: 8, idleLifetimeMinutes: 30 });
    const after = await identity.createSession(api.user.id, { authMethods: ['pwd'] });
    expect(after.session.expiresAt.getTime() - after.session.createdAt.getTime()).toBe(8 * 3600_000);
    expect(after.session.idleExpiresAt.getTime() - after.session.createdAt.getTime()).toBe(30 * 60_000);
    // The session made before keeps its lifetimes.
    expect(before.session.expiresAt.getTime() - before.session.createdAt.getTime()).toBe(168 * 3600_000);

    const signIn = await new InjectBrowser(first.app, first.url).post('/api/flow/login', { login: 'bob', password: 'a long password 1' });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(String(signIn.headers['set-cookie'])).toContain('; Max-Age=28800;');
  });

  it('slide a session’s idle expiry by its own idle lifetime', async () => {
    await identity.setSessionSettings({ absoluteLifetimeHours: 8, idleLifetimeMinutes: 30 });
    const { token, session } = await identity.createSession(api.user.id, { authMethods: ['pwd'] });
    await first.db.pool.query("UPDATE sessions SET last_seen_at = now() - interval '2 minutes', idle_expires_at = now() + interval '1 minute' WHERE id = $1", [session.id]);
    await identity.setSessionSettings({ absoluteLifetimeHours: 8, idleLifetimeMinutes: 300 });
    const slid = (await identity.authenticate(token))!;
    const idleLeft = slid.session.idleExpiresAt.getTime() - Date.now();
    expect(idleLeft).toBeGreaterThan(25 * 60_000);
    expect(idleLeft).toBeLessThanOrEqual(30 * 60_000);
  });

  it('are checked: an idle lifetime longer than the whole lifetime, or out of range, is refused naming the field', async () => {
    await expect(identity.setSessionSettings({ absoluteLifetimeHours: 1, idleLifetimeMinutes: 61 })).rejects.toMatchObject({ code: 'invalid_session_settings', field: 'idleLifetimeMinutes', statusCode: 400 });
    await expect(identity.setSessionSettings({ absoluteLifetimeHours: 0, idleLifetimeMinutes: 30 })).rejects.toMatchObject({ code: 'invalid_session_settings', field: 'absoluteLifetimeHours' });
    await expect(identity.setSessionSettings({ absoluteLifetimeHours: 2.5, idleLifetimeMinutes: 30 })).rejects.toMatchObject({ field: 'absoluteLifetimeHours' });
    await expect(identity.setPasswordPolicy({ minLength: 7, disallowUsername: true })).rejects.toMatchObject({ code: 'invalid_password_policy', field: 'minLength' });
    expect(await identity.sessionSettings()).toEqual(DEFAULT_SESSIONS);
  });

  it('reach another instance at once, through the bus', async () => {
    expect(await other.sessionSettings()).toEqual(DEFAULT_SESSIONS);
    await identity.setSessionSettings({ absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 });
    await expect.poll(() => other.sessionSettings(), WAIT).toEqual({ absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 });
    const made = await other.createSession(api.user.id, { authMethods: ['pwd'] });
    expect(made.session.expiresAt.getTime() - made.session.createdAt.getTime()).toBe(12 * 3600_000);
  });

  it('are kept in each process, and read again after a bus gap (here: a restore’s reset)', async () => {
    expect(await other.sessionSettings()).toEqual(DEFAULT_SESSIONS);
    // Written behind Gatehouse's back: no notice, so the other instance keeps its copy…
    await first.db.pool.query(`UPDATE settings SET value = '{"absoluteLifetimeHours": 2, "idleLifetimeMinutes": 10}' WHERE key = 'identity.sessions'`);
    expect(await other.sessionSettings()).toEqual(DEFAULT_SESSIONS);
    // …until the bus says messages may have been missed.
    const client = new pg.Client(first.db.config);
    await client.connect();
    try {
      await notifyTopic(client, RESET_TOPIC, {}, 'test');
    } finally {
      await client.end();
    }
    await expect.poll(() => other.sessionSettings(), WAIT).toEqual({ absoluteLifetimeHours: 2, idleLifetimeMinutes: 10 });
  });
});

describe('the password policy', () => {
  it('applies to every password set: a new user, a password change, the admin API and a reset link', async () => {
    await identity.setPasswordPolicy({ minLength: 12, disallowUsername: true });
    await expect(identity.createUser({ username: 'pia', password: 'elevenchars' })).rejects.toMatchObject({ code: 'password_too_short', message: 'A password needs at least 12 characters.', field: 'password' });
    const pia = await identity.createUser({ username: 'pia', password: 'twelve chars' });
    await expect(identity.setPassword(pia.id, 'elevenchars')).rejects.toMatchObject({ code: 'password_too_short' });
    await expect(other.setPassword(pia.id, 'elevenchars'), 'the other instance too').rejects.toMatchObject({ code: 'password_too_short' });

    const viaApi = await api.asAdmin({ method: 'POST', url: '/api/v1/users', payload: { username: 'quentin', password: 'elevenchars' } });
    expect(viaApi.json()).toMatchObject({ error: 'password_too_short', field: 'password' });

    const link = await api.ok<{ url: string }>({ method: 'POST', url: `/api/v1/users/${pia.id}/password-reset` }, 201);
    const token = new URL(link.url).searchParams.get('token')!;
    expect((await first.app.inject({ url: `/api/flow/reset?token=${token}` })).json()).toMatchObject({ passwordMinLength: 12 });
    const reset = await new InjectBrowser(first.app, first.url).post('/api/flow/reset', { token, password: 'elevenchars' });
    expect(reset.json()).toMatchObject({ error: 'password_too_short', field: 'password' });
  });

  it('refuses the username or email as the password, unless the policy allows it', async () => {
    const rob = await identity.createUser({ username: 'robert', email: 'rob@example.org' });
    await expect(identity.setPassword(rob.id, 'ROBERT')).rejects.toMatchObject({ code: 'password_too_short' });
    await expect(identity.setPassword(rob.id, 'Rob@Example.org')).rejects.toMatchObject({ code: 'password_is_username', field: 'password' });
    const long = await identity.createUser({ username: 'robertson' });
    await expect(identity.setPassword(long.id, 'RobertSon')).rejects.toMatchObject({ code: 'password_is_username' });
    await identity.setPasswordPolicy({ minLength: 8, disallowUsername: false });
    await identity.setPassword(long.id, 'RobertSon');
    expect(await identity.verifyPassword('robertson', 'RobertSon')).not.toBeNull();
  });

  it('is read from the database each time by a service without a bus (the CLI’s)', async () => {
    const cli = createIdentityService({ pool: first.db.pool, publicUrl: first.url });
    const user = await identity.createUser({ username: 'cli-user' });
    await cli.setPassword(user.id, 'eight ch');
    await identity.setPasswordPolicy({ minLength: 10, disallowUsername: true });
    await expect(cli.setPassword(user.id, 'nine char')).rejects.toMatchObject({ code: 'password_too_short' });
  });
});
