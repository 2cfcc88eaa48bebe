// Restore and verify. Nothing is touched until the whole archive has been read once and every chunk, table
// checksum, row count and file checksum agreed with the manifest. Then, in ONE transaction: a new schema is built
// by the migrations the backup's database had, loaded with COPY, checked, migrated forward to this version,
// secrets re-sealed for this instance's master key, and swapped for the live schema by two renames; the old schema
// is dropped in the same transaction. A restore killed at any point leaves the old data serving (PostgreSQL rolls
// the transaction back), and other instances on the same database see the new data at the commit.
// Verify runs the same load into a scratch schema, compares every table's count and checksum, and rolls back.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ArchiveError, readArchive, type ArchiveEvent } from './archive.ts';
import { APP_SCHEMA, checksumTable, copySql, listSequences, listTables, qualified, quoteIdent, useStableOutput } from './catalog.ts';
import { BackupError } from './errors.ts';
import { countRows, ProgressMeter, type ProgressListener } from './progress.ts';
import { mediaDir, safeMediaPath } from './media.ts';
import { SEALED_COLUMNS, SEALED_SETTINGS } from './sealed.ts';
import { RESTORE_LOCK } from './restore-lock.ts';
import type { BackupHead, BackupManifest } from './snapshot.ts';
import { syncDirectory } from './snapshot.ts';
import { applyMigrationsInTransaction, loadMigrations, MIGRATION_LOCK, type Migration } from '../db/migrate.ts';
import { LOCK_KEY_SQL } from '../platform/locks.ts';
import { notifyTopic, RESET_TOPIC } from '../platform/bus.ts';
import { SecretBox } from '../secrets/secret-box.ts';

export { RESTORE_LOCK } from './restore-lock.ts';
/** The swap waits this long for the live tables' locks before it tries again (requests in flight finish first). */
const SWAP_LOCK_TIMEOUT_MS = 5_000;
const SWAP_ATTEMPTS = 6;
/** The largest JSON entry (head, master key, manifest) a reader accepts. */
const MAX_JSON_ENTRY_BYTES = 16 * 1024 * 1024;

export interface VerifiedBackup {
  head: BackupHead;
  manifest: BackupManifest;
  masterKey: Buffer;
  fileBytes: number;
}

export interface RestoreDeps {
  pool: pg.Pool;
  secrets: SecretBox;
  dataDir: string;
  /** Names this process in the reset message it sends other instances. */
  instanceId: string;
  migrations?: Migration[];
}

export interface RestoreOptions {
  file: string;
  passphrase: string;
  onProgress?: ProgressListener;
}

export interface RestoreResult {
  head: BackupHead;
  manifest: BackupManifest;
  migratedForward: string[];
  resealed: number;
  /** Something to tell the admin although the restore succeeded (the media folder could not be replaced). */
  warning: string | null;
  ms: number;
}

export interface VerifyResult {
  head: BackupHead;
  manifest: BackupManifest;
  tables: Array<{ name: string; rows: number; sha256: string; matches: boolean }>;
  ms: number;
}

// Reading

/** The archive's events, with the file's bytes counted as they are read. */
async function* readFile(file: string, passphrase: string, onBytes: (n: number) => void): AsyncGenerator<ArchiveEvent> {
  if (!fs.existsSync(file)) throw new BackupError('backup_file_missing', `There is no file ${file}. "gatehouse backup list" shows the backups in the data dir.`);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const input = fs.createReadStream(file, { start: 0 }); // explicit offsets: every read says where it reads
  input.on('error', (error) => counter.destroy(error));
  input.pipe(counter);
  try {
    yield* readArchive(counter, passphrase);
  } finally {
    input.destroy();
    counter.destroy();
  }
}

function parseJson<T>(data: Buffer[], what: string): T {
  try {
    return JSON.parse(Buffer.concat(data).toString('utf8')) as T;
  } catch {
    throw new BackupError('backup_incomplete', `The backup's ${what} is not readable. The file was not made by Gatehouse; use another backup.`);
  }
}

