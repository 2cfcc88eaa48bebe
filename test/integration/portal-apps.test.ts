// The portal's applications (/api/v1/me/apps, /api/v1/me/consents) through app.inject() on a real database, with
// consents given by real sign-ins (openid-client 6 as the relying party) and their withdrawal checked at the
// token and userinfo endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { OFFLINE, REDIRECT_URI, SignIns, type RelyingParty } from '../helpers/oidc-relying-party.ts';
import { oauthError } from '../interop/oidc-support.ts';
import type { IdentityService, UserRecord } from '../../server/src/identity/index.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';
import type { MyApps, MyConsents } from '../../server/src/portal/schemas.ts';

let app: TestApp;
let identity: IdentityService;
let oidc: OidcService;
let signIns: SignIns;
let dora: UserRecord;
let doraSession: string;
let eve: UserRecord;
let eveSession: string;

function call(method: 'GET' | 'DELETE', url: string, session?: string, headers: Record<string, string> = {}) {
  return app.app.inject({
    method,
    url,
    headers: { ...(session ? { cookie: `${identity.sessionCookie.name}=${session}` } : {}), ...(method === 'GET' ? {} : { origin: app.url }), ...headers },
  });
}

async function registered(name: string, settings: { launchUrl?: string; logoUri?: string } = {}): Promise<RelyingParty> {
  const { client: record, clientSecret } = await oidc.createClient({ name, redirectUris: [REDIRECT_URI], ...settings });
  return signIns.relyingParty(record.clientId, clientSecret);
}

beforeAll(async () => {
  app = await createTestApp({ listen: true });
  identity = app.service<IdentityService>('identity');
  oidc = app.service<OidcService>('oidc');
  signIns = await SignIns.start(app);
  dora = await identity.createUser({ username: 'dora', password: 'a long password 1' });
  eve = await identity.createUser({ username: 'eve', password: 'a long password 2' });
  doraSession = (await identity.createSession(dora.id, { authMethods: ['pwd'] })).token;
  eveSession = (await identity.createSession(eve.id, { authMethods: ['pwd'] })).token;
});

afterAll(async () => {
  await signIns?.close();
  await app?.close();
});

