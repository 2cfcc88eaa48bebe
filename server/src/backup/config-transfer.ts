// Config export/import: groups, applications and settings as a YAML document (like a Keycloak realm export or an
// authentik blueprint), to review in git, copy to another instance, or re-apply. Users, sessions, tokens and keys
// are data, not configuration: backups carry those. Secrets stay out unless asked for.
//
// Import is idempotent: it matches groups by name, applications by client id and settings by key, creates what is
// missing, updates what differs, never deletes, and reports each item as created, updated or unchanged. It runs in
// one transaction: a document with one bad item changes nothing.
import { randomBytes, createHash } from 'node:crypto';
import type pg from 'pg';
import YAML from 'yaml';
import { BackupError } from './errors.ts';
import { BackupService, type ScheduleSettings } from './service.ts';
import { BackupRepo } from './repo.ts';
import { pino } from 'pino';
import { notifyTopic } from '../platform/bus.ts';
import { CLIENTS_TOPIC } from '../providers/oidc/clients.ts';
import { checkApplicationUrl, checkClientName, checkGrantTypes, checkRedirectUri, GRANT_TYPES } from '../providers/oidc/client-rules.ts';
import { checkGroupDescription, checkGroupName } from '../identity/schemas.ts';
import { errorMessage } from '../appliance/errors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { VERSION } from '../appliance/paths.ts';

export const CONFIG_KIND = 'gatehouse/config/v1';
/** A config document is small; a bigger one is a mistake (or an attack on the parser). */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

export interface ConfigGroup {
  name: string;
  description?: string | null;
}

export interface ConfigApplication {
  clientId: string;
  name: string;
  public: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  allowHttpRedirectUris: boolean;
  resourceServer: boolean;
  logoUri: string | null;
  /** Where "My apps" opens the application; null: not listed there; absent (older files): left as it is. */
  launchUrl?: string | null;
  enabled: boolean;
  /** SHA-256 of the client secret, base64 (only with secrets): an imported client keeps its secret. */
  secretSha256?: string;
}

export interface ConfigDocument {
  kind: typeof CONFIG_KIND;
  exportedAt?: string;
  exportedBy?: string;
  groups: ConfigGroup[];
  applications: ConfigApplication[];
  settings: {
    backupSchedule?: Partial<Omit<ScheduleSettings, 'hasPassphrase'>> & { passphrase?: string };
  };
}

export interface ImportChange {
  kind: 'group' | 'application' | 'setting';
  name: string;
  action: 'created' | 'updated' | 'unchanged';
  /** The fields that differ, for updates. */
  fields?: string[];
  /** Something the admin should know about this item. */
  note?: string;
}

export interface ImportReport {
  changes: ImportChange[];
  /** Secrets made for confidential applications created without one: shown once, here. */
  newSecrets: Array<{ clientId: string; clientSecret: string }>;
  dryRun: boolean;
}

export interface TransferDeps {
  pool: pg.Pool;
  secrets: SecretBox;
  dataDir: string;
  instanceId: string;
}

type ClientRow = {
  client_id: string; name: string; secret_sha256: Buffer | null; is_public: boolean; redirect_uris: string[]; post_logout_redirect_uris: string[];
  grant_types: string[]; allow_http_redirect_uris: boolean; is_resource_server: boolean; logo_uri: string | null; launch_url: string | null; is_enabled: boolean;
};