/**
 * Reads the whole archive and checks it: the structure (head first, tables as the head lists them, manifest last),
 * every table's rows and SHA-256 against what the backup recorded, and every media file's. Touches nothing.
 */
export async function readVerified(file: string, passphrase: string, meter = new ProgressMeter()): Promise<VerifiedBackup> {
  const fileBytes = fs.existsSync(file) ? fs.statSync(file).size : 0;
  meter.update({ phase: 'verifying', rowsDone: 0, bytesDone: 0, rowsTotal: null });
  let head: BackupHead | undefined;
  let manifest: BackupManifest | undefined;
  let masterKey: Buffer | undefined;
  const seenTables = new Map<string, { rows: number; sha256: string; bytes: number }>();
  const seenFiles = new Map<string, { size: number; sha256: string }>();
  let entry: { kind: string; name: string; hash: ReturnType<typeof createHash>; rows: number; bytes: number; json: Buffer[]; jsonBytes: number } | null = null;

  for await (const event of readFile(file, passphrase, (n) => meter.add(0, n))) {
    if (event.type === 'begin') {
      if (manifest) throw incomplete('an entry follows the manifest');
      if (!head && !(event.kind === 'json' && event.name === 'head')) throw incomplete('it does not start with its head');
      if (event.kind === 'table') {
        const expected = head!.tables[seenTables.size];
        if (!expected || expected.name !== event.name) throw incomplete(`table "${event.name}" is not the next one its head lists`);
      }
      if (event.kind === 'file' && safeMediaPath(event.name) === null) throw incomplete(`it names a media file "${event.name.slice(0, 80)}" outside the media folder`);
      entry = { kind: event.kind, name: event.name, hash: createHash('sha256'), rows: 0, bytes: 0, json: [], jsonBytes: 0 };
      continue;
    }
    if (!entry) throw incomplete('data arrives outside an entry');
    if (event.type === 'data') {
      if (entry.kind === 'json') {
        entry.jsonBytes += event.data.length;
        // A head, key or manifest is kilobytes; a crafted archive must not make this reader hold gigabytes.
        if (entry.jsonBytes > MAX_JSON_ENTRY_BYTES) throw incomplete(`its "${entry.name}" entry is over ${MAX_JSON_ENTRY_BYTES / 1024 / 1024} MiB`);
        entry.json.push(event.data);
      } else {
        entry.hash.update(event.data);
        entry.bytes += event.data.length;
        if (entry.kind === 'table') {
          const rows = countRows(event.data);
          entry.rows += rows;
          meter.add(rows, 0);
        }
      }
      continue;
    }
    // end of an entry
    const done = entry;
    entry = null;
    if (done.kind === 'json') {
      if (done.name === 'head') head = checkHead(parseJson<BackupHead>(done.json, 'head'));
      else if (done.name === 'master-key') masterKey = Buffer.from(parseJson<{ key: string }>(done.json, 'master key').key ?? '', 'base64');
      else if (done.name === 'manifest') manifest = parseJson<BackupManifest>(done.json, 'manifest');
      continue;
    }
    const sha256 = done.hash.digest('hex');
    const summary = event.summary as { rows?: unknown; sha256?: unknown; bytes?: unknown; size?: unknown };
    if (done.kind === 'table') {
      if (summary.sha256 !== sha256 || summary.rows !== done.rows || summary.bytes !== done.bytes) {
        throw new BackupError('backup_checksum_mismatch', `Table "${done.name}" in this backup does not match its checksum (${done.rows} rows read). The file is damaged; nothing was changed. Use another backup.`);
      }
      seenTables.set(done.name, { rows: done.rows, sha256, bytes: done.bytes });
    } else {
      if (summary.sha256 !== sha256 || summary.size !== done.bytes) {
        throw new BackupError('backup_checksum_mismatch', `Media file "${done.name}" in this backup does not match its checksum. The file is damaged; nothing was changed. Use another backup.`);
      }
      seenFiles.set(done.name, { size: done.bytes, sha256 });
    }
  }
  if (!head || !manifest) throw incomplete('it has no manifest');
  if (!masterKey || masterKey.length !== 32) throw incomplete('it carries no master key');
  // The manifest must tell the same story as the entries: every table and file, with the same counts and checksums.
  const lies: string[] = [];
  for (const table of head.tables) {
    const seen = seenTables.get(table.name);
    const listed = manifest.tables?.[table.name];
    if (!seen) lies.push(`table "${table.name}" is missing`);
    else if (!listed || listed.rows !== seen.rows || listed.sha256 !== seen.sha256) lies.push(`table "${table.name}" has ${seen.rows} rows but the manifest says ${listed?.rows ?? 'nothing'}`);
  }
  for (const name of Object.keys(manifest.tables ?? {})) if (!seenTables.has(name)) lies.push(`the manifest lists table "${name}", which the backup does not hold`);
  for (const [name, seen] of seenFiles) {
    const listed = manifest.files?.[name];
    if (!listed || listed.sha256 !== seen.sha256 || listed.size !== seen.size) lies.push(`media file "${name}" differs from the manifest`);
  }
  for (const name of Object.keys(manifest.files ?? {})) if (!seenFiles.has(name)) lies.push(`the manifest lists media file "${name}", which the backup does not hold`);
  if (lies.length > 0) {
    throw new BackupError('backup_manifest_mismatch', `This backup's manifest does not match its contents: ${lies.slice(0, 5).join('; ')}. Nothing was changed. Use another backup.`);
  }
  return { head, manifest, masterKey, fileBytes };
}

