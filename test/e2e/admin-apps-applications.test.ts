// The Applications pages end to end, on a real `gatehouse serve`: an admin creates an OIDC application (a bad
// redirect URI is refused next to its row, then a good one goes through), sees the client secret once and proves it
// works against the token endpoint, copies real URLs and a ready-made snippet from the application's page, adds
// the redirect URI the snippet needs, and disables, rotates and deletes, each after a confirmation. Changes made
// through the API appear in an open list without a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { assertRendererBuilt, launchBrowser, pageWidth, type WatchedPage } from '../helpers/browser.ts';
import { expectNoProblems, PHONE_TALL, startAppliance, type Appliance } from './admin-apps-appliance.ts';
import type { ApplicationDetail, CreatedApplication } from '../../server/src/admin/applications/schemas.ts';

let browser: Browser;
let gatehouse: Appliance;
let admin: WatchedPage;
/** The application the tests create, once created. */
let created: { id: string; secret: string };

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

/** Whether the element has the keyboard focus. */
async function isFocused(locator: Locator): Promise<boolean> {
  const id = await locator.getAttribute('id');
  return id !== null && (await locator.page().locator(':focus').getAttribute('id')) === id;
}

/** What the token endpoint says to a client that sends this secret with a code that does not exist. */
async function tokenEndpointVerdict(clientId: string, secret: string): Promise<string> {
  const response = await fetch(`${gatehouse.url}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: 'https://grafana.example.com/login/generic_oauth' }),
  });
  return ((await response.json()) as { error: string }).error;
}

describe('the Applications pages', () => {
  it('shows an empty list with a way to start', async () => {
    const { page } = admin;
    await page.goto(`${gatehouse.url}/admin/applications`);
    await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
    await page.getByText('No applications yet.').waitFor();
    expect(await page.getByLabel('Search applications').isVisible()).toBe(true);
    expectNoProblems(admin);
  });

  it('refuses a bad redirect URI next to its row, then creates the application and shows its secret once', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByRole('heading', { name: 'New application', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Grafana');
    await page.getByLabel('Redirect URI 1', { exact: true }).fill('https://grafana.example.com/login/generic_oauth');
    // Two more rows; the new row has the focus each time. The second stays empty (it is not sent).
    await page.getByRole('button', { name: 'Add redirect URI' }).click();
    expect(await isFocused(page.getByLabel('Redirect URI 2', { exact: true }))).toBe(true);
    await page.getByRole('button', { name: 'Add redirect URI' }).click();
    expect(await isFocused(page.getByLabel('Redirect URI 3', { exact: true }))).toBe(true);
    await page.keyboard.type('ftp://grafana.example.com/callback');
    await page.getByLabel('Launch URL (optional)').fill('https://grafana.example.com/');
    await page.getByRole('button', { name: 'Create application' }).click();

    // The server names the second URI it was sent (redirectUris.1): that is the third row here.
    const badRow = page.getByLabel('Redirect URI 3', { exact: true });
    await page.locator('.uri-row.field-invalid').waitFor();
    expect(await badRow.getAttribute('aria-invalid')).toBe('true');
    for (const label of ['Redirect URI 1', 'Redirect URI 2']) expect(await page.getByLabel(label, { exact: true }).getAttribute('aria-invalid'), label).toBeNull();
    const rowError = page.locator('.uri-row', { has: badRow }).locator('.field-error');
    expect(await rowError.textContent()).toContain('ftp://grafana.example.com/callback');
    // The focus moves to the field in error.
    expect(await isFocused(badRow)).toBe(true);
    await admin.screenshot('admin-applications-new-error');

    await badRow.fill('https://grafana.example.com/oauth/callback');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: 'Grafana is ready' }).waitFor();
    await page.getByText('Copy it now: you will not see it again.').waitFor();
    const secret = (await page.locator('.secret-value').textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await page.getByRole('button', { name: 'Copy client secret' }).waitFor();
    await admin.screenshot('admin-applications-created');

    const listed = await gatehouse.api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/applications');
    const id = listed.body.items.find((item) => item.name === 'Grafana')!.id;
    created = { id, secret };
    // The secret shown is the application's: the token endpoint accepts the client and only then refuses the code.
    expect(await tokenEndpointVerdict(id, secret)).toBe('invalid_grant');
    expect(await tokenEndpointVerdict(id, `${secret}x`)).toBe('invalid_client');
    expectNoProblems(admin, [{ status: 400, path: '/api/v1/applications' }]);
  });

  it('the application’s page shows the real URLs and snippets, never the secret, and adds the redirect URI a snippet needs', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'I have copied it: go to the application' }).click();
    await page.waitForURL(`${gatehouse.url}/admin/applications/${created.id}`);
    await page.getByRole('heading', { name: 'Grafana', level: 1 }).waitFor();
    const detail = (await gatehouse.api<ApplicationDetail>('GET', `/api/v1/applications/${created.id}`)).body;

    // Every URL an app asks for, as the server serves it, each with its copy button.
    expect(detail.endpoints.issuer).toBe(gatehouse.url);
    for (const [label, value] of [
      ['Client ID', created.id],
      ['Issuer', detail.endpoints.issuer],
      ['Discovery URL', detail.endpoints.discovery],
      ['Authorization URL', detail.endpoints.authorization],
      ['Token URL', detail.endpoints.token],
      ['Userinfo URL', detail.endpoints.userinfo],
      ['JWKS URL', detail.endpoints.jwks],
      ['End-session (logout) URL', detail.endpoints.endSession],
    ] as const) {
      const row = page.locator('.copy-row', { has: page.getByText(label, { exact: true }) });
      expect(await row.locator('.copy-value').textContent(), label).toBe(value);
      expect(await row.getByRole('button', { name: `Copy ${label}` }).isVisible(), label).toBe(true);
    }
    // The discovery URL is real: it answers with this issuer.
    const discovery = (await (await fetch(detail.endpoints.discovery)).json()) as { issuer: string; token_endpoint: string };
    expect(discovery.issuer).toBe(detail.endpoints.issuer);
    expect(discovery.token_endpoint).toBe(detail.endpoints.token);
    expect(await page.content()).not.toContain(created.secret);

    // Grafana's snippet first, with this application's client ID and the server's endpoints.
    const tabs = page.getByRole('tablist', { name: 'Apps' });
    await tabs.getByRole('tab', { name: 'Grafana' }).waitFor();
    expect(await tabs.getByRole('tab', { name: 'Grafana' }).getAttribute('aria-selected')).toBe('true');
    const panel = page.getByRole('tabpanel');
    const grafanaText = (await panel.locator('pre').textContent())!;
    expect(grafanaText).toContain(`client_id = ${created.id}`);
    expect(grafanaText).toContain(`auth_url = ${detail.endpoints.authorization}`);
    expect(grafanaText).toContain(`token_url = ${detail.endpoints.token}`);
    expect(await panel.getByText('grafana.ini', { exact: false }).first().isVisible()).toBe(true);
    // Its redirect URI is the one given at creation: nothing to add.
    await panel.getByText('is allowed').waitFor();
    await admin.screenshot('admin-application');

    // The arrow key moves to the next tab and shows it (WAI-ARIA tabs).
    await tabs.getByRole('tab', { name: 'Grafana' }).focus();
    await page.keyboard.press('ArrowRight');
    const gitea = tabs.getByRole('tab', { name: 'Gitea / Forgejo' });
    expect(await gitea.getAttribute('aria-selected')).toBe('true');
    expect(await isFocused(gitea)).toBe(true);
    expect(await panel.locator('pre').textContent()).toContain(detail.endpoints.discovery);

    // Gitea's callback is not registered yet: one button adds it.
    const hint = detail.snippets.find((snippet) => snippet.id === 'gitea')!.redirectUriHint!;
    expect(hint).toBe('https://grafana.example.com/user/oauth2/gatehouse/callback');
    await panel.getByRole('button', { name: 'Add this redirect URI' }).click();
    await panel.getByText('is allowed').waitFor();
    const after = (await gatehouse.api<ApplicationDetail>('GET', `/api/v1/applications/${created.id}`)).body;
    expect(after.redirectUris).toContain(hint);
    // The edit form shows it too (it starts again from the server's values).
    expect(await page.getByLabel('Redirect URI 3', { exact: true }).inputValue()).toBe(hint);
    expectNoProblems(admin);
  });

  it('saves an edit, and asks before disabling and rotating the secret', async () => {
    const { page } = admin;
    await page.getByLabel('Name', { exact: true }).fill('Grafana (ops)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Grafana (ops)', level: 1 }).waitFor();
    await page.getByText('Saved.').waitFor();

    await page.getByRole('button', { name: 'Disable…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable Grafana (ops)?' });
    await dialog.waitFor();
    // Cancel first: nothing changes.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await gatehouse.api<ApplicationDetail>('GET', `/api/v1/applications/${created.id}`)).body.isEnabled).toBe(true);
    await page.getByRole('button', { name: 'Disable…' }).click();
    await dialog.getByRole('button', { name: 'Disable application' }).click();
    await page.getByText('This application is disabled: nobody can sign in to it.').waitFor();
    expect((await gatehouse.api<ApplicationDetail>('GET', `/api/v1/applications/${created.id}`)).body.isEnabled).toBe(false);
    await page.getByRole('button', { name: 'Enable…' }).click();
    await page.getByRole('dialog', { name: 'Enable Grafana (ops)?' }).getByRole('button', { name: 'Enable application' }).click();
    await page.getByRole('button', { name: 'Disable…' }).waitFor();

    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByRole('dialog', { name: 'New client secret for Grafana (ops)?' }).getByRole('button', { name: 'Rotate secret' }).click();
    // The new secret, shown once in its own region (wait for it: the dialog's request is still on its way).
    const shown = page.getByRole('region', { name: 'New client secret', exact: true });
    await shown.waitFor();
    const rotated = (await shown.locator('.secret-value').textContent())!.trim();
    expect(rotated).not.toBe(created.secret);
    expect(await tokenEndpointVerdict(created.id, rotated)).toBe('invalid_grant');
    expect(await tokenEndpointVerdict(created.id, created.secret)).toBe('invalid_client');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.locator('.secret-value').count()).toBe(0);
    expectNoProblems(admin);
  });

  it('fits a phone and reads in dark mode', async () => {
    const phone = await gatehouse.openSignedIn(browser, { viewport: PHONE_TALL });
    const dark = await gatehouse.openSignedIn(browser, { colorScheme: 'dark' });
    try {
      await phone.page.goto(`${gatehouse.url}/admin/applications/${created.id}`);
      await phone.page.getByRole('heading', { name: 'Grafana (ops)', level: 1 }).waitFor();
      await phone.page.getByRole('tab', { name: 'Grafana' }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('admin-application-phone');
      await phone.page.goto(`${gatehouse.url}/admin/applications`);
      await phone.page.getByRole('link', { name: 'Grafana (ops)' }).waitFor();
      expect(await pageWidth(phone.page)).toBeLessThanOrEqual(PHONE_TALL.width);
      await phone.screenshot('admin-applications-phone');

      await dark.page.goto(`${gatehouse.url}/admin/applications/${created.id}`);
      await dark.page.getByRole('tab', { name: 'Grafana' }).waitFor();
      await dark.screenshot('admin-application-dark');
      expectNoProblems(phone);
      expectNoProblems(dark);
    } finally {
      await phone.close();
      await dark.close();
    }
  });

  it('an open list shows an application created through the API without a reload, and finds it by search', async () => {
    const { page } = admin;
    await page.goto(`${gatehouse.url}/admin/applications`);
    await page.getByRole('link', { name: 'Grafana (ops)' }).waitFor();
    await page.locator('.live-live').waitFor();
    const made = await gatehouse.api<CreatedApplication>('POST', '/api/v1/applications', {
      type: 'oidc',
      name: 'Single-page dashboard',
      isPublic: true,
      redirectUris: ['http://localhost:5173/callback'],
      launchUrl: 'http://localhost:5173/',
    });
    expect(made.status).toBe(201);
    expect(made.body.clientSecret).toBeNull();
    await page.getByRole('link', { name: 'Single-page dashboard' }).waitFor();
    expect(await page.locator('tr', { hasText: 'Single-page dashboard' }).getByText('Public (PKCE)').isVisible()).toBe(true);
    await admin.screenshot('admin-applications');

    await page.getByLabel('Search applications').fill('dashboard');
    await page.locator('tbody tr').filter({ hasText: 'Grafana (ops)' }).waitFor({ state: 'detached' });
    // The list shows the search's answer once it arrives (the row above was there before it too).
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Search applications').fill('no such thing');
    await page.getByText('No application matches “no such thing”.').waitFor();
    expectNoProblems(admin);
  });

  it('deletes an application only after its name is typed', async () => {
    const { page } = admin;
    await page.goto(`${gatehouse.url}/admin/applications/${created.id}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Grafana (ops)?' });
    const confirm = dialog.getByRole('button', { name: 'Delete application' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type Grafana (ops) to confirm').fill('Grafana');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type Grafana (ops) to confirm').fill('Grafana (ops)');
    await confirm.click();
    await page.waitForURL(`${gatehouse.url}/admin/applications`);
    await page.getByRole('link', { name: 'Single-page dashboard' }).waitFor();
    expect(await page.getByRole('link', { name: 'Grafana (ops)' }).count()).toBe(0);
    expect((await gatehouse.api('GET', `/api/v1/applications/${created.id}`)).status).toBe(404);
    // The deleted client is refused by the provider too.
    expect(await tokenEndpointVerdict(created.id, created.secret)).toBe('invalid_client');
    expectNoProblems(admin, [{ status: 404, path: `/api/v1/applications/${created.id}` }]);
  });
});