export async function exportConfig(deps: TransferDeps, options: { withSecrets?: boolean } = {}): Promise<string> {
  const { rows: groups } = await deps.pool.query<{ name: string; description: string | null }>('SELECT name, description FROM groups ORDER BY lower(name)');
  const { rows: clients } = await deps.pool.query<ClientRow>('SELECT * FROM oidc_clients ORDER BY client_id');
  const service = scheduleService(deps, deps.pool);
  const schedule = await service.getSchedule();
  const document: ConfigDocument = {
    kind: CONFIG_KIND,
    exportedAt: new Date().toISOString(),
    exportedBy: `Gatehouse ${VERSION}`,
    groups: groups.map((g) => ({ name: g.name, description: g.description })),
    applications: clients.map((c) => ({
      clientId: c.client_id,
      name: c.name,
      public: c.is_public,
      redirectUris: c.redirect_uris,
      postLogoutRedirectUris: c.post_logout_redirect_uris,
      grantTypes: c.grant_types,
      allowHttpRedirectUris: c.allow_http_redirect_uris,
      resourceServer: c.is_resource_server,
      logoUri: c.logo_uri,
      launchUrl: c.launch_url,
      enabled: c.is_enabled,
      ...(options.withSecrets && c.secret_sha256 ? { secretSha256: c.secret_sha256.toString('base64') } : {}),
    })),
    settings: {
      backupSchedule: {
        enabled: schedule.enabled,
        cron: schedule.cron,
        timeZone: schedule.timeZone,
        destination: schedule.destination,
        keepDaily: schedule.keepDaily,
        keepWeekly: schedule.keepWeekly,
        ...(options.withSecrets ? await schedulePassphrase(deps) : {}),
      },
    },
  };
  const comment = options.withSecrets
    ? '# Gatehouse configuration WITH SECRETS (client secret hashes, the scheduled backup passphrase). Keep it private.\n'
    : '# Gatehouse configuration: groups, applications, settings. No secrets: confidential applications created by an\n# import get a new secret, printed once.\n';
  return comment + YAML.stringify(document, { lineWidth: 0 });
}

async function schedulePassphrase(deps: TransferDeps): Promise<{ passphrase?: string }> {
  const sealed = (await new BackupRepo(deps.pool).readSetting<{ passphraseSealed?: string | null }>('backup.schedule'))?.passphraseSealed;
  return sealed ? { passphrase: deps.secrets.openText(sealed, 'backup-schedule-passphrase') } : {};
}

/** The schedule's own validation and storage, on the import's transaction (nothing here logs). */
function scheduleService(deps: TransferDeps, queryable: Pick<pg.Pool, 'query'>): BackupService {
  return new BackupService({ pool: queryable as pg.Pool, secrets: deps.secrets, dataDir: deps.dataDir, instanceId: deps.instanceId, logger: pino({ level: 'silent' }) });
}

// Import

