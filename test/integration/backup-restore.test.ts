// Backup, restore and verify against a real PostgreSQL: round trips compared table by table with checksums,
// refusals that change nothing, signing keys that survive, restores onto another master key, older schemas
// migrated forward, and a restore while two app instances serve the same database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { tableChecksums } from '../helpers/checksums.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createBackup } from '../../server/src/backup/snapshot.ts';
import { restoreBackup, verifyBackup, planMigrations } from '../../server/src/backup/restore.ts';
import { listTables, NOT_BACKED_UP } from '../../server/src/backup/catalog.ts';
import { ArchiveWriter } from '../../server/src/backup/archive.ts';
import { SEALED_COLUMNS } from '../../server/src/backup/sealed.ts';
import { SecretBox } from '../../server/src/secrets/secret-box.ts';
import { loadMigrations, migrate } from '../../server/src/db/migrate.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { OidcService } from '../../server/src/providers/oidc/service.ts';
import type { BackupService } from '../../server/src/backup/service.ts';

const PASSPHRASE = 'correct horse battery staple';


function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-backup-test-'));
}

describe('backup and restore', () => {
  let app: TestApp;
  let identity: IdentityService;
  let oidc: OidcService;
  let dir: string;
  let backupFile: string;
  let before: Awaited<ReturnType<typeof tableChecksums>>;

  beforeAll(async () => {
    app = await createTestApp();
    identity = app.service<IdentityService>('identity');
    oidc = app.service<OidcService>('oidc');
    dir = tempDir();
    const ada = await identity.createUser({ username: 'ada', email: 'ada@example.test', password: 'a long password 1', isAdmin: true });
    await identity.createUser({ username: 'bob', email: 'bob@example.test', displayName: 'Bob "Quotes" O\'Brien\twith tab\nand newline' });
    await identity.createGroup('engineers', 'the ones who build');
    await identity.addMember('engineers', 'ada');
    await identity.createSession(ada.id, { ip: '127.0.0.1', userAgent: 'test', authMethods: ['pwd'] });
    await oidc.createClient({ name: 'Grafana', redirectUris: ['https://grafana.example.test/login/generic_oauth'] });
    fs.mkdirSync(path.join(app.ctx.dataDir, 'media', 'branding'), { recursive: true });
    fs.writeFileSync(path.join(app.ctx.dataDir, 'media', 'branding', 'logo.png'), randomBytes(5000));
    before = await tableChecksums(app.platform.pool);
    backupFile = path.join(dir, 'one.ghbk');
    await createBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir }, { file: backupFile, passphrase: PASSPHRASE });
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds every table but the transient ones, and leaves no partial file beside it', async () => {
    const client = await app.platform.pool.connect();
    const tables = await listTables(client).finally(() => client.release());
    const names = tables.map((t) => t.name);
    for (const wanted of ['users', 'groups', 'group_members', 'sessions', 'oidc_clients', 'oidc_signing_keys', 'oidc_payloads', 'settings', 'events', 'instance_state']) expect(names).toContain(wanted);
    for (const left of Object.keys(NOT_BACKED_UP)) expect(names).not.toContain(left);
    // Parents before children.
    expect(names.indexOf('users')).toBeLessThan(names.indexOf('group_members'));
    expect(names.indexOf('groups')).toBeLessThan(names.indexOf('group_members'));
    expect(fs.readdirSync(dir)).toEqual(['one.ghbk']);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it('restores every row exactly (checksums of every table), and the media files', async () => {
    // Change things after the backup: a user gone, one added, a client disabled, the logo replaced.
    await app.platform.pool.query(`DELETE FROM users WHERE username = 'bob'`);
    await identity.createUser({ username: 'carol', email: 'carol@example.test' });
    await app.platform.pool.query(`UPDATE oidc_clients SET is_enabled = false`);
    fs.writeFileSync(path.join(app.ctx.dataDir, 'media', 'branding', 'logo.png'), 'changed');
    expect(await tableChecksums(app.platform.pool)).not.toEqual(before);

    const result = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: app.platform.instanceId }, { file: backupFile, passphrase: PASSPHRASE });
    expect(result.migratedForward).toEqual([]);
    expect(result.resealed).toBe(0);
    expect(await tableChecksums(app.platform.pool)).toEqual(before);
    expect((await identity.findUserByLogin('bob'))?.displayName).toBe('Bob "Quotes" O\'Brien\twith tab\nand newline');
    expect(await identity.findUserByLogin('carol')).toBeNull();
    expect(fs.statSync(path.join(app.ctx.dataDir, 'media', 'branding', 'logo.png')).size).toBe(5000);
    // No scratch schema is left behind, and the live schema is still "public".
    const { rows } = await app.platform.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'gatehouse_%' AND nspname <> 'gatehouse_ext'`);
    expect(rows).toEqual([]);
  });

  it('keeps the identity columns counting on from where the backup was', async () => {
    await app.platform.pool.query(`INSERT INTO events (type, actor) VALUES ('test.first', 'test')`);
    const ids = (await app.platform.pool.query<{ id: string }>('SELECT id FROM events ORDER BY id')).rows.map((r) => Number(r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('verify restores into a scratch schema, matches every table, and leaves the live data alone', async () => {
    const live = await tableChecksums(app.platform.pool);
    const result = await verifyBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: backupFile, passphrase: PASSPHRASE });
    expect(result.tables.length).toBeGreaterThan(5);
    expect(result.tables.every((t) => t.matches)).toBe(true);
    expect(result.tables.find((t) => t.name === 'users')!.rows).toBe(before.users!.rows);
    expect(await tableChecksums(app.platform.pool)).toEqual(live);
    const { rows } = await app.platform.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'gatehouse_%' AND nspname <> 'gatehouse_ext'`);
    expect(rows).toEqual([]);
  });

  describe('refuses a bad file or passphrase and changes nothing', () => {
    const cases: Array<[string, (bytes: Buffer) => Buffer, string]> = [
      ['a truncated file', (b) => b.subarray(0, Math.floor(b.length * 0.6)), 'backup_truncated'],
      ['a file cut at its last byte', (b) => b.subarray(0, b.length - 1), 'backup_'],
      ['one flipped byte in the middle', (b) => flip(b, Math.floor(b.length / 2)), 'backup_corrupt'],
      ['one flipped byte at the end', (b) => flip(b, b.length - 3), 'backup_corrupt'],
      ['bytes appended', (b) => Buffer.concat([b, Buffer.from('extra')]), 'backup_'],
    ];
    for (const [name, damage, code] of cases) {
      it(name, async () => {
        const live = await tableChecksums(app.platform.pool);
        const bad = path.join(dir, `bad-${randomBytes(3).toString('hex')}.ghbk`);
        fs.writeFileSync(bad, damage(fs.readFileSync(backupFile)));
        const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: bad, passphrase: PASSPHRASE }).catch((e: unknown) => e);
        expect((error as { code?: string }).code).toMatch(new RegExp(`^${code}`));
        expect((error as Error).message).toMatch(/backup/i);
        expect(await tableChecksums(app.platform.pool)).toEqual(live);
      });
    }

    it('a wrong passphrase', async () => {
      const live = await tableChecksums(app.platform.pool);
      const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: backupFile, passphrase: 'not the passphrase at all' }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('backup_wrong_passphrase');
      expect(await tableChecksums(app.platform.pool)).toEqual(live);
    });

    it('a file that is not a backup, and one that does not exist', async () => {
      const other = path.join(dir, 'not-a-backup.ghbk');
      fs.writeFileSync(other, 'hello, this is a text file\n'.repeat(100));
      const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: other, passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('backup_not_an_archive');
      const missing = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: path.join(dir, 'nope.ghbk'), passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect((missing as { code?: string }).code).toBe('backup_file_missing');
    });

    it('a manifest that lies about a table\'s row count', async () => {
      const live = await tableChecksums(app.platform.pool);
      const liar = path.join(dir, 'liar.ghbk');
      await writeCraftedBackup(liar, app, { lieAboutRows: true });
      const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: liar, passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('backup_manifest_mismatch');
      expect(await tableChecksums(app.platform.pool)).toEqual(live);
    });

    it('a table whose data does not match its checksum', async () => {
      const live = await tableChecksums(app.platform.pool);
      const liar = path.join(dir, 'badsum.ghbk');
      await writeCraftedBackup(liar, app, { wrongChecksum: true });
      const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: liar, passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('backup_checksum_mismatch');
      expect(await tableChecksums(app.platform.pool)).toEqual(live);
    });

    it('a media path that climbs out of the media folder', async () => {
      const liar = path.join(dir, 'climb.ghbk');
      await writeCraftedBackup(liar, app, { mediaName: '../../outside.txt' });
      const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: liar, passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('backup_incomplete');
      expect(fs.existsSync(path.join(app.ctx.dataDir, '..', 'outside.txt'))).toBe(false);
    });
  });

  it('a backup that fails half-way (disk full) leaves no file, no open transaction and no lock behind', async () => {
    const full = path.join(dir, 'full-disk');
    fs.mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    try {
      // Enough data that the archive cannot fit in 64 KiB.
      await app.platform.pool.query(`INSERT INTO events (type, actor, data) SELECT 'test.filler', 'test', jsonb_build_object('n', md5(i::text)) FROM generate_series(1, 20000) i`);
      const error = await createBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir }, { file: path.join(full, 'x.ghbk'), passphrase: PASSPHRASE }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('ENOSPC');
      expect(fs.readdirSync(full)).toEqual([]);
    } finally {
      execFileSync('umount', [full]);
    }
    // Its connection was discarded: nothing idles in a transaction, and a verify (which needs the lock) runs.
    await expect.poll(async () => (await app.platform.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).rows[0].n, { timeout: 10_000 }).toBe(0);
    const verified = await verifyBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: backupFile, passphrase: PASSPHRASE });
    expect(verified.tables.every((t) => t.matches)).toBe(true);
    await app.platform.pool.query(`DELETE FROM events WHERE type = 'test.filler'`);
  });

  it('a file that changes between the check and the load fails the restore cleanly, changes nothing, and frees its locks', async () => {
    const live = await tableChecksums(app.platform.pool);
    const copy = path.join(dir, `changing-${randomBytes(3).toString('hex')}.ghbk`);
    fs.copyFileSync(backupFile, copy);
    const bytes = fs.readFileSync(copy);
    const error = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, {
      file: copy,
      passphrase: PASSPHRASE,
      // The first reading is done once loading starts: damage the file now, inside the tables' data.
      onProgress: (p) => {
        if (p.phase === 'preparing') fs.writeFileSync(copy, flip(bytes, Math.floor(bytes.length * 0.5)));
      },
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('backup_checksum_mismatch');
    expect((error as Error).message).toMatch(/read differently the second time/);
    expect(await tableChecksums(app.platform.pool)).toEqual(live);
    // The restore's transaction and its locks are gone: the next restore runs.
    await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file: backupFile, passphrase: PASSPHRASE });
  });

  it('refuses to back up a media file a restore could not put back, naming it', async () => {
    const odd = path.join(app.ctx.dataDir, 'media', 'bad:name?.png');
    fs.writeFileSync(odd, 'x');
    try {
      await expect(createBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir }, { file: path.join(dir, 'odd.ghbk'), passphrase: PASSPHRASE })).rejects.toThrow(/bad:name\?\.png.*Rename it/);
      expect(fs.existsSync(path.join(dir, 'odd.ghbk'))).toBe(false);
    } finally {
      fs.rmSync(odd);
    }
  });

  it('lists every column sealed with the master key in SEALED_COLUMNS', async () => {
    const { rows } = await app.platform.pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name LIKE '%sealed%'`,
    );
    const listed = new Set(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    for (const row of rows) expect(listed.has(`${row.table_name}.${row.column_name}`), `${row.table_name}.${row.column_name}`).toBe(true);
  });
});

/** An archive written by hand, to check what restore does with contents that are authentic but wrong. */
async function writeCraftedBackup(file: string, app: TestApp, options: { lieAboutRows?: boolean; wrongChecksum?: boolean; mediaName?: string }): Promise<void> {
  const client = await app.platform.pool.connect();
  const tables = await listTables(client).finally(() => client.release());
  const { rows: migrations } = await app.platform.pool.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
  const output = fs.createWriteStream(file);
  const head = {
    appVersion: 'test', schemaVersion: migrations.at(-1)!.version, migrations: migrations.map((m) => m.version), createdAt: new Date().toISOString(),
    tables: tables.map((t) => ({ name: t.name, columns: t.columns })), masterKeyId: app.ctx.secrets.keyId, signingKeyIds: [],
  };
  const writer = await ArchiveWriter.create({ output, passphrase: PASSPHRASE, meta: { createdAt: head.createdAt, appVersion: 'test', schemaVersion: head.schemaVersion } });
  await writer.beginEntry('json', 'head');
  await writer.write(Buffer.from(JSON.stringify(head)));
  await writer.endEntry();
  const manifest: Record<string, unknown> = { tables: {}, sequences: {}, files: {}, totals: { rows: 0, tableBytes: 0, fileBytes: 0 } };
  for (const table of tables) {
    await writer.beginEntry('table', table.name, { columns: table.columns });
    const empty = createHash('sha256').digest('hex');
    const summary = { rows: 0, sha256: options.wrongChecksum && table.name === 'users' ? '0'.repeat(64) : empty, bytes: 0 };
    await writer.endEntry(summary);
    (manifest.tables as Record<string, unknown>)[table.name] = options.lieAboutRows && table.name === 'users' ? { ...summary, rows: 42 } : { rows: 0, sha256: empty, bytes: 0 };
  }
  await writer.beginEntry('json', 'master-key');
  await writer.write(Buffer.from(JSON.stringify({ keyId: app.ctx.secrets.keyId, key: app.ctx.secrets.exportKey().toString('base64') })));
  await writer.endEntry();
  if (options.mediaName) {
    await writer.beginEntry('file', options.mediaName, { size: 2 });
    await writer.write(Buffer.from('hi'));
    await writer.endEntry({ size: 2, sha256: createHash('sha256').update('hi').digest('hex') });
    (manifest.files as Record<string, unknown>)[options.mediaName] = { size: 2, sha256: createHash('sha256').update('hi').digest('hex') };
  }
  await writer.beginEntry('json', 'manifest');
  await writer.write(Buffer.from(JSON.stringify(manifest)));
  await writer.endEntry();
  await writer.finish();
  await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('restore onto another instance', () => {
  let source: TestApp;
  let target: TestApp;
  let dir: string;

  beforeAll(async () => {
    source = await createTestApp();
    target = await createTestApp();
    dir = tempDir();
  });

  afterAll(async () => {
    await source?.close();
    await target?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-seals the signing keys with the new master key, and the same key ids keep signing', async () => {
    const sourceOidc = source.service<OidcService>('oidc');
    const kids = sourceOidc.signingKeys().map((k) => k.kid).sort();
    expect(kids.length).toBeGreaterThan(0);
    await source.service<BackupService>('backup').setSchedule({ passphrase: 'the schedule passphrase' });
    const file = path.join(dir, 'move.ghbk');
    await createBackup({ pool: source.platform.pool, secrets: source.ctx.secrets, dataDir: source.ctx.dataDir }, { file, passphrase: PASSPHRASE });
    expect(target.ctx.secrets.keyId).not.toBe(source.ctx.secrets.keyId);

    // Verify on the other machine compares the backup as it is (nothing sealed again) and passes.
    const verified = await verifyBackup({ pool: target.platform.pool, secrets: target.ctx.secrets, dataDir: target.ctx.dataDir, instanceId: 'test' }, { file, passphrase: PASSPHRASE });
    expect(verified.tables.every((t) => t.matches)).toBe(true);

    const result = await restoreBackup({ pool: target.platform.pool, secrets: target.ctx.secrets, dataDir: target.ctx.dataDir, instanceId: 'test' }, { file, passphrase: PASSPHRASE });
    // The signing keys and the scheduled backups' passphrase.
    expect(result.resealed).toBe(kids.length + 1);
    const { rows: schedule } = await target.platform.pool.query<{ sealed: string }>(`SELECT value ->> 'passphraseSealed' AS sealed FROM settings WHERE key = 'backup.schedule'`);
    expect(target.ctx.secrets.openText(schedule[0]!.sealed, 'backup-schedule-passphrase')).toBe('the schedule passphrase');
    // The target instance reloads its keys on the reset message; the kids are the source's.
    const targetOidc = target.service<OidcService>('oidc');
    await expect.poll(() => targetOidc.signingKeys().map((k) => k.kid).sort(), { timeout: 10_000 }).toEqual(kids);
    // Every sealed key opens with the target's master key.
    const { rows } = await target.platform.pool.query<{ kid: string; private_jwk_sealed: string }>('SELECT kid, private_jwk_sealed FROM oidc_signing_keys');
    for (const row of rows) expect(() => target.ctx.secrets.open(row.private_jwk_sealed, `oidc-signing-key:${row.kid}`)).not.toThrow();
    const { body } = await target.app.inject({ method: 'GET', url: '/oidc/jwks' });
    expect((JSON.parse(body) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid).sort()).toEqual(kids);
  });
});

describe('restore while two instances serve the same database', () => {
  let db: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    first = await createTestApp({ db });
    second = await createTestApp({ db });
    dir = tempDir();
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('both serve the restored data at once: a client disabled after the backup is enabled again everywhere', async () => {
    const oidc = first.service<OidcService>('oidc');
    const { client, clientSecret } = await oidc.createClient({ name: 'Service', grantTypes: ['client_credentials'] });
    const tokenFrom = async (instance: TestApp) =>
      instance.app.inject({
        method: 'POST',
        url: '/oidc/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}` },
        payload: 'grant_type=client_credentials',
      });
    expect((await tokenFrom(first)).statusCode).toBe(200);
    expect((await tokenFrom(second)).statusCode).toBe(200);
    const file = path.join(dir, 'live.ghbk');
    await createBackup({ pool: first.platform.pool, secrets: first.ctx.secrets, dataDir: first.ctx.dataDir }, { file, passphrase: PASSPHRASE });

    await oidc.setClientEnabled(client.clientId, false);
    await expect.poll(async () => (await tokenFrom(second)).statusCode, { timeout: 10_000 }).not.toBe(200);

    // The restore runs through the first instance's backup service, as the control UI would start it.
    const backup = first.service<BackupService>('backup');
    const run = await backup.startRestore({ file, passphrase: PASSPHRASE, by: { actor: 'test' } });
    await backup.idle();
    const finished = await backup.getRun(run.id);
    expect(finished.error).toBeNull();
    expect(finished.status).toBe('succeeded');
    expect((await tokenFrom(first)).statusCode).toBe(200);
    await expect.poll(async () => (await tokenFrom(second)).statusCode, { timeout: 10_000 }).toBe(200);
    // The run and its event are in the restored data.
    const { rows } = await db.pool.query(`SELECT type FROM events WHERE type = 'backup.restored'`);
    expect(rows.length).toBe(1);
  });
});

