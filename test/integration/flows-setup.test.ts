// The first-admin setup through the front door: the whole app on a real database, driven with app.inject().
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { Domain } from '../../server/src/appliance/context.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(): Promise<TestApp> {
  const app = await createTestApp();
  apps.push(app);
  return app;
}

function flowsDomain(app: TestApp): Domain {
  return app.domains.find((domain) => domain.name === 'flows')!;
}

function setupToken(app: TestApp): string {
  const setupUrl = flowsDomain(app).readyInfo?.().setupUrl;
  expect(setupUrl).toEqual(expect.any(String));
  return new URL(setupUrl as string).searchParams.get('token')!;
}

/** A browser's request: same origin, as fetch() from our own page sends it. */
function sameOrigin(app: TestApp): Record<string, string> {
  return { origin: app.url, 'sec-fetch-site': 'same-origin' };
}

async function submitSetup(app: TestApp, body: Record<string, string>, headers: Record<string, string> = sameOrigin(app)) {
  return app.app.inject({ method: 'POST', url: '/api/flow/setup', headers, payload: body });
}

const admin = { username: 'root-admin', email: 'admin@example.org', password: 'correct horse battery staple' };

async function setupState(app: TestApp, token?: string): Promise<string> {
  const response = await app.app.inject({ url: `/api/flow/setup${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}` });
  expect(response.statusCode).toBe(200);
  return (response.json() as { state: string }).state;
}

describe('first-admin setup', () => {
  it('makes a one-time link at start that the ready line carries, and keeps only a hash of its token', async () => {
    const app = await start();
    const setupUrl = flowsDomain(app).readyInfo!().setupUrl as string;
    expect(setupUrl).toMatch(new RegExp(`^${app.url}/setup\\?token=[A-Za-z0-9_-]{43}$`));
    const token = setupToken(app);
    const { rows } = await app.db.pool.query<{ value: unknown }>("SELECT value FROM instance_state WHERE key = 'setup_token'");
    expect(JSON.stringify(rows[0]!.value)).not.toContain(token);
    expect(await setupState(app, token)).toBe('open');
  });

  it('says the link is invalid for a wrong token or none, without creating anyone', async () => {
    const app = await start();
    expect(await setupState(app, 'x'.repeat(43))).toBe('invalid_link');
    expect(await setupState(app)).toBe('invalid_link');
    const response = await submitSetup(app, { ...admin, token: 'x'.repeat(43) });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'setup_link_invalid' });
    expect(await app.service<IdentityService>('identity').hasAdmin()).toBe(false);
  });

  it('creates the admin with the link, signs them in, and closes setup', async () => {
    const app = await start();
    const token = setupToken(app);
    const response = await submitSetup(app, { ...admin, token });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ redirectTo: '/' });
    const cookie = response.cookies.find((c) => c.name === 'gatehouse_session');
    expect(cookie?.httpOnly).toBe(true);
    const session = await app.app.inject({ url: '/api/flow/session', cookies: { gatehouse_session: cookie!.value } });
    expect(session.json()).toMatchObject({ signedIn: true, user: { username: 'root-admin', email: 'admin@example.org', isAdmin: true }, session: { authMethods: ['pwd'] } });
    expect(flowsDomain(app).readyInfo!()).toEqual({});
    expect(await setupState(app, token)).toBe('closed');
    const again = await submitSetup(app, { ...admin, username: 'second', email: 'second@example.org', token });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ error: 'setup_closed' });
  });

  it('keeps the link valid after an input mistake, shown with the identity code for the field', async () => {
    const app = await start();
    const token = setupToken(app);
    const short = await submitSetup(app, { ...admin, password: 'short', token });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: 'password_too_short' });
    const badName = await submitSetup(app, { ...admin, username: '-nope', token });
    expect(badName.json()).toMatchObject({ error: 'invalid_username' });
    expect(await setupState(app, token)).toBe('open');
    expect((await submitSetup(app, { ...admin, token })).statusCode).toBe(200);
  });

  it('creates exactly one admin when several submissions race', async () => {
    const app = await start();
    const token = setupToken(app);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => submitSetup(app, { username: `admin${i}`, email: `admin${i}@example.org`, password: admin.password, token })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 410, 410, 410, 410, 410]);
    const { rows } = await app.db.pool.query<{ count: string }>('SELECT count(*) FROM users WHERE is_admin');
    expect(Number(rows[0]!.count)).toBe(1);
  });

  it('makes a new link at each start while setup is open, and the previous link stops working', async () => {
    const app = await start();
    const first = setupToken(app);
    await flowsDomain(app).start!();
    const second = setupToken(app);
    expect(second).not.toBe(first);
    expect(await setupState(app, first)).toBe('invalid_link');
    expect(await setupState(app, second)).toBe('open');
  });

  it('refuses a link past its 24 hours', async () => {
    const app = await start();
    const token = setupToken(app);
    await app.db.pool.query(`UPDATE instance_state SET value = jsonb_set(value, '{expiresAt}', to_jsonb($1::text)) WHERE key = 'setup_token'`, [new Date(Date.now() - 1000).toISOString()]);
    expect(await setupState(app, token)).toBe('invalid_link');
    expect((await submitSetup(app, { ...admin, token })).statusCode).toBe(403);
  });

  it('stays closed for good once an admin existed, even after that admin is deleted and Gatehouse restarts', async () => {
    const app = await start();
    expect((await submitSetup(app, { ...admin, token: setupToken(app) })).statusCode).toBe(200);
    await app.db.pool.query('DELETE FROM users');
    await flowsDomain(app).start!();
    expect(flowsDomain(app).readyInfo!()).toEqual({});
    expect(await setupState(app, 'anything')).toBe('closed');
  });

  it('closes when an admin is made another way (the CLI), and then makes no link at start', async () => {
    const app = await start();
    const token = setupToken(app);
    await app.service<IdentityService>('identity').createUser({ username: 'cli-admin', password: admin.password, isAdmin: true });
    expect(await setupState(app, token)).toBe('closed');
    expect((await submitSetup(app, { ...admin, token })).statusCode).toBe(410);
    await flowsDomain(app).start!();
    expect(flowsDomain(app).readyInfo!()).toEqual({});
  });

  it('refuses a submission from another site, or one without Origin and Sec-Fetch-Site', async () => {
    const app = await start();
    const token = setupToken(app);
    const forged: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: 'http://sub.127.0.0.1' }, {}];
    for (const headers of forged) {
      const response = await submitSetup(app, { ...admin, token }, headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json()).toMatchObject({ error: 'cross_site_request' });
    }
    expect(await setupState(app, token)).toBe('open');
  });
});