/** Reads and checks a document; every problem names where it is (e.g. applications[2].redirectUris[0]). */
export function parseConfig(text: string): ConfigDocument {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) throw invalid('', `the file is over ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a config document is much smaller`);
  let raw: unknown;
  try {
    // No custom tags, no merge keys, a bound on aliases: a hostile document cannot expand without limit.
    raw = YAML.parse(text, { schema: 'core', merge: false, maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw invalid('', `it is not valid YAML: ${errorMessage(error).split('\n')[0]}`);
  }
  const doc = object(raw, '');
  if (doc.kind !== CONFIG_KIND) throw invalid('kind', `must be "${CONFIG_KIND}" (this is not a Gatehouse config export, or it is from a newer version)`);
  allowOnly(doc, '', ['kind', 'exportedAt', 'exportedBy', 'groups', 'applications', 'settings']);
  const groups = list(doc.groups ?? [], 'groups').map((item, i) => {
    const at = `groups[${i}]`;
    const g = object(item, at);
    allowOnly(g, at, ['name', 'description']);
    const name = string(g.name, `${at}.name`);
    guard(() => checkGroupName(name), `${at}.name`);
    const description = g.description === undefined || g.description === null ? null : string(g.description, `${at}.description`);
    if (description !== null) guard(() => checkGroupDescription(description), `${at}.description`);
    return { name, description };
  });
  const applications = list(doc.applications ?? [], 'applications').map((item, i) => parseApplication(item, `applications[${i}]`));
  const seenIds = new Set<string>();
  applications.forEach((a, i) => {
    if (seenIds.has(a.clientId)) throw invalid(`applications[${i}].clientId`, `"${a.clientId}" appears twice`);
    seenIds.add(a.clientId);
  });
  const settings = object(doc.settings ?? {}, 'settings');
  allowOnly(settings, 'settings', ['backupSchedule']);
  let backupSchedule: ConfigDocument['settings']['backupSchedule'];
  if (settings.backupSchedule !== undefined) {
    const s = object(settings.backupSchedule, 'settings.backupSchedule');
    allowOnly(s, 'settings.backupSchedule', ['enabled', 'cron', 'timeZone', 'destination', 'keepDaily', 'keepWeekly', 'passphrase']);
    backupSchedule = {
      ...(s.enabled !== undefined ? { enabled: boolean(s.enabled, 'settings.backupSchedule.enabled') } : {}),
      ...(s.cron !== undefined ? { cron: string(s.cron, 'settings.backupSchedule.cron') } : {}),
      ...(s.timeZone !== undefined ? { timeZone: string(s.timeZone, 'settings.backupSchedule.timeZone') } : {}),
      ...(s.destination !== undefined ? { destination: string(s.destination, 'settings.backupSchedule.destination', { empty: true }) } : {}),
      ...(s.keepDaily !== undefined ? { keepDaily: integer(s.keepDaily, 'settings.backupSchedule.keepDaily') } : {}),
      ...(s.keepWeekly !== undefined ? { keepWeekly: integer(s.keepWeekly, 'settings.backupSchedule.keepWeekly') } : {}),
      ...(s.passphrase !== undefined ? { passphrase: string(s.passphrase, 'settings.backupSchedule.passphrase') } : {}),
    };
  }
  return { kind: CONFIG_KIND, groups, applications, settings: backupSchedule ? { backupSchedule } : {} };
}

function parseApplication(item: unknown, at: string): ConfigApplication {
  const a = object(item, at);
  allowOnly(a, at, ['clientId', 'name', 'public', 'redirectUris', 'postLogoutRedirectUris', 'grantTypes', 'allowHttpRedirectUris', 'resourceServer', 'logoUri', 'launchUrl', 'enabled', 'secretSha256']);
  const clientId = string(a.clientId, `${at}.clientId`);
  if (!/^[a-z0-9][a-z0-9-]{2,63}$/.test(clientId)) throw invalid(`${at}.clientId`, 'must be 3 to 64 lower-case letters, digits and dashes');
  const name = guard(() => checkClientName(string(a.name, `${at}.name`)), `${at}.name`);
  const isPublic = a.public === undefined ? false : boolean(a.public, `${at}.public`);
  const allowHttp = a.allowHttpRedirectUris === undefined ? false : boolean(a.allowHttpRedirectUris, `${at}.allowHttpRedirectUris`);
  const uris = (field: 'redirectUris' | 'postLogoutRedirectUris', label: string) =>
    [...new Set(list(a[field] ?? [], `${at}.${field}`).map((u, i) => string(u, `${at}.${field}[${i}]`)))].map((u, i) => guard(() => checkRedirectUri(u, label, { allowHttp }), `${at}.${field}[${i}]`));
  const redirectUris = uris('redirectUris', 'redirect URI');
  const postLogoutRedirectUris = uris('postLogoutRedirectUris', 'post-logout redirect URI');
  const grantTypes = guard(
    () => checkGrantTypes(list(a.grantTypes ?? [GRANT_TYPES.authorization_code, GRANT_TYPES.refresh_token], `${at}.grantTypes`).map((g, i) => string(g, `${at}.grantTypes[${i}]`)), { isPublic, redirectUris }),
    `${at}.grantTypes`,
  );
  const resourceServer = a.resourceServer === undefined ? false : boolean(a.resourceServer, `${at}.resourceServer`);
  if (resourceServer && isPublic) throw invalid(`${at}.resourceServer`, 'a public application cannot be a resource server');
  // The same rules as the admin API's (client-rules.ts): a logo only over https, a launch URL over http(s).
  const logoUri = a.logoUri === undefined || a.logoUri === null ? null : guard(() => checkApplicationUrl(string(a.logoUri, `${at}.logoUri`), 'logo URI', { httpsOnly: true, field: 'logoUri' }), `${at}.logoUri`);
  // Left out (a file exported before launch URLs existed): an existing application keeps its own.
  const launchUrl = a.launchUrl === undefined ? undefined : a.launchUrl === null ? null : guard(() => checkApplicationUrl(string(a.launchUrl, `${at}.launchUrl`), 'launch URL', { httpsOnly: false, field: 'launchUrl' }), `${at}.launchUrl`);
  let secretSha256: string | undefined;
  if (a.secretSha256 !== undefined) {
    secretSha256 = string(a.secretSha256, `${at}.secretSha256`);
    if (isPublic) throw invalid(`${at}.secretSha256`, 'a public application has no secret');
    if (Buffer.from(secretSha256, 'base64').length !== 32) throw invalid(`${at}.secretSha256`, 'must be a base64 SHA-256 (32 bytes)');
  }
  return {
    clientId, name, public: isPublic, redirectUris, postLogoutRedirectUris, grantTypes, allowHttpRedirectUris: allowHttp, resourceServer, logoUri, launchUrl,
    enabled: a.enabled === undefined ? true : boolean(a.enabled, `${at}.enabled`),
    ...(secretSha256 ? { secretSha256 } : {}),
  };
}

export async function importConfig(deps: TransferDeps, document: ConfigDocument, options: { dryRun?: boolean; actor?: string } = {}): Promise<ImportReport> {
  const report: ImportReport = { changes: [], newSecrets: [], dryRun: options.dryRun === true };
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    for (const group of document.groups) {
      const { rows } = await client.query<{ id: string; name: string; description: string | null }>('SELECT id, name, description FROM groups WHERE lower(name) = lower($1) FOR UPDATE', [group.name]);
      const current = rows[0];
      if (!current) {
        await client.query('INSERT INTO groups (name, description) VALUES ($1, $2)', [group.name, group.description ?? null]);
        report.changes.push({ kind: 'group', name: group.name, action: 'created' });
        continue;
      }
      const fields = [current.name !== group.name ? 'name' : null, (current.description ?? null) !== (group.description ?? null) ? 'description' : null].filter((f): f is string => f !== null);
      if (fields.length > 0) await client.query('UPDATE groups SET name = $2, description = $3, updated_at = now() WHERE id = $1', [current.id, group.name, group.description ?? null]);
      report.changes.push({ kind: 'group', name: group.name, action: fields.length > 0 ? 'updated' : 'unchanged', ...(fields.length > 0 ? { fields } : {}) });
    }

    for (const [index, app] of document.applications.entries()) {
      const { rows } = await client.query<ClientRow>('SELECT * FROM oidc_clients WHERE client_id = $1 FOR UPDATE', [app.clientId]);
      const current = rows[0];
      const launchUrl = app.launchUrl === undefined ? (current?.launch_url ?? null) : app.launchUrl;
      const values = [app.clientId, app.name, app.public, app.redirectUris, app.postLogoutRedirectUris, app.grantTypes, app.allowHttpRedirectUris, app.resourceServer, app.logoUri, app.enabled, launchUrl];
      try {
        if (!current) {
          let secret: Buffer | null = null;
          if (!app.public) {
            if (app.secretSha256) {
              secret = Buffer.from(app.secretSha256, 'base64');
            } else {
              const clientSecret = randomBytes(32).toString('base64url');
              secret = createHash('sha256').update(clientSecret).digest();
              report.newSecrets.push({ clientId: app.clientId, clientSecret });
            }
          }
          await client.query(
            `INSERT INTO oidc_clients (client_id, name, is_public, redirect_uris, post_logout_redirect_uris, grant_types, allow_http_redirect_uris, is_resource_server, logo_uri, is_enabled, launch_url, secret_sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [...values, secret],
          );
          report.changes.push({ kind: 'application', name: app.clientId, action: 'created' });
        } else {
          if (current.is_public !== app.public) throw invalid(`applications[${index}].public`, `"${app.clientId}" cannot change between public and confidential; register a new application instead`);
          const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
          const fields = [
            ['name', current.name, app.name], ['redirectUris', current.redirect_uris, app.redirectUris], ['postLogoutRedirectUris', current.post_logout_redirect_uris, app.postLogoutRedirectUris],
            ['grantTypes', current.grant_types, app.grantTypes], ['allowHttpRedirectUris', current.allow_http_redirect_uris, app.allowHttpRedirectUris],
            ['resourceServer', current.is_resource_server, app.resourceServer], ['logoUri', current.logo_uri, app.logoUri], ['launchUrl', current.launch_url, launchUrl], ['enabled', current.is_enabled, app.enabled],
            ...(app.secretSha256 ? [['secretSha256', current.secret_sha256?.toString('base64') ?? null, app.secretSha256]] : []),
          ].filter(([, a, b]) => differs(a, b)).map(([field]) => field as string);
          if (fields.length > 0) {
            await client.query(
              `UPDATE oidc_clients SET name = $2, redirect_uris = $4, post_logout_redirect_uris = $5, grant_types = $6, allow_http_redirect_uris = $7,
                 is_resource_server = $8, logo_uri = $9, is_enabled = $10, launch_url = $11, secret_sha256 = coalesce($12, secret_sha256), updated_at = now()
               WHERE client_id = $1 AND is_public = $3`,
              [...values, app.secretSha256 ? Buffer.from(app.secretSha256, 'base64') : null],
            );
          }
          report.changes.push({ kind: 'application', name: app.clientId, action: fields.length > 0 ? 'updated' : 'unchanged', ...(fields.length > 0 ? { fields } : {}) });
        }
      } catch (error) {
        if ((error as { constraint?: string }).constraint === 'oidc_clients_name_lower') {
          throw invalid(`applications[${index}].name`, `another application is already named "${app.name}"`);
        }
        throw error;
      }
      // Every instance forgets its cached copy of the client when this commits.
      await notifyTopic(client, CLIENTS_TOPIC, { clientId: app.clientId }, deps.instanceId);
    }

    const given = document.settings.backupSchedule;
    if (given) {
      const service = scheduleService(deps, client);
      const before = await service.getSchedule();
      // Stored trimmed, so compared trimmed: importing the same document twice changes nothing.
      const schedule = { ...given, ...(given.cron !== undefined ? { cron: given.cron.trim() } : {}), ...(given.destination !== undefined ? { destination: given.destination.trim() } : {}) };
      // An export without secrets has no passphrase: an enabled schedule is imported switched off, and said so.
      let note: string | undefined;
      if (schedule.enabled && schedule.passphrase === undefined && !before.hasPassphrase) {
        schedule.enabled = false;
        note = 'imported switched off: the document has no passphrase and none is stored here; set one in Backups → Schedule';
      }
      const { passphrase, ...rest } = schedule;
      const fields = Object.entries(rest).filter(([key, value]) => JSON.stringify((before as unknown as Record<string, unknown>)[key]) !== JSON.stringify(value)).map(([key]) => key);
      if (passphrase !== undefined && passphrase !== (await schedulePassphrase({ ...deps, pool: client as unknown as pg.Pool })).passphrase) fields.push('passphrase');
      if (fields.length > 0) {
        try {
          await service.setSchedule(schedule, { checkOnly: options.dryRun === true });
        } catch (error) {
          if (error instanceof BackupError) throw invalid('settings.backupSchedule', error.message);
          throw error;
        }
      }
      report.changes.push({ kind: 'setting', name: 'backupSchedule', action: fields.length > 0 ? 'updated' : 'unchanged', ...(fields.length > 0 ? { fields } : {}), ...(note ? { note } : {}) });
    }
    const changed = report.changes.filter((c) => c.action !== 'unchanged');
    if (changed.length > 0) {
      await new BackupRepo(client).insertEvent('config.imported', { actor: options.actor ?? 'cli' }, { type: 'config', id: 'import' }, { changes: changed });
    }
    await client.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    if (options.dryRun) report.newSecrets = [];
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

// Checking a parsed document, with the place of each problem

function invalid(at: string, why: string): BackupError {
  return new BackupError('backup_settings_invalid', `The config document is not valid${at ? ` at ${at}` : ''}: ${why}. Nothing was imported.`);
}

function guard<T>(check: () => T, at: string): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw invalid(at, errorMessage(error).replace(/\.$/, ''));
  }
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(at, 'must be a mapping (key: value)');
  return value as Record<string, unknown>;
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(at, 'must be a list');
  if (value.length > 10_000) throw invalid(at, 'has more than 10000 items');
  return value;
}

function string(value: unknown, at: string, options: { empty?: boolean } = {}): string {
  if (typeof value !== 'string' || (!options.empty && value.length === 0)) throw invalid(at, 'must be a non-empty text');
  if (value.length > 10_000) throw invalid(at, 'is too long');
  return value;
}

function boolean(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') throw invalid(at, 'must be true or false');
  return value;
}

function integer(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(at, 'must be a whole number');
  return value;
}

function allowOnly(value: Record<string, unknown>, at: string, keys: string[]): void {
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw invalid(at || 'the top level', `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${keys.join(', ')})`);
}