function incomplete(what: string): BackupError {
  return new BackupError('backup_incomplete', `This backup is not complete or not in Gatehouse's layout: ${what}. Nothing was changed. Use another backup.`);
}

function checkHead(head: BackupHead): BackupHead {
  const ok =
    typeof head === 'object' && head !== null &&
    typeof head.schemaVersion === 'string' && Array.isArray(head.migrations) && head.migrations.every((m) => typeof m === 'string') &&
    Array.isArray(head.tables) && head.tables.every((t) => typeof t?.name === 'string' && Array.isArray(t.columns) && t.columns.every((c) => typeof c === 'string'));
  if (!ok) throw incomplete('its head is malformed');
  return head;
}

/** The migrations that rebuild the backup's schema, and the ones that bring it to this version; refuses what this version cannot do. */
export function planMigrations(head: BackupHead, known: Migration[]): { toBackup: Migration[]; forward: Migration[] } {
  const newest = known.at(-1)?.version ?? '0';
  if (head.schemaVersion > newest) {
    throw new BackupError('backup_schema_too_new', `This backup was made by a newer Gatehouse (${head.appVersion ?? 'unknown version'}, schema ${head.schemaVersion}); this one knows schema ${newest}. Install Gatehouse ${head.appVersion ?? 'of that version'} or newer to restore it. Nothing was changed.`);
  }
  const prefix = known.slice(0, head.migrations.length).map((m) => m.version);
  if (prefix.length !== head.migrations.length || prefix.some((version, i) => version !== head.migrations[i])) {
    throw new BackupError('backup_schema_unknown', `This backup's schema history (${head.migrations.length} migrations up to ${head.schemaVersion}) is not one this Gatehouse made. Restore it with the Gatehouse version that made it (${head.appVersion ?? 'unknown'}). Nothing was changed.`);
  }
  return { toBackup: known.slice(0, head.migrations.length), forward: known.slice(head.migrations.length) };
}

// Loading

interface LoadResult {
  migratedForward: string[];
  resealed: number;
}

/**
 * Inside the caller's open transaction: builds `schema` at the backup's version, loads the archive into it,
 * checks counts, migrates forward (unless `forward` is empty) and re-seals secrets. Writes media files to mediaTarget.
 */
