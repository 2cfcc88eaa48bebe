// The login flow API through the front door: real OIDC authorization requests, the whole app on a real database,
// a cookie-keeping client over app.inject() in place of the browser.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { InjectBrowser, type LightResponse } from '../helpers/browser.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';
import type { InteractionView } from '../../server/src/flows/schemas.ts';
import { LOGIN_LIMITS } from '../../server/src/flows/throttle.ts';
import { cleanupTargets, runCleanup } from '../../server/src/platform/cleanup.ts';

const REDIRECT_URI = 'http://127.0.0.1:9999/callback';
const PASSWORD = 'correct horse battery staple';

let app: TestApp;
let identity: IdentityService;
let clientId: string;

beforeAll(async () => {
  app = await createTestApp();
  identity = app.service<IdentityService>('identity');
  const oidc = app.service<OidcService>('oidc');
  ({ client: { clientId } } = await oidc.createClient({ name: 'Test App', redirectUris: [REDIRECT_URI] }));
  await identity.createUser({ username: 'alice', email: 'alice@example.org', password: PASSWORD, displayName: 'Alice Liddell' });
  await identity.createUser({ username: 'bob', email: 'bob@example.org', password: PASSWORD });
  const carol = await identity.createUser({ username: 'carol', password: PASSWORD });
  await identity.setActive(carol.id, false);
});

afterAll(async () => app?.close());

// Each test starts with no attempts counted: they all come from 127.0.0.1.
beforeEach(async () => {
  await app.db.pool.query('DELETE FROM rate_limit_counters');
});

function newBrowser(remoteAddress?: string): InjectBrowser {
  return new InjectBrowser(app.app, app.url, remoteAddress);
}

/** Starts an authorization request as an app would; returns the interaction the provider sent the browser to. */
async function authorize(browser: InjectBrowser, extra: Record<string, string> = {}): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  const response = await browser.get(`/oidc/auth?${params}`);
  expect(response.statusCode, response.body).toBe(303);
  const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(new URL(response.headers.location as string, app.url).pathname);
  expect(match, String(response.headers.location)).not.toBeNull();
  return match![1]!;
}

