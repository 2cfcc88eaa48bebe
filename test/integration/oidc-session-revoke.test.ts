// What an application received through a Gatehouse sign-in ends with that sign-in's session, however the session
// ends and wherever: openid-client 6 as the relying party of a listening Gatehouse, the sessions row deleted by
// revocation, sign-out, a disabled user, another instance, or expiry (where offline access lives on: OIDC Core 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { errors } from 'oidc-provider';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { OFFLINE, REDIRECT_URI, SignIns, type RelyingParty } from '../helpers/oidc-relying-party.ts';
import { oauthError } from '../interop/oidc-support.ts';
import type { IdentityService, UserRecord } from '../../server/src/identity/index.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';
import { PayloadStore } from '../../server/src/providers/oidc/adapter.ts';
import { cleanupTargets, runCleanup } from '../../server/src/platform/cleanup.ts';

let gatehouse: TestApp;
let oidc: OidcService;
let identity: IdentityService;
let signIns: SignIns;
let alice: UserRecord;

beforeAll(async () => {
  gatehouse = await createTestApp({ listen: true });
  oidc = gatehouse.service<OidcService>('oidc');
  identity = gatehouse.service<IdentityService>('identity');
  signIns = await SignIns.start(gatehouse);
  alice = await identity.createUser({ username: 'alice', email: 'alice@example.lan' });
});

afterAll(async () => {
  await signIns?.close();
  await gatehouse?.close();
});

async function relyingParty(): Promise<RelyingParty> {
  const { client: record, clientSecret } = await oidc.createClient({ name: `app ${Math.random().toString(36).slice(2)}`, redirectUris: [REDIRECT_URI] });
  return signIns.relyingParty(record.clientId, clientSecret);
}

/** The codes and tokens tied to a Gatehouse session, by model. */
async function tiedTo(sessionId: string): Promise<string[]> {
  const { rows } = await gatehouse.platform.pool.query<{ model: string }>('SELECT model FROM oidc_payloads WHERE gatehouse_session_id = $1 ORDER BY model', [sessionId]);
  return rows.map((row) => row.model);
}

const refreshes = async (rp: RelyingParty, refreshToken: string) => (await client.refreshTokenGrant(rp.config, refreshToken)).refresh_token!;