async function loadInto(
  client: pg.PoolClient,
  schema: string,
  verified: VerifiedBackup,
  options: { file: string; passphrase: string; forward: Migration[]; toBackup: Migration[]; secrets: SecretBox; mediaTarget: string | null; meter: ProgressMeter },
): Promise<LoadResult> {
  const { head, manifest } = verified;
  const { meter } = options;
  await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
  meter.update({ phase: 'preparing' });
  await applyMigrationsInTransaction(client, options.toBackup);

  // The schema those migrations built must be the one the backup was taken from.
  const built = await listTables(client, schema);
  const builtNames = built.map((t) => t.name).sort().join(',');
  const backupNames = head.tables.map((t) => t.name).sort().join(',');
  if (builtNames !== backupNames) {
    throw new BackupError('backup_incomplete', `The backup's tables (${backupNames}) are not the ones its schema version has (${builtNames}). Nothing was changed. Use another backup.`);
  }
  for (const table of head.tables) {
    const columns = new Set(built.find((t) => t.name === table.name)!.columns);
    const unknown = table.columns.filter((c) => !columns.has(c));
    if (unknown.length > 0) throw new BackupError('backup_incomplete', `The backup's table "${table.name}" has columns this schema does not (${unknown.join(', ')}). Nothing was changed.`);
  }
  // Triggers written for live changes (e.g. the one that closes first-admin setup) must not fire on restored rows.
  for (const table of head.tables) await client.query(`ALTER TABLE ${qualified(schema, table.name)} DISABLE TRIGGER USER`);

  meter.update({ phase: 'loading', rowsDone: 0, bytesDone: 0, rowsTotal: manifest.totals.rows });
  let copy: ReturnType<typeof copyFrom> | null = null;
  let copyDone: Promise<unknown> | null = null;
  let hash: ReturnType<typeof createHash> | null = null;
  let media: { fd: number; path: string; hash: ReturnType<typeof createHash> } | null = null;
  let current = '';
  let kind = '';
  for await (const event of secondReading(readFile(options.file, options.passphrase, () => undefined))) {
    if (event.type === 'begin') {
      current = event.name;
      kind = event.kind;
      if (kind === 'table') {
        const table = head.tables.find((t) => t.name === current)!;
        meter.update({ table: current });
        hash = createHash('sha256');
        copy = client.query(copyFrom(copySql(schema, table, 'FROM STDIN')));
        copyDone = once(copy, 'finish');
        copyDone.catch(() => undefined);
      } else if (kind === 'file' && options.mediaTarget) {
        const target = path.join(options.mediaTarget, safeMediaPath(current)!);
        fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        media = { fd: fs.openSync(target, 'wx', 0o600), path: target, hash: createHash('sha256') };
      }
      continue;
    }
    if (event.type === 'data') {
      if (kind === 'table' && copy) {
        hash!.update(event.data);
        meter.add(countRows(event.data), event.data.length);
        if (!copy.write(event.data)) await Promise.race([once(copy, 'drain'), copyDone]);
      } else if (kind === 'file' && media) {
        media.hash.update(event.data);
        fs.writeSync(media.fd, event.data);
        meter.add(0, event.data.length);
      }
      continue;
    }
    if (kind === 'table' && copy) {
      copy.end();
      await copyDone;
      copy = null;
      // The file is read twice; the second reading must be the one that was verified.
      if (hash!.digest('hex') !== manifest.tables[current]!.sha256) {
        throw new BackupError('backup_checksum_mismatch', `The backup file changed while it was being restored (table "${current}"). Nothing was changed. Keep the file unchanged during a restore.`);
      }
    } else if (kind === 'file' && media) {
      fs.fsyncSync(media.fd);
      fs.closeSync(media.fd);
      const sha256 = media.hash.digest('hex');
      media = null;
      if (sha256 !== manifest.files[current]!.sha256) throw new BackupError('backup_checksum_mismatch', `The backup file changed while it was being restored (media file "${current}"). Nothing was changed.`);
    }
  }

  meter.update({ phase: 'checking', table: undefined });
  for (const table of head.tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(schema, table.name)}`);
    if (Number(rows[0]!.n) !== manifest.tables[table.name]!.rows) {
      throw new BackupError('backup_count_mismatch', `Table "${table.name}" holds ${rows[0]!.n} rows after loading, but the backup has ${manifest.tables[table.name]!.rows}. Nothing was changed.`);
    }
  }
  const sequences = new Set((await listSequences(client, schema)).map((s) => s.name));
  for (const [name, position] of Object.entries(manifest.sequences ?? {})) {
    if (!sequences.has(name)) continue;
    await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [qualified(schema, name), position.lastValue, position.isCalled]);
  }
  for (const table of head.tables) await client.query(`ALTER TABLE ${qualified(schema, table.name)} ENABLE TRIGGER USER`);

  meter.update({ phase: 'migrating' });
  const migratedForward = options.forward.length > 0 ? await applyMigrationsInTransaction(client, options.forward) : [];
  const resealed = await reseal(client, schema, new SecretBox(verified.masterKey), options.secrets);
  return { migratedForward, resealed };
}

/**
 * The second reading of a file the first reading found sound: damage now means the file changed meanwhile, or the
 * disk returned other bytes. Said so, and with the first reading's verdict, rather than "the file is damaged".
 */
async function* secondReading(events: AsyncGenerator<ArchiveEvent>): AsyncGenerator<ArchiveEvent> {
  try {
    yield* events;
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    throw new BackupError('backup_checksum_mismatch', `The backup file read differently the second time (${error.message.replace(/\.$/, '')}), though it was sound a moment before: it changed during the restore, or the disk returned other data. Nothing was changed. Run it again; if it fails the same way, copy the file to another disk and check that disk.`, { cause: error });
  }
}

/** One sealed value in `schema`, with its SecretBox context and a way to store it sealed again. */
interface SealedValue {
  sealed: string;
  context: string;
  replace(resealed: string): Promise<void>;
}

/** Every value sealed with the master key in `schema`: the SEALED_COLUMNS and the SEALED_SETTINGS. */
async function sealedValues(client: pg.ClientBase, schema: string): Promise<SealedValue[]> {
  const values: SealedValue[] = [];
  for (const column of SEALED_COLUMNS) {
    const { rows } = await client.query<{ key: string; sealed: string }>(
      `SELECT ${quoteIdent(column.key)}::text AS key, ${quoteIdent(column.column)} AS sealed FROM ${qualified(schema, column.table)} WHERE ${quoteIdent(column.column)} IS NOT NULL`,
    );
    for (const row of rows) {
      values.push({
        sealed: row.sealed,
        context: column.context(row.key),
        replace: async (resealed) => {
          await client.query(`UPDATE ${qualified(schema, column.table)} SET ${quoteIdent(column.column)} = $2 WHERE ${quoteIdent(column.key)}::text = $1`, [row.key, resealed]);
        },
      });
    }
  }
  for (const setting of SEALED_SETTINGS) {
    const { rows } = await client.query<{ sealed: string | null }>(`SELECT value ->> $2 AS sealed FROM ${qualified(schema, 'settings')} WHERE key = $1`, [setting.key, setting.field]);
    const sealed = rows[0]?.sealed;
    if (!sealed) continue;
    values.push({
      sealed,
      context: setting.context,
      replace: async (resealed) => {
        await client.query(`UPDATE ${qualified(schema, 'settings')} SET value = jsonb_set(value, ARRAY[$2::text], to_jsonb($3::text)) WHERE key = $1`, [setting.key, setting.field, resealed]);
      },
    });
  }
  return values;
}

/** Seals every secret again with this instance's master key, when the backup came from an instance with another. */
async function reseal(client: pg.ClientBase, schema: string, from: SecretBox, to: SecretBox): Promise<number> {
  if (from.keyId === to.keyId) return 0;
  const values = await sealedValues(client, schema);
  for (const value of values) await value.replace(to.seal(from.open(value.sealed, value.context), value.context));
  return values.length;
}

/** Opens every sealed value with the backup's key: a verify that passes means the secrets in the backup are readable. */
async function openEverySealed(client: pg.ClientBase, schema: string, box: SecretBox): Promise<void> {
  for (const value of await sealedValues(client, schema)) box.open(value.sealed, value.context);
}

async function takeRestoreLock(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOCK_KEY_SQL}) AS ok`, [RESTORE_LOCK]);
  if (!rows[0]!.ok) throw new BackupError('backup_busy', 'A backup, restore or verify is running on this database (on this or another instance). Wait for it to finish (its progress is on the Backups page), then try again.');
}

