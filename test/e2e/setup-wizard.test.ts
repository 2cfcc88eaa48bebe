// The first-run wizard end to end on a fresh appliance: 1 create the admin (the server signs them in), 2 name the
// instance, 3 choose the public URL (prefilled with the address the browser uses), then on to the control UI —
// every step done from the keyboard, a reload resuming the step, and what was chosen saved on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { assertRendererBuilt, launchBrowser, openPage, pageWidth, type WatchedPage } from '../helpers/browser.ts';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';
import { expectNoProblems, PHONE_TALL, SESSION_COOKIE } from './admin-apps-appliance.ts';
import type { SettingsView } from '../../server/src/admin/settings/schemas.ts';

let browser: Browser;
let dataDir: string;
let server: ServeProcess | undefined;
let admin: WatchedPage;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
  dataDir = tempDataDir('gh-e2e-');
  server = await startServe(dataDir, { timeoutMs: 120_000 });
  admin = await openPage(browser);
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await server?.stop();
  if (dataDir) removeDataDir(dataDir);
});

async function settingsAsAdmin(): Promise<SettingsView> {
  const session = (await admin.context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  const answer = await fetch(`${server!.ready.url}/api/v1/settings`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
  expect(answer.status).toBe(200);
  return (await answer.json()) as SettingsView;
}

/** Another window of the admin's browser (same session), at another size. */
async function adminWindow(options: { viewport: { width: number; height: number } }): Promise<WatchedPage> {
  const other = await openPage(browser, options);
  await other.context.addCookies(await admin.context.cookies());
  return other;
}

describe('the first-run wizard', () => {
  it('step 1 of 3 fits a phone', async () => {
    const phone = await openPage(browser, { viewport: PHONE_TALL });
    try {
      await phone.page.goto(server!.ready.setupUrl!);
      await phone.page.getByText('Step 1 of 3').waitFor();
      await phone.page.getByLabel('Username', { exact: true }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('setup-step-1-phone');
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }
  });

  it('step 1 of 3 creates the admin, from the keyboard, and signs them in', async () => {
    const { page } = admin;
    await page.goto(server!.ready.setupUrl!);
    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    await page.getByText('Step 1 of 3').waitFor();
    expect(await page.locator('[aria-current="step"]').textContent()).toContain('Create the admin');
    await admin.screenshot('setup-step-1');

    // The username field has the focus; Tab moves through the fields, Enter submits.
    expect(await page.locator(':focus').getAttribute('name')).toBe('username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('admin@example.org');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a long and secret phrase');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a long and secret phrase');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Name this Gatehouse' }).waitFor();
    await page.getByText('Step 2 of 3').waitFor();
    await page.getByText('Your admin account is ready, and you are signed in.').waitFor();
    // The used token leaves the address bar.
    expect(page.url()).toBe(`${server!.ready.url}/setup?step=2`);
    expectNoProblems(admin);
  });

  it('step 2 of 3 survives a reload, and names the instance', async () => {
    const { page } = admin;
    await page.reload();
    await page.getByText('Step 2 of 3').waitFor();
    const name = page.getByLabel('Instance name');
    await name.waitFor();
    expect(await name.inputValue()).toBe('Gatehouse');
    expect(await page.locator(':focus').getAttribute('name')).toBe('instanceName');
    await admin.screenshot('setup-step-2');

    // An empty name is refused next to the field.
    await name.fill('');
    await page.keyboard.press('Enter');
    await page.getByText('Enter a name, like “Acme sign-in”.').waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.type('Acme sign-in');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Choose the public URL' }).waitFor();
    await page.getByText('Step 3 of 3').waitFor();
    expect((await settingsAsAdmin()).branding.instanceName).toBe('Acme sign-in');
    expectNoProblems(admin);
  });

  it('step 3 of 3 offers the address the browser uses, explains it, saves it, and leads to the control UI', async () => {
    const { page } = admin;
    const url = page.getByRole('textbox', { name: 'Public URL' });
    expect(await url.inputValue()).toBe(server!.ready.url);
    expect(await page.locator(':focus').getAttribute('name')).toBe('publicUrl');
    await page.getByText('A change applies after Gatehouse restarts.').waitFor();
    await admin.screenshot('setup-step-3');

    await url.fill('gatehouse.local');
    await page.keyboard.press('Enter');
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await url.fill(server!.ready.url);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Gatehouse is ready' }).waitFor();
    const next = page.getByRole('link', { name: 'Go to the control UI' });
    expect(await page.locator(':focus').textContent()).toBe('Go to the control UI');
    await admin.screenshot('setup-done');
    // The address it runs with already is not saved, so the config file and LAN mode keep deciding it later.
    expect((await settingsAsAdmin()).instance).toMatchObject({ publicUrl: server!.ready.url, savedPublicUrl: null, restartNeeded: false });

    expect(await next.getAttribute('href')).toBe('/admin');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server!.ready.url}/admin`);
    await page.getByRole('link', { name: 'Dashboard' }).waitFor();
    expectNoProblems(admin);
  });

  it('the used link now says setup is closed', async () => {
    const visitor = await openPage(browser);
    try {
      await visitor.page.goto(server!.ready.setupUrl!);
      await visitor.page.getByRole('heading', { name: 'Gatehouse is set up' }).waitFor();
      expectNoProblems(visitor);
    } finally {
      await visitor.close();
    }
  });

  it('steps 2 and 3 fit a phone', async () => {
    for (const step of [2, 3] as const) {
      const phone = await adminWindow({ viewport: PHONE_TALL });
      try {
        await phone.page.goto(`${server!.ready.url}/setup?step=${step}`);
        await phone.page.getByText(`Step ${step} of 3`).waitFor();
        await phone.page.locator('form input').first().waitFor();
        expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
        await phone.screenshot(`setup-step-${step}-phone`);
        expectNoProblems(phone);
      } finally {
        await phone.close();
      }
    }
  });
});
