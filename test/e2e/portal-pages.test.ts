// The pages everyone sees, end to end on a real `gatehouse serve`: signing in to Gatehouse itself (/login: a wrong
// password, then the right one; throttling with the time to wait; back to where the visitor was going), the portal
// of a normal user (their apps, the apps they allowed through a real OIDC sign-in, their sessions followed live and
// one revoked, their password changed after a wrong attempt), and a password reset through a link an admin made.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assertRendererBuilt, launchBrowser, openPage, pageWidth, type WatchedPage } from '../helpers/browser.ts';
import { expectNoProblems, PHONE_TALL, SESSION_COOKIE, squarePng, startAppliance, type Appliance } from './admin-apps-appliance.ts';
import type { CreatedApplication } from '../../server/src/admin/applications/schemas.ts';
import type { MyConsents, MySessions } from '../../server/src/portal/schemas.ts';

const ALICE = { username: 'alice.liddell', email: 'alice@example.org', displayName: 'Alice Liddell', password: 'down the rabbit hole' } as const;
const ALICE_NEW_PASSWORD = 'through the looking glass';
const ALICE_RESET_PASSWORD = 'a mad tea party at six';

let browser: Browser;
let gatehouse: Appliance;
/** The app's side of the OIDC sign-in: a page at the redirect URI, on loopback. */
let appServer: http.Server;
let appUrl: string;
let notes: CreatedApplication;
let aliceId: string;
/** Alice's browser, shared by the tests in order. */
let alice: WatchedPage;

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
  gatehouse = await startAppliance();
  appServer = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Notes</title><p>Signed in to Notes.</p>'));
  appUrl = await listen(appServer);

  // The instance's name and logo, which the sign-in pages and the portal show.
  expect((await gatehouse.api('PUT', '/api/v1/settings/branding', { instanceName: 'Acme sign-in' })).status).toBe(200);
  const logo = await fetch(`${gatehouse.url}/api/v1/settings/branding/logo`, {
    method: 'PUT',
    headers: { 'content-type': 'image/png', origin: gatehouse.url, cookie: `${SESSION_COOKIE}=${gatehouse.adminSession}` },
    body: squarePng(48, [30, 107, 55]),
  });
  expect(logo.status).toBe(200);

  const created = await gatehouse.api<{ id: string }>('POST', '/api/v1/users', ALICE);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  aliceId = created.body.id;
  expect((await gatehouse.api('POST', '/api/v1/users', { username: 'mallory', password: 'mallory long password' })).status).toBe(201);
  for (const app of [
    { type: 'oidc', name: 'Grafana', redirectUris: ['https://grafana.example.test/login/generic_oauth'], launchUrl: 'https://grafana.example.test/' },
    { type: 'oidc', name: 'Team wiki', redirectUris: [`${appUrl}/wiki/callback`], launchUrl: `${appUrl}/wiki` },
  ]) {
    expect((await gatehouse.api('POST', '/api/v1/applications', app)).status).toBe(201);
  }
  // An app people sign in to but do not launch from the portal (no launch URL).
  notes = (await gatehouse.api<CreatedApplication>('POST', '/api/v1/applications', { type: 'oidc', name: 'Notes', redirectUris: [`${appUrl}/callback`] })).body;
  alice = await openPage(browser);
}, 180_000);

afterAll(async () => {
  await alice?.close();
  await browser?.close();
  await gatehouse?.stop();
  appServer?.close();
});

