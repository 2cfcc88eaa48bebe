// Signing in to an app through Gatehouse's pages, in Chromium, with openid-client 6 (a certified RP library) as
// the app: login → consent → code exchange → ID token validation → userinfo → refresh → RP-initiated logout,
// plus the wrong password, refresh and back button mid-flow, cancelling, the keyboard alone, a phone screen,
// and the device flow with its user-code page. Every page is saved to test/e2e/screenshots/.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as client from 'openid-client';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { assertRendererBuilt, launchBrowser, openPage, pageWidth, PHONE, type PageOptions, type WatchedPage } from '../helpers/browser.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';

const PASSWORD = 'correct horse battery staple';

/** The app: a tiny web server that only shows where the browser came back to, and what it was told. */
interface TestRp {
  url: string;
  close(): Promise<void>;
}

function startRp(): Promise<TestRp> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://rp');
    const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
    const said = [...url.searchParams.keys()].filter((key) => key !== 'code' && key !== 'state' && key !== 'iss').map((key) => escape(`${key}=${url.searchParams.get(key)}`));
    const title = url.pathname === '/callback' ? (url.searchParams.has('code') ? 'Test App: signed in' : 'Test App: not signed in') : url.pathname === '/logged-out' ? 'Test App: signed out' : 'Test App';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head>
<body><h1>${title}</h1><p>${said.join(' ')}</p></body></html>`);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

let browser: Browser;
let app: TestApp;
let rp: TestRp;
let config: client.Configuration;
let deviceConfig: client.Configuration;

beforeAll(async () => {
  assertRendererBuilt();
  [browser, app, rp] = await Promise.all([launchBrowser(), createTestApp({ listen: true }), startRp()]);
  const identity = app.service<IdentityService>('identity');
  const oidc = app.service<OidcService>('oidc');
  const alice = await identity.createUser({ username: 'alice', email: 'alice@example.org', displayName: 'Alice Liddell', password: PASSWORD, emailVerified: true });
  await identity.createGroup('staff');
  await identity.addMember('staff', alice.username);
  await identity.createUser({ username: 'bob', email: 'bob@example.org', password: PASSWORD });
  const registered = await oidc.createClient({
    name: 'Test App',
    redirectUris: [`${rp.url}/callback`],
    postLogoutRedirectUris: [`${rp.url}/logged-out`],
  });
  config = await client.discovery(new URL(app.url), registered.client.clientId, registered.clientSecret!, undefined, { execute: [client.allowInsecureRequests] });
  const tv = await oidc.createClient({ name: 'Living Room TV', isPublic: true, grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] });
  deviceConfig = await client.discovery(new URL(app.url), tv.client.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rp?.close();
});

/** An authorization request as the app makes it (PKCE, state, nonce), with what the app keeps to check the answer. */
async function authorizationRequest(extra: Record<string, string> = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${rp.url}/callback`,
    scope: 'openid profile email groups',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, checks: { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true } };
}

async function identify(page: Page, login: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Username or email').fill(login);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Enter your password' }).waitFor();
}

async function enterPassword(page: Page, password: string): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function withPage<T>(work: (watched: WatchedPage) => Promise<T>, options: PageOptions = {}): Promise<T> {
  const watched = await openPage(browser, options);
  try {
    const result = await work(watched);
    expect(watched.problems).toEqual([]);
    return result;
  } finally {
    await watched.close();
  }
}

