// The control UI's dashboard, users, groups, sessions and events pages end to end: a real `gatehouse serve` on a
// fresh data dir, its first admin made through the setup link, users and groups seeded through the admin API, then
// Chromium uses each page as an admin would, and changes made through the API (as another admin, a script or the
// CLI would) show up on the open pages without a reload. Every page is saved to test/e2e/screenshots/admin-*.png,
// at desktop size, phone size and in dark mode.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIResponse, Browser, Page } from 'playwright-core';
import { assertRendererBuilt, DESKTOP, launchBrowser, openPage, pageWidth, SCREENSHOT_DIR, type PageOptions, type WatchedPage } from '../helpers/browser.ts';
import { removeDataDir, runGatehouse, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

const ADMIN_PASSWORD = 'a long and secret phrase';
const MEMBER_PASSWORD = 'correct horse battery staple';
/** A tall phone (iPhone X size): the page scrolls, it must never need sideways scrolling. */
const PHONE = { width: 375, height: 812 } as const;
/** Generous waits for what the server pushes (live updates arrive within a second). */
const LIVE_TIMEOUT = 10_000;
/** More seeded users than one page of the users list holds (25). */
const SEEDED_MEMBERS = 30;

let browser: Browser;
let dataDir: string;
let server: ServeProcess | undefined;
let base: string;
/** The admin's signed-in browser, shared by the tests in order. */
let admin: WatchedPage;

interface Created {
  id: string;
  username?: string;
  name?: string;
}

/** A call to the admin API with the admin's cookies, from our own origin, as the control UI makes it. */
async function api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<APIResponse> {
  return admin.context.request.fetch(`${base}${path}`, {
    method,
    headers: { origin: base, accept: 'application/json' },
    ...(body === undefined ? {} : { data: body }),
  });
}

async function apiJson<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await api(method, path, body);
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

const ids: { developers?: string; designers?: string; alice?: string; bob?: string } = {};

beforeAll(async () => {
  assertRendererBuilt();
  browser = await launchBrowser();
  dataDir = tempDataDir('gh-e2e-');
  server = await startServe(dataDir, { timeoutMs: 120_000 });
  base = server.ready.url;
  // The first admin, made the way a new Gatehouse is set up: this also signs them in.
  admin = await openPage(browser);
  await admin.page.goto(server.ready.setupUrl!);
  await admin.page.getByLabel('Username', { exact: true }).fill('admin');
  await admin.page.getByLabel('Email', { exact: true }).fill('admin@example.org');
  await admin.page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await admin.page.getByLabel('Password again', { exact: true }).fill(ADMIN_PASSWORD);
  await admin.page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await admin.page.waitForURL((url) => url.pathname !== '/setup' || url.searchParams.has('step'), { timeout: 30_000 });

  // People and groups, through the API the pages use.
  ids.developers = (await apiJson<Created>('POST', '/api/v1/groups', { name: 'developers', description: 'Everyone who ships code' })).id;
  ids.designers = (await apiJson<Created>('POST', '/api/v1/groups', { name: 'designers' })).id;
  await apiJson('POST', '/api/v1/groups', { name: 'operations', description: 'On call' });
  ids.alice = (await apiJson<Created>('POST', '/api/v1/users', { username: 'alice', email: 'alice@example.org', displayName: 'Alice Liddell', password: MEMBER_PASSWORD, groupIds: [ids.developers] })).id;
  ids.bob = (await apiJson<Created>('POST', '/api/v1/users', { username: 'bob', email: 'bob@example.org', displayName: 'Bob Builder', password: MEMBER_PASSWORD, groupIds: [ids.developers, ids.designers] })).id;
  for (let n = 1; n <= SEEDED_MEMBERS; n++) {
    const username = `member-${String(n).padStart(2, '0')}`;
    await apiJson('POST', '/api/v1/users', { username, email: `${username}@example.org` });
  }
}, 240_000);

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
  return watched.problems.filter((problem) => !expected.some(({ status, path }) => problem.includes(`status of ${status}`) && problem.includes(path)));
}