describe('a backup from an older schema', () => {
  let olderDb: TestDatabase;
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    app = await createTestApp();
    olderDb = await createTestDatabase();
  });

  afterAll(async () => {
    await app?.close();
    await olderDb?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores into this version and is migrated forward', async () => {
    // An "older Gatehouse": a database that has only the migrations up to identity.
    const all = loadMigrations();
    const upTo = all.findIndex((m) => m.name === 'identity') + 1;
    await olderDb.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrate(olderDb.config, { lockTimeoutMs: 5_000, logger: pino({ level: 'silent' }), migrations: all.slice(0, upTo) });
    await olderDb.pool.query(`INSERT INTO users (username, email, is_admin) SELECT 'old' || i, 'old' || i || '@example.test', i = 1 FROM generate_series(1, 50) i`);
    const file = path.join(dir, 'older.ghbk');
    const secrets = new SecretBox(randomBytes(32));
    await createBackup({ pool: olderDb.pool, secrets, dataDir: dir }, { file, passphrase: PASSPHRASE });

    const result = await restoreBackup({ pool: app.platform.pool, secrets: app.ctx.secrets, dataDir: app.ctx.dataDir, instanceId: 'test' }, { file, passphrase: PASSPHRASE });
    expect(result.migratedForward).toEqual(all.slice(upTo).map((m) => m.version));
    const { rows } = await app.platform.pool.query<{ n: string }>(`SELECT count(*) AS n FROM users WHERE username LIKE 'old%'`);
    expect(Number(rows[0]!.n)).toBe(50);
    const { rows: versions } = await app.platform.pool.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(all.map((m) => m.version));
    // The flows migration ran after the load and closed first-admin setup, since the backup has an admin.
    const { rows: state } = await app.platform.pool.query(`SELECT 1 FROM instance_state WHERE key = 'setup_completed_at'`);
    expect(state.length).toBe(1);
  });

  it('refuses a backup from a newer Gatehouse, or from a history this one did not make', () => {
    const known = loadMigrations();
    const head = { appVersion: '9.9.9', schemaVersion: '99990101000000', migrations: [...known.map((m) => m.version), '99990101000000'], createdAt: '', tables: [], masterKeyId: '', signingKeyIds: [] };
    expect(() => planMigrations(head, known)).toThrow(/newer Gatehouse/);
    const forked = { ...head, schemaVersion: known.at(-1)!.version, migrations: ['20200101000000', ...known.slice(1).map((m) => m.version)] };
    expect(() => planMigrations(forked, known)).toThrow(/schema history/);
  });
});
