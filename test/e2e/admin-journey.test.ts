// The whole story of the control UI, as the issue tells it, in Chromium against a real `gatehouse serve`:
// the first-run wizard → the admin creates a user → creates an OIDC application (its secret read from the page) →
// that user signs in to the application (openid-client 6 as the app) → the admin, watching the Sessions page, sees
// the session appear without a reload → revokes it → the app's next refresh fails with invalid_grant.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import * as client from 'openid-client';
import { assertRendererBuilt, launchBrowser, openPage, type WatchedPage } from '../helpers/browser.ts';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

const ADMIN_PASSWORD = 'a long and secret phrase';
const ALICE_PASSWORD = 'correct horse battery staple';
/** Live updates arrive within a second; this is only how long a loaded machine may take before the test gives up. */
const LIVE_TIMEOUT = 15_000;

let browser: Browser;
let dataDir: string;
let server: ServeProcess;
let admin: WatchedPage;
let app: { url: string; close(): Promise<void> };

/** The application: a tiny web server the browser comes back to. */
function startApp(): Promise<typeof app> {
  const listener = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Wiki</title></head><body><h1>Wiki</h1></body></html>');
  });
  return new Promise((resolve) => {
    listener.listen(0, '127.0.0.1', () => {
      const { port } = listener.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => listener.close(() => done())) });
    });
  });
}

beforeAll(async () => {
  assertRendererBuilt();
  dataDir = tempDataDir('gh-e2e-');
  [browser, server, app] = await Promise.all([launchBrowser(), startServe(dataDir, { timeoutMs: 120_000 }), startApp()]);
  admin = await openPage(browser);
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await server?.stop();
  await app?.close();
  if (dataDir) removeDataDir(dataDir);
});

describe('an admin who has never read the docs', () => {
  let clientId: string;
  let clientSecret: string;
  let refreshToken: string;
  let config: client.Configuration;

  it('sets Gatehouse up with the wizard', async () => {
    const { page } = admin;
    await page.goto(server.ready.setupUrl!);
    await page.getByLabel('Username', { exact: true }).fill('admin');
    await page.getByLabel('Email', { exact: true }).fill('admin@example.org');
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByLabel('Password again', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('heading', { name: 'Name this Gatehouse' }).waitFor();
    await page.getByLabel('Instance name').fill('Acme sign-in');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Choose the public URL' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Public URL' }).inputValue()).toBe(server.ready.url);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Go to the control UI' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await admin.screenshot('journey-1-dashboard');
  });

  it('adds a user', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username', { exact: true }).fill('alice');
    await dialog.getByLabel('Email', { exact: true }).fill('alice@example.org');
    await dialog.getByLabel('Display name').fill('Alice Liddell');
    await dialog.getByLabel('Password', { exact: true }).fill(ALICE_PASSWORD);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    await admin.screenshot('journey-2-user');
  });

  it('adds an OIDC application and copies its settings', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Applications', exact: true }).click();
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Wiki');
    await page.getByLabel('Redirect URI 1', { exact: true }).fill(`${app.url}/callback`);
    await page.getByLabel('Launch URL (optional)').fill(`${app.url}/`);
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: 'Wiki is ready' }).waitFor();
    clientSecret = (await page.locator('.secret-value').textContent())!.trim();
    await admin.screenshot('journey-3-application-secret');
    await page.getByRole('link', { name: 'I have copied it: go to the application' }).click();
    await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
    clientId = new URL(page.url()).pathname.split('/').at(-1)!;
    const issuer = await page.locator('.copy-row', { has: page.getByText('Issuer', { exact: true }) }).locator('.copy-value').textContent();
    expect(issuer).toBe(server.ready.url);
    config = await client.discovery(new URL(issuer!), clientId, clientSecret, undefined, { execute: [client.allowInsecureRequests] });
  });

  it('sees the user’s sign-in to the application appear on the Sessions page, live', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: /^Revoke alice’s session/ }).count()).toBe(0);

    // Alice, in her own browser, signs in to the Wiki (offline_access with prompt=consent: a refresh token, OIDC Core 11).
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authorization = client.buildAuthorizationUrl(config, {
      redirect_uri: `${app.url}/callback`,
      scope: 'openid profile email offline_access',
      prompt: 'consent',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    const alice = await openPage(browser);
    try {
      await alice.page.goto(authorization.href);
      await alice.page.getByLabel('Username or email').fill('alice');
      await alice.page.getByRole('button', { name: 'Continue' }).click();
      await alice.page.getByLabel('Password', { exact: true }).fill(ALICE_PASSWORD);
      await alice.page.getByRole('button', { name: 'Sign in' }).click();
      await alice.page.getByRole('button', { name: 'Allow' }).click();
      await alice.page.waitForURL(`${app.url}/callback?**`);
      const tokens = await client.authorizationCodeGrant(config, new URL(alice.page.url()), { pkceCodeVerifier: codeVerifier, expectedState: state });
      expect(tokens.claims()).toMatchObject({ iss: server.ready.url, aud: clientId, preferred_username: 'alice' });
      refreshToken = tokens.refresh_token!;
      expect(refreshToken).toEqual(expect.any(String));
      expect(alice.problems).toEqual([]);
    } finally {
      await alice.close();
    }

    // No reload: the open page learns of the sign-in over its WebSocket.
    await page.getByRole('button', { name: /^Revoke alice’s session/ }).waitFor({ timeout: LIVE_TIMEOUT });
    await admin.screenshot('journey-4-session-live');
  });

  it('revokes the session, and the application’s next refresh fails', async () => {
    const { page } = admin;
    // The refresh token works while the session stands (and rotates: RFC 9700 §4.14.2).
    const refreshed = await client.refreshTokenGrant(config, refreshToken);
    refreshToken = refreshed.refresh_token!;

    await page.getByRole('button', { name: /^Revoke alice’s session/ }).click();
    await page.getByRole('dialog', { name: 'Revoke this session?' }).getByRole('button', { name: 'Revoke session' }).click();
    await page.getByRole('button', { name: /^Revoke alice’s session/ }).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await admin.screenshot('journey-5-session-revoked');

    const refusal = await client.refreshTokenGrant(config, refreshToken).then(
      () => 'refreshed',
      (error: unknown) => (error as { error?: string }).error ?? String(error),
    );
    expect(refusal).toBe('invalid_grant');
    expect(admin.problems).toEqual([]);
  });
});
