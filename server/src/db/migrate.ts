// Migration runner: raw SQL files named <timestamp>_<name>.sql, applied in order, each in its own transaction,
// under a session advisory lock held on a dedicated direct connection (never through a pooler) with a timeout.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { ApplianceError, errorMessage } from '../appliance/errors.ts';
import { LOCK_KEY_SQL } from '../platform/locks.ts';
import { MIGRATIONS_DIR } from '../appliance/paths.ts';

export { MIGRATIONS_DIR };

export const MIGRATION_LOCK = 'gatehouse:migrations';

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{14})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named <14-digit timestamp>_<snake_case_name>.sql`);
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return { version: match[1]!, name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export function latestVersion(migrations = loadMigrations()): string {
  return migrations.at(-1)?.version ?? '0';
}

export interface MigrateOptions {
  lockTimeoutMs: number;
  logger: Logger;
  migrations?: Migration[];
  /** More schema work to do while the migration lock is held (graphile-worker's schema, which 0.16 installs without a lock). */
  alsoUnderLock?: () => Promise<void>;
}

export interface MigrateResult {
  applied: string[];
  version: string;
}

export async function migrate(config: pg.ClientConfig, options: MigrateOptions): Promise<MigrateResult> {
  const migrations = options.migrations ?? loadMigrations();
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs))}`);
    try {
      await client.query(`SELECT pg_advisory_lock(${LOCK_KEY_SQL})`, [MIGRATION_LOCK]);
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        throw new ApplianceError('migration_lock_timeout', `Another Gatehouse instance has been migrating this database for over ${options.lockTimeoutMs} ms. Wait for it to finish, or raise migrations.lockTimeoutMs.`);
      }
      throw error;
    }
    await client.query('RESET lock_timeout');
    try {
      const result = await applyPending(client, migrations, options.logger);
      await options.alsoUnderLock?.();
      return result;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY_SQL})`, [MIGRATION_LOCK]);
    }
  } finally {
    await client.end();
  }
}

const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/** Runs one migration and records it, inside the caller's transaction. */
async function applyMigration(client: pg.ClientBase, migration: Migration): Promise<void> {
  await client.query(migration.sql);
  await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
}

/**
 * Applies migrations inside the caller's transaction, into the schema first on its search_path, from none
 * applied or after the ones already recorded there. A restore builds its new schema with this (at the backup's
 * version, then forward), so the whole restore stays one transaction.
 */
export async function applyMigrationsInTransaction(client: pg.ClientBase, migrations: Migration[]): Promise<string[]> {
  await client.query(SCHEMA_MIGRATIONS_DDL);
  const { rows } = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await client.query('SAVEPOINT migration');
    try {
      await applyMigration(client, migration);
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT migration').catch(() => undefined);
      throw new ApplianceError('migration_failed', `Migration ${migration.version}_${migration.name} failed: ${errorMessage(error)}`, { cause: error });
    }
    await client.query('RELEASE SAVEPOINT migration');
    applied.push(migration.version);
  }
  return applied;
}

async function applyPending(client: pg.Client, migrations: Migration[], logger: Logger): Promise<MigrateResult> {
  await client.query(SCHEMA_MIGRATIONS_DDL);
  const { rows } = await client.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations ORDER BY version');
  const known = new Map(migrations.map((m) => [m.version, m]));
  const newest = latestVersion(migrations);
  const unknown = rows.filter((r) => !known.has(r.version));
  if (unknown.some((r) => r.version > newest)) {
    throw new ApplianceError('schema_too_new', `This database was migrated by a newer Gatehouse (schema ${rows.at(-1)!.version}; this version knows up to ${newest}). Nothing was changed. Install that newer Gatehouse again, or restore a backup made by this version.`);
  }
  for (const row of rows) {
    const migration = known.get(row.version);
    if (migration && migration.checksum !== row.checksum) logger.warn({ version: row.version }, 'an applied migration file has changed since it ran; migrations must never be edited after release');
  }
  const done = new Set(rows.map((r) => r.version));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    const started = Date.now();
    try {
      await client.query('BEGIN');
      await applyMigration(client, migration);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new ApplianceError('migration_failed', `Migration ${migration.version}_${migration.name} failed and was rolled back: ${errorMessage(error)}`, { cause: error });
    }
    logger.info({ version: migration.version, name: migration.name, ms: Date.now() - started }, 'applied migration');
    applied.push(migration.version);
  }
  return { applied, version: newest };
}

/** The schema version the database is at, or null before the first migration. */
export async function currentVersion(client: pg.ClientBase): Promise<string | null> {
  const { rows } = await client.query<{ version: string | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN NULL ELSE (SELECT max(version) FROM schema_migrations) END AS version`,
  );
  return rows[0]?.version ?? null;
}