// Restore

/** What restore and verify do first: read and check the whole file, and plan the migrations; nothing is touched. */
async function prepare(deps: RestoreDeps, options: RestoreOptions) {
  const started = Date.now();
  const file = path.resolve(options.file);
  const meter = new ProgressMeter(options.onProgress);
  const verified = await readVerified(file, options.passphrase, meter);
  const plan = planMigrations(verified.head, deps.migrations ?? loadMigrations());
  return { started, file, meter, verified, plan };
}

/** Opens the one transaction a restore or verify loads in: no statement timeout, stable COPY output, the restore lock. */
async function beginLoad(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  await client.query('SET LOCAL statement_timeout = 0');
  await useStableOutput(client);
  await takeRestoreLock(client);
}

export async function restoreBackup(deps: RestoreDeps, options: RestoreOptions): Promise<RestoreResult> {
  const { started, file, meter, verified, plan } = await prepare(deps, options);
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const restoreSchema = `gatehouse_restore_${id}`;
  const replacedSchema = `gatehouse_replaced_${id}`;
  const media = mediaDir(deps.dataDir);
  const mediaIncoming = `${media}.restore-${id}`;
  fs.rmSync(mediaIncoming, { recursive: true, force: true });
  fs.mkdirSync(mediaIncoming, { recursive: true, mode: 0o700 });

  const client = await deps.pool.connect();
  let result: LoadResult;
  try {
    await beginLoad(client);
    // No instance migrates the live schema while it is being replaced.
    await client.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`, [MIGRATION_LOCK]);
    result = await loadInto(client, restoreSchema, verified, {
      file,
      passphrase: options.passphrase,
      toBackup: plan.toBackup,
      forward: plan.forward,
      secrets: deps.secrets,
      mediaTarget: mediaIncoming,
      meter,
    });
    meter.update({ phase: 'swapping', table: undefined });
    await client.query('RESET search_path');
    await swap(client, restoreSchema, replacedSchema);
    // Every process drops what it derived from the old data (LRUs, signing keys) when this commits.
    await notifyTopic(client, RESET_TOPIC, { restoredFrom: verified.head.createdAt }, deps.instanceId);
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    // Discarded, not rolled back: a COPY cut off half-way leaves the connection waiting for the rest, and a ROLLBACK
    // would queue behind it forever. PostgreSQL rolls the transaction back (locks included) as the connection goes.
    client.release(error instanceof Error ? error : new Error(String(error)));
    fs.rmSync(mediaIncoming, { recursive: true, force: true });
    throw error;
  }
  // The data is restored (committed). The media folder follows; if that fails, the restore still stands.
  let warning: string | null = null;
  try {
    replaceMedia(media, mediaIncoming, id);
  } catch (error) {
    warning = `The data was restored, but the media files could not be put in place (${(error as Error).message}). They are in ${mediaIncoming}: move that folder to ${media}.`;
  }
  meter.update({ phase: 'done' });
  return { head: verified.head, manifest: verified.manifest, migratedForward: result.migratedForward, resealed: result.resealed, warning, ms: Date.now() - started };
}

/**
 * Replaces the live schema with the restored one: two renames and the drop of the old schema, in the caller's
 * transaction. The drop waits for requests that still use the old tables; if they take longer than
 * SWAP_LOCK_TIMEOUT_MS, the swap is undone to its savepoint and tried again, so the loaded data is not lost.
 */
async function swap(client: pg.ClientBase, restored: string, replaced: string): Promise<void> {
  const { rows: extensions } = await client.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extnamespace = $1::regnamespace`, [APP_SCHEMA]);
  for (let attempt = 1; ; attempt++) {
    await client.query('SAVEPOINT swap');
    try {
      await client.query(`SET LOCAL lock_timeout = ${SWAP_LOCK_TIMEOUT_MS}`);
      await client.query(`ALTER SCHEMA ${quoteIdent(APP_SCHEMA)} RENAME TO ${quoteIdent(replaced)}`);
      await client.query(`ALTER SCHEMA ${quoteIdent(restored)} RENAME TO ${quoteIdent(APP_SCHEMA)}`);
      // Extensions an operator installed into the schema (e.g. pg_stat_statements on an external server) move along.
      for (const { extname } of extensions) await client.query(`ALTER EXTENSION ${quoteIdent(extname)} SET SCHEMA ${quoteIdent(APP_SCHEMA)}`);
      await client.query(`DROP SCHEMA ${quoteIdent(replaced)} CASCADE`);
      await client.query('SET LOCAL lock_timeout = 0');
      await client.query('RELEASE SAVEPOINT swap');
      return;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT swap');
      const code = (error as { code?: string }).code;
      if (code === '55P03' && attempt < SWAP_ATTEMPTS) continue;
      throw new BackupError('backup_swap_failed', code === '55P03'
        ? `The restored data was loaded and checked, but long-running requests kept the live tables busy for ${(SWAP_ATTEMPTS * SWAP_LOCK_TIMEOUT_MS) / 1000} s, so it could not be swapped in. Nothing was changed. Try again when Gatehouse is quieter.`
        : `The restored data was loaded and checked, but could not replace the live data (${(error as Error).message}). Nothing was changed. The server log has the details under this run; report it if it happens again.`, { cause: error });
    }
  }
}