async function signInOnPage(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function sessionsOfAlice(session: string): Promise<MySessions['items']> {
  const answer = await gatehouse.api<MySessions>('GET', '/api/v1/me/sessions', undefined, { session });
  expect(answer.status).toBe(200);
  return answer.body.items;
}

describe('signing in to Gatehouse (/login)', () => {
  it('sends a visitor of the portal to the sign-in page, branded with the instance’s name and logo', async () => {
    const { page } = alice;
    await page.goto(`${gatehouse.url}/`);
    await page.getByRole('heading', { name: 'You are not signed in' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${gatehouse.url}/login?next=%2F`);
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.locator('.brand').getByText('Acme sign-in').waitFor();
    expect(await page.locator('.brand img').getAttribute('src')).toMatch(/^\/branding\/logo/);
    expect(await page.title()).toBe('Sign in · Acme sign-in');
    await alice.screenshot('login');
    expectNoProblems(alice);
  });

  it('says a wrong password next to the password field, then signs in and goes on to `next`', async () => {
    const { page } = alice;
    await signInOnPage(page, ALICE.username, 'not the password');
    const password = page.getByLabel('Password', { exact: true });
    await page.getByText('The username or password is incorrect.').waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.inputValue()).toBe('');
    expect(await page.locator(':focus').getAttribute('name')).toBe('password');
    await alice.screenshot('login-error');

    await password.fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gatehouse.url}/`);
    await page.getByRole('heading', { name: 'Hello, Alice Liddell' }).waitFor();
    expectNoProblems(alice, [{ status: 400, path: '/api/flow/login' }]);
  });

  it('after too many attempts, says how long to wait', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      await fetch(`${gatehouse.url}/api/flow/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: gatehouse.url, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ login: 'mallory', password: `guess ${attempt}` }),
      });
    }
    const visitor = await openPage(browser);
    try {
      await visitor.page.goto(`${gatehouse.url}/login`);
      await signInOnPage(visitor.page, 'mallory', 'mallory long password');
      const notice = visitor.page.getByRole('alert');
      await notice.getByText('Too many sign-in attempts.').waitFor();
      expect(await notice.textContent()).toMatch(/Try again in \d+ (minutes?|seconds?)\./);
      await visitor.screenshot('login-throttled');
      expectNoProblems(visitor, [{ status: 429, path: '/api/flow/login' }]);
    } finally {
      await visitor.close();
    }
  });

  it('brings an admin who opened the control UI signed out back to it after signing in', async () => {
    const visitor = await openPage(browser);
    try {
      await visitor.page.goto(`${gatehouse.url}/admin/applications`);
      await visitor.page.waitForURL(`${gatehouse.url}/login?next=%2Fadmin%2Fapplications`);
      await signInOnPage(visitor.page, 'admin', 'a long and secret phrase');
      await visitor.page.waitForURL(`${gatehouse.url}/admin/applications`);
      await visitor.page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
      expectNoProblems(visitor, [{ status: 401, path: '/api/v1/me' }]);
    } finally {
      await visitor.close();
    }
  });

  it('never leads a signed-in visitor off this site, whatever `next` says', async () => {
    const visitor = await gatehouse.openSignedIn(browser);
    try {
      for (const next of ['//evil.example', '/%09/evil.example', '/%0a/evil.example', 'https://evil.example/', '/\\evil.example', '/.//evil.example', '/a/..//evil.example', '/%2e%2e//evil.example']) {
        await visitor.page.goto(`${gatehouse.url}/login?next=${next}`);
        const link = visitor.page.getByRole('link', { name: 'Continue' });
        await link.waitFor();
        expect(await link.getAttribute('href'), next).toBe('/');
      }
      await visitor.page.goto(`${gatehouse.url}/login?next=%2Fadmin%2Fusers%3Fsearch%3Dx`);
      expect(await visitor.page.getByRole('link', { name: 'Continue' }).getAttribute('href')).toBe('/admin/users?search=x');
    } finally {
      await visitor.close();
    }
  });

  it('fits a phone', async () => {
    const phone = await openPage(browser, { viewport: PHONE_TALL });
    try {
      await phone.page.goto(`${gatehouse.url}/login`);
      await phone.page.locator('.brand').getByText('Acme sign-in').waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('login-phone');
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }
  });
});

describe('the portal (/)', () => {
  it('shows a normal user their apps, opening each at its launch URL, and no control UI', async () => {
    const { page } = alice;
    await page.getByRole('heading', { name: 'My apps' }).waitFor();
    const cards = page.locator('.app-card');
    await cards.first().waitFor();
    expect(await cards.locator('.app-card-name').allTextContents()).toEqual(['Grafana', 'Team wiki']);
    expect(await page.getByRole('link', { name: /Team wiki/ }).getAttribute('href')).toBe(`${appUrl}/wiki`);
    expect(await page.getByRole('link', { name: /control UI/i }).count()).toBe(0);
    await page.getByRole('link', { name: /Team wiki/ }).click();
    await page.waitForURL(`${appUrl}/wiki`);
    await page.goBack();
    await page.getByRole('heading', { name: 'Hello, Alice Liddell' }).waitFor();
    expectNoProblems(alice);
  });

  it('lists an app allowed through a real OIDC sign-in', async () => {
    const { page } = alice;
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${gatehouse.url}/oidc/auth`);
    authorize.search = new URLSearchParams({
      client_id: notes.application.id,
      redirect_uri: `${appUrl}/callback`,
      response_type: 'code',
      scope: 'openid profile email',
      state: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(authorize.href);
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${appUrl}/callback?code=`));
    await page.goto(`${gatehouse.url}/`);
    const consent = page.locator('.consent-item', { hasText: 'Notes' });
    await consent.waitFor();
    expect(await consent.textContent()).toContain('your email address');
    expectNoProblems(alice);
  });

  it('shows a sign-in elsewhere live, marks this browser, and signs the other session out after asking', async () => {
    const { page } = alice;
    const sessions = page.locator('.session-item');
    await sessions.first().waitFor();
    expect(await sessions.count()).toBe(1);
    await page.locator('.session-item', { hasText: 'This browser' }).waitFor();
    const elsewhere = await gatehouse.signIn(ALICE.username, ALICE.password);
    // No reload: the live connection tells the page.
    await expect.poll(() => sessions.count(), { timeout: 15_000 }).toBe(2);
    await alice.screenshot('portal');

    const other = page.locator('.session-item', { hasNotText: 'This browser' });
    await other.getByRole('button', { name: 'Sign out' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign out that session?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await gatehouse.api('GET', '/api/v1/me', undefined, { session: elsewhere })).status).toBe(200);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await dialog.getByRole('button', { name: 'Sign it out' }).click();
    await expect.poll(() => sessions.count(), { timeout: 15_000 }).toBe(1);
    expect((await gatehouse.api('GET', '/api/v1/me', undefined, { session: elsewhere })).status).toBe(401);
    expectNoProblems(alice);
  });

  it('changes the password: a wrong current one and a refused new one are shown at their fields, then it works and ends the other sessions', async () => {
    const { page } = alice;
    const elsewhere = await gatehouse.signIn(ALICE.username, ALICE.password);
    const current = page.getByLabel('Current password');
    const fresh = page.getByLabel('New password', { exact: true });
    await current.fill('not my password');
    await fresh.fill(ALICE_NEW_PASSWORD);
    await page.getByLabel('New password again').fill(ALICE_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your current password is not right.', { exact: false }).waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(':focus').getAttribute('name')).toBe('current-password');
    await alice.screenshot('portal-password-error');

    // The policy refuses the username as a password; the server says so at the new password.
    await current.fill(ALICE.password);
    await fresh.fill(ALICE.username);
    await page.getByLabel('New password again').fill(ALICE.username);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('A password must not be the username', { exact: false }).waitFor();
    expect(await fresh.getAttribute('aria-invalid')).toBe('true');

    await current.fill(ALICE.password);
    await fresh.fill(ALICE_NEW_PASSWORD);
    await page.getByLabel('New password again').fill(ALICE_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed, and your other session was signed out.').waitFor();
    expect((await gatehouse.api('GET', '/api/v1/me', undefined, { session: elsewhere })).status).toBe(401);
    const refused = await fetch(`${gatehouse.url}/api/flow/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gatehouse.url },
      body: JSON.stringify({ login: ALICE.username, password: ALICE.password }),
    });
    expect(refused.status).toBe(400);
    await gatehouse.signIn(ALICE.username, ALICE_NEW_PASSWORD);
    expectNoProblems(alice, [{ status: 400, path: '/api/v1/me/password' }]);
  });

  it('revokes an allowed app after asking', async () => {
    const { page } = alice;
    await page.reload();
    const consent = page.locator('.consent-item', { hasText: 'Notes' });
    await consent.getByRole('button', { name: 'Revoke access of Notes' }).click();
    await page.getByRole('dialog', { name: 'Revoke Notes’s access?' }).getByRole('button', { name: 'Revoke access' }).click();
    await page.getByText('You have not allowed any app yet.').waitFor();
    const session = (await alice.context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
    expect((await gatehouse.api<MyConsents>('GET', '/api/v1/me/consents', undefined, { session })).body.items).toEqual([]);
    expectNoProblems(alice);
  });

  it('fits a phone and reads in dark mode', async () => {
    const session = (await alice.context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
    for (const [name, options] of [
      ['portal-phone', { viewport: PHONE_TALL }],
      ['portal-dark', { colorScheme: 'dark' as const }],
    ] as const) {
      const other = await gatehouse.openSignedIn(browser, { ...options, session });
      try {
        await other.page.goto(`${gatehouse.url}/`);
        await other.page.locator('.app-card').first().waitFor();
        await other.page.locator('.session-item').first().waitFor();
        expect(await pageWidth(other.page)).toBeLessThanOrEqual(options.viewport?.width ?? 1280);
        await other.screenshot(name);
        expectNoProblems(other);
      } finally {
        await other.close();
      }
    }
  });

  it('an admin sees the way to the control UI', async () => {
    const admin = await gatehouse.openSignedIn(browser);
    try {
      await admin.page.goto(`${gatehouse.url}/`);
      await admin.page.getByRole('heading', { name: 'Hello, admin' }).waitFor();
      expect(await admin.page.getByRole('link', { name: 'Control UI', exact: true }).getAttribute('href')).toBe('/admin');
      expectNoProblems(admin);
    } finally {
      await admin.close();
    }
  });

  it('signing out this browser from its own session list signs out here', async () => {
    const { page } = alice;
    expect((await sessionsOfAlice((await alice.context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value)).length).toBeGreaterThanOrEqual(1);
    await page.locator('.session-item', { hasText: 'This browser' }).getByRole('button', { name: 'Sign out this browser' }).click();
    await page.getByRole('dialog', { name: 'Sign out of this browser?' }).getByRole('button', { name: 'Sign out here' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'You are not signed in' }).waitFor();
    expectNoProblems(alice);
  });

  it('an open portal whose session is ended elsewhere says so, without a reload', async () => {
    const { page } = alice;
    await page.goto(`${gatehouse.url}/login`);
    await signInOnPage(page, ALICE.username, ALICE_NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Hello, Alice Liddell' }).waitFor();
    await page.locator('.session-item').first().waitFor();
    const browserSession = (await alice.context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
    const thisOne = (await sessionsOfAlice(browserSession)).find((session) => session.current)!;
    // From another device of hers: that device ends this browser's session.
    const other = await gatehouse.signIn(ALICE.username, ALICE_NEW_PASSWORD);
    expect((await gatehouse.api('DELETE', `/api/v1/me/sessions/${thisOne.id}`, undefined, { session: other })).status).toBe(204);
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await page.getByText('This session was ended', { exact: false }).waitFor();
    expectNoProblems(alice);
  });
});

describe('a password reset (/reset)', () => {
  let link: string;

  it('sets a new password through a link an admin made: the policy’s refusal at the field, then signed in', async () => {
    const made = await gatehouse.api<{ url: string }>('POST', `/api/v1/users/${aliceId}/password-reset`);
    expect(made.status).toBe(201);
    link = made.body.url;
    expect(link).toMatch(new RegExp(`^${gatehouse.url}/reset\\?token=`));
    const { page } = alice;
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByText('For alice.liddell').waitFor();
    await alice.screenshot('reset');

    const password = page.getByLabel('New password', { exact: true });
    await password.fill(ALICE.username);
    await page.getByLabel('New password again').fill(ALICE.username);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('A password must not be the username', { exact: false }).waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    await alice.screenshot('reset-error');

    await password.fill(ALICE_RESET_PASSWORD);
    await page.getByLabel('New password again').fill(`${ALICE_RESET_PASSWORD}!`);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('The two passwords are not the same.').waitFor();
    await page.getByLabel('New password again').fill(ALICE_RESET_PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.waitForURL(`${gatehouse.url}/`);
    await page.getByRole('heading', { name: 'Hello, Alice Liddell' }).waitFor();
    await gatehouse.signIn(ALICE.username, ALICE_RESET_PASSWORD);
    expectNoProblems(alice, [{ status: 400, path: '/api/flow/reset' }]);
  });

  it('says a used link does not work, and fits a phone', async () => {
    const phone = await openPage(browser, { viewport: PHONE_TALL });
    try {
      await phone.page.goto(link);
      await phone.page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('reset-used-phone');
      expectNoProblems(phone);
      const made = await gatehouse.api<{ url: string }>('POST', `/api/v1/users/${aliceId}/password-reset`);
      await phone.page.goto(made.body.url);
      await phone.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('reset-phone');
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }
  });
});