/** Opens a control UI page and waits for its heading. */
async function open(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/** Another browser window with the admin's session cookie. */
async function adminWindow(options: PageOptions): Promise<WatchedPage> {
  const watched = await openPage(browser, options);
  await watched.context.addCookies(await admin.context.cookies());
  return watched;
}

/** The same page at phone width and in dark mode: it fits without sideways scrolling, and logs no error. */
async function phoneAndDark(path: string, heading: string, name: string, ready: (page: Page) => Promise<void>): Promise<void> {
  for (const [options, suffix] of [[{ viewport: PHONE }, 'phone'], [{ colorScheme: 'dark' }, 'dark']] as const) {
    const watched = await adminWindow(options);
    try {
      await open(watched.page, path, heading);
      await ready(watched.page);
      await watched.screenshot(`${name}-${suffix}`);
      if (suffix === 'phone') expect(await pageWidth(watched.page), `${name} at phone width`).toBeLessThanOrEqual(PHONE.width);
      expect(unexpectedProblems(watched)).toEqual([]);
    } finally {
      await watched.close();
    }
  }
}

describe('the dashboard', () => {
  it('shows the instance, its database, the counts, sign-ins, recent events and the addresses apps use', async () => {
    const { page, screenshot } = admin;
    await open(page, '/admin', 'Dashboard');
    // Counts link to their pages; 2 + 30 seeded users and the admin.
    const users = page.getByRole('link', { name: /users$/ }).filter({ hasText: String(SEEDED_MEMBERS + 3) });
    await users.waitFor();
    expect(await users.getAttribute('href')).toBe('/admin/users');
    await page.getByRole('link', { name: '3 groups' }).waitFor();
    await page.getByText(/Embedded PostgreSQL \d+/).waitFor();
    await page.getByRole('heading', { name: 'Connections in use' }).waitFor();
    // The chart has a text alternative: its label sums it up, and a table holds its figures.
    const chart = page.getByRole('img', { name: /^Sign-ins in the last 24 hours: / });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/(sign-ins? succeeded and \d+ failed|No sign-ins) in the last 24 hours\.$/);
    await page.getByRole('button', { name: '7 days' }).click();
    await page.getByRole('img', { name: /^Sign-ins in the last 7 days: / }).waitFor();
    expect(await page.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: '24 hours' }).click();
    // Recent events, newest first, the member made last at the top.
    const recent = page.locator('section', { has: page.getByRole('heading', { name: 'Recent events' }) });
    await recent.getByRole('link', { name: `member-${SEEDED_MEMBERS}` }).first().waitFor();
    expect(await recent.getByRole('link', { name: 'All events' }).getAttribute('href')).toBe('/admin/events');
    // The addresses, each with a copy button.
    await page.getByText(`${base}/.well-known/openid-configuration`).waitFor();
    for (const label of ['issuer', 'discovery', 'JWKS', 'control UI', 'portal']) await page.getByRole('button', { name: `Copy ${label} URL` }).waitFor();
    await page.getByText('Gatehouse has not been backed up yet.').waitFor();
    await screenshot('admin-dashboard');
    expect(await pageWidth(page)).toBeLessThanOrEqual(DESKTOP.width);
  });

  it('counts a new group made through the API without a reload', async () => {
    const { page } = admin;
    await apiJson('POST', '/api/v1/groups', { name: 'auditors' });
    await page.getByRole('link', { name: '4 groups' }).waitFor({ timeout: LIVE_TIMEOUT });
    await page.locator('section', { has: page.getByRole('heading', { name: 'Recent events' }) }).getByRole('link', { name: 'auditors' }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('fits a phone and reads in dark mode', async () => {
    await phoneAndDark('/admin', 'Dashboard', 'admin-dashboard', (page) => page.getByRole('img', { name: /^Sign-ins/ }).waitFor());
  });
});

describe('the users page', () => {
  it('lists users a page at a time with their total', async () => {
    const { page } = admin;
    await open(page, '/admin/users', 'Users');
    await page.getByText(`${SEEDED_MEMBERS + 3} users`).waitFor();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await expect.poll(() => rows.count()).toBe(SEEDED_MEMBERS + 3 - 25);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
    await expect.poll(() => rows.count()).toBe(25);
  });

  it('searches as one types, keeps the search in the address, and a reload keeps it', async () => {
    const { page, screenshot } = admin;
    await page.getByLabel('Search users').fill('member-0');
    await page.waitForURL((url) => url.searchParams.get('search') === 'member-0');
    await page.getByText('9 users match').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(9);
    await page.reload();
    await page.getByText('9 users match').waitFor();
    expect(await page.getByLabel('Search users').inputValue()).toBe('member-0');
    await page.getByLabel('Show').selectOption('admin');
    await page.getByText('No user matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Show all users' }).click();
    await page.getByText(`${SEEDED_MEMBERS + 3} users`).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await screenshot('admin-users');
  });

  it('shows a user made through the API at once, without a reload', async () => {
    const { page } = admin;
    await page.getByLabel('Search users').fill('lara');
    await page.getByText('No user matches these filters.').waitFor();
    await apiJson('POST', '/api/v1/users', { username: 'live-lara', displayName: 'Lara Live' });
    await page.getByRole('rowheader', { name: 'live-lara' }).waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByLabel('Search users').fill('');
  });

  it('shows the server’s refusal next to the field, then creates the user once it is fixed', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor();
    // An empty username is caught before it is sent.
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('Enter a username').waitFor();
    // A taken one is refused by the server, and said under the Username field, which takes the focus.
    const username = dialog.getByLabel('Username', { exact: true });
    await username.fill('alice');
    await dialog.getByLabel('Email', { exact: true }).fill('carol@example.org');
    await dialog.getByLabel('Display name').fill('Carol Danvers');
    await dialog.getByLabel('designers').check();
    await dialog.getByRole('button', { name: 'Create user' }).click();
    // (`has` is looked for inside each .field, so it is a page locator, not one inside the dialog.)
    const error = dialog.locator('.field', { has: page.getByLabel('Username', { exact: true }) }).locator('.field-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The username "alice" is taken');
    expect(await username.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(':focus').getAttribute('name')).toBe('username');
    // The dialog as the screen shows it, not the whole page behind it.
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-users-new-error.png') });
    await username.fill('carol');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'carol', level: 1 }).waitFor();
    // Made without a password: the page suggests a reset link.
    await page.getByText('carol has no password yet').waitFor();
    const groups = page.locator('section', { has: page.getByRole('heading', { name: 'Groups', level: 2 }) });
    expect(await groups.getByLabel('designers').isChecked()).toBe(true);
  });

  it('fits a phone and reads in dark mode', async () => {
    await phoneAndDark('/admin/users', 'Users', 'admin-users', (page) => page.getByRole('rowheader', { name: 'alice' }).waitFor());
  });
});

