// openid-client 6 as the relying party of a listening Gatehouse, for everything that involves a user:
// the authorization code flow with PKCE, consent, single sign-on, prompt/max_age/nonce, userinfo, refresh
// rotation, RP-initiated logout, the device flow, and every refusal of the token and authorization endpoints.
// No browser: a cookie jar follows the redirects, and a test-only Fastify instance stands in for the login
// pages, calling OidcService.finishLogin/finishConsent like the flow API does (the flows' own tests drive the
// real pages in Chromium).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { errorHandler } from '../../server/src/http/errors.ts';
import type { IdentityService, UserRecord } from '../../server/src/identity/index.ts';
import type { InteractionDetails, LoginResult, OidcService } from '../../server/src/providers/oidc/index.ts';
import { oauthError } from './oidc-support.ts';
import { Browser } from '../helpers/oidc-relying-party.ts';

const REDIRECT_URI = 'http://127.0.0.1:1/callback';
/** OIDC Core 11: offline access (a refresh token) is asked for with prompt=consent; oidc-provider drops it otherwise. */
const OFFLINE = { scope: 'openid profile email groups offline_access', prompt: 'consent' };
const POST_LOGOUT_URI = 'http://127.0.0.1:1/signed-out';

let gatehouse: TestApp;
let oidc: OidcService;
let identity: IdentityService;
let pages: FastifyInstance;
let alice: UserRecord;


/** What the login pages would do, through the test-only routes that call OidcService. */
async function page<T>(browser: Browser, uid: string, action: 'details' | 'login' | 'consent' | 'abort', payload?: object): Promise<{ status: number; body: T }> {
  const url = `/interaction/${uid}${action === 'details' ? '' : `/${action}`}`;
  const response = await pages.inject({ method: action === 'details' ? 'GET' : 'POST', url, headers: { cookie: browser.cookieHeader(`${gatehouse.url}${url}`) }, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json() as T };
}

async function details(browser: Browser, uid: string): Promise<InteractionDetails> {
  const { status, body } = await page<InteractionDetails>(browser, uid, 'details');
  expect(status).toBe(200);
  return body;
}

/** Signs the user in to Gatehouse (a new session cookie) and finishes the interaction's login; returns where to go. */
async function login(browser: Browser, uid: string, user: UserRecord, result: Partial<LoginResult> = {}): Promise<string> {
  const { token } = await identity.createSession(user.id, { authMethods: ['pwd'] });
  browser.setCookie(identity.sessionCookie.name, token);
  const { status, body } = await page<{ redirectTo: string; error?: string }>(browser, uid, 'login', { accountId: user.id, amr: ['pwd'], ...result });
  if (status !== 200) throw new Error(`login refused: ${JSON.stringify(body)}`);
  return body.redirectTo;
}

async function consent(browser: Browser, uid: string): Promise<string> {
  const { status, body } = await page<{ redirectTo: string }>(browser, uid, 'consent');
  expect(status).toBe(200);
  return body.redirectTo;
}

interface RelyingParty {
  clientId: string;
  config: client.Configuration;
}

async function relyingParty(options: { public?: boolean; grantTypes?: string[]; name?: string } = {}): Promise<RelyingParty> {
  const { client: record, clientSecret } = await oidc.createClient({
    name: options.name ?? `app ${Math.random().toString(36).slice(2)}`,
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_URI],
    grantTypes: options.grantTypes ?? ['authorization_code', 'refresh_token'],
    isPublic: options.public,
  });
  const auth = clientSecret === null ? client.None() : client.ClientSecretBasic(clientSecret);
  const config = await client.discovery(new URL(gatehouse.url), record.clientId, clientSecret ?? undefined, auth, { execute: [client.allowInsecureRequests] });
  return { clientId: record.clientId, config };
}

interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

