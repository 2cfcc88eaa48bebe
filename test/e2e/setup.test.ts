// The first admin, end to end: a real `gatehouse serve` prints the one-time link, Chromium opens it, the admin is
// created and signed in (the wizard's first step), and the link is dead afterwards (also after a restart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { assertRendererBuilt, launchBrowser, openPage, pageWidth, PHONE } from '../helpers/browser.ts';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

let browser: Browser;
let dataDir: string;
let server: ServeProcess | undefined;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
  dataDir = tempDataDir('gh-e2e-');
  server = await startServe(dataDir, { timeoutMs: 120_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) removeDataDir(dataDir);
});

describe('first-admin setup in the browser', () => {
  it('the ready line of a first start carries a setup link on the server’s own address', () => {
    expect(server!.ready.setupUrl).toMatch(new RegExp(`^${server!.ready.url}/setup\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('the setup page fits a phone screen, with every field labelled', async () => {
    const phone = await openPage(browser, { viewport: PHONE });
    try {
      await phone.page.goto(server!.ready.setupUrl!);
      await phone.page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
      for (const label of ['Username', 'Email', 'Password', 'Password again']) await expect(phone.page.getByLabel(label, { exact: true }).isVisible()).resolves.toBe(true);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE.width);
      await phone.screenshot('setup-form-phone');
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('shows each mistake next to its field, creates the admin, goes on signed in to the wizard’s next step, and signs out', async () => {
    const { page, problems, apiRefusals, screenshot, close } = await openPage(browser);
    try {
      await page.goto(server!.ready.setupUrl!);
      await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
      await screenshot('setup-form');

      // Submitting empty: errors under the fields, focus on the first one.
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      await expect(page.getByLabel('Username', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
      expect(await page.locator(':focus').getAttribute('name')).toBe('username');
      await expect(page.getByText('Choose a username.').isVisible()).resolves.toBe(true);
      await expect(page.getByText('Enter an email address, like admin@example.com.').isVisible()).resolves.toBe(true);
      await screenshot('setup-errors');

      // A username the server refuses: its message, next to the username field.
      await page.getByLabel('Username', { exact: true }).fill('-admin');
      await page.getByLabel('Email', { exact: true }).fill('admin@example.org');
      await page.getByLabel('Password', { exact: true }).fill('a long and secret phrase');
      await page.getByLabel('Password again', { exact: true }).fill('a long and secret phrase');
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      const usernameError = page.locator('.field', { has: page.getByLabel('Username', { exact: true }) }).locator('.field-error');
      await usernameError.waitFor();
      expect(await usernameError.textContent()).toContain('starts with a letter or digit');
      await screenshot('setup-server-error');

      await page.getByLabel('Username', { exact: true }).fill('admin');
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      // The wizard goes on (test/e2e/setup-wizard.test.ts follows it to the end); the admin is signed in.
      await page.getByRole('heading', { name: 'Name this Gatehouse' }).waitFor();
      await page.goto(`${server!.ready.url}/`);
      await page.getByRole('heading', { name: 'Hello, admin' }).waitFor();
      await expect(page.getByRole('link', { name: 'Control UI', exact: true }).isVisible()).resolves.toBe(true);
      await page.locator('.brand').getByText('Gatehouse').waitFor();
      await screenshot('home-signed-in');

      // Signing out ends the session: a reload still shows nobody signed in.
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      await screenshot('home-signed-out');
      await page.reload();
      await page.getByRole('heading', { name: 'You are not signed in' }).waitFor();
      expect(problems).toEqual([]);
      // The one refusal was the server's answer to the bad username.
      expect(apiRefusals).toEqual([expect.stringContaining('status of 400')]);
    } finally {
      await close();
    }
  });

  it('the used link now says setup is closed', async () => {
    const { page, problems, screenshot, close } = await openPage(browser);
    try {
      await page.goto(server!.ready.setupUrl!);
      await page.getByRole('heading', { name: 'Gatehouse is set up' }).waitFor();
      await screenshot('setup-closed');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a restart prints no setup link once the admin exists', async () => {
    await server!.stop();
    server = await startServe(dataDir, { timeoutMs: 120_000 });
    expect(server.ready.setupUrl).toBeUndefined();
  }, 120_000);
});