describe('a user’s page', () => {
  it('edits the details, and shows a refusal about the user as a whole above the form', async () => {
    const { page } = admin;
    await open(page, `/admin/users/${ids.bob}`, 'bob');
    await page.getByLabel('Display name').fill('Robert Builder');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await apiJson<{ displayName: string }>('GET', `/api/v1/users/${ids.bob}`)).displayName).toBe('Robert Builder');
    await page.getByLabel('Email', { exact: true }).fill('not an email');
    await page.getByRole('button', { name: 'Save details' }).click();
    const email = page.getByLabel('Email', { exact: true });
    await page.locator('.field', { has: email }).locator('.field-error').waitFor();
    await page.getByRole('button', { name: 'Undo changes' }).click();
    expect(await email.inputValue()).toBe('bob@example.org');
    expect(await page.locator('.field', { has: email }).locator('.field-error').count()).toBe(0);
  });

  it('changes the groups', async () => {
    const { page } = admin;
    const groups = page.locator('section', { has: page.getByRole('heading', { name: 'Groups', level: 2 }) });
    await groups.getByLabel('designers').uncheck();
    await groups.getByLabel('operations').check();
    await groups.getByRole('button', { name: 'Save groups' }).click();
    await groups.getByText('Groups saved.').waitFor();
    const saved = await apiJson<{ groups: Array<{ name: string }> }>('GET', `/api/v1/users/${ids.bob}`);
    expect(saved.groups.map((group) => group.name).sort()).toEqual(['developers', 'operations']);
  });

  it('makes a password-reset link to copy or print, with its expiry, and says Gatehouse sends no mail', async () => {
    const { page } = admin;
    await page.getByText('Gatehouse sends no email').waitFor();
    await page.getByRole('button', { name: 'Make a password-reset link' }).click();
    const url = page.locator('#reset-link-url');
    await url.waitFor();
    expect(await url.textContent()).toMatch(new RegExp(`^${base}/reset\\?token=`));
    await page.getByText(/Works once, until/).waitFor();
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    await page.getByRole('button', { name: 'Print' }).waitFor();
  });

  it('disables the user after asking, then enables them again', async () => {
    const { page, screenshot } = admin;
    await page.getByRole('button', { name: 'Disable user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable bob?' });
    await dialog.waitFor();
    // Cancel comes first and has the focus: Enter does not disable anyone by accident.
    expect(await page.locator(':focus').textContent()).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Disable user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Enable user' }).waitFor();
    await page.locator('.user-summary').getByText('Disabled').waitFor();
    expect((await apiJson<{ isActive: boolean }>('GET', `/api/v1/users/${ids.bob}`)).isActive).toBe(false);
    await screenshot('admin-user');
    await page.getByRole('button', { name: 'Enable user' }).click();
    await page.getByRole('button', { name: 'Disable user' }).waitFor();
  });

  it('says clearly why an admin cannot disable themselves', async () => {
    const { page } = admin;
    const me = await apiJson<{ user: { id: string } }>('GET', '/api/v1/me');
    await open(page, `/admin/users/${me.user.id}`, 'admin');
    await page.getByText('This is you.').waitFor();
    await page.getByRole('button', { name: 'Disable user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable admin?' });
    await dialog.getByRole('button', { name: 'Disable user' }).click();
    // The server's reason, in the dialog, which stays open.
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/You cannot disable yourself/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('deletes a user only once their username is typed', async () => {
    const { page } = admin;
    const doomed = await apiJson<Created>('POST', '/api/v1/users', { username: 'temp-tom' });
    await open(page, `/admin/users/${doomed.id}`, 'temp-tom');
    await page.getByRole('button', { name: 'Delete user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete temp-tom' });
    await dialog.getByRole('button', { name: 'Delete user' }).click();
    await dialog.getByText('Type the username exactly').waitFor();
    expect((await api('GET', `/api/v1/users/${doomed.id}`)).status()).toBe(200);
    await dialog.getByLabel('Type temp-tom to confirm').fill('temp-tom');
    await dialog.getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect((await api('GET', `/api/v1/users/${doomed.id}`)).status()).toBe(404);
  });

  it('fits a phone and reads in dark mode', async () => {
    await phoneAndDark(`/admin/users/${ids.alice}`, 'alice', 'admin-user', (page) => page.getByRole('heading', { name: 'Recent events' }).waitFor());
  });
});