async function view(browser: InjectBrowser, uid: string): Promise<InteractionView> {
  const response = await browser.get(`/api/flow/interaction/${uid}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as InteractionView;
}

function csrfOf(current: InteractionView): string {
  if (!('csrfToken' in current)) throw new Error(`no CSRF token at step ${current.step}`);
  return current.csrfToken;
}

async function act(browser: InjectBrowser, uid: string, action: string, body: object = {}, headers: Record<string, string> = {}): Promise<LightResponse> {
  const current = await view(browser, uid);
  return browser.post(`/api/flow/interaction/${uid}/${action}`, body, { 'x-csrf-token': csrfOf(current), ...headers });
}

/** Identification and password; returns the password step's answer. */
async function signIn(browser: InjectBrowser, uid: string, login: string, password: string): Promise<LightResponse> {
  const identified = await act(browser, uid, 'identify', { login });
  expect(identified.statusCode, identified.body).toBe(200);
  return act(browser, uid, 'password', { password });
}

/** Follows the provider's redirects until the browser leaves for the app, or lands on another interaction. */
async function follow(browser: InjectBrowser, redirectTo: string): Promise<{ app: URL } | { uid: string }> {
  let location = redirectTo;
  for (let hops = 0; hops < 5; hops++) {
    const target = new URL(location, app.url);
    if (target.origin !== new URL(app.url).origin) return { app: target };
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(target.pathname);
    if (interaction) return { uid: interaction[1]! };
    const response = await browser.get(target.pathname + target.search);
    expect([302, 303], response.body).toContain(response.statusCode);
    location = response.headers.location as string;
  }
  throw new Error('too many redirects');
}

function redirectOf(response: LightResponse): string {
  expect(response.statusCode, response.body).toBe(200);
  const answer = response.json() as InteractionView;
  expect(answer.step).toBe('redirect');
  return (answer as { redirectTo: string }).redirectTo;
}

/** A signed-in browser that has consented for the test app once (so later sign-ins skip consent). */
async function signedInBrowser(login = 'alice'): Promise<InjectBrowser> {
  const browser = newBrowser();
  const uid = await authorize(browser);
  const next = await follow(browser, redirectOf(await signIn(browser, uid, login, PASSWORD)));
  if ('uid' in next) await follow(browser, redirectOf(await act(browser, next.uid, 'consent', { decision: 'allow' })));
  return browser;
}

describe('the login flow', () => {
  it('asks for the name, then the password, then consent, and sends the browser back to the app with a code', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    expect(await view(browser, uid)).toMatchObject({ step: 'identify', client: { name: 'Test App' }, login: null });
    const identified = await act(browser, uid, 'identify', { login: 'alice' });
    expect(identified.json()).toMatchObject({ step: 'password', login: 'alice' });
    const consent = await follow(browser, redirectOf(await act(browser, uid, 'password', { password: PASSWORD })));
    expect(consent).toHaveProperty('uid');
    const consentUid = (consent as { uid: string }).uid;
    expect(await view(browser, consentUid)).toMatchObject({
      step: 'consent',
      user: { username: 'alice', displayName: 'Alice Liddell' },
      scopes: expect.arrayContaining([{ scope: 'email', description: 'See your email address' }]),
    });
    const back = await follow(browser, redirectOf(await act(browser, consentUid, 'consent', { decision: 'allow' })));
    expect('app' in back && back.app.origin + back.app.pathname).toBe(REDIRECT_URI);
    expect((back as { app: URL }).app.searchParams.get('code')).toEqual(expect.any(String));
    // The browser holds a Gatehouse session now.
    expect((await browser.get('/api/flow/session')).json()).toMatchObject({ signedIn: true, user: { username: 'alice' } });
  });

  it('accepts the email address as the login name', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    expect((await signIn(browser, uid, 'Alice@Example.org', PASSWORD)).json()).toMatchObject({ step: 'redirect' });
  });

  it('offers the login_hint of the request in the identification field', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser, { login_hint: 'bob@example.org' });
    expect(await view(browser, uid)).toMatchObject({ step: 'identify', login: 'bob@example.org' });
  });

  it('keeps its step across a refresh: the page asks again and gets the password step for the same name', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    await act(browser, uid, 'identify', { login: 'bob' });
    expect(await view(browser, uid)).toMatchObject({ step: 'password', login: 'bob' });
    expect(await view(browser, uid)).toMatchObject({ step: 'password', login: 'bob' });
  });

  it('goes back to identification on "use another account"', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    await act(browser, uid, 'identify', { login: 'bob' });
    expect((await act(browser, uid, 'restart')).json()).toMatchObject({ step: 'identify', login: null });
    expect(await view(browser, uid)).toMatchObject({ step: 'identify' });
  });

  it('says the sign-in is finished when the browser comes back to it after the app got its code', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    const next = await follow(browser, redirectOf(await signIn(browser, uid, 'alice', PASSWORD)));
    expect(next).toBeDefined();
    expect(await view(browser, uid)).toEqual({ step: 'finished' });
  });

  it('answers expired for an interaction this browser never had', async () => {
    expect(await view(newBrowser(), 'AAAAAAAAAAAAAAAAAAAAA')).toEqual({ step: 'expired' });
  });

  it('refuses a password before identification with wrong_step', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    const response = await act(browser, uid, 'password', { password: PASSWORD });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'wrong_step' });
  });

  it('refuses an empty login name next to the field', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    const response = await act(browser, uid, 'identify', { login: '   ' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'login_required' });
  });

  it('returns access_denied to the app when the user cancels', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    const back = await follow(browser, redirectOf(await act(browser, uid, 'cancel')));
    expect((back as { app: URL }).app.searchParams.get('error')).toBe('access_denied');
  });

  it('returns access_denied to the app when the user denies consent, and asks again next time', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    const consent = (await follow(browser, redirectOf(await signIn(browser, uid, 'bob', PASSWORD)))) as { uid: string };
    const back = await follow(browser, redirectOf(await act(browser, consent.uid, 'consent', { decision: 'deny' })));
    expect((back as { app: URL }).app.searchParams.get('error')).toBe('access_denied');
    // Signed in, but nothing was granted: the next request of the app asks for consent again.
    expect(await view(browser, await authorize(browser))).toMatchObject({ step: 'consent', user: { username: 'bob' } });
  });
});

describe('no account enumeration', () => {
  it('answers an unknown user, a wrong password and a disabled user with the same status and message', async () => {
    const answers = [];
    for (const [login, password] of [['nobody', PASSWORD], ['alice', 'wrong password'], ['carol', PASSWORD]] as const) {
      const browser = newBrowser();
      const response = await signIn(browser, await authorize(browser), login, password);
      const { requestId: _requestId, ...body } = response.json() as Record<string, unknown>;
      answers.push({ status: response.statusCode, body });
    }
    expect(answers[0]).toEqual({ status: 400, body: { error: 'invalid_credentials', message: 'The username or password is incorrect.' } });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  // Equal work, rather than a timed assertion: the flow checks every answer through one checkPassword call, and
  // identity-passwords.test.ts shows that call runs exactly one argon2id verification whatever the account.
  it('does the same work for an unknown user as for a wrong password: one password check each', async () => {
    const calls: string[] = [];
    const original = identity.checkPassword;
    identity.checkPassword = async (login, password) => {
      calls.push(login);
      return original.call(identity, login, password);
    };
    try {
      for (const login of ['nobody-at-all', 'bob']) {
        const browser = newBrowser(login === 'bob' ? '10.1.0.1' : '10.1.0.2');
        const uid = await authorize(browser);
        await act(browser, uid, 'identify', { login });
        const current = await view(browser, uid);
        const response = await browser.post(`/api/flow/interaction/${uid}/password`, { password: 'not the password' }, { 'x-csrf-token': csrfOf(current) });
        expect(response.statusCode).toBe(400);
      }
    } finally {
      identity.checkPassword = original;
    }
    expect(calls).toEqual(['nobody-at-all', 'bob']);
  });
});

describe('throttling', () => {
  it(`refuses the attempt after ${LOGIN_LIMITS.perAccount.limit} for one account with 429 and Retry-After, even with the right password from another address`, async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccount.limit; i++) {
      const browser = newBrowser(`10.2.0.${i + 1}`);
      expect((await signIn(browser, await authorize(browser), 'bob', 'wrong password')).statusCode).toBe(400);
    }
    const browser = newBrowser('10.2.1.1');
    const refused = await signIn(browser, await authorize(browser), 'BOB', PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'too_many_attempts' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from that address is not affected.
    const other = newBrowser('10.2.1.1');
    expect((await signIn(other, await authorize(other), 'alice', PASSWORD)).statusCode).toBe(200);
  });

  it(`refuses the attempt after ${LOGIN_LIMITS.perAddress.limit} from one address across accounts, and not from another address`, async () => {
    const browser = newBrowser('10.3.0.1');
    const uid = await authorize(browser);
    for (let i = 0; i < LOGIN_LIMITS.perAddress.limit; i++) {
      await act(browser, uid, 'identify', { login: `someone${i}` });
      expect((await act(browser, uid, 'password', { password: 'guess' })).statusCode).toBe(400);
    }
    await act(browser, uid, 'identify', { login: 'alice' });
    const refused = await act(browser, uid, 'password', { password: PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = newBrowser('10.3.0.2');
    expect((await signIn(elsewhere, await authorize(elsewhere), 'alice', PASSWORD)).statusCode).toBe(200);
  });

  it('forgets an account’s failed attempts once its password is given right', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccount.limit - 1; i++) {
      const browser = newBrowser(`10.4.0.${i + 1}`);
      await signIn(browser, await authorize(browser), 'bob', 'wrong password');
    }
    const right = newBrowser('10.4.1.1');
    expect((await signIn(right, await authorize(right), 'bob', PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const browser = newBrowser(`10.4.2.${i + 1}`);
      expect((await signIn(browser, await authorize(browser), 'bob', 'wrong password')).statusCode).toBe(400);
    }
  });
});

describe('cross-site request forgery', () => {
  async function atPassword(): Promise<{ browser: InjectBrowser; uid: string; csrf: string }> {
    const browser = newBrowser();
    const uid = await authorize(browser);
    await act(browser, uid, 'identify', { login: 'alice' });
    return { browser, uid, csrf: csrfOf(await view(browser, uid)) };
  }

  it('refuses a request without the flow’s CSRF token, or with a wrong one, and the flow stays where it was', async () => {
    const { browser, uid, csrf } = await atPassword();
    for (const token of ['', 'x'.repeat(csrf.length), csrf.slice(1)]) {
      const response = await browser.post(`/api/flow/interaction/${uid}/password`, { password: PASSWORD }, { 'x-csrf-token': token });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'csrf_token_invalid' });
    }
    expect(await view(browser, uid)).toMatchObject({ step: 'password' });
  });

  it('refuses a request from another origin, another site, or without Origin and Sec-Fetch-Site, even with the token', async () => {
    const { browser, uid, csrf } = await atPassword();
    const forged: Record<string, string>[] = [
      { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'http://evil.example', 'sec-fetch-site': '' },
      { origin: '', 'sec-fetch-site': 'same-site' },
      { origin: '', 'sec-fetch-site': '' },
    ];
    for (const headers of forged) {
      const response = await browser.post(`/api/flow/interaction/${uid}/password`, { password: PASSWORD }, { 'x-csrf-token': csrf, ...headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json()).toMatchObject({ error: 'cross_site_request' });
    }
    expect(await view(browser, uid)).toMatchObject({ step: 'password' });
  });

  it('refuses a request from a browser without the flow’s cookie, even with a stolen token and the interaction cookie', async () => {
    const { browser, uid, csrf } = await atPassword();
    const thief = newBrowser();
    const interactionCookie = browser.cookie('gatehouse_oidc_interaction')!;
    const response = await thief.post(`/api/flow/interaction/${uid}/password`, { password: PASSWORD }, { 'x-csrf-token': csrf, cookie: `gatehouse_oidc_interaction=${interactionCookie}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'flow_not_found' });
  });
});

