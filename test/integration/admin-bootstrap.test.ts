// The desktop window's one-time sign-in (GET /bootstrap): the shell's token works once, from this machine only,
// leads to the first-admin setup while there is none, and never signs anyone in otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import { BOOTSTRAP_TOKEN_ENV, createBootstrapToken } from '../../main/src/bootstrap-contract.ts';

let app: TestApp;
let identity: IdentityService;
const token = createBootstrapToken();

const bootstrap = (presented: string, remoteAddress = '127.0.0.1') => app.app.inject({ url: `/bootstrap?token=${encodeURIComponent(presented)}`, remoteAddress });

beforeAll(async () => {
  process.env[BOOTSTRAP_TOKEN_ENV] = token;
  app = await createTestApp();
  identity = app.service<IdentityService>('identity');
});

afterAll(async () => {
  delete process.env[BOOTSTRAP_TOKEN_ENV];
  await app?.close();
});

describe('the bootstrap sign-in', () => {
  it('takes the token out of the environment, so no child process inherits it', () => {
    expect(process.env[BOOTSTRAP_TOKEN_ENV]).toBeUndefined();
  });

  it('leads to the first-admin setup while there is no admin, and stays usable', async () => {
    const response = await bootstrap(token);
    expect(response.statusCode).toBe(303);
    // Relative: the window stays on the address it was given, whatever the public URL is.
    expect(response.headers.location).toMatch(/^\/setup\?token=/);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a wrong token and a caller on another machine, signing no one in', async () => {
    await identity.createUser({ username: 'ada', password: 'a long password 1', isAdmin: true });
    for (const response of [await bootstrap(createBootstrapToken()), await bootstrap(token, '192.168.1.20'), await bootstrap('')]) {
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/login?next=%2Fadmin');
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('signs the window in as the admin once, records it, and refuses the token afterwards', async () => {
    const first = await bootstrap(token);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/admin');
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const me = await app.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'ada' } });
    const { rows } = await app.platform.pool.query(`SELECT data FROM events WHERE type = 'user.login_succeeded'`);
    expect(rows.map((row) => row.data.method)).toContain('desktop');

    const again = await bootstrap(token);
    expect(again.headers.location).toBe('/login?next=%2Fadmin');
    expect(again.headers['set-cookie']).toBeUndefined();
  });
});
