// Password-reset links through the front door: the /reset page's API (GET and POST /api/flow/reset) with links an
// admin made through the users API — once only, the policy applies, the user's other sessions end and they are signed
// in, every refusal says the link is gone, and the same-origin check and a throttle per address hold.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { InjectBrowser } from '../helpers/browser.ts';
import { AdminApi } from '../helpers/admin-api.ts';
import type { ResetView, SessionView } from '../../server/src/flows/schemas.ts';
import { RESET_LIMIT } from '../../server/src/flows/reset/service.ts';

const NEW_PASSWORD = 'a brand new passphrase';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

beforeEach(async () => {
  await app.db.pool.query('DELETE FROM rate_limit_counters');
});

/** A new user and a reset link for them, made by the admin through the API; the link's token. */
async function userWithLink(username: string): Promise<{ id: string; token: string }> {
  const user = await api.ok<{ id: string }>({ method: 'POST', url: '/api/v1/users', payload: { username } }, 201);
  const link = await api.ok<{ url: string }>({ method: 'POST', url: `/api/v1/users/${user.id}/password-reset` }, 201);
  return { id: user.id, token: new URL(link.url).searchParams.get('token')! };
}

function browser(remoteAddress = '127.0.0.1'): InjectBrowser {
  return new InjectBrowser(app.app, app.url, remoteAddress);
}

async function view(token?: string): Promise<ResetView> {
  const response = await app.app.inject({ url: `/api/flow/reset${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}` });
  expect(response.statusCode).toBe(200);
  return response.json() as ResetView;
}

describe('the link', () => {
  it('says whose it is and the shortest password allowed, while it works', async () => {
    const { token } = await userWithLink('una');
    expect(await view(token)).toEqual({ state: 'open', username: 'una', passwordMinLength: 8 });
  });

  it('is invalid when unknown, missing, malformed, expired, or for a disabled user, and says nothing else', async () => {
    const expired = await userWithLink('vera');
    await app.db.pool.query("UPDATE password_resets SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE user_id = $1", [expired.id]);
    const disabled = await userWithLink('walt');
    await api.ok({ method: 'PATCH', url: `/api/v1/users/${disabled.id}`, payload: { isActive: false } });
    for (const token of [undefined, '', 'x'.repeat(43), 'not a token', expired.token, disabled.token]) expect(await view(token), String(token)).toEqual({ state: 'invalid_link' });
  });
});

describe('choosing a password', () => {
  it('sets it, uses up the link, ends the user’s other sessions, signs them in, and records it without the password', async () => {
    const { id, token } = await userWithLink('xena');
    await api.identity.setPassword(id, 'the forgotten password');
    const elsewhere = await api.sessionOf(id);
    const me = browser();
    const response = await me.post('/api/flow/reset', { token, password: NEW_PASSWORD });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ redirectTo: '/' });
    expect(String(response.headers['set-cookie'])).toContain(`${api.identity.sessionCookie.name}=`);
    expect(((await me.get('/api/flow/session')).json() as SessionView & { signedIn: true }).user.username).toBe('xena');
    expect(await api.identity.authenticate(elsewhere)).toBeNull();
    expect(await api.identity.verifyPassword('xena', NEW_PASSWORD)).not.toBeNull();
    expect(await api.identity.verifyPassword('xena', 'the forgotten password')).toBeNull();
    expect(await view(token)).toEqual({ state: 'invalid_link' });
    expect((await app.db.pool.query('SELECT 1 FROM password_resets WHERE user_id = $1', [id])).rowCount).toBe(0);

    const reset = await api.lastEvent('user.password_reset');
    expect(reset).toMatchObject({ actor: 'xena', actor_user_id: id, target_type: 'user', target_id: id, data: { sessionsRevoked: 1 } });
    const login = await api.lastEvent('user.login_succeeded');
    expect(login).toMatchObject({ actor: 'xena', target_id: id, data: { method: 'password_reset' } });
    const everything = JSON.stringify(await api.events('user.password_reset', 'user.login_succeeded', 'user.password_reset_link_created'));
    expect(everything).not.toContain(NEW_PASSWORD);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('argon2');
  });

  it('works once: a second use, or two at the same moment, get one success and reset_link_invalid', async () => {
    const { token } = await userWithLink('yuri');
    const answers = await Promise.all([browser().post('/api/flow/reset', { token, password: NEW_PASSWORD }), browser().post('/api/flow/reset', { token, password: 'another new passphrase' })]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 410]);
    const refused = answers.find((answer) => answer.statusCode === 410)!;
    expect(refused.json()).toMatchObject({ error: 'reset_link_invalid' });
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect((await browser().post('/api/flow/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(410);
  });

  it('applies the password policy, naming the field, and keeps the link for another try', async () => {
    const { token } = await userWithLink('zoltan-the-long');
    for (const [password, error] of [['short', 'password_too_short'], ['Zoltan-The-Long', 'password_is_username']] as const) {
      const response = await browser().post('/api/flow/reset', { token, password });
      expect(response.statusCode, password).toBe(400);
      expect(response.json(), password).toMatchObject({ error, field: 'password' });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(await view(token)).toMatchObject({ state: 'open' });
    expect((await browser().post('/api/flow/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(200);
  });

  it('refuses a submission from another site, or without Origin and Sec-Fetch-Site, and the link still works', async () => {
    const { token } = await userWithLink('abel');
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: '', 'sec-fetch-site': '' }] as Array<Record<string, string>>) {
      const response = await browser().post('/api/flow/reset', { token, password: NEW_PASSWORD }, headers);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'cross_site_request' });
    }
    expect(await view(token)).toMatchObject({ state: 'open' });
  });

  it(`refuses the submission after ${RESET_LIMIT.limit} from one address with 429 and Retry-After, and not from another`, async () => {
    const { token } = await userWithLink('bert');
    const from = browser('10.11.0.1');
    for (let i = 0; i < RESET_LIMIT.limit; i++) expect((await from.post('/api/flow/reset', { token: `guess-${i}`, password: NEW_PASSWORD })).statusCode).toBe(410);
    const refused = await from.post('/api/flow/reset', { token, password: NEW_PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await view(token)).toMatchObject({ state: 'open' });
    expect((await browser('10.11.0.2').post('/api/flow/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(200);
  });
});