describe('a revoked Gatehouse session', () => {
  it('ties the code and the tokens of a sign-in, and the tokens of each refresh, to the Gatehouse session of that sign-in', async () => {
    const rp = await relyingParty();
    const browser = signIns.browser();
    const tokens = await signIns.tokensFor(browser, rp, alice, OFFLINE);
    expect(await tiedTo(browser.sessionId!)).toEqual(['AccessToken', 'AuthorizationCode', 'RefreshToken']);
    await refreshes(rp, tokens.refresh_token!);
    expect(await tiedTo(browser.sessionId!)).toEqual(['AccessToken', 'AccessToken', 'AuthorizationCode', 'RefreshToken', 'RefreshToken']);
  });

  it('ends the refresh tokens issued through it, offline access included: the next refresh_token grant is invalid_grant', async () => {
    const rp = await relyingParty();
    const browser = signIns.browser();
    const tokens = await signIns.tokensFor(browser, rp, alice, OFFLINE);
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(await identity.revokeSession(browser.sessionId!)).toBe(true);
    expect(await oauthError(client.refreshTokenGrant(rp.config, refreshed.refresh_token!))).toBe('invalid_grant');
    expect(await oauthError(client.fetchUserInfo(rp.config, refreshed.access_token, alice.id))).toBe('invalid_token');
    expect((await client.tokenIntrospection(rp.config, refreshed.access_token)).active).toBe(false);
    expect(await tiedTo(browser.sessionId!)).toEqual([]);
  });

  it('leaves the tokens of the same user\'s other session (another browser) working', async () => {
    const rp = await relyingParty();
    const laptop = signIns.browser();
    const phone = signIns.browser();
    const laptopTokens = await signIns.tokensFor(laptop, rp, alice, OFFLINE);
    const phoneTokens = await signIns.tokensFor(phone, rp, alice, OFFLINE);
    expect(phone.sessionId).not.toBe(laptop.sessionId);
    await identity.revokeSession(laptop.sessionId!);
    expect(await oauthError(client.refreshTokenGrant(rp.config, laptopTokens.refresh_token!))).toBe('invalid_grant');
    const next = await client.refreshTokenGrant(rp.config, phoneTokens.refresh_token!);
    expect(next.claims()?.sub).toBe(alice.id);
    expect(await client.fetchUserInfo(rp.config, next.access_token, alice.id)).toMatchObject({ sub: alice.id });
  });

  it('keeps the consent: signing in again needs the password, not a new consent', async () => {
    const rp = await relyingParty();
    const browser = signIns.browser();
    await signIns.tokensFor(browser, rp, alice);
    await identity.revokeSession(browser.sessionId!);
    const stop = await browser.navigate((await signIns.authorizationRequest(rp)).url.href);
    expect(stop.kind).toBe('interaction');
    const afterLogin = await browser.navigate(await signIns.login(browser, (stop as { uid: string }).uid, alice));
    expect(afterLogin.kind).toBe('redirect');
  });

  it('ends a code issued before the session ended: its exchange is invalid_grant', async () => {
    const rp = await relyingParty();
    const browser = signIns.browser();
    const { request, callback } = await signIns.signInThroughApp(browser, rp, alice, OFFLINE);
    await identity.revokeSession(browser.sessionId!);
    expect(await oauthError(signIns.exchange(rp, request, callback))).toBe('invalid_grant');
  });

  it('ends them when every session of the user is revoked, and when the user is deleted', async () => {
    const bob = await identity.createUser({ username: 'bob' });
    const rp = await relyingParty();
    const tokens = await signIns.tokensFor(signIns.browser(), rp, bob, OFFLINE);
    expect(await identity.revokeSessionsOfUser(bob.id)).toBe(1);
    expect(await oauthError(client.refreshTokenGrant(rp.config, tokens.refresh_token!))).toBe('invalid_grant');

    const carol = await identity.createUser({ username: 'carol' });
    const browser = signIns.browser();
    await signIns.tokensFor(browser, rp, carol, OFFLINE);
    await gatehouse.platform.pool.query('DELETE FROM users WHERE id = $1', [carol.id]);
    expect(await tiedTo(browser.sessionId!)).toEqual([]);
  });

  it('ends them at once on every instance when another instance (or the CLI) deletes the session', async () => {
    const other = await createTestApp({ db: gatehouse.db });
    try {
      const rp = await relyingParty();
      const browser = signIns.browser();
      const tokens = await signIns.tokensFor(browser, rp, alice, OFFLINE);
      expect(await other.service<IdentityService>('identity').revokeSession(browser.sessionId!)).toBe(true);
      expect(await oauthError(client.refreshTokenGrant(rp.config, tokens.refresh_token!))).toBe('invalid_grant');
    } finally {
      await other.close();
    }
  });

  it('refuses a token whose session ends while it is being issued (the foreign key), with invalid_grant', async () => {
    const { session } = await identity.createSession(alice.id, { authMethods: ['pwd'] });
    const ended = session.id;
    await identity.revokeSession(ended);
    const store = new PayloadStore(gatehouse.platform.pool, errors.InvalidGrant, { sessionOf: async () => ended, redeemed: () => undefined });
    const saved = store.adapterFor('RefreshToken').upsert('rt-late', { jti: 'rt-late', accountId: alice.id, grantId: 'g' }, 60);
    await expect(saved).rejects.toBeInstanceOf(errors.InvalidGrant);
  });
});