describe('an existing Gatehouse session', () => {
  // The provider's own session would skip the login prompt altogether; without it, the flow decides.
  const PROVIDER_SESSION_COOKIE = 'gatehouse_oidc_session';

  it('completes the next sign-in without asking anything', async () => {
    const browser = await signedInBrowser();
    browser.forget(PROVIDER_SESSION_COOKIE);
    const uid = await authorize(browser);
    expect(await view(browser, uid)).toMatchObject({ step: 'session', user: { username: 'alice' } });
    const back = await follow(browser, redirectOf(await act(browser, uid, 'continue')));
    expect((back as { app: URL }).app.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('asks for the password when the app sends prompt=login', async () => {
    const browser = await signedInBrowser();
    browser.forget(PROVIDER_SESSION_COOKIE);
    const uid = await authorize(browser, { prompt: 'login' });
    expect(await view(browser, uid)).toMatchObject({ step: 'identify' });
    const refused = await act(browser, uid, 'continue');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'session_not_usable' });
  });

  it('asks for the password when the sign-in is older than the app’s max_age', async () => {
    const browser = await signedInBrowser();
    browser.forget(PROVIDER_SESSION_COOKIE);
    await app.db.pool.query(`UPDATE sessions SET auth_time = now() - interval '1 hour'`);
    const uid = await authorize(browser, { max_age: '60' });
    expect(await view(browser, uid)).toMatchObject({ step: 'identify' });
  });

  it('asks for the password once the session is signed out', async () => {
    const browser = await signedInBrowser();
    expect((await browser.post('/api/flow/session/sign-out')).json()).toEqual({ signedIn: false });
    expect((await browser.get('/api/flow/session')).json()).toEqual({ signedIn: false });
    const uid = await authorize(browser);
    expect(await view(browser, uid)).toMatchObject({ step: 'identify' });
  });
});

describe('sign-in events', () => {
  async function eventsOf(type: string, sourceAddress: string) {
    const { rows } = await app.db.pool.query<{ actor: string; actor_user_id: string | null; target_id: string | null; data: Record<string, unknown> }>(
      'SELECT actor, actor_user_id, target_id, data FROM events WHERE type = $1 AND source_address = $2 ORDER BY id',
      [type, sourceAddress],
    );
    return rows;
  }

  it('records a sign-in with the application and the new session, and a refused one with why', async () => {
    const alice = (await identity.findUserByUsername('alice'))!;
    const browser = newBrowser('10.20.0.1');
    expect((await signIn(browser, await authorize(browser), 'alice', 'wrong password')).statusCode).toBe(400);
    expect((await signIn(browser, await authorize(browser), 'nobody-here', PASSWORD)).statusCode).toBe(400);
    expect((await signIn(browser, await authorize(browser), 'alice', PASSWORD)).statusCode).toBe(200);
    expect(await eventsOf('user.login_failed', '10.20.0.1')).toEqual([
      { actor: 'anonymous', actor_user_id: null, target_id: alice.id, data: { reason: 'wrong_password', login: 'alice', clientId } },
      { actor: 'anonymous', actor_user_id: null, target_id: null, data: { reason: 'unknown_user', clientId } },
    ]);
    const [session] = (await identity.listSessionsOfUser(alice.id)).filter((live) => live.lastIp === '10.20.0.1');
    expect(await eventsOf('user.login_succeeded', '10.20.0.1')).toEqual([
      { actor: 'alice', actor_user_id: alice.id, target_id: alice.id, data: { method: 'password', clientId, sessionId: session!.id } },
    ]);
  });
});

describe('retention', () => {
  it('expired flows are deleted by the platform’s cleanup job', async () => {
    const browser = newBrowser();
    const uid = await authorize(browser);
    await view(browser, uid);
    await app.db.pool.query(`UPDATE login_flows SET expires_at = now() - interval '1 second' WHERE interaction_uid = $1`, [uid]);
    const result = await runCleanup(app.platform.pool, { maxMs: 5_000, targets: cleanupTargets().filter((target) => target.name === 'login_flows') });
    expect(result.deleted.login_flows).toBeGreaterThanOrEqual(1);
    const { rowCount } = await app.db.pool.query('SELECT 1 FROM login_flows WHERE interaction_uid = $1', [uid]);
    expect(rowCount).toBe(0);
  });
});
