// The Backups page end to end: a real `gatehouse serve` on a fresh data dir, its first admin created (and signed
// in) through the setup link, then Chromium backs up, verifies, restores over a change made with the CLI, uploads,
// and sets the schedule. Every state is saved to test/e2e/screenshots/backups-*.png, at desktop and phone size.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assertRendererBuilt, DESKTOP, launchBrowser, openPage, pageWidth, SCREENSHOT_DIR, type PageOptions, type WatchedPage } from '../helpers/browser.ts';
import { removeDataDir, runGatehouse, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

const PASSPHRASE = 'correct horse battery staple';
/** A tall phone (iPhone X size): the page scrolls, it must never need sideways scrolling. */
const PHONE = { width: 375, height: 812 } as const;
/** Generous: a run of this small instance takes about a second. */
const RUN_TIMEOUT = 60_000;

let browser: Browser;
let dataDir: string;
let server: ServeProcess | undefined;
/** The admin's signed-in browser, shared by the tests in order. */
let admin: WatchedPage;

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
  dataDir = tempDataDir('gh-e2e-');
  server = await startServe(dataDir, { timeoutMs: 120_000 });
  // The first admin, created the way a new Gatehouse is set up: this also signs them in.
  admin = await openPage(browser);
  await admin.page.goto(server.ready.setupUrl!);
  await admin.page.getByLabel('Username', { exact: true }).fill('admin');
  await admin.page.getByLabel('Email', { exact: true }).fill('admin@example.org');
  await admin.page.getByLabel('Password', { exact: true }).fill('a long and secret phrase');
  await admin.page.getByLabel('Password again', { exact: true }).fill('a long and secret phrase');
  await admin.page.getByRole('button', { name: 'Create admin and sign in' }).click();
  // The setup wizard goes on to naming the instance; the admin is signed in from here.
  await admin.page.getByRole('heading', { name: 'Name this Gatehouse' }).waitFor();
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await server?.stop();
  if (dataDir) removeDataDir(dataDir);
});

/**
 * Console errors other than the API's answers the test provoked on purpose: Chromium logs every 4xx answer as a
 * console error, so the expected ones (matched by status and path) are taken out, and nothing else may be left.
 */
function unexpectedProblems(watched: WatchedPage, expected: Array<{ status: number; path: string }> = []): string[] {
  return watched.problems.filter((problem) => !expected.some(({ status, path: apiPath }) => problem.includes(`status of ${status}`) && problem.includes(apiPath)));
}

async function usernames(): Promise<string[]> {
  const listed = await runGatehouse(['user', 'list', '--json', '--data', dataDir]);
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as Array<{ username: string }>).map((user) => user.username);
}

function backupFiles(): string[] {
  const dir = path.join(dataDir, 'backups');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.ghbk')).sort() : [];
}

/** The one backup made through the page, once made. */
let backupName: string;

async function openBackups(page: Page): Promise<void> {
  await page.goto(`${server!.ready.url}/admin/backups`);
  await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
}

/** Another browser window with the admin's session cookie. */
async function adminWindow(options: PageOptions): Promise<WatchedPage> {
  const watched = await openPage(browser, options);
  await watched.context.addCookies(await admin.context.cookies());
  return watched;
}

