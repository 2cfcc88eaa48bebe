// Backup now: one consistent snapshot of the database (a REPEATABLE READ, READ ONLY transaction), COPY of every
// table in foreign-key order, the media files of the data dir, the master key (so a new machine can read the
// signing keys), and a manifest with per-table row counts and SHA-256, streamed into one encrypted archive.
// The archive is written beside its final name and renamed into place only when complete and synced, so a
// backup killed half-way leaves no file that looks like a backup.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ArchiveWriter, type Compression } from './archive.ts';
import { APP_SCHEMA, copySql, listSequences, listTables, qualified, useStableOutput } from './catalog.ts';
import { BackupError } from './errors.ts';
import { countRows, type ProgressListener, ProgressMeter } from './progress.ts';
import { listMediaFiles, mediaDir, safeMediaPath } from './media.ts';
import { LOCK_KEY_SQL } from '../platform/locks.ts';
import { RESTORE_LOCK } from './restore-lock.ts';
import { VERSION } from '../appliance/paths.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

/** The first entry of every archive: what it is, and what a restore needs before the tables arrive. */
export interface BackupHead {
  appVersion: string;
  schemaVersion: string;
  /** Every migration the database had, in order; a restore re-runs exactly these before loading. */
  migrations: string[];
  createdAt: string;
  tables: Array<{ name: string; columns: string[] }>;
  masterKeyId: string;
  signingKeyIds: string[];
}

/** The last entry: what was written, to be checked against what is read. */
export interface BackupManifest {
  tables: Record<string, { rows: number; sha256: string; bytes: number }>;
  sequences: Record<string, { lastValue: string; isCalled: boolean }>;
  files: Record<string, { size: number; sha256: string }>;
  totals: { rows: number; tableBytes: number; fileBytes: number };
}

export interface BackupDeps {
  pool: pg.Pool;
  secrets: SecretBox;
  dataDir: string;
}

