// Signing in to Gatehouse itself (POST /api/flow/login, the /login page's API) through the front door: the session
// cookie and where to go next, the same protections as an app's sign-in (same origin, throttles, one answer and one
// password check for every failure), and the sign-in events (no typed password ever lands in the log).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { InjectBrowser, type LightResponse } from '../helpers/browser.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { LoginDone, SessionView } from '../../server/src/flows/schemas.ts';
import { LOGIN_LIMITS } from '../../server/src/flows/throttle.ts';

const PASSWORD = 'correct horse battery staple';

let app: TestApp;
let identity: IdentityService;
let aliceId: string;

beforeAll(async () => {
  app = await createTestApp();
  identity = app.service<IdentityService>('identity');
  aliceId = (await identity.createUser({ username: 'alice', email: 'alice@example.org', password: PASSWORD, isAdmin: true })).id;
  await identity.createUser({ username: 'bob', email: 'bob@example.org', password: PASSWORD });
  const carol = await identity.createUser({ username: 'carol', password: PASSWORD });
  await identity.setActive(carol.id, false);
});

afterAll(async () => app?.close());

beforeEach(async () => {
  await app.db.pool.query('DELETE FROM rate_limit_counters');
  await app.db.pool.query('DELETE FROM events');
});

function browser(remoteAddress = '127.0.0.1'): InjectBrowser {
  return new InjectBrowser(app.app, app.url, remoteAddress);
}

function signIn(from: InjectBrowser, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<LightResponse> {
  return from.post('/api/flow/login', body, headers);
}

async function whoIsSignedIn(from: InjectBrowser): Promise<string | null> {
  const view = (await from.get('/api/flow/session')).json() as SessionView;
  return view.signedIn ? view.user.username : null;
}

async function events(type: string) {
  const { rows } = await app.db.pool.query<{ actor: string; actor_user_id: string | null; target_type: string | null; target_id: string | null; source_address: string; data: Record<string, unknown> }>(
    'SELECT actor, actor_user_id, target_type, target_id, host(source_address) AS source_address, data FROM events WHERE type = $1 ORDER BY id',
    [type],
  );
  return rows;
}

describe('signing in', () => {
  it('sets the session cookie, answers where to go next, and records user.login_succeeded', async () => {
    const me = browser();
    const response = await signIn(me, { login: 'alice', password: PASSWORD, next: '/admin/users?search=a#top' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ redirectTo: '/admin/users?search=a#top' } satisfies LoginDone);
    expect(String(response.headers['set-cookie'])).toMatch(new RegExp(`^${identity.sessionCookie.name}=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax$`));
    expect(await whoIsSignedIn(me)).toBe('alice');
    const [session] = await identity.listSessionsOfUser(aliceId);
    expect(await events('user.login_succeeded')).toEqual([
      { actor: 'alice', actor_user_id: aliceId, target_type: 'user', target_id: aliceId, source_address: '127.0.0.1', data: { method: 'password', sessionId: session!.id } },
    ]);
  });

  it('accepts the email address, regardless of case and surrounding spaces', async () => {
    const me = browser();
    expect((await signIn(me, { login: '  BOB@example.org ', password: PASSWORD })).json()).toEqual({ redirectTo: '/' });
    expect(await whoIsSignedIn(me)).toBe('bob');
  });

  it('sends the browser only to a path of its own: anything else goes to /', async () => {
    const cases: Array<[string, string]> = [
      ['//evil.example/x', '/'],
      ['/\\evil.example', '/'],
      ['https://evil.example/', '/'],
      ['javascript:alert(1)', '/'],
      ['admin', '/'],
      ['/\tx', '/'],
      ['', '/'],
      // Encoded slashes are a path on this server, not a host; dot segments are resolved.
      ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
      ['/admin/../portal', '/portal'],
      // …but never into another host: resolved, these are the path "//evil.example".
      ['/.//evil.example', '/'],
      ['/a/..//evil.example', '/'],
      ['/%2e%2e//evil.example', '/'],
    ];
    for (const [next, expected] of cases) {
      expect(((await signIn(browser(), { login: 'bob', password: PASSWORD, next })).json() as LoginDone).redirectTo, JSON.stringify(next)).toBe(expected);
    }
  });

  it('ends the session the browser had before, whoever it was', async () => {
    const me = browser();
    await signIn(me, { login: 'bob', password: PASSWORD });
    const bobs = identity.sessionCookie.name;
    const before = me.cookie(bobs)!;
    await signIn(me, { login: 'alice', password: PASSWORD });
    expect(await identity.authenticate(before)).toBeNull();
    expect(await whoIsSignedIn(me)).toBe('alice');
  });

  // The path every sign-in takes, counted: the throttle, the password check, forgetting the account's mistakes, the
  // session, and its event (the session lifetimes come from this instance's copy of the settings).
  it('costs five statements: throttle, password check, throttle reset, session, event', async () => {
    await signIn(browser(), { login: 'bob', password: PASSWORD });
    const statements: string[] = [];
    const pool = app.platform.pool;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      statements.push((typeof first === 'string' ? first : first.text).trim().split(/\s+/).slice(0, 3).join(' '));
      return query(...args);
    }) as typeof pool.query;
    try {
      expect((await signIn(browser(), { login: 'bob', password: PASSWORD })).statusCode).toBe(200);
    } finally {
      pool.query = query as typeof pool.query;
    }
    expect(statements).toHaveLength(5);
  });

  it('names the field of an empty login and of a missing password', async () => {
    const blank = await signIn(browser(), { login: '   ', password: PASSWORD });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ error: 'login_required', field: 'login' });
    const missing = await signIn(browser(), { login: 'alice' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request', field: 'password' });
  });
});

