// The Settings, API tokens and API reference pages end to end, on a real `gatehouse serve`: settings are checked
// next to their fields, saved and shown (also when changed elsewhere, live), a logo is uploaded, previewed and
// removed; a token is made, shown once, used with fetch and with curl as the page says, then revoked; and the API
// reference lists and searches the operations of the OpenAPI document.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { assertRendererBuilt, launchBrowser, openPage, pageWidth, type WatchedPage } from '../helpers/browser.ts';
import { expectNoProblems, PHONE_TALL, squarePng, startAppliance, type Appliance } from './admin-apps-appliance.ts';
import type { SettingsView } from '../../server/src/admin/settings/schemas.ts';
import type { TokenList } from '../../server/src/admin/tokens/schemas.ts';

let browser: Browser;
let gatehouse: Appliance;
let admin: WatchedPage;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
  gatehouse = await startAppliance();
  admin = await gatehouse.openSignedIn(browser);
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await gatehouse?.stop();
});

async function settings(): Promise<SettingsView> {
  const answer = await gatehouse.api<SettingsView>('GET', '/api/v1/settings');
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('the Settings page', () => {
  it('checks each section next to its fields, saves it, and shows what was saved', async () => {
    const { page } = admin;
    await page.goto(`${gatehouse.url}/admin/settings`);
    for (const heading of ['Sessions', 'Password policy', 'Branding', 'Public URL']) await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
    const before = await settings();
    expect(await page.getByLabel('Session lifetime (hours)').inputValue()).toBe(String(before.sessions.absoluteLifetimeHours));

    // Sessions: the idle limit may not outlast the session; the mistake is shown at the idle field.
    await page.getByLabel('Session lifetime (hours)').fill('24');
    await page.getByLabel('Idle timeout (minutes)').fill('2000');
    await page.getByRole('button', { name: 'Save sessions' }).click();
    await page.getByText('The idle limit cannot be longer than the whole session (1440 minutes).').waitFor();
    expect(await page.getByLabel('Idle timeout (minutes)').getAttribute('aria-invalid')).toBe('true');
    await admin.screenshot('admin-settings-error');
    await page.getByLabel('Idle timeout (minutes)').fill('90');
    await page.getByRole('button', { name: 'Save sessions' }).click();
    await page.locator('section', { has: page.getByRole('heading', { name: 'Sessions' }) }).getByText('Saved.').waitFor();

    await page.getByLabel('Minimum length (characters)').fill('12');
    await page.getByLabel('Refuse a password that is the username or email address').setChecked(true);
    await page.getByRole('button', { name: 'Save password policy' }).click();
    await page.locator('section', { has: page.getByRole('heading', { name: 'Password policy' }) }).getByText('Saved.').waitFor();

    await page.getByLabel('Instance name').fill('Acme sign-in');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.locator('section', { has: page.getByRole('heading', { name: 'Branding' }) }).getByText('Saved.').waitFor();

    const after = await settings();
    expect(after.sessions).toEqual({ absoluteLifetimeHours: 24, idleLifetimeMinutes: 90 });
    expect(after.passwordPolicy).toEqual({ minLength: 12, disallowUsername: true });
    expect(after.branding.instanceName).toBe('Acme sign-in');
    expect(((await (await fetch(`${gatehouse.url}/api/flow/branding`)).json()) as { instanceName: string }).instanceName).toBe('Acme sign-in');

    // A reload shows what the server has.
    await page.reload();
    await page.getByLabel('Idle timeout (minutes)').waitFor();
    expect(await page.getByLabel('Idle timeout (minutes)').inputValue()).toBe('90');
    expect(await page.getByLabel('Minimum length (characters)').inputValue()).toBe('12');
    expect(await page.getByLabel('Instance name').inputValue()).toBe('Acme sign-in');
    expectNoProblems(admin);
  });

  it('uploads a logo and previews it, refuses a file that is not one next to the file field, and removes it after asking', async () => {
    const { page } = admin;
    await page.getByText('No logo: the sign-in pages show the Gatehouse icon.').waitFor();
    const fileField = page.getByLabel('Image file');

    // Checked in the page before sending: type and size.
    await fileField.setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    await page.getByText('Choose a PNG, JPEG or WebP image (SVG is not accepted: it can carry scripts).').waitFor();
    await fileField.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(300 * 1024, 1) });
    await page.getByText('the logo can be at most 256 KiB', { exact: false }).waitFor();
    expect(await fileField.getAttribute('aria-invalid')).toBe('true');
    // Checked by the server: bytes that are not a PNG, though named and typed as one.
    await fileField.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('<html>not a picture</html>') });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.getByText('This file is not a valid PNG image', { exact: false }).waitFor();
    expect(await fileField.getAttribute('aria-invalid')).toBe('true');

    await fileField.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: squarePng(64, [31, 78, 121]) });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.getByText('Logo uploaded.').waitFor();
    const preview = page.getByRole('img', { name: 'The current logo of Acme sign-in' });
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^\/branding\/logo/);
    // The preview really shows the stored image.
    await expect.poll(() => page.evaluate('document.querySelector(".logo-preview").naturalWidth'), { timeout: 15_000 }).toBe(64);
    const stored = await fetch(`${gatehouse.url}${(await settings()).branding.logoUrl}`);
    expect(stored.headers.get('content-type')).toBe('image/png');
    await admin.screenshot('admin-settings-logo');

    await page.getByRole('button', { name: 'Remove logo' }).click();
    await page.getByRole('dialog', { name: 'Remove the logo?' }).getByRole('button', { name: 'Remove logo' }).click();
    await page.getByText('No logo: the sign-in pages show the Gatehouse icon.').waitFor();
    expect((await settings()).branding.logoUrl).toBeNull();
    // Uploaded again for the screenshots of the pages everyone sees.
    await page.getByLabel('Image file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: squarePng(64, [31, 78, 121]) });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await preview.waitFor();
    expectNoProblems(admin, [{ status: 400, path: '/api/v1/settings/branding/logo' }]);
  });

  it('saves a new public URL and says a restart is needed', async () => {
    const { page } = admin;
    expect(await page.getByRole('textbox', { name: 'Public URL' }).inputValue()).toBe(gatehouse.url);
    await page.getByRole('textbox', { name: 'Public URL' }).fill('login.example.com');
    await page.getByRole('button', { name: 'Save public URL' }).click();
    expect(await page.getByRole('textbox', { name: 'Public URL' }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('textbox', { name: 'Public URL' }).fill('https://login.example.com/');
    await page.getByRole('button', { name: 'Save public URL' }).click();
    await page.getByText('Restart needed.').waitFor();
    const instance = (await settings()).instance;
    expect(instance).toMatchObject({ publicUrl: gatehouse.url, savedPublicUrl: 'https://login.example.com', restartNeeded: true });
    await admin.screenshot('admin-settings');
    expectNoProblems(admin);
  });

  it('shows a change made through the API without a reload', async () => {
    const { page } = admin;
    await page.locator('.live-live').waitFor();
    expect((await gatehouse.api('PUT', '/api/v1/settings/branding', { instanceName: 'Acme accounts' })).status).toBe(200);
    await expect.poll(() => page.getByLabel('Instance name').inputValue(), { timeout: 15_000 }).toBe('Acme accounts');
    expectNoProblems(admin);
  });

  it('fits a phone', async () => {
    const phone = await gatehouse.openSignedIn(browser, { viewport: PHONE_TALL });
    try {
      await phone.page.goto(`${gatehouse.url}/admin/settings`);
      await phone.page.getByRole('heading', { name: 'Public URL', level: 2 }).waitFor();
      await phone.page.getByRole('img', { name: 'The current logo of Acme accounts' }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('admin-settings-phone');
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }
  });
});

describe('the API tokens page', () => {
  let secret: string;

  it('checks the form, makes a token with the chosen scopes, and shows it once with a command that works', async () => {
    const { page } = admin;
    await page.goto(`${gatehouse.url}/admin/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByText('No API tokens yet.').waitFor();
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Name the token after what uses it', { exact: false }).waitFor();
    await page.getByText('Choose at least one scope.').waitFor();
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Name', { exact: true }).fill('inventory script');
    await page.getByLabel('Users: read', { exact: true }).check();
    await page.getByLabel('Groups: read', { exact: true }).check();
    await page.getByLabel('Expires after (days)').fill('30');
    await admin.screenshot('admin-tokens-new');
    await page.getByRole('button', { name: 'Create token' }).click();

    await page.getByRole('heading', { name: 'Token “inventory script” created' }).waitFor();
    await page.getByText('Copy it now: you will not see it again.').waitFor();
    secret = (await page.locator('.secret-value').textContent())!.trim();
    expect(secret).toMatch(/^gh_/);
    const command = (await page.locator('.code-block pre').textContent())!;
    expect(command).toBe(`curl -H "Authorization: Bearer ${secret}" ${gatehouse.url}/api/v1/users`);
    await admin.screenshot('admin-tokens-created');

    // The token works for what its scopes allow, and only that.
    const users = await fetch(`${gatehouse.url}/api/v1/users`, { headers: { authorization: `Bearer ${secret}` } });
    expect(users.status).toBe(200);
    expect(((await users.json()) as { items: Array<{ username: string }> }).items.map((user) => user.username)).toContain('admin');
    const applications = await fetch(`${gatehouse.url}/api/v1/applications`, { headers: { authorization: `Bearer ${secret}` } });
    expect(applications.status).toBe(403);
    // The command the page shows, run as it is.
    const { stdout } = await promisify(execFile)('sh', ['-c', `${command} --silent --fail`]);
    expect((JSON.parse(stdout) as { items: unknown[] }).items.length).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.locator('tbody tr', { hasText: 'inventory script' });
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await row.getByText('Users: read').isVisible()).toBe(true);
    expect(await row.getByText('Groups: read').isVisible()).toBe(true);
    expect(await row.getByRole('cell', { name: 'admin', exact: true }).isVisible()).toBe(true);
    expectNoProblems(admin);
  });

  it('lists when a token was last used, fits a phone, and revokes a token after asking', async () => {
    const { page } = admin;
    await page.reload();
    const row = page.locator('tbody tr', { hasText: 'inventory script' });
    await row.waitFor();
    expect(await row.locator('td[data-label="Last used"] time').count()).toBe(1);
    await admin.screenshot('admin-tokens');
    const phone = await gatehouse.openSignedIn(browser, { viewport: PHONE_TALL });
    try {
      await phone.page.goto(`${gatehouse.url}/admin/tokens`);
      await phone.page.locator('tbody tr', { hasText: 'inventory script' }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('admin-tokens-phone');
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }

    await row.getByRole('button', { name: 'Revoke inventory script' }).click();
    await page.getByRole('dialog', { name: 'Revoke “inventory script”?' }).getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('No API tokens yet.').waitFor();
    const refused = await fetch(`${gatehouse.url}/api/v1/users`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
    expect((await gatehouse.api<TokenList>('GET', '/api/v1/tokens')).body.items).toEqual([]);
    expectNoProblems(admin);
  });
});

describe('the API reference', () => {
  it('lists the operations by area with their scopes and fields, and searches them', async () => {
    const visitor = await openPage(browser);
    try {
      const { page } = visitor;
      await page.goto(`${gatehouse.url}/api/docs`);
      await page.getByRole('heading', { name: 'Gatehouse admin API', level: 1 }).waitFor();
      const document = (await (await fetch(`${gatehouse.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const operationCount = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key)).length, 0);
      expect(operationCount).toBeGreaterThan(20);
      await page.getByText(`${operationCount} operations`, { exact: true }).waitFor();
      expect(await page.locator('details.operation').count()).toBe(operationCount);
      for (const area of ['applications', 'settings', 'tokens', 'users']) expect(await page.getByRole('heading', { name: area, level: 2 }).isVisible(), area).toBe(true);
      expect(await page.getByText('Authorization: Bearer gh_…', { exact: false }).first().isVisible()).toBe(true);

      // One operation, opened: its scope and its request body's fields, nested.
      const create = page
        .locator('details.operation')
        .filter({ has: page.locator('.method', { hasText: /^POST$/ }) })
        .filter({ has: page.locator('.operation-path', { hasText: /^\/api\/v1\/applications$/ }) });
      await create.locator('summary').click();
      await create.getByText('API token scope: applications:write').waitFor();
      const redirectUris = create.locator('.field-tree li', { has: page.locator('.field-name', { hasText: /^redirectUris$/ }) }).first();
      expect(await redirectUris.locator('.field-type').first().textContent()).toBe('array of string');
      expect(await create.locator('.field-name', { hasText: /^clientSecret$/ }).count()).toBe(1);
      await visitor.screenshot('api-docs');

      await page.getByLabel('Search operations').fill('/api/v1/tokens');
      await page.getByText(`of ${operationCount} operations`, { exact: false }).waitFor();
      const shown = await page.locator('details.operation').count();
      expect(shown).toBeGreaterThanOrEqual(3);
      expect(shown).toBeLessThan(operationCount);
      for (const path of await page.locator('.operation-path').allTextContents()) expect(path).toMatch(/^\/api\/v1\/tokens/);
      // Every word counts, wherever it is: the method and the path here.
      await page.getByLabel('Search operations').fill('delete tokens');
      await page.locator('.operation-path', { hasText: '/api/v1/tokens/{id}' }).waitFor();
      expect(await page.locator('.method').allTextContents()).toEqual(expect.arrayContaining(['DELETE']));
      await page.getByLabel('Search operations').fill('no such operation');
      await page.getByText('No operation matches “no such operation”.').waitFor();
      expectNoProblems(visitor);
    } finally {
      await visitor.close();
    }
    const phone = await openPage(browser, { viewport: PHONE_TALL });
    try {
      await phone.page.goto(`${gatehouse.url}/api/docs`);
      await phone.page.locator('details.operation').first().waitFor();
      await phone.page.locator('details.operation summary').first().click();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('api-docs-phone');
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }
  });
});