describe('who may use the portal\'s application routes', () => {
  it('answers 401 without a session, with nothing of the applications or consents in the body', async () => {
    const rp = await registered('Secret Garden', { launchUrl: 'https://garden.example.test/' });
    await signIns.tokensFor(signIns.browser(), rp, dora);
    for (const [method, url] of [['GET', '/api/v1/me/apps'], ['GET', '/api/v1/me/consents'], ['DELETE', `/api/v1/me/consents/${rp.clientId}`]] as const) {
      const response = await call(method, url);
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error).toBe('not_signed_in');
      expect(response.body).not.toContain('Garden');
    }
    expect((await oidc.consentsOf(dora.id)).map((consent) => consent.clientId)).toContain(rp.clientId);
  });

  it('refuses a withdrawal from another site (no Origin), leaving the consent', async () => {
    const rp = await registered('Cross Site');
    await signIns.tokensFor(signIns.browser(), rp, dora);
    const response = await app.app.inject({ method: 'DELETE', url: `/api/v1/me/consents/${rp.clientId}`, headers: { cookie: `${identity.sessionCookie.name}=${doraSession}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('cross_site_request');
    expect((await oidc.consentsOf(dora.id)).map((consent) => consent.clientId)).toContain(rp.clientId);
  });
});

describe('GET /api/v1/me/apps', () => {
  it('lists the enabled applications that have a launch URL, in name order, to any signed-in user', async () => {
    const zulu = await registered('zulu board', { launchUrl: 'https://zulu.example.test/', logoUri: 'https://zulu.example.test/logo.png' });
    await registered('Alpha wiki', { launchUrl: 'http://wiki.lan/' });
    await registered('No launcher');
    const disabled = await registered('Beta disabled', { launchUrl: 'https://beta.example.test/' });
    await oidc.setClientEnabled(disabled.clientId, false);
    const response = await call('GET', '/api/v1/me/apps', eveSession);
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as MyApps;
    const names = items.map((item) => item.name);
    expect(names).toContain('Alpha wiki');
    expect(names).not.toContain('No launcher');
    expect(names).not.toContain('Beta disabled');
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(items.find((item) => item.id === zulu.clientId)).toEqual({ id: zulu.clientId, name: 'zulu board', launchUrl: 'https://zulu.example.test/', logoUri: 'https://zulu.example.test/logo.png' });
  });
});

describe('GET /api/v1/me/consents', () => {
  it('lists the applications this user allowed, with the scopes and when, and no one else\'s', async () => {
    const mail = await registered('Mail');
    const photos = await registered('Photos');
    const before = Date.now() - 1_000;
    await signIns.tokensFor(signIns.browser(), mail, dora, { scope: 'openid email' });
    await signIns.tokensFor(signIns.browser(), photos, dora, OFFLINE);
    await signIns.tokensFor(signIns.browser(), photos, eve, { scope: 'openid' });
    const response = await call('GET', '/api/v1/me/consents', doraSession);
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as MyConsents;
    const byId = new Map(items.map((item) => [item.applicationId, item]));
    expect(byId.get(mail.clientId)).toMatchObject({ applicationName: 'Mail', scopes: ['openid', 'email'] });
    expect(byId.get(photos.clientId)?.scopes.sort()).toEqual(['email', 'groups', 'offline_access', 'openid', 'profile']);
    expect(Date.parse(byId.get(mail.clientId)!.grantedAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(items.map((item) => item.applicationName)).toEqual([...items.map((item) => item.applicationName)].sort((a, b) => a.localeCompare(b)));
    const eves = (await call('GET', '/api/v1/me/consents', eveSession)).json() as MyConsents;
    expect(eves.items.map((item) => item.applicationId)).toEqual([photos.clientId]);
    expect(eves.items[0]!.scopes).toEqual(['openid']);
  });
});

describe('DELETE /api/v1/me/consents/:applicationId', () => {
  it('withdraws the consent: the app\'s refresh and userinfo stop at once, the next sign-in asks again; other users keep theirs', async () => {
    const rp = await registered('Calendar');
    const doraTokens = await signIns.tokensFor(signIns.browser(), rp, dora, OFFLINE);
    const eveTokens = await signIns.tokensFor(signIns.browser(), rp, eve, OFFLINE);
    const response = await call('DELETE', `/api/v1/me/consents/${rp.clientId}`, doraSession);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(((await call('GET', '/api/v1/me/consents', doraSession)).json() as MyConsents).items.map((item) => item.applicationId)).not.toContain(rp.clientId);
    expect(await oauthError(client.refreshTokenGrant(rp.config, doraTokens.refresh_token!))).toBe('invalid_grant');
    expect(await oauthError(client.fetchUserInfo(rp.config, doraTokens.access_token, dora.id))).toBe('invalid_token');
    expect((await client.refreshTokenGrant(rp.config, eveTokens.refresh_token!)).claims()?.sub).toBe(eve.id);

    const browser = signIns.browser();
    const stop = await browser.navigate((await signIns.authorizationRequest(rp)).url.href);
    const afterLogin = await browser.navigate(await signIns.login(browser, (stop as { uid: string }).uid, dora));
    expect(afterLogin.kind).toBe('interaction');
  });

  it('records consent.revoked by the user, about the user, naming the application', async () => {
    const rp = await registered('Notes');
    await signIns.tokensFor(signIns.browser(), rp, dora);
    expect((await call('DELETE', `/api/v1/me/consents/${rp.clientId}`, doraSession)).statusCode).toBe(204);
    const { rows } = await app.platform.pool.query("SELECT actor, actor_user_id, target_type, target_id, target_label, data FROM events WHERE type = 'consent.revoked' AND data->>'applicationId' = $1", [rp.clientId]);
    expect(rows).toEqual([{ actor: 'dora', actor_user_id: dora.id, target_type: 'user', target_id: dora.id, target_label: 'dora', data: { applicationId: rp.clientId, clientId: rp.clientId } }]);
  });

  it('answers 404 when there is no such consent (none given, or withdrawn already), recording nothing', async () => {
    const rp = await registered('Never used');
    const response = await call('DELETE', `/api/v1/me/consents/${rp.clientId}`, doraSession);
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('consent_not_found');
    const { rows } = await app.platform.pool.query("SELECT 1 FROM events WHERE type = 'consent.revoked' AND data->>'applicationId' = $1", [rp.clientId]);
    expect(rows).toEqual([]);
  });

  it('refuses an application id that cannot be one with 400 on the field applicationId', async () => {
    const response = await call('DELETE', '/api/v1/me/consents/NOT_AN_ID', doraSession);
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('applicationId');
  });
});