export interface BackupOptions {
  /** The archive to write; refused if it exists. */
  file: string;
  passphrase: string;
  /** deflate (zlib level 1) by default: a quarter of the size for COPY text, at about the speed of the disk. */
  compression?: Compression;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface BackupResult {
  file: string;
  bytes: number;
  head: BackupHead;
  manifest: BackupManifest;
  ms: number;
}

export async function createBackup(deps: BackupDeps, options: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const file = path.resolve(options.file);
  if (fs.existsSync(file)) throw new BackupError('backup_file_exists', `${file} already exists. Choose another file name, or move that file away first.`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`);
  const meter = new ProgressMeter(options.onProgress);
  // Media names are checked first: a file a restore would refuse must stop the backup, not make it unrestorable.
  const mediaFiles = listMediaFiles(mediaDir(deps.dataDir));
  for (const relative of mediaFiles) {
    if (safeMediaPath(relative) === null) {
      throw new BackupError('backup_incomplete', `The media file "${relative.slice(0, 200)}" has a name a restore would refuse (letters, digits, spaces, . _ - and / only, 255 characters at most). Rename it in ${mediaDir(deps.dataDir)}, then back up again.`);
    }
  }
  const client = await deps.pool.connect();
  let released = false;
  let fd: number | undefined;
  try {
    // Held for the whole backup, and taken before the snapshot: a restore cannot swap the tables away under it
    // (it would leave this snapshot reading the new, empty-looking tables). Backups share it; a restore waits.
    const { rows: locked } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock_shared(${LOCK_KEY_SQL}) AS ok`, [RESTORE_LOCK]);
    if (!locked[0]!.ok) {
      throw new BackupError('backup_busy', 'A restore or verify is running on this database. Back up once it has finished (its progress is on the Backups page).');
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // A large table takes longer to copy than the pool's statement timeout allows a query.
    await client.query('SET LOCAL statement_timeout = 0');
    await useStableOutput(client);
    const head = await readHead(client, deps.secrets);
    const tables = await listTables(client);
    head.tables = tables.map((t) => ({ name: t.name, columns: t.columns }));
    meter.update({ phase: 'tables', rowsTotal: tables.reduce((sum, t) => sum + t.estimatedRows, 0) });

    fd = fs.openSync(partial, 'wx', 0o600);
    const output = fs.createWriteStream('', { fd, autoClose: false, start: 0 }); // explicit offsets for every write
    const writer = await ArchiveWriter.create({
      output,
      passphrase: options.passphrase,
      compression: options.compression ?? 'deflate-raw',
      meta: { createdAt: head.createdAt, appVersion: head.appVersion, schemaVersion: head.schemaVersion },
    });
    await writer.beginEntry('json', 'head');
    await writer.write(Buffer.from(JSON.stringify(head)));
    await writer.endEntry();

    const manifest: BackupManifest = { tables: {}, sequences: {}, files: {}, totals: { rows: 0, tableBytes: 0, fileBytes: 0 } };
    for (const table of tables) {
      options.signal?.throwIfAborted();
      meter.update({ table: table.name });
      await writer.beginEntry('table', table.name, { columns: table.columns });
      const hash = createHash('sha256');
      let rows = 0;
      let bytes = 0;
      const copy = client.query(copyTo(copySql(APP_SCHEMA, table, 'TO STDOUT')));
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        hash.update(chunk);
        const chunkRows = countRows(chunk);
        rows += chunkRows;
        bytes += chunk.length;
        await writer.write(chunk);
        meter.add(chunkRows, chunk.length);
      }
      const summary = { rows, sha256: hash.digest('hex'), bytes };
      await writer.endEntry(summary);
      manifest.tables[table.name] = summary;
      manifest.totals.rows += rows;
      manifest.totals.tableBytes += bytes;
    }
    for (const sequence of await listSequences(client)) {
      const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${qualified(APP_SCHEMA, sequence.name)}`);
      manifest.sequences[sequence.name] = { lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called };
    }
    await client.query('COMMIT');
    await client.query(`SELECT pg_advisory_unlock_shared(${LOCK_KEY_SQL})`, [RESTORE_LOCK]);
    client.release();
    released = true;

    await writer.beginEntry('json', 'master-key');
    await writer.write(Buffer.from(JSON.stringify({ keyId: deps.secrets.keyId, key: deps.secrets.exportKey().toString('base64') })));
    await writer.endEntry();

    meter.update({ phase: 'media', table: undefined });
    const media = mediaDir(deps.dataDir);
    for (const relative of mediaFiles) {
      options.signal?.throwIfAborted();
      const full = path.join(media, relative);
      const stat = fs.statSync(full);
      await writer.beginEntry('file', relative, { size: stat.size });
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of fs.createReadStream(full) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        await writer.write(chunk);
        meter.add(0, chunk.length);
      }
      const summary = { size, sha256: hash.digest('hex') };
      await writer.endEntry(summary);
      manifest.files[relative] = summary;
      manifest.totals.fileBytes += size;
    }

    meter.update({ phase: 'finishing' });
    await writer.beginEntry('json', 'manifest');
    await writer.write(Buffer.from(JSON.stringify(manifest)));
    await writer.endEntry();
    await writer.finish();
    await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // The archive gets its name only now: complete and on disk. A name already taken meanwhile is not overwritten.
    claimName(partial, file);
    syncDirectory(path.dirname(file));
    meter.update({ phase: 'done' });
    return { file, bytes: fs.statSync(file).size, head, manifest, ms: Date.now() - started };
  } catch (error) {
    // The connection is discarded, not rolled back: a COPY cut off half-way leaves it waiting for the rest, and a
    // ROLLBACK queued behind it would never run. PostgreSQL ends the transaction (and the lock) as it goes.
    if (!released) client.release(error instanceof Error ? error : new Error(String(error)));
    released = true;
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    if ((error as { code?: string }).code === 'EEXIST' && fs.existsSync(file)) {
      throw new BackupError('backup_file_exists', `${file} appeared while the backup ran. The backup was not saved; run it again with another file name.`);
    }
    throw error;
  } finally {
    if (!released) client.release();
  }
}

async function readHead(client: pg.ClientBase, secrets: SecretBox): Promise<BackupHead> {
  const { rows: migrations } = await client.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
  // Signing key ids, so a restore can say which keys survive (the table exists from the OIDC migration on).
  const { rows: hasKeys } = await client.query<{ present: boolean }>(`SELECT to_regclass('oidc_signing_keys') IS NOT NULL AS present`);
  const { rows: keys } = hasKeys[0]!.present ? await client.query<{ kid: string }>('SELECT kid FROM oidc_signing_keys ORDER BY kid') : { rows: [] };
  const { rows: now } = await client.query<{ now: Date }>('SELECT now()');
  return {
    appVersion: VERSION,
    schemaVersion: migrations.at(-1)?.version ?? '0',
    migrations: migrations.map((m) => m.version),
    createdAt: now[0]!.now.toISOString(),
    tables: [],
    masterKeyId: secrets.keyId,
    signingKeyIds: keys.map((k) => k.kid),
  };
}

/**
 * Gives a finished file its name without replacing a file of that name: a hard link where the file system has them,
 * else (exFAT, SMB shares) an exclusive placeholder that the rename then replaces.
 */
function claimName(partial: string, file: string): void {
  try {
    fs.linkSync(partial, file);
    fs.unlinkSync(partial);
    return;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  fs.closeSync(fs.openSync(file, 'wx', 0o600));
  fs.renameSync(partial, file);
}

/** Makes the new directory entry itself durable (a rename or link survives a power cut only after this). */
export function syncDirectory(dir: string): void {
  // Windows cannot open a directory for fsync; its file systems commit directory entries with the file.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