describe('signing in to an app', () => {
  it('login → consent → code → ID token → userinfo → refresh → RP-initiated logout, checked by openid-client', async () => {
    await withPage(async ({ page, screenshot }) => {
      // offline_access for a refresh token; oidc-provider grants it only with prompt=consent (OIDC Core 11).
      // max_age makes auth_time a required ID token claim (OIDC Core 3.1.2.1).
      const request = await authorizationRequest({ scope: 'openid profile email groups offline_access', prompt: 'consent', max_age: '300' });
      await page.goto(request.url.href);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.getByText('to continue to Test App').isVisible()).toBe(true);
      await screenshot('login-identify');
      await identify(page, 'alice');
      expect(await page.getByText('Signing in as alice').isVisible()).toBe(true);
      await screenshot('login-password');
      await enterPassword(page, PASSWORD);

      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      for (const text of ['See your email address', 'See your name and username', 'See which groups you belong to', 'Signed in as Alice Liddell']) {
        expect(await page.getByText(text).isVisible(), text).toBe(true);
      }
      await screenshot('consent');
      await page.getByRole('button', { name: 'Allow' }).click();

      await page.waitForURL(`${rp.url}/callback?**`);
      await screenshot('app-signed-in');
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), request.checks);
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ iss: app.url, aud: config.clientMetadata().client_id, preferred_username: 'alice', email: 'alice@example.org', email_verified: true, name: 'Alice Liddell', groups: ['staff'] });
      expect(Math.abs(Number(claims.auth_time) - Date.now() / 1000)).toBeLessThan(120);

      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(userinfo).toMatchObject({ sub: claims.sub, preferred_username: 'alice', email: 'alice@example.org', groups: ['staff'] });

      expect(tokens.refresh_token).toEqual(expect.any(String));
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      // RFC 9700 §4.14.2: the refresh token rotates.
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect((await client.fetchUserInfo(config, refreshed.access_token, claims.sub)).sub).toBe(claims.sub);

      // RP-initiated logout: Gatehouse asks, then sends the browser back to the app's exact post-logout URI.
      const logoutState = client.randomState();
      await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${rp.url}/logged-out`, state: logoutState }).href);
      await page.getByRole('button', { name: 'Yes, sign me out' }).waitFor();
      await screenshot('logout-confirm');
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${rp.url}/logged-out?**`);
      expect(new URL(page.url()).searchParams.get('state')).toBe(logoutState);
      await screenshot('app-signed-out');

      // Signed out of Gatehouse too: its own page says so, and the next sign-in asks again.
      await page.goto(`${app.url}/`);
      await page.getByRole('heading', { name: 'You are not signed in' }).waitFor();
      await screenshot('home-not-signed-in');
      await page.goto((await authorizationRequest()).url.href);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    });
  });

  it('a wrong password shows one message under the password field, and the right one then signs in', async () => {
    await withPage(async ({ page, screenshot, apiRefusals }) => {
      const request = await authorizationRequest();
      await page.goto(request.url.href);
      await identify(page, 'bob');
      await enterPassword(page, 'not my password');
      const error = page.locator('.field-error');
      await error.waitFor();
      expect(await error.textContent()).toBe('The username or password is incorrect.');
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
      expect(await page.locator(':focus').getAttribute('name')).toBe('password');
      await screenshot('login-wrong-password');
      expect(apiRefusals).toHaveLength(1);

      // An unknown user reads exactly the same.
      await page.getByRole('button', { name: 'Use another account' }).click();
      await identify(page, 'nobody-here');
      await enterPassword(page, 'not my password');
      await page.locator('.field-error').waitFor();
      expect(await page.locator('.field-error').textContent()).toBe('The username or password is incorrect.');

      await page.getByRole('button', { name: 'Use another account' }).click();
      await identify(page, 'bob');
      await enterPassword(page, PASSWORD);
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    });
  });

  it('a refresh in the middle shows the same step, and the sign-in goes on from there', async () => {
    await withPage(async ({ page, screenshot }) => {
      const request = await authorizationRequest({ prompt: 'consent' });
      await page.goto(request.url.href);
      await identify(page, 'alice');
      await page.reload();
      await page.getByRole('heading', { name: 'Enter your password' }).waitFor();
      expect(await page.getByText('Signing in as alice').isVisible()).toBe(true);
      await screenshot('login-password-after-refresh');
      await enterPassword(page, PASSWORD);
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${rp.url}/callback?**`);
      await client.authorizationCodeGrant(config, new URL(page.url()), request.checks);
    });
  });

  it('Back and Forward in the middle come back to the same step; Back after signing in returns to the app, not to a stale step', async () => {
    await withPage(async ({ page, screenshot }) => {
      await page.goto(`${rp.url}/`);
      const request = await authorizationRequest();
      await page.goto(request.url.href);
      await identify(page, 'alice');
      const interactionUrl = page.url();
      await page.goBack();
      await page.waitForURL(`${rp.url}/`);
      await page.goForward();
      await page.getByRole('heading', { name: 'Enter your password' }).waitFor();
      expect(await page.getByText('Signing in as alice').isVisible()).toBe(true);
      await enterPassword(page, PASSWORD);
      await page.waitForURL(`${rp.url}/callback?**`);
      await client.authorizationCodeGrant(config, new URL(page.url()), request.checks);
      // The finished sign-in pages were replaced in the history: Back goes to the app's page before it.
      await page.goBack();
      await page.waitForURL(`${rp.url}/`);
      // Opening the finished sign-in again says so, instead of asking for anything.
      await page.goto(interactionUrl);
      await page.getByRole('heading', { name: 'You’re done here' }).waitFor();
      await screenshot('interaction-finished');
    });
  });

  it('an existing sign-in is reused: later app requests in the same browser ask nothing, also with only the Gatehouse session left', async () => {
    await withPage(async ({ page, context }) => {
      const first = await authorizationRequest();
      await page.goto(first.url.href);
      await identify(page, 'alice');
      await enterPassword(page, PASSWORD);
      await page.waitForURL(`${rp.url}/callback?**`);
      const second = await authorizationRequest();
      await page.goto(second.url.href);
      await page.waitForURL(`${rp.url}/callback?**`);
      expect((await client.authorizationCodeGrant(config, new URL(page.url()), second.checks)).claims()?.preferred_username).toBe('alice');
      // Without the provider's own session, the sign-in page finds the Gatehouse session and continues by itself.
      await context.clearCookies({ name: 'gatehouse_oidc_session' });
      const visited: string[] = [];
      page.on('framenavigated', (frame) => visited.push(frame.url()));
      const third = await authorizationRequest();
      await page.goto(third.url.href);
      await page.waitForURL(`${rp.url}/callback?**`);
      expect(visited.some((url) => url.startsWith(`${app.url}/interaction/`))).toBe(true);
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), third.checks);
      expect(tokens.claims()?.preferred_username).toBe('alice');
    });
  });

  it('cancelling returns to the app with access_denied', async () => {
    await withPage(async ({ page, screenshot }) => {
      const request = await authorizationRequest();
      await page.goto(request.url.href);
      await page.getByRole('button', { name: 'Cancel and return to the application' }).click();
      await page.waitForURL(`${rp.url}/callback?**`);
      expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
      await screenshot('app-access-denied');
    });
  });

  it('the keyboard alone signs in: typing and Enter on each step', async () => {
    await withPage(async ({ page }) => {
      const request = await authorizationRequest({ prompt: 'consent' });
      await page.goto(request.url.href);
      // Each step puts the focus in its field: typing goes there without a click.
      await page.locator('input[name="username"]:focus').waitFor();
      await page.keyboard.type('alice');
      await page.keyboard.press('Enter');
      await page.locator('input[name="password"]:focus').waitFor();
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      // Allow has the focus; Tab reaches Deny.
      expect(await page.locator(':focus').textContent()).toBe('Allow');
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Deny');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${rp.url}/callback?**`);
      await client.authorizationCodeGrant(config, new URL(page.url()), request.checks);
    });
  });

  it('fits a phone screen at every step, without sideways scrolling', async () => {
    await withPage(
      async ({ page, screenshot }) => {
        const request = await authorizationRequest({ prompt: 'consent' });
        await page.goto(request.url.href);
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
        await screenshot('login-identify-phone');
        await identify(page, 'alice');
        expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
        await screenshot('login-password-phone');
        await enterPassword(page, PASSWORD);
        await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
        await screenshot('consent-phone');
      },
      { viewport: PHONE },
    );
  });

  it('follows the system’s dark mode, errors included', async () => {
    await withPage(
      async ({ page, screenshot }) => {
        await page.goto((await authorizationRequest()).url.href);
        await identify(page, 'bob');
        await enterPassword(page, 'not my password');
        await page.locator('.field-error').waitFor();
        // The card is dark, not the light theme's white.
        expect(await page.evaluate("getComputedStyle(document.querySelector('main.card')).backgroundColor")).toBe('rgb(26, 34, 44)');
        await screenshot('login-wrong-password-dark');
      },
      { colorScheme: 'dark' },
    );
  });

  it('an interaction that does not exist says it expired', async () => {
    await withPage(async ({ page, screenshot }) => {
      await page.goto(`${app.url}/interaction/AAAAAAAAAAAAAAAAAAAAA`);
      await page.getByRole('heading', { name: 'This sign-in has expired' }).waitFor();
      await screenshot('interaction-expired');
    });
  });
});

describe('the device flow', () => {
  it('a TV shows a code; the user enters it, signs in through the pages, and the TV gets its tokens', async () => {
    await withPage(async ({ page, screenshot }) => {
      const device = await client.initiateDeviceAuthorization(deviceConfig, { scope: 'openid profile' });
      await page.goto(device.verification_uri);
      // Found by its label: the code field must be labelled for screen readers.
      await page.getByLabel('Code from your device').waitFor();
      await screenshot('device-code-entry');
      await page.getByLabel('Code from your device').fill(device.user_code);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Connect a device' }).waitFor();
      await screenshot('device-confirm');
      await page.getByRole('button', { name: 'Continue' }).click();
      await identify(page, 'alice');
      await enterPassword(page, PASSWORD);
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      expect(await page.getByText('Living Room TV is asking for access to your account').isVisible()).toBe(true);
      await screenshot('device-consent');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: 'Device connected' }).waitFor();
      await screenshot('device-connected');
      const tokens = await client.pollDeviceAuthorizationGrant(deviceConfig, { ...device, interval: 1 });
      expect(tokens.claims()?.preferred_username).toBe('alice');
    });
  });
});