async function authorizationRequest(rp: RelyingParty, params: Record<string, string> = {}, options: { pkce?: boolean } = {}): Promise<Authorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email groups',
    state,
    nonce,
    ...(options.pkce === false ? {} : { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }),
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** Authorization request → login → consent → the redirect back to the app with a code. */
async function signInThroughApp(browser: Browser, rp: RelyingParty, user: UserRecord, params: Record<string, string> = {}, options: { pkce?: boolean } = {}) {
  const request = await authorizationRequest(rp, params, options);
  let stop = await browser.navigate(request.url.href);
  for (let step = 0; stop.kind === 'interaction' && step < 3; step++) {
    const { prompt } = await details(browser, stop.uid);
    const next = prompt.name === 'login' ? await login(browser, stop.uid, user) : await consent(browser, stop.uid);
    stop = await browser.navigate(next);
  }
  if (stop.kind !== 'redirect') throw new Error(`expected a redirect to the app, got ${stop.kind} ${stop.response.status}: ${await stop.response.text()}`);
  return { request, callback: stop.location };
}

async function exchange(rp: RelyingParty, request: Authorization, callback: URL, verifier = request.verifier) {
  return client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: verifier, expectedState: request.state, expectedNonce: request.nonce });
}


/** The token endpoint's raw answer to an authorization code exchange. */
async function redeem(rp: { clientId: string }, secretless: boolean, code: string, verifier: string | undefined, redirectUri = REDIRECT_URI): Promise<{ status: number; body: Record<string, unknown> }> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...(verifier === undefined ? {} : { code_verifier: verifier }) };
  if (secretless) form.client_id = rp.clientId;
  const response = await fetch(`${gatehouse.url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  gatehouse = await createTestApp({ listen: true });
  oidc = gatehouse.service<OidcService>('oidc');
  identity = gatehouse.service<IdentityService>('identity');
  alice = await identity.createUser({ username: 'alice', email: 'alice@example.lan', emailVerified: true, displayName: 'Alice Liddell' });
  await identity.createGroup('grafana-admins');
  await identity.addMember('grafana-admins', 'alice');
  pages = Fastify();
  pages.setErrorHandler(errorHandler);
  pages.get('/interaction/:uid', (request, reply) => oidc.interactionDetails(request, reply));
  pages.post('/interaction/:uid/login', async (request, reply) => ({ redirectTo: await oidc.finishLogin(request, reply, request.body as LoginResult) }));
  pages.post('/interaction/:uid/consent', async (request, reply) => ({ redirectTo: await oidc.finishConsent(request, reply) }));
  pages.post('/interaction/:uid/abort', async (request, reply) => ({ redirectTo: await oidc.abortInteraction(request, reply, request.body as { error: string; description: string }) }));
  await pages.ready();
});

afterAll(async () => {
  await pages?.close();
  await gatehouse?.close();
});

describe('the authorization code flow', () => {
  it('signs a user in with PKCE: openid-client validates the ID token, which carries the user\'s claims', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, OFFLINE);
    expect(callback.searchParams.get('iss')).toBe(gatehouse.url);
    const tokens = await exchange(rp, request, callback);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: gatehouse.url,
      aud: rp.clientId,
      sub: alice.id,
      nonce: request.nonce,
      email: 'alice@example.lan',
      email_verified: true,
      preferred_username: 'alice',
      name: 'Alice Liddell',
      groups: ['grafana-admins'],
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('answers userinfo with the granted claims for the access token', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, { scope: 'openid email' });
    const tokens = await exchange(rp, request, callback);
    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, alice.id);
    expect(userinfo).toEqual({ sub: alice.id, email: 'alice@example.lan', email_verified: true });
  });

  it('shows the interaction to the login page: prompt, params, and the client\'s name', async () => {
    const rp = await relyingParty({ name: 'Grafana (details)' });
    const browser = new Browser(gatehouse.url);
    const stop = await browser.navigate((await authorizationRequest(rp, { login_hint: 'alice' })).url.href);
    expect(stop.kind).toBe('interaction');
    const shown = await details(browser, (stop as { uid: string }).uid);
    expect(shown.prompt.name).toBe('login');
    expect(shown.prompt.reasons).toContain('no_session');
    expect(shown.params).toMatchObject({ client_id: rp.clientId, redirect_uri: REDIRECT_URI, login_hint: 'alice' });
    expect(shown.client).toEqual({ clientId: rp.clientId, name: 'Grafana (details)' });
    expect(shown.session).toBeUndefined();
  });

  it('refuses the interaction to a browser that did not start it (no interaction cookie)', async () => {
    const rp = await relyingParty();
    const stop = await new Browser(gatehouse.url).navigate((await authorizationRequest(rp)).url.href);
    const stranger = new Browser(gatehouse.url);
    const { status, body } = await page<{ error: string }>(stranger, (stop as { uid: string }).uid, 'login', { accountId: alice.id, amr: ['pwd'] });
    expect(status).toBe(400);
    expect(body.error).toBe('interaction_not_found');
  });

  it('remembers consent per user and client: a new browser signs in without being asked again', async () => {
    const rp = await relyingParty();
    await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    const browser = new Browser(gatehouse.url);
    const request = await authorizationRequest(rp);
    const first = await browser.navigate(request.url.href);
    expect(first.kind).toBe('interaction');
    const afterLogin = await browser.navigate(await login(browser, (first as { uid: string }).uid, alice));
    expect(afterLogin.kind).toBe('redirect');
    expect((afterLogin as { location: URL }).location.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('asks for consent again when the app asks for more than was granted', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    await signInThroughApp(browser, rp, alice, { scope: 'openid' });
    const stop = await browser.navigate((await authorizationRequest(rp, { scope: 'openid email' })).url.href);
    expect(stop.kind).toBe('interaction');
    const shown = await details(browser, (stop as { uid: string }).uid);
    expect(shown.prompt).toMatchObject({ name: 'consent', details: { missingOIDCScope: ['email'] } });
  });

  it('gives the app access_denied when the user cancels', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    const request = await authorizationRequest(rp);
    const stop = await browser.navigate(request.url.href);
    const { body } = await page<{ redirectTo: string }>(browser, (stop as { uid: string }).uid, 'abort', { error: 'access_denied', description: 'The user cancelled.' });
    const back = await browser.navigate(body.redirectTo);
    expect(back.kind).toBe('redirect');
    const location = (back as { location: URL }).location;
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(request.state);
  });
});

describe('single sign-on and the Gatehouse session', () => {
  it('signs in again without any page while the Gatehouse session lives', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    await signInThroughApp(browser, rp, alice);
    const again = await browser.navigate((await authorizationRequest(rp)).url.href);
    expect(again.kind).toBe('redirect');
    expect((again as { location: URL }).location.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('asks for a login again once the Gatehouse session is revoked, and prompt=none then gets login_required', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    await signInThroughApp(browser, rp, alice);
    const [session] = await identity.listSessionsOfUser(alice.id);
    for (const live of await identity.listSessionsOfUser(alice.id)) await identity.revokeSession(live.id);
    expect(session).toBeDefined();
    const stop = await browser.navigate((await authorizationRequest(rp)).url.href);
    expect(stop.kind).toBe('interaction');
    expect((await details(browser, (stop as { uid: string }).uid)).prompt.reasons).toContain('gatehouse_session');
    const silent = await browser.navigate((await authorizationRequest(rp, { prompt: 'none' })).url.href);
    expect((silent as { location: URL }).location.searchParams.get('error')).toBe('login_required');
  });

  it('stops a disabled user: no silent sign-in, no refresh, no userinfo', async () => {
    const bob = await identity.createUser({ username: 'bob', email: 'bob@example.lan' });
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    const { request, callback } = await signInThroughApp(browser, rp, bob, OFFLINE);
    const tokens = await exchange(rp, request, callback);
    await identity.setActive(bob.id, false);
    expect(await oauthError(client.refreshTokenGrant(rp.config, tokens.refresh_token!))).toBe('invalid_grant');
    expect(await oauthError(client.fetchUserInfo(rp.config, tokens.access_token, bob.id))).toBe('invalid_token');
    const silent = await browser.navigate((await authorizationRequest(rp, { prompt: 'none' })).url.href);
    expect((silent as { location: URL }).location.searchParams.get('error')).toBe('login_required');
  });

  it('refuses to finish a login for a disabled user', async () => {
    const carol = await identity.createUser({ username: 'carol', email: 'carol@example.lan' });
    await identity.setActive(carol.id, false);
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    const stop = await browser.navigate((await authorizationRequest(rp)).url.href);
    const { status, body } = await page<{ error: string }>(browser, (stop as { uid: string }).uid, 'login', { accountId: carol.id, amr: ['pwd'] });
    expect(status).toBe(403);
    expect(body.error).toBe('account_unavailable');
  });
});

describe('prompt, max_age and nonce', () => {
  it('prompt=none without a session sends login_required back to the app, with its state', async () => {
    const rp = await relyingParty();
    const request = await authorizationRequest(rp, { prompt: 'none' });
    const stop = await new Browser(gatehouse.url).navigate(request.url.href);
    expect(stop.kind).toBe('redirect');
    const location = (stop as { location: URL }).location;
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('state')).toBe(request.state);
  });

  it('prompt=login asks again despite a session, and refuses a login made before the request', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    await signInThroughApp(browser, rp, alice);
    const stop = await browser.navigate((await authorizationRequest(rp, { prompt: 'login' })).url.href);
    expect(stop.kind).toBe('interaction');
    const uid = (stop as { uid: string }).uid;
    expect((await details(browser, uid)).prompt.reasons).toContain('login_prompt');
    const stale = await page<{ error: string }>(browser, uid, 'login', { accountId: alice.id, amr: ['pwd'], authTime: Math.floor(Date.now() / 1000) - 120 });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('reauthentication_required');
    const next = await browser.navigate(await login(browser, uid, alice));
    expect(next.kind).toBe('redirect');
  });

  it('max_age: refuses an older authentication, accepts a fresh one, and the ID token says when it happened', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    const request = await authorizationRequest(rp, { max_age: '60' });
    const stop = await browser.navigate(request.url.href);
    const uid = (stop as { uid: string }).uid;
    const old = await page<{ error: string }>(browser, uid, 'login', { accountId: alice.id, amr: ['pwd'], authTime: Math.floor(Date.now() / 1000) - 3600 });
    expect(old.body.error).toBe('reauthentication_required');
    const authTime = Math.floor(Date.now() / 1000) - 5;
    let next = await browser.navigate(await login(browser, uid, alice, { authTime }));
    if (next.kind === 'interaction') next = await browser.navigate(await consent(browser, next.uid));
    const tokens = await exchange(rp, request, (next as { location: URL }).location);
    expect(tokens.claims()!.auth_time).toBe(authTime);
  });

  it('openid-client refuses an ID token whose nonce is not the one it sent', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    await expect(client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: 'another-nonce' })).rejects.toMatchObject({
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      // openid-client wraps oauth4webapi's error, which names the claim.
      cause: { cause: { claim: 'nonce', claims: { nonce: request.nonce } } },
    });
  });
});

describe('refresh tokens', () => {
  it('rotate on every use, and the used one is refused afterwards (the whole grant with it)', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, OFFLINE);
    const first = await exchange(rp, request, callback);
    const second = await client.refreshTokenGrant(rp.config, first.refresh_token!);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.claims()?.sub).toBe(alice.id);
    expect(await oauthError(client.refreshTokenGrant(rp.config, first.refresh_token!))).toBe('invalid_grant');
    // RFC 9700 §4.14.2: a replayed refresh token revokes what was issued from it.
    expect(await oauthError(client.refreshTokenGrant(rp.config, second.refresh_token!))).toBe('invalid_grant');
    expect((await client.tokenIntrospection(rp.config, second.access_token)).active).toBe(false);
  });

  it('are issued only when offline_access was asked for', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, { scope: 'openid profile', prompt: 'consent' });
    const tokens = await exchange(rp, request, callback);
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('are not issued for offline_access without prompt=consent (OIDC Core 11)', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, { scope: 'openid offline_access' });
    const tokens = await exchange(rp, request, callback);
    expect(tokens.refresh_token).toBeUndefined();
  });
});

describe('refusals at the token endpoint', () => {
  it('a code used twice: invalid_grant, and the tokens of its first use are revoked', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, OFFLINE);
    const tokens = await exchange(rp, request, callback);
    expect(await oauthError(exchange(rp, request, callback))).toBe('invalid_grant');
    expect((await client.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(false);
    expect(await oauthError(client.refreshTokenGrant(rp.config, tokens.refresh_token!))).toBe('invalid_grant');
  });

  it('a code redeemed twice at the same instant: exactly one request gets tokens', async () => {
    const rp = await relyingParty({ public: true });
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    const code = callback.searchParams.get('code')!;
    const answers = await Promise.all(Array.from({ length: 4 }, () => redeem(rp, true, code, request.verifier)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.status !== 200)) expect(refused.body.error).toBe('invalid_grant');
  });

  it('PKCE: a missing code_verifier for a code issued with a challenge is invalid_grant', async () => {
    const rp = await relyingParty({ public: true });
    const { callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    const answer = await redeem(rp, true, callback.searchParams.get('code')!, undefined);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('PKCE: a wrong code_verifier is invalid_grant', async () => {
    const rp = await relyingParty({ public: true });
    const { callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    const answer = await redeem(rp, true, callback.searchParams.get('code')!, client.randomPKCECodeVerifier());
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('PKCE: a code_verifier for a code issued without a challenge is invalid_grant (downgrade, RFC 9700 §4.8.2)', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, {}, { pkce: false });
    expect(await oauthError(exchange(rp, request, callback, client.randomPKCECodeVerifier()))).toBe('invalid_grant');
  });

  it('PKCE: a confidential client may go without it, and the code then works without a verifier', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice, {}, { pkce: false });
    const tokens = await client.authorizationCodeGrant(rp.config, callback, { expectedState: request.state, expectedNonce: request.nonce });
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('an expired code is invalid_grant', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    // A minute passes (the code's lifetime, RFC 6749 §4.1.2), as far as the stored code knows.
    await gatehouse.db.pool.query(`UPDATE oidc_payloads SET payload = jsonb_set(payload::jsonb, '{exp}', to_jsonb(extract(epoch FROM now())::bigint - 1))::json
      WHERE model = 'AuthorizationCode' AND id = $1`, [callback.searchParams.get('code')]);
    expect(await oauthError(exchange(rp, request, callback))).toBe('invalid_grant');
  });

  it('a code sent with another redirect_uri than the one it was issued for is invalid_grant', async () => {
    const rp = await relyingParty({ public: true });
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    const answer = await redeem(rp, true, callback.searchParams.get('code')!, request.verifier, `${REDIRECT_URI}/other`);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a code of a client that was disabled meanwhile is refused with invalid_client', async () => {
    const rp = await relyingParty();
    const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
    await oidc.setClientEnabled(rp.clientId, false);
    expect(await oauthError(exchange(rp, request, callback))).toBe('invalid_client');
  });
});

describe('refusals at the authorization endpoint', () => {
  async function errorPage(url: string): Promise<Response> {
    const stop = await new Browser(gatehouse.url).navigate(url);
    expect(stop.kind).toBe('page');
    return stop.response;
  }

  it('an unregistered redirect_uri gets an error page, never a redirect', async () => {
    const rp = await relyingParty();
    const response = await errorPage((await authorizationRequest(rp, { redirect_uri: 'https://attacker.example/cb' })).url.href);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it('a modified redirect_uri (an added path, query or trailing slash) gets an error page too: URIs compare exactly', async () => {
    const rp = await relyingParty();
    for (const modified of [`${REDIRECT_URI}/`, `${REDIRECT_URI}?next=/admin`, `${REDIRECT_URI}/../callback`, REDIRECT_URI.toUpperCase()]) {
      const response = await errorPage((await authorizationRequest(rp, { redirect_uri: modified })).url.href);
      expect(response.status, modified).toBe(400);
      expect(response.headers.get('location'), modified).toBeNull();
    }
  });

  it('a disabled or unknown client gets an error page', async () => {
    const rp = await relyingParty();
    await oidc.setClientEnabled(rp.clientId, false);
    const response = await errorPage((await authorizationRequest(rp)).url.href);
    expect(response.status).toBe(400);
    const unknown = new URL(response.url);
    unknown.searchParams.set('client_id', 'no-such-client');
    expect((await errorPage(unknown.href)).status).toBe(400);
  });

  it('PKCE: a public client without a code_challenge is sent back invalid_request', async () => {
    const rp = await relyingParty({ public: true });
    const stop = await new Browser(gatehouse.url).navigate((await authorizationRequest(rp, {}, { pkce: false })).url.href);
    expect(stop.kind).toBe('redirect');
    const location = (stop as { location: URL }).location;
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('PKCE: code_challenge_method=plain (a downgrade) is sent back invalid_request', async () => {
    const rp = await relyingParty({ public: true });
    const verifier = client.randomPKCECodeVerifier();
    const stop = await new Browser(gatehouse.url).navigate((await authorizationRequest(rp, { code_challenge: verifier, code_challenge_method: 'plain' })).url.href);
    const location = (stop as { location: URL }).location;
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('the implicit flow (response_type=token) is refused', async () => {
    const rp = await relyingParty();
    const stop = await new Browser(gatehouse.url).navigate((await authorizationRequest(rp, { response_type: 'id_token token' })).url.href);
    const location = (stop as { location: URL }).location;
    expect(location.searchParams.get('error') ?? new URLSearchParams(location.hash.slice(1)).get('error')).toBe('unsupported_response_type');
  });
});

describe('RP-initiated logout', () => {
  async function logoutPage(browser: Browser, url: URL): Promise<{ xsrf: string; html: string }> {
    const stop = await browser.navigate(url.href);
    expect(stop.kind).toBe('page');
    const html = await stop.response.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    if (!xsrf) throw new Error(`no logout form: ${html}`);
    return { xsrf, html };
  }

  it('asks, then signs out of the provider and of Gatehouse, and returns to the registered post_logout_redirect_uri with the state', async () => {
    const rp = await relyingParty({ name: 'Logout app' });
    const browser = new Browser(gatehouse.url);
    const { request, callback } = await signInThroughApp(browser, rp, alice);
    const tokens = await exchange(rp, request, callback);
    const sessionToken = /=(.*)$/.exec(browser.cookieHeader(`${gatehouse.url}/`).split('; ').find((c) => c.startsWith(`${identity.sessionCookie.name}=`))!)![1]!;
    expect(await identity.authenticate(sessionToken)).not.toBeNull();
    const { xsrf, html } = await logoutPage(browser, client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' }));
    expect(html).toContain('Logout app');
    const done = await browser.navigate(`${gatehouse.url}/oidc/session/end/confirm`, { form: { xsrf, logout: 'yes' } });
    expect(done.kind).toBe('redirect');
    expect((done as { location: URL }).location.href).toBe(`${POST_LOGOUT_URI}?state=bye`);
    expect(await identity.authenticate(sessionToken)).toBeNull();
    expect(browser.has(identity.sessionCookie.name)).toBe(false);
    // Signed out everywhere: the app's next silent sign-in fails.
    const silent = await browser.navigate((await authorizationRequest(rp, { prompt: 'none' })).url.href);
    expect((silent as { location: URL }).location.searchParams.get('error')).toBe('login_required');
  });

  it('refuses an unregistered post_logout_redirect_uri with an error page', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    const { request, callback } = await signInThroughApp(browser, rp, alice);
    const tokens = await exchange(rp, request, callback);
    for (const uri of ['https://attacker.example/', `${POST_LOGOUT_URI}/`]) {
      const stop = await browser.navigate(client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri }).href);
      expect(stop.kind, uri).toBe('page');
      expect(stop.response.status, uri).toBe(400);
    }
  });

  it('"No, stay signed in" signs out of that app only: the Gatehouse session stays, the app must ask consent again', async () => {
    const rp = await relyingParty();
    const browser = new Browser(gatehouse.url);
    const { request, callback } = await signInThroughApp(browser, rp, alice);
    const tokens = await exchange(rp, request, callback);
    const { xsrf } = await logoutPage(browser, client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token! }));
    await browser.navigate(`${gatehouse.url}/oidc/session/end/confirm`, { form: { xsrf } });
    expect(browser.has(identity.sessionCookie.name)).toBe(true);
    expect((await client.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(false);
    const again = await browser.navigate((await authorizationRequest(rp)).url.href);
    expect(again.kind).toBe('interaction');
    expect((await details(browser, (again as { uid: string }).uid)).prompt.name).toBe('consent');
  });
});

describe('the device authorization grant (RFC 8628)', () => {
  it('lets a device sign in with a user code confirmed in a browser', async () => {
    const rp = await relyingParty({ public: true, grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] });
    const started = await client.initiateDeviceAuthorization(rp.config, { scope: 'openid profile offline_access' });
    expect(started.verification_uri).toBe(`${gatehouse.url}/oidc/device`);
    expect(await oauthError(client.genericGrantRequest(rp.config, 'urn:ietf:params:oauth:grant-type:device_code', { device_code: started.device_code }))).toBe('authorization_pending');

    const browser = new Browser(gatehouse.url);
    const input = await browser.navigate(started.verification_uri);
    const inputHtml = await input.response.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(inputHtml)![1]!;
    const confirm = await browser.navigate(`${gatehouse.url}/oidc/device`, { form: { xsrf, user_code: started.user_code } });
    const confirmHtml = await confirm.response.text();
    expect(confirmHtml).toContain(started.user_code);
    const confirmXsrf = /name="xsrf" value="([^"]+)"/.exec(confirmHtml)![1]!;
    let stop = await browser.navigate(`${gatehouse.url}/oidc/device`, { form: { xsrf: confirmXsrf, user_code: started.user_code, confirm: 'yes' } });
    for (let step = 0; stop.kind === 'interaction' && step < 3; step++) {
      const { prompt } = await details(browser, stop.uid);
      stop = await browser.navigate(prompt.name === 'login' ? await login(browser, stop.uid, alice) : await consent(browser, stop.uid));
    }
    expect(stop.kind).toBe('page');
    expect(await stop.response.text()).toContain('signed in');

    const tokens = await client.genericGrantRequest(rp.config, 'urn:ietf:params:oauth:grant-type:device_code', { device_code: started.device_code });
    expect(tokens.claims()?.sub).toBe(alice.id);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // A device code is single-use too.
    expect(await oauthError(client.genericGrantRequest(rp.config, 'urn:ietf:params:oauth:grant-type:device_code', { device_code: started.device_code }))).toBe('invalid_grant');
  });

  it('says so when the code typed in is wrong', async () => {
    const browser = new Browser(gatehouse.url);
    const input = await browser.navigate(`${gatehouse.url}/oidc/device`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await input.response.text())![1]!;
    const wrong = await browser.navigate(`${gatehouse.url}/oidc/device`, { form: { xsrf, user_code: 'BCDF-GHJK' } });
    expect(await wrong.response.text()).toContain('not valid');
  });
});

describe('signing key rotation', () => {
  const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
  const publishedKids = async () => ((await (await fetch(`${gatehouse.url}/oidc/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);

  it('keeps signing with the current key while the successor is published, then switches; the old key stays published', async () => {
    const rp = await relyingParty();
    const signIn = async () => {
      const { request, callback } = await signInThroughApp(new Browser(gatehouse.url), rp, alice);
      return kidOf((await exchange(rp, request, callback)).id_token!);
    };
    const current = await signIn();
    const { created } = await oidc.rotateSigningKeys();
    expect(created).toHaveLength(2);
    expect(await publishedKids()).toEqual(expect.arrayContaining([current, ...created]));
    expect(await signIn()).toBe(current);

    // The publication period passes: the successors start signing (moved in time in the database).
    await gatehouse.db.pool.query(
      `UPDATE oidc_signing_keys SET created_at = now() - interval '3 days', activates_at = now() - interval '1 second' WHERE kid = ANY($1)`,
      [created],
    );
    await gatehouse.db.pool.query(`UPDATE oidc_signing_keys SET retires_at = now() - interval '1 second' WHERE retires_at IS NOT NULL`);
    await oidc.reloadSigningKeys();
    // openid-client fetches the JWKS again for the kid it has not seen, and verifies the ID token with it.
    const next = await signIn();
    expect(created).toContain(next);
    expect(await publishedKids()).toContain(current);
  });
});