describe('the Backups page', () => {
  it('sends someone who is not signed in to the sign-in page, coming back here after', async () => {
    const visitor = await openPage(browser);
    try {
      await visitor.page.goto(`${server!.ready.url}/admin/backups`);
      await visitor.page.waitForURL((url) => url.pathname === '/login');
      expect(new URL(visitor.page.url()).searchParams.get('next')).toBe('/admin/backups');
      await visitor.page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await visitor.page.getByRole('button', { name: 'Back up now' }).count()).toBe(0);
      await visitor.screenshot('backups-signed-out');
      expect(unexpectedProblems(visitor, [{ status: 401, path: '/api/v1/me' }])).toEqual([]);
    } finally {
      await visitor.close();
    }
  });

  it('shows the empty states to a signed-in admin, every input labelled', async () => {
    const { page, screenshot } = admin;
    await openBackups(page);
    await page.getByText('No backups yet.').waitFor();
    await page.getByText('Nothing has run yet.').waitFor();
    for (const label of ['Backup passphrase', 'Passphrase again', 'Backup file (.ghbk)', 'When (cron expression)', 'Time zone', 'Destination folder', 'Keep daily backups', 'Keep weekly backups', 'Passphrase for scheduled backups', 'Back up on this schedule']) {
      await expect(page.getByLabel(label, { exact: true }).isVisible(), label).resolves.toBe(true);
    }
    expect(await page.getByText(path.join(dataDir, 'backups')).first().isVisible()).toBe(true);
    await screenshot('backups-empty');
  });

  it('checks the passphrase before sending it: long enough, typed the same twice', async () => {
    const { page } = admin;
    await page.getByLabel('Backup passphrase', { exact: true }).fill('too short');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText('Use at least 12 characters.').waitFor();
    expect(await page.getByLabel('Backup passphrase', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(':focus').getAttribute('name')).toBe('backup-passphrase');
    await page.getByLabel('Backup passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Passphrase again', { exact: true }).fill(`${PASSPHRASE}!`);
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText('The two passphrases are not the same.').waitFor();
    await admin.screenshot('backups-passphrase-errors');
    expect(backupFiles()).toEqual([]);
  });

  it('backs up now: a progress bar while it runs, then the file and its size, listed', async () => {
    const { page, screenshot } = admin;
    await page.getByLabel('Passphrase again', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Back up now' }).click();
    // The run is shown at once with its progress, and polled until it ends.
    await page.locator('section', { has: page.getByRole('heading', { name: 'Back up now' }) }).locator('progress').waitFor();
    await screenshot('backups-progress');
    const written = page.getByText('Backup written:');
    await written.waitFor({ timeout: RUN_TIMEOUT });
    expect(backupFiles()).toHaveLength(1);
    backupName = backupFiles()[0]!;
    expect(backupName).toMatch(/^gatehouse-\d{8}-\d{6}\.ghbk$/);
    // The size shows once the file list has been fetched again (it follows the run's end).
    await expect.poll(() => written.textContent(), { timeout: RUN_TIMEOUT }).toMatch(new RegExp(`${backupName} \\(\\d+\\.\\d (KiB|MiB)\\)`));
    await page.getByRole('rowheader', { name: backupName }).waitFor();
    await expect(page.getByRole('link', { name: `Download ${backupName}` }).getAttribute('href')).resolves.toBe(`/api/v1/backups/files/${backupName}`);
    // The passphrase fields are emptied: nothing is left for someone else at this screen.
    expect(await page.getByLabel('Backup passphrase', { exact: true }).inputValue()).toBe('');
    await page.getByRole('cell', { name: 'succeeded' }).first().waitFor();
    await screenshot('backups-done');
  });

  it('downloads the file as it is on the server', async () => {
    const { page } = admin;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download ${backupName}` }).click()]);
    expect(download.suggestedFilename()).toBe(backupName);
    const saved = await download.path();
    expect(fs.readFileSync(saved).equals(fs.readFileSync(path.join(dataDir, 'backups', backupName)))).toBe(true);
  });

  it('verifies the backup after asking for its passphrase', async () => {
    const { page, screenshot } = admin;
    await page.getByRole('button', { name: `Verify ${backupName}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Verify a backup' });
    await dialog.waitFor();
    // The dialog takes the focus, on its passphrase field.
    expect(await page.locator(':focus').getAttribute('name')).toBe('passphrase');
    await dialog.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await screenshot('backups-verify-dialog');
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await page.getByText(`${backupName} is sound`).waitFor({ timeout: RUN_TIMEOUT });
    expect(await dialog.count()).toBe(0);
  });

  it('a restore dialog says all data will be replaced, closes with Escape, and starts nothing', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: `Restore ${backupName}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore a backup' });
    await dialog.waitFor();
    await dialog.getByText('All current data will be replaced').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Closing gives the focus back to the button that opened it.
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe(`Restore ${backupName}`);
    expect(await page.getByRole('rowheader', { name: 'Restore', exact: true }).count()).toBe(0);
  });

  it('restores over a change made since (a user added with the CLI), once RESTORE is typed, and says so', async () => {
    const { page, screenshot } = admin;
    const added = await runGatehouse(['user', 'add', 'mallory', '--email', 'mallory@example.org', '--data', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    expect(await usernames()).toContain('mallory');

    await page.getByRole('button', { name: `Restore ${backupName}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore a backup' });
    await dialog.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Replace all data' }).click();
    await dialog.getByText('Type RESTORE to confirm that the current data is replaced.').waitFor();
    await screenshot('backups-restore-confirm');
    await dialog.getByLabel('Type RESTORE to confirm').fill('RESTORE');
    await dialog.getByRole('button', { name: 'Replace all data' }).click();
    const restored = page.getByText(`Restored from ${backupName}`);
    await restored.waitFor({ timeout: RUN_TIMEOUT });
    expect(await restored.textContent()).toContain('You may need to sign in again');
    await screenshot('backups-restored');
    expect(await usernames()).toEqual(['admin']);
    // The admin's session was in the backup: the page still works without signing in again.
    await openBackups(page);
    await page.getByRole('rowheader', { name: backupName }).waitFor();
  });

  it('uploads a backup file, which then shows in the list', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('Choose a backup file first.').waitFor();
    await page.getByLabel('Backup file (.ghbk)').setInputFiles(path.join(dataDir, 'backups', backupName));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('Uploaded as').waitFor();
    const uploaded = backupFiles().find((name) => name.startsWith('uploaded-'))!;
    expect(uploaded).toMatch(/^uploaded-\d{8}-\d{6}-[0-9a-f]{12}\.ghbk$/);
    await page.getByRole('rowheader', { name: uploaded }).waitFor();
  });

  it('refuses an upload that is not a backup, with the server’s reason', async () => {
    const { page } = admin;
    const before = backupFiles();
    await page.getByLabel('Backup file (.ghbk)').setInputFiles({ name: 'notes.ghbk', mimeType: 'application/octet-stream', buffer: Buffer.from('not a backup at all\n') });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('This file is not a Gatehouse backup').waitFor();
    expect(backupFiles()).toEqual(before);
  });

  it('shows the server’s refusal of a cron expression next to the cron field, then saves a schedule with a passphrase it does not show', async () => {
    const { page, screenshot } = admin;
    const cron = page.getByLabel('When (cron expression)', { exact: true });
    await cron.fill('every day');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    const cronError = page.locator('.field', { has: cron }).locator('.field-error');
    await cronError.waitFor();
    expect(await cronError.textContent()).toMatch(/cron expression "every day" has 2 fields/);
    expect(await cron.getAttribute('aria-invalid')).toBe('true');
    await screenshot('backups-schedule-error');

    await cron.fill('0 4 * * *');
    await page.getByLabel('Time zone', { exact: true }).fill('UTC');
    await page.getByLabel('Keep daily backups', { exact: true }).fill('5');
    await page.getByLabel('Back up on this schedule').check();
    await page.getByLabel('Passphrase for scheduled backups', { exact: true }).fill('the schedule passphrase');
    await page.getByLabel('Passphrase again', { exact: true }).last().fill('the schedule passphrase');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Schedule saved.').waitFor();
    await page.getByText('A passphrase is stored.').waitFor();
    expect(await page.getByLabel('Passphrase for scheduled backups', { exact: true }).inputValue()).toBe('');
    await page.getByText('Saved: every day at 04:00.').waitFor();
    const nextRun = page.locator('.facts dt', { hasText: 'Next run' }).locator('xpath=following-sibling::dd[1]');
    expect(await nextRun.locator('time').count()).toBe(1);
    // A reload shows what the server stored.
    await openBackups(page);
    expect(await page.getByLabel('Back up on this schedule').isChecked()).toBe(true);
    expect(await page.getByLabel('When (cron expression)', { exact: true }).inputValue()).toBe('0 4 * * *');
    expect(await page.getByLabel('Keep daily backups', { exact: true }).inputValue()).toBe('5');
    await screenshot('backups-desktop');
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
  });

  it('fits a phone screen, tables and dialog included', async () => {
    const watched = await adminWindow({ viewport: PHONE });
    try {
      await openBackups(watched.page);
      await watched.page.getByRole('rowheader', { name: backupName }).waitFor();
      await watched.screenshot('backups-phone');
      expect(await pageWidth(watched.page)).toBeLessThanOrEqual(PHONE.width);
      await watched.page.getByRole('button', { name: `Restore ${backupName}` }).click();
      await watched.page.getByRole('dialog', { name: 'Restore a backup' }).waitFor();
      expect(await pageWidth(watched.page)).toBeLessThanOrEqual(PHONE.width);
      // The dialog as the phone shows it: the screen, not the whole page behind it.
      await watched.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'backups-phone-restore-dialog.png') });
      expect(unexpectedProblems(watched)).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('reads in dark mode too', async () => {
    const watched = await adminWindow({ colorScheme: 'dark' });
    try {
      await openBackups(watched.page);
      await watched.page.getByRole('rowheader', { name: backupName }).waitFor();
      await watched.screenshot('backups-dark');
      expect(unexpectedProblems(watched)).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('logged no console error along the way, besides the refusals it asked for', () => {
    expect(unexpectedProblems(admin, [{ status: 400, path: '/api/v1/backups/schedule' }, { status: 400, path: '/api/v1/backups/upload' }])).toEqual([]);
  });
});
