// What a backup holds: every table of Gatehouse's schema except the ones named below, in foreign-key order,
// with the columns COPY can read and write back, and the schema's sequences. Read from the catalog, so a table a
// later migration adds is backed up without anyone remembering to list it.
import type pg from 'pg';
import { createHash } from 'node:crypto';
import { to as copyTo } from 'pg-copy-streams';
import { countRows } from './progress.ts';
import { BackupError } from './errors.ts';

/** The schema Gatehouse's tables live in (its connections use the default search_path). */
export const APP_SCHEMA = 'public';

/** Tables left out of a backup, and why. A restore leaves them as its migrations create them: empty. */
export const NOT_BACKED_UP: Readonly<Record<string, string>> = {
  schema_migrations: 'rebuilt by the migrations a restore runs; the manifest records the schema version',
  cache_entries: 'a cache (UNLOGGED): refilled on demand',
  rate_limit_counters: 'throttle windows of the last minutes',
  bus_payloads: 'large bus messages, kept for minutes',
  backup_runs: "this installation's record of its own runs; a restore writes its own entry",
};

export interface TableInfo {
  name: string;
  /** Columns COPY reads and writes, in table order (generated columns are left out: PostgreSQL computes them). */
  columns: string[];
  /** The planner's row estimate, for progress bars before the count is known. */
  estimatedRows: number;
}

export interface SequenceInfo {
  name: string;
}

/** The tables to back up, parents before children (so a restore loads them with every foreign key checked). */
export async function listTables(client: pg.ClientBase, schema = APP_SCHEMA): Promise<TableInfo[]> {
  const { rows: tables } = await client.query<{ oid: number; name: string; persistence: string; estimated: number }>(
    `SELECT c.oid, c.relname AS name, c.relpersistence AS persistence, greatest(c.reltuples, 0)::float8 AS estimated
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
    [schema],
  );
  const kept = tables.filter((t) => !(t.name in NOT_BACKED_UP) && t.persistence !== 'u' && t.persistence !== 't');
  const byOid = new Map(kept.map((t) => [t.oid, t]));
  const { rows: columns } = await client.query<{ table_oid: number; name: string }>(
    `SELECT attrelid AS table_oid, attname AS name FROM pg_attribute
      WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attrelid, attnum`,
    [kept.map((t) => t.oid)],
  );
  const { rows: references } = await client.query<{ child: number; parent: number }>(
    `SELECT conrelid AS child, confrelid AS parent FROM pg_constraint
      WHERE contype = 'f' AND conrelid = ANY($1::oid[]) AND conrelid <> confrelid`,
    [kept.map((t) => t.oid)],
  );
  const parents = new Map<number, Set<number>>(kept.map((t) => [t.oid, new Set()]));
  for (const { child, parent } of references) if (byOid.has(parent)) parents.get(child)!.add(parent);

  // Kahn's algorithm, taking ready tables by name so the order is the same on every run.
  const ordered: TableInfo[] = [];
  const done = new Set<number>();
  while (done.size < kept.length) {
    const ready = kept.filter((t) => !done.has(t.oid) && [...parents.get(t.oid)!].every((p) => done.has(p)));
    if (ready.length === 0) {
      const left = kept.filter((t) => !done.has(t.oid)).map((t) => t.name);
      throw new BackupError('backup_incomplete', `The tables ${left.join(', ')} reference each other in a cycle; a backup cannot order them. This is a bug in Gatehouse's schema: please report it.`);
    }
    for (const table of ready) {
      done.add(table.oid);
      ordered.push({ name: table.name, columns: columns.filter((c) => c.table_oid === table.oid).map((c) => c.name), estimatedRows: Math.round(table.estimated) });
    }
  }
  return ordered;
}

/** The schema's sequences (identity columns and serials), whose positions a restore sets back. */
export async function listSequences(client: pg.ClientBase, schema = APP_SCHEMA): Promise<SequenceInfo[]> {
  const { rows } = await client.query<{ name: string; owner_table: string | null }>(
    `SELECT s.relname AS name, t.relname AS owner_table
       FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
       LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
      WHERE n.nspname = $1 AND s.relkind = 'S'
      ORDER BY s.relname`,
    [schema],
  );
  return rows.filter((r) => r.owner_table === null || !(r.owner_table in NOT_BACKED_UP)).map((r) => ({ name: r.name }));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"` */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** The COPY statement for a table's backed-up columns, out of (TO STDOUT) or into (FROM STDIN) `schema`. */
export function copySql(schema: string, table: { name: string; columns: string[] }, direction: 'TO STDOUT' | 'FROM STDIN'): string {
  return `COPY ${qualified(schema, table.name)} (${table.columns.map(quoteIdent).join(', ')}) ${direction}`;
}

/**
 * Session settings that make COPY's text output the same whoever reads it (a checksum taken at backup time is
 * compared with one taken after a restore, possibly by another process with another time zone).
 */
export async function useStableOutput(client: pg.ClientBase): Promise<void> {
  await client.query("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL bytea_output = 'hex'; SET LOCAL extra_float_digits = 1");
}

/**
 * A table's rows and the SHA-256 of its COPY text, as a backup records them (call useStableOutput in the same
 * transaction first). Verify compares a restored table with the backup's figures this way.
 */
export async function checksumTable(client: pg.ClientBase, schema: string, table: { name: string; columns: string[] }): Promise<{ rows: number; sha256: string }> {
  const hash = createHash('sha256');
  let rows = 0;
  for await (const chunk of client.query(copyTo(copySql(schema, table, 'TO STDOUT'))) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    rows += countRows(chunk);
  }
  return { rows, sha256: hash.digest('hex') };
}
