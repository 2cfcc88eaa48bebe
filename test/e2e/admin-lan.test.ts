// The Settings page's LAN section end to end, on a real `gatehouse serve` restarted on one data dir: LAN mode is
// turned on from the page (checked next to its fields, then "Restart needed"), is on after the restart with the
// address, the CA's fingerprints and its download link; a new host name saved there makes a new CA at the next start,
// which the page warns about, and a flag that sets the port shows that field read-only.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assertRendererBuilt, launchBrowser, openPage, pageWidth, type WatchedPage } from '../helpers/browser.ts';
import { freePort } from '../helpers/app.ts';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';
import { ADMIN, createFirstAdmin, expectNoProblems, PHONE_TALL } from './admin-apps-appliance.ts';
import type { LanView } from '../../server/src/lan/schemas.ts';

// mDNS off: the test machine's network is no place to advertise test names.
const ENV = { GATEHOUSE_LAN_MDNS: 'false' };
const hostname = `gh-${randomBytes(3).toString('hex')}.local`;
const renamed = `gh-${randomBytes(3).toString('hex')}.local`;

let browser: Browser;
let dataDir: string;
let server: ServeProcess;
let admin: WatchedPage;
let lanPort: number;

const url = () => server.ready.url;
const lanSection = (page: Page) => page.locator('section', { has: page.getByRole('heading', { name: 'LAN (HTTPS on your network)', level: 2 }) });

/**
 * Opens Settings, signing the admin in on the way when the browser has no session there (LAN mode makes the public URL
 * https, which renames the session cookie to __Host-gatehouse_session).
 */