describe('the groups pages', () => {
  it('lists groups with their member counts, and searches them', async () => {
    const { page, screenshot } = admin;
    await open(page, '/admin/groups', 'Groups');
    const developers = page.getByRole('row', { name: /developers/ });
    await developers.waitFor();
    expect(await developers.getByRole('cell', { name: '2' }).count()).toBe(1);
    await screenshot('admin-groups');
    await page.getByLabel('Search groups').fill('design');
    await page.waitForURL((url) => url.searchParams.get('search') === 'design');
    await page.getByText('1 group match').waitFor();
  });

  it('makes a group, renames it, adds and removes a member, and deletes it after asking', async () => {
    const { page, screenshot } = admin;
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Name').fill('developers');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.locator('.field-error').waitFor();
    await dialog.getByLabel('Name').fill('testers');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'testers', level: 1 }).waitFor();
    await page.getByText('testers has no members yet.').waitFor();

    await page.getByLabel('Description').fill('They break things on purpose');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Saved.').waitFor();

    await page.getByLabel('Add a member').fill('alic');
    await page.getByRole('button', { name: 'Add alice to testers' }).click();
    await page.getByText('alice is now a member.').waitFor();
    // Ready for the next: the search is emptied and keeps the focus.
    expect(await page.getByLabel('Add a member').inputValue()).toBe('');
    expect(await page.locator(':focus').getAttribute('type')).toBe('search');
    await page.getByRole('rowheader', { name: 'alice' }).waitFor();
    await page.getByRole('heading', { name: 'Members (1)' }).waitFor({ timeout: LIVE_TIMEOUT });
    await screenshot('admin-group');

    await page.getByRole('button', { name: 'Remove alice from testers' }).click();
    const removal = page.getByRole('dialog', { name: 'Remove alice from testers?' });
    await removal.getByRole('button', { name: 'Remove from group' }).click();
    await page.getByText('testers has no members yet.').waitFor();

    await page.getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('dialog', { name: 'Delete testers?' }).getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    expect(await page.getByRole('rowheader', { name: 'testers' }).count()).toBe(0);
  });

  it('shows members added elsewhere without a reload', async () => {
    const { page } = admin;
    await open(page, `/admin/groups/${ids.designers}`, 'designers');
    await page.getByText('designers has no members yet.').or(page.getByRole('rowheader').first()).waitFor();
    await api('PUT', `/api/v1/groups/${ids.designers}/members/${ids.alice}`);
    await page.getByRole('rowheader', { name: 'alice' }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('shows a group made with the CLI without a reload', async () => {
    const { page } = admin;
    await open(page, '/admin/groups', 'Groups');
    await page.getByRole('rowheader', { name: 'developers' }).waitFor();
    const added = await runGatehouse(['group', 'add', 'cli-made', '--description', 'Made in a terminal', '--data', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    await page.getByRole('rowheader', { name: 'cli-made' }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('fits a phone and reads in dark mode', async () => {
    await phoneAndDark('/admin/groups', 'Groups', 'admin-groups', (page) => page.getByRole('rowheader', { name: 'developers' }).waitFor());
    await phoneAndDark(`/admin/groups/${ids.developers}`, 'developers', 'admin-group', (page) => page.getByRole('rowheader', { name: 'alice' }).waitFor());
  });
});

describe('the sessions page', () => {
  /** Alice's own browser, signed in to Gatehouse. */
  let alice: WatchedPage;

  afterAll(async () => {
    await alice?.close();
  });

  it('shows a new sign-in without a reload, in words (browser and system), and revokes it after asking', async () => {
    const { page, screenshot } = admin;
    await open(page, '/admin/sessions', 'Sessions');
    await page.getByRole('rowheader', { name: /admin/ }).waitFor();
    await page.getByText('This browser').waitFor();
    expect(await page.getByRole('rowheader', { name: /alice/ }).count()).toBe(0);

    alice = await openPage(browser);
    const signIn = await alice.context.request.post(`${base}/api/flow/login`, { headers: { origin: base }, data: { login: 'alice', password: MEMBER_PASSWORD } });
    expect(signIn.ok(), await signIn.text()).toBe(true);
    expect((await alice.context.request.get(`${base}/api/v1/me`)).status()).toBe(200);

    const row = page.getByRole('row', { name: /alice/ });
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    // The User-Agent in words: Chromium's own says "HeadlessChrome/… (X11; Linux x86_64)".
    expect(await row.getByRole('cell').first().textContent()).toBe('Headless Chrome on Linux');
    await screenshot('admin-sessions');

    await row.getByRole('button', { name: /^Revoke alice’s session/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this session?' });
    await dialog.getByRole('button', { name: 'Revoke session' }).click();
    await row.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    expect((await alice.context.request.get(`${base}/api/v1/me`)).status()).toBe(401);
  });

  it('filters by user and revokes all of a user’s sessions', async () => {
    const { page } = admin;
    for (let n = 0; n < 2; n++) {
      const signIn = await alice.context.request.post(`${base}/api/flow/login`, { headers: { origin: base }, data: { login: 'bob', password: MEMBER_PASSWORD } });
      expect(signIn.ok(), await signIn.text()).toBe(true);
      await alice.context.clearCookies();
    }
    await page.getByLabel('Filter by user').fill('bob');
    await page.getByRole('button', { name: 'Show only bob' }).click();
    await page.waitForURL((url) => url.searchParams.get('userId') === ids.bob);
    // Only bob's two sessions: the admin's own is filtered out.
    await page.getByRole('rowheader', { name: /admin/ }).waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('row', { name: /bob/ }).count(), { timeout: LIVE_TIMEOUT }).toBe(2);
    expect(await page.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Revoke all of bob’s sessions' }).first().click();
    await page.getByRole('dialog', { name: 'Revoke all of bob’s sessions?' }).getByRole('button', { name: 'Revoke all sessions' }).click();
    await page.getByText('This user is not signed in anywhere.').waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByRole('button', { name: 'Show everyone’s sessions' }).click();
    await page.getByRole('rowheader', { name: /admin/ }).waitFor();
  });

  it('fits a phone and reads in dark mode', async () => {
    await phoneAndDark('/admin/sessions', 'Sessions', 'admin-sessions', (page) => page.getByRole('rowheader', { name: /admin/ }).first().waitFor());
  });
});

describe('the events page', () => {
  it('filters by type, user and time, keeps the filters in the address, and shows a change as before and after', async () => {
    const { page, screenshot } = admin;
    await open(page, '/admin/events', 'Events');
    await page.getByRole('row', { name: /User created/ }).first().waitFor();
    await page.getByLabel('Type', { exact: true }).selectOption('user.updated');
    await page.waitForURL((url) => url.searchParams.get('type') === 'user.updated');
    await page.getByRole('row', { name: /User created/ }).first().waitFor({ state: 'detached' });
    const updated = page.getByRole('row', { name: /User updated/ }).filter({ hasText: 'bob' }).first();
    await updated.waitFor();
    await updated.getByRole('button', { name: /^Details/ }).click();
    const change = page.getByRole('table', { name: 'What changed' }).first();
    await change.waitFor();
    await screenshot('admin-events');

    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Show only alice' }).click();
    await page.waitForURL((url) => url.searchParams.get('userId') === ids.alice);
    await page.getByLabel('Type', { exact: true }).selectOption('user.');
    await page.getByRole('row', { name: /User login succeeded/ }).first().waitFor();
    expect(await page.getByRole('row', { name: /bob/ }).count()).toBe(0);

    // A time range that ended before Gatehouse started holds nothing.
    await page.getByLabel('To', { exact: true }).fill('2020-01-01T00:00');
    await page.getByText('No event matches these filters.').waitFor();
    await page.reload();
    await page.getByText('No event matches these filters.').waitFor();
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('row', { name: /User created/ }).first().waitFor();
  });

  it('pages back through older events', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await page.getByRole('row', { name: /User created/ }).first().waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
  });

  it('puts a new event at the top of the first page as it happens', async () => {
    const { page } = admin;
    await apiJson('PATCH', `/api/v1/groups/${ids.designers}`, { description: 'Pixels and people' });
    const first = page.locator('tbody tr.event-row').first();
    await expect.poll(async () => first.textContent(), { timeout: LIVE_TIMEOUT }).toMatch(/Group updated/);
    await expect(first.getByRole('link', { name: 'designers' }).getAttribute('href')).resolves.toBe(`/admin/groups/${ids.designers}`);
  });

  it('fits a phone and reads in dark mode', async () => {
    await phoneAndDark('/admin/events', 'Events', 'admin-events', (page) => page.getByRole('row', { name: /Group updated/ }).first().waitFor());
  });
});

describe('the Backups page', () => {
  it('sits in the control UI’s frame, with the same navigation', async () => {
    const { page } = admin;
    await open(page, '/admin/backups', 'Backups');
    await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
    await admin.screenshot('admin-backups');
    const nav = page.getByRole('navigation', { name: 'Control UI' });
    expect(await nav.getByRole('link', { name: 'Backups' }).getAttribute('aria-current')).toBe('page');
    await nav.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });
});

describe('along the way', () => {
  it('logged no console error, besides the refusals the tests asked for', () => {
    expect(
      unexpectedProblems(admin, [
        // A taken username; an admin disabling themselves; a malformed email.
        { status: 409, path: '/api/v1/users' },
        { status: 400, path: '/api/v1/users' },
        // A taken group name.
        { status: 409, path: '/api/v1/groups' },
      ]),
    ).toEqual([]);
  });
});
