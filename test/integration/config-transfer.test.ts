// Config export/import against a real PostgreSQL: a round trip to another instance, idempotence, secrets only when
// asked, one bad item changes nothing, and refusals that name the place of the problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { exportConfig, importConfig, parseConfig, type ConfigDocument } from '../../server/src/backup/config-transfer.ts';
import type { OidcService } from '../../server/src/providers/oidc/service.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { BackupService } from '../../server/src/backup/service.ts';

const deps = (app: TestApp) => ({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: app.platform.instanceId });

describe('config export and import', () => {
  let source: TestApp;
  let target: TestApp;
  let grafanaId: string;
  let grafanaSecret: string;

  beforeAll(async () => {
    source = await createTestApp();
    target = await createTestApp();
    const identity = source.service<IdentityService>('identity');
    await identity.createGroup('engineers', 'the ones who build');
    await identity.createGroup('Finance');
    const oidc = source.service<OidcService>('oidc');
    const grafana = await oidc.createClient({ name: 'Grafana', redirectUris: ['https://grafana.example.test/login/generic_oauth'], postLogoutRedirectUris: ['https://grafana.example.test/'], launchUrl: 'https://grafana.example.test/' });
    grafanaId = grafana.client.clientId;
    grafanaSecret = grafana.clientSecret!;
    await oidc.createClient({ name: 'CLI tool', isPublic: true, redirectUris: ['http://127.0.0.1:8400/callback'] });
    await source.service<BackupService>('backup').setSchedule({ cron: '15 3 * * 0', timeZone: 'Europe/Berlin', keepDaily: 3, keepWeekly: 2, enabled: true, passphrase: 'a schedule passphrase' });
  });

  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('exports groups, applications and settings as YAML, without secrets', async () => {
    const text = await exportConfig(deps(source));
    expect(text).not.toMatch(/secretSha256|passphrase/);
    expect(text).not.toContain('a schedule passphrase');
    const doc = YAML.parse(text) as ConfigDocument;
    expect(doc.kind).toBe('gatehouse/config/v1');
    expect(doc.groups.map((g) => g.name)).toEqual(['engineers', 'Finance']);
    expect(doc.applications.find((a) => a.clientId === grafanaId)).toMatchObject({ name: 'Grafana', public: false, redirectUris: ['https://grafana.example.test/login/generic_oauth'], enabled: true });
    expect(doc.settings.backupSchedule).toMatchObject({ cron: '15 3 * * 0', timeZone: 'Europe/Berlin', keepDaily: 3, keepWeekly: 2, enabled: true });
  });

  it('imports into another instance, reports what it made, and a second import changes nothing', async () => {
    const text = await exportConfig(deps(source), { withSecrets: true });
    const first = await importConfig(deps(target), parseConfig(text));
    expect(first.changes.filter((c) => c.action === 'created').map((c) => c.name).sort()).toEqual([grafanaId, expect.stringMatching(/^cli-tool/), 'Finance', 'engineers'].sort());
    expect(first.changes.find((c) => c.kind === 'setting')).toMatchObject({ action: 'updated' });
    expect(first.newSecrets).toEqual([]);
    // The secret hash came along: Grafana's secret works on the target.
    const token = await target.app.inject({
      method: 'POST', url: '/oidc/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${grafanaId}:${grafanaSecret}`).toString('base64')}` },
      payload: 'grant_type=authorization_code&code=nothing&redirect_uri=https%3A%2F%2Fgrafana.example.test%2Flogin%2Fgeneric_oauth',
    });
    expect(JSON.parse(token.body).error).toBe('invalid_grant'); // authenticated; only the code is wrong
    expect((await target.service<BackupService>('backup').getSchedule()).hasPassphrase).toBe(true);
    // "My apps" keeps its launch link.
    expect((await target.service<OidcService>('oidc').getClient(grafanaId))?.launchUrl).toBe('https://grafana.example.test/');

    const second = await importConfig(deps(target), parseConfig(text));
    expect(second.changes.every((c) => c.action === 'unchanged')).toBe(true);
    // The first import is in the event log with what it changed; the second changed nothing and wrote nothing.
    const { rows } = await target.platform.pool.query<{ data: { changes: unknown[] } }>(`SELECT data FROM events WHERE type = 'config.imported'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data.changes).toHaveLength(first.changes.filter((c) => c.action !== 'unchanged').length);
  });

  it('updates what differs, names the fields, creates new secrets only for new confidential apps, and honours --dry-run', async () => {
    const doc = parseConfig(await exportConfig(deps(source)));
    doc.applications.find((a) => a.clientId === grafanaId)!.redirectUris.push('https://grafana2.example.test/login/generic_oauth');
    doc.groups[0]!.description = 'changed';
    doc.applications.push({ ...doc.applications.find((a) => a.clientId === grafanaId)!, clientId: 'new-app-1', name: 'New app', secretSha256: undefined } as never);
    delete (doc.applications.at(-1) as { secretSha256?: string }).secretSha256;
    const dry = await importConfig(deps(target), doc, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.newSecrets).toEqual([]);
    expect((await target.platform.pool.query(`SELECT 1 FROM oidc_clients WHERE client_id = 'new-app-1'`)).rows).toEqual([]);
    const real = await importConfig(deps(target), doc);
    expect(real.changes.find((c) => c.name === grafanaId)).toMatchObject({ action: 'updated', fields: ['redirectUris'] });
    expect(real.changes.find((c) => c.name === 'engineers')).toMatchObject({ action: 'updated', fields: ['description'] });
    expect(real.changes.find((c) => c.name === 'new-app-1')).toMatchObject({ action: 'created' });
    expect(real.newSecrets.map((s) => s.clientId)).toEqual(['new-app-1']);
    const client = await target.service<OidcService>('oidc').getClient(grafanaId);
    expect(client!.redirectUris).toHaveLength(2);
  });

  it('keeps an application\'s launch URL when the file has none (one exported before launch URLs existed)', async () => {
    const doc = YAML.parse(await exportConfig(deps(source), { withSecrets: true })) as ConfigDocument;
    for (const app of doc.applications) delete (app as { launchUrl?: unknown }).launchUrl;
    const report = await importConfig(deps(target), parseConfig(YAML.stringify(doc)));
    expect((report.changes.find((c) => c.name === grafanaId) as { fields?: string[] }).fields ?? []).not.toContain('launchUrl');
    expect((await target.service<OidcService>('oidc').getClient(grafanaId))?.launchUrl).toBe('https://grafana.example.test/');
  });

  it('an enabled schedule without a passphrase (an export without secrets) is imported switched off, and says so', async () => {
    const fresh = await createTestApp();
    try {
      const report = await importConfig(deps(fresh), parseConfig(await exportConfig(deps(source))));
      const change = report.changes.find((c) => c.kind === 'setting');
      expect(change?.note).toMatch(/switched off/);
      const schedule = await fresh.service<BackupService>('backup').getSchedule();
      expect(schedule).toMatchObject({ enabled: false, cron: '15 3 * * 0', timeZone: 'Europe/Berlin', hasPassphrase: false });
    } finally {
      await fresh.close();
    }
  });

  it('one bad item and nothing is imported; the message names its place', async () => {
    const doc = parseConfig(await exportConfig(deps(source)));
    doc.groups.push({ name: 'brand-new-group' });
    doc.applications[0]!.enabled = false;
    const good = YAML.stringify(doc);
    const bad = good.replace('https://grafana.example.test/login/generic_oauth', 'javascript:alert(1)');
    expect(() => parseConfig(bad)).toThrow(/applications\[\d\]\.redirectUris\[0\]/);
    // A clash found only in the database (another application with the same name) rolls everything back.
    const clash = parseConfig(good);
    clash.applications.push({ ...clash.applications.find((a) => a.clientId === grafanaId)!, clientId: 'other-grafana', secretSha256: undefined } as never);
    delete (clash.applications.at(-1) as { secretSha256?: string }).secretSha256;
    await expect(importConfig(deps(target), clash)).rejects.toThrow(/already named "Grafana"/);
    expect((await target.platform.pool.query(`SELECT 1 FROM groups WHERE name = 'brand-new-group'`)).rows).toEqual([]);
  });

  it('refuses documents that are not Gatehouse config, with unknown keys, or hostile YAML', () => {
    expect(() => parseConfig('just: text')).toThrow(/kind/);
    expect(() => parseConfig('kind: gatehouse/config/v1\ngroups: [{name: a, colour: red}]')).toThrow(/groups\[0\].*unknown key "colour"/);
    expect(() => parseConfig('kind: gatehouse/config/v1\napplications: [{clientId: "UPPER", name: x}]')).toThrow(/applications\[0\]\.clientId/);
    expect(() => parseConfig('kind: gatehouse/config/v1\napplications: [{clientId: abc, name: x, public: true, grantTypes: [client_credentials]}]')).toThrow(/applications\[0\]\.grantTypes/);
    const bomb = ['kind: gatehouse/config/v1', 'a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(() => parseConfig(bomb)).toThrow(/not valid YAML|unknown key/);
    expect(() => parseConfig('{')).toThrow(/not valid YAML/);
  });
});