async function openSettings(watched: WatchedPage): Promise<void> {
  const { page } = watched;
  const session = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/flow/session');
  await page.goto(`${url()}/login?next=${encodeURIComponent('/admin/settings')}`);
  if (((await (await session).json()) as { signedIn: boolean }).signedIn) {
    await page.getByRole('link', { name: 'Continue' }).click();
  } else {
    await page.getByLabel('Username or email', { exact: true }).fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await lanSection(page).waitFor();
}

/** GET /api/v1/lan with the browser's session. */
async function lanView(): Promise<LanView> {
  const cookie = (await admin.context.cookies()).map(({ name, value }) => `${name}=${value}`).join('; ');
  const response = await fetch(`${url()}/api/v1/lan`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as LanView;
}

async function restart(args: string[] = []): Promise<void> {
  // Away from the page first: its live connection would log each failed reconnect while the server is down.
  await admin.page.goto('about:blank');
  expect((await server.stop()).code).toBe(0);
  server = await startServe(dataDir, { args, env: ENV, timeoutMs: 120_000 });
}

beforeAll(async () => {
  assertRendererBuilt();
  dataDir = tempDataDir('gh-e2e-lan-');
  [browser, server, lanPort] = await Promise.all([launchBrowser(), startServe(dataDir, { env: ENV, timeoutMs: 120_000 }), freePort()]);
  await createFirstAdmin(server);
  admin = await openPage(browser);
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await server?.stop();
  if (dataDir) removeDataDir(dataDir);
});

describe('the LAN section of the Settings page', () => {
  it('turns LAN mode on for the next start, checking the host name and port next to their fields', async () => {
    await openSettings(admin);
    const { page } = admin;
    const section = lanSection(page);
    await section.getByText('Gatehouse answers on this machine only.', { exact: false }).waitFor();
    expect(await section.getByRole('link', { name: 'Download the CA certificate' }).count()).toBe(0);
    expect(await page.getByLabel('Turn on LAN mode').isChecked()).toBe(false);
    expect(await page.getByLabel('Host name').inputValue()).toBe('gatehouse.local');
    expect(await page.getByLabel('Port').inputValue()).toBe('9443');
    expect(await page.getByLabel('Allow the admin pages on the LAN').isChecked()).toBe(false);

    // The keyboard reaches and ticks the box.
    await page.getByLabel('Turn on LAN mode').focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Turn on LAN mode').isChecked()).toBe(true);
    await page.getByLabel('Host name').fill('192.168.1.5');
    await page.getByLabel('Port').fill('70000');
    await page.getByRole('button', { name: 'Save LAN settings' }).click();
    await section.getByText('Enter a host name such as gatehouse.local', { exact: false }).waitFor();
    await section.getByText('Enter a port from 1 to 65535', { exact: false }).waitFor();
    expect(await page.getByLabel('Host name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Port').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement.getAttribute("name")')).toBe('hostname');

    await page.getByLabel('Host name').fill(` ${hostname.toUpperCase()} `);
    await page.getByLabel('Port').fill(String(lanPort));
    await page.getByRole('button', { name: 'Save LAN settings' }).click();
    await section.getByText('Restart needed.').waitFor();
    await section.getByText('Saved.').waitFor();
    expect(await page.getByLabel('Host name').inputValue()).toBe(hostname);

    const view = await lanView();
    expect(view).toMatchObject({ enabled: false, saved: { enabled: true, hostname, port: lanPort, allowAdmin: false }, restartNeeded: true });
    await admin.screenshot('admin-settings-lan-saved');
    expectNoProblems(admin);
  });

  it('is on after the restart: the LAN address, the CA to download with its fingerprints, and the install steps', async () => {
    await restart();
    expect(server.ready.lanUrl).toBe(`https://${hostname}:${lanPort}`);
    await openSettings(admin);
    const { page } = admin;
    const section = lanSection(page);
    await section.getByText('Devices on your network reach Gatehouse over HTTPS.').waitFor();
    expect(await section.getByText('Restart needed.').count()).toBe(0);
    await section.getByText(`https://${hostname}:${lanPort}`, { exact: true }).waitFor();
    await section.getByText('Passkeys work only at this address', { exact: false }).waitFor();

    const view = await lanView();
    await section.getByText(view.certificateAuthority!.fingerprintSha256, { exact: true }).waitFor();
    await section.getByText(view.certificateAuthority!.fingerprintSha1, { exact: true }).waitFor();
    await section.getByText('What Windows shows as “Thumbprint”.').waitFor();

    const download = section.getByRole('link', { name: 'Download the CA certificate' });
    expect(await download.getAttribute('href')).toBe('/lan/ca.crt');
    const certificate = await fetch(`${url()}/lan/ca.crt`);
    expect(certificate.status).toBe(200);
    expect(certificate.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(await certificate.text()).toContain('-----BEGIN CERTIFICATE-----');

    // One folded block per system; opening one shows its steps.
    for (const system of ['Windows', 'macOS', 'Linux, and Firefox everywhere', 'Android', 'iPhone and iPad']) await section.locator('summary', { hasText: system }).waitFor();
    await section.locator('summary', { hasText: 'Windows' }).click();
    await section.getByText(`certutil -addstore -f Root ${hostname}-ca.crt`).waitFor();
    await admin.screenshot('admin-settings-lan');
    expectNoProblems(admin);
  });

  it('fits a phone and dark mode', async () => {
    for (const options of [{ viewport: PHONE_TALL, name: 'admin-settings-lan-phone' }, { colorScheme: 'dark' as const, name: 'admin-settings-lan-dark' }]) {
      const other = await openPage(browser, options);
      try {
        await openSettings(other);
        await lanSection(other.page).getByRole('link', { name: 'Download the CA certificate' }).waitFor();
        await lanSection(other.page).locator('summary', { hasText: 'iPhone and iPad' }).click();
        if (options.viewport) expect(await pageWidth(other.page)).toBeLessThanOrEqual(PHONE_TALL.width);
        await other.screenshot(options.name);
        expectNoProblems(other);
      } finally {
        await other.close();
      }
    }
  });

  it('warns that every device must install the CA again after a new host name, and shows what a flag sets as read-only', async () => {
    const { page } = admin;
    await page.getByLabel('Host name').fill(renamed);
    await page.getByRole('button', { name: 'Save LAN settings' }).click();
    await lanSection(page).getByText('Restart needed.').waitFor();

    await restart(['--lan-port', String(lanPort)]);
    expect(server.ready.lanUrl).toBe(`https://${renamed}:${lanPort}`);
    await openSettings(admin);
    const section = lanSection(page);
    await section.getByRole('alert').getByText('New CA certificate: install it again on every device.').waitFor();
    expect(await page.getByLabel('Port').getAttribute('readonly')).not.toBeNull();
    await section.getByText('Set by the config file or a command-line flag', { exact: false }).waitFor();
    expect(await page.getByLabel('Host name').getAttribute('readonly')).toBeNull();
    await admin.screenshot('admin-settings-lan-replaced');

    // Saving leaves out what the flag sets: the saved port stays as it was.
    await page.getByLabel('Allow the admin pages on the LAN').check();
    await page.getByRole('button', { name: 'Save LAN settings' }).click();
    await section.getByText('Restart needed.').waitFor();
    const view = await lanView();
    expect(view).toMatchObject({ saved: { enabled: true, hostname: renamed, port: lanPort, allowAdmin: true }, setByConfig: { port: true }, restartNeeded: true });
    expectNoProblems(admin);
  });
});