describe('offline access and the end of a session', () => {
  /** The session ran out: both expiries in the past (idle_expires_at never passes expires_at), then the cleanup job. */
  async function expire(sessionId: string): Promise<void> {
    await gatehouse.platform.pool.query("UPDATE sessions SET idle_expires_at = now() - interval '1 second', expires_at = now() - interval '1 second' WHERE id = $1", [sessionId]);
    const result = await runCleanup(gatehouse.platform.pool, { maxMs: 5_000, targets: cleanupTargets().filter((target) => target.name === 'sessions') });
    expect(result.errors).toEqual({});
    expect((await gatehouse.platform.pool.query('SELECT 1 FROM sessions WHERE id = $1', [sessionId])).rowCount).toBe(0);
  }

  it('outlives the session\'s expiry (OIDC Core 11), detached from it, while a sign-in without offline access ends', async () => {
    const rp = await relyingParty();
    const offlineBrowser = signIns.browser();
    const offline = await signIns.tokensFor(offlineBrowser, rp, alice, OFFLINE);
    const onlineBrowser = signIns.browser();
    const online = await signIns.tokensFor(onlineBrowser, rp, alice, { scope: 'openid email' });
    expect(online.refresh_token).toBeUndefined();

    await expire(offlineBrowser.sessionId!);
    await expire(onlineBrowser.sessionId!);

    const refreshed = await client.refreshTokenGrant(rp.config, offline.refresh_token!);
    expect(refreshed.claims()?.sub).toBe(alice.id);
    expect(await client.fetchUserInfo(rp.config, refreshed.access_token, alice.id)).toMatchObject({ sub: alice.id });
    // Detached: what is issued from it now belongs to no session (an opaque token's value is its id).
    const { rows } = await gatehouse.platform.pool.query("SELECT gatehouse_session_id FROM oidc_payloads WHERE model = 'RefreshToken' AND id = $1", [refreshed.refresh_token]);
    expect(rows).toEqual([{ gatehouse_session_id: null }]);
    expect(await oauthError(client.fetchUserInfo(rp.config, online.access_token, alice.id))).toBe('invalid_token');
  });

  it('ends with a revocation even of an offline token, since someone decided that sign-in is over', async () => {
    const rp = await relyingParty();
    const browser = signIns.browser();
    const offline = await signIns.tokensFor(browser, rp, alice, OFFLINE);
    await identity.revokeSession(browser.sessionId!);
    expect(await oauthError(client.refreshTokenGrant(rp.config, offline.refresh_token!))).toBe('invalid_grant');
  });
});

describe('the device flow', () => {
  it('ties a device\'s tokens to the session of the browser that approved it', async () => {
    const { client: record } = await oidc.createClient({ name: 'Living room TV', isPublic: true, grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] });
    const tv = await signIns.relyingParty(record.clientId, null);
    const started = await client.initiateDeviceAuthorization(tv.config, { scope: 'openid profile offline_access' });
    const browser = signIns.browser();
    const xsrfOf = (html: string) => /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const input = await browser.navigate(started.verification_uri);
    const confirm = await browser.navigate(started.verification_uri, { form: { xsrf: xsrfOf(await input.response.text()), user_code: started.user_code } });
    let stop = await browser.navigate(started.verification_uri, { form: { xsrf: xsrfOf(await confirm.response.text()), user_code: started.user_code, confirm: 'yes' } });
    for (let step = 0; stop.kind === 'interaction' && step < 3; step++) {
      const uid = stop.uid;
      stop = await browser.navigate(step === 0 ? await signIns.login(browser, uid, alice) : await signIns.consent(browser, uid));
    }
    const tokens = await client.genericGrantRequest(tv.config, 'urn:ietf:params:oauth:grant-type:device_code', { device_code: started.device_code });
    expect(await tiedTo(browser.sessionId!)).toEqual(['AccessToken', 'DeviceCode', 'RefreshToken']);
    await identity.revokeSession(browser.sessionId!);
    expect(await oauthError(client.refreshTokenGrant(tv.config, tokens.refresh_token!))).toBe('invalid_grant');
  });
});