/** Puts the restored media folder in place of the live one (after the database swap committed). */
function replaceMedia(media: string, incoming: string, id: string): void {
  const old = `${media}.replaced-${id}`;
  if (fs.existsSync(media)) fs.renameSync(media, old);
  fs.renameSync(incoming, media);
  syncDirectory(path.dirname(media));
  fs.rmSync(old, { recursive: true, force: true });
}

// Verify

/** Restores into a scratch schema, compares every table's count and checksum with the backup's, and drops it. */
export async function verifyBackup(deps: RestoreDeps, options: RestoreOptions): Promise<VerifyResult> {
  const { started, file, meter, verified, plan } = await prepare(deps, options);
  const scratch = `gatehouse_verify_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const client = await deps.pool.connect();
  try {
    await beginLoad(client);
    // The backup's own master key: nothing is sealed again (the tables must compare byte for byte), but every sealed
    // value is opened once, so a verify also proves the secrets in it are readable.
    await loadInto(client, scratch, verified, { file, passphrase: options.passphrase, toBackup: plan.toBackup, forward: [], secrets: new SecretBox(verified.masterKey), mediaTarget: null, meter });
    await openEverySealed(client, scratch, new SecretBox(verified.masterKey));
    meter.update({ phase: 'comparing' });
    const tables: VerifyResult['tables'] = [];
    for (const table of verified.head.tables) {
      const { rows, sha256 } = await checksumTable(client, scratch, table);
      const expected = verified.manifest.tables[table.name]!;
      tables.push({ name: table.name, rows, sha256, matches: rows === expected.rows && sha256 === expected.sha256 });
    }
    const bad = tables.filter((t) => !t.matches);
    if (bad.length > 0) {
      throw new BackupError('backup_checksum_mismatch', `After a trial restore, ${bad.map((t) => `"${t.name}"`).join(', ')} did not match the backup. This backup would not restore faithfully; keep it, and make a new one.`);
    }
    meter.update({ phase: 'done' });
    // The scratch schema was never committed: rolling back drops it.
    await client.query('ROLLBACK');
    client.release();
    return { head: verified.head, manifest: verified.manifest, tables, ms: Date.now() - started };
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}