describe('no account enumeration', () => {
  it('answers an unknown user, a wrong password and a disabled user with the same status and message, after one password check each', async () => {
    const checked: string[] = [];
    const original = identity.checkPassword;
    identity.checkPassword = async (login, password) => {
      checked.push(login);
      return original.call(identity, login, password);
    };
    const answers = [];
    try {
      for (const [login, password] of [['nobody', PASSWORD], ['alice', 'wrong password'], ['carol', PASSWORD]] as const) {
        const response = await signIn(browser(), { login, password });
        const { requestId: _requestId, ...body } = response.json() as Record<string, unknown>;
        answers.push({ status: response.statusCode, body, cookie: response.headers['set-cookie'] });
      }
    } finally {
      identity.checkPassword = original;
    }
    expect(checked).toEqual(['nobody', 'alice', 'carol']);
    expect(answers[0]).toEqual({ status: 400, body: { error: 'invalid_credentials', message: 'The username or password is incorrect.' }, cookie: undefined });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('records why each sign-in failed, naming the login only when it named a user', async () => {
    const carol = await identity.findUserByUsername('carol');
    for (const [login, password] of [['my secret password', 'oops'], ['alice', 'wrong password'], ['carol', PASSWORD]] as const) await signIn(browser(), { login, password });
    const failed = await events('user.login_failed');
    expect(failed).toEqual([
      { actor: 'anonymous', actor_user_id: null, target_type: null, target_id: null, source_address: '127.0.0.1', data: { reason: 'unknown_user' } },
      { actor: 'anonymous', actor_user_id: null, target_type: 'user', target_id: aliceId, source_address: '127.0.0.1', data: { reason: 'wrong_password', login: 'alice' } },
      { actor: 'anonymous', actor_user_id: null, target_type: 'user', target_id: carol!.id, source_address: '127.0.0.1', data: { reason: 'disabled', login: 'carol' } },
    ]);
    const everything = JSON.stringify(failed);
    expect(everything).not.toContain('my secret password');
    expect(everything).not.toContain('wrong password');
  });
});

describe('throttling', () => {
  it(`refuses the attempt after ${LOGIN_LIMITS.perAccount.limit} for one account with 429 and Retry-After, even with the right password from another address`, async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccount.limit; i++) expect((await signIn(browser(`10.8.0.${i + 1}`), { login: 'bob', password: 'wrong password' })).statusCode).toBe(400);
    const refused = await signIn(browser('10.8.1.1'), { login: 'bob', password: PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'too_many_attempts' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect((await signIn(browser('10.8.1.1'), { login: 'alice', password: PASSWORD })).statusCode).toBe(200);
  });

  it(`refuses the attempt after ${LOGIN_LIMITS.perAddress.limit} from one address, and records the throttling once per address`, async () => {
    const from = browser('10.9.0.1');
    for (let i = 0; i < LOGIN_LIMITS.perAddress.limit; i++) expect((await signIn(from, { login: `someone${i}`, password: 'guess' })).statusCode).toBe(400);
    for (let i = 0; i < 3; i++) {
      const refused = await signIn(from, { login: 'alice', password: PASSWORD });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await events('user.login_failed').then((rows) => rows.filter((row) => row.data.reason === 'throttled'))).toEqual([
      { actor: 'anonymous', actor_user_id: null, target_type: 'user', target_id: aliceId, source_address: '10.9.0.1', data: { reason: 'throttled', login: 'alice' } },
    ]);
    expect((await signIn(browser('10.9.0.2'), { login: 'alice', password: PASSWORD })).statusCode).toBe(200);
  });

  it('shares its counts with an app’s sign-in: the same account limit holds across both', async () => {
    const { rows } = await app.db.pool.query<{ key: string }>('SELECT DISTINCT key FROM rate_limit_counters');
    expect(rows).toEqual([]);
    await signIn(browser('10.10.0.1'), { login: 'Bob', password: 'wrong password' });
    const keys = (await app.db.pool.query<{ key: string }>('SELECT key FROM rate_limit_counters ORDER BY key')).rows.map((row) => row.key);
    expect(keys).toEqual(['login:account:bob', 'login:ip:10.10.0.1']);
  });
});

describe('cross-site requests', () => {
  it('refuses a sign-in posted from another origin, another site, or without Origin and Sec-Fetch-Site, and counts no attempt', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: '', 'sec-fetch-site': '' }] as Array<Record<string, string>>) {
      const me = browser();
      const response = await signIn(me, { login: 'alice', password: PASSWORD }, headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json()).toMatchObject({ error: 'cross_site_request' });
      expect(await whoIsSignedIn(me)).toBeNull();
    }
    expect((await app.db.pool.query('SELECT 1 FROM rate_limit_counters')).rowCount).toBe(0);
  });
});
