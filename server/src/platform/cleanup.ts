// Deletes expired rows from every table that grows with traffic, in bounded batches, as one singleton cron job.
// Domains register their tables at import time (sessions, tokens, codes, events…); the platform's are registered here.
import type pg from 'pg';
import { BUS_PAYLOAD_RETENTION_SECONDS } from './bus.ts';
import { JOB_SCHEMA, type JobRunner } from './jobs.ts';

export interface ExpiringTable {
  /** Table name, optionally schema-qualified (`schema.table`). */
  table: string;
  /**
   * A boolean SQL expression over the table's expiry column, e.g. `expires_at < now()`.
   * It is code, never user input. An index on that column keeps each batch cheap.
   */
  expiryCondition: string;
  /** Rows deleted per statement: small enough to keep row locks and WAL bursts short. */
  batchSize: number;
}

/** One thing cleanup deletes from: a statement that removes up to $1 expired rows and returns them. */
export interface CleanupTarget {
  name: string;
  batchSize: number;
  deleteBatchSql: string;
}

export interface CleanupOptions {
  /** Time budget; every target still gets one batch per run, so a tiny budget cannot starve one. */
  maxMs: number;
  signal?: AbortSignal;
  /** Defaults to every registered target. */
  targets?: readonly CleanupTarget[];
}

export interface CleanupResult {
  deleted: Record<string, number>;
  batches: Record<string, number>;
  /** Targets whose delete failed, with the error; the others were still cleaned. */
  errors: Record<string, Error>;
  /** False when the budget ran out (or the signal fired) while some target still had a full batch to delete. */
  caughtUp: boolean;
  elapsedMs: number;
}

export const CLEANUP_JOB = 'platform:cleanup';
export const CLEANUP_CRON = '* * * * *';
/** Permanently failed jobs stay this long so an admin can see why they failed. */
export const FAILED_JOB_RETENTION_DAYS = 7;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The batched delete for a table: the expired rows' ctids first (LIMIT, skipping rows another session holds), then those rows. */
export function expiringTableTarget(entry: ExpiringTable): CleanupTarget {
  const parts = entry.table.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) throw new Error(`"${entry.table}" is not a plain table name`);
  if (!Number.isInteger(entry.batchSize) || entry.batchSize < 1) throw new RangeError(`the cleanup batch size of ${entry.table} must be a positive integer`);
  const table = parts.map((part) => `"${part}"`).join('.');
  return {
    name: entry.table,
    batchSize: entry.batchSize,
    deleteBatchSql: `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM ${table} WHERE ${entry.expiryCondition} LIMIT $1 FOR UPDATE SKIP LOCKED))`,
  };
}

/**
 * graphile-worker deletes completed jobs itself and keeps permanently failed ones forever.
 * A job's failure time is not stored: a failure moves run_at to the next retry (now + e^attempts s, at most ~6 h)
 * and other ways to fail a job set updated_at, so the later of the two is a time at or after the failure.
 * Deleted through complete_jobs, the queue's public function, which skips locked jobs.
 * No index covers this filter; the table only holds pending and failed jobs, so the scan stays small.
 */
const permanentlyFailedJobs: CleanupTarget = {
  name: `${JOB_SCHEMA}.jobs (permanently failed)`,
  batchSize: 500,
  deleteBatchSql: `SELECT id FROM ${JOB_SCHEMA}.complete_jobs(ARRAY(
      SELECT id FROM ${JOB_SCHEMA}.jobs
      WHERE attempts >= max_attempts AND locked_at IS NULL
        AND greatest(updated_at, run_at) < now() - interval '${FAILED_JOB_RETENTION_DAYS} days'
      LIMIT $1))`,
};

const registry = new Map<string, CleanupTarget>();

/** Adds a table to the cleanup job; call at import time, before the platform starts. */
export function registerExpiringTable(entry: ExpiringTable): void {
  if (registry.has(entry.table)) throw new Error(`${entry.table} is already registered for cleanup`);
  registry.set(entry.table, expiringTableTarget(entry));
}

export function cleanupTargets(): CleanupTarget[] {
  return [...registry.values()];
}

// The platform's own tables (migration 20261128010000_platform.sql), each with an index on its expiry column.
registerExpiringTable({ table: 'cache_entries', expiryCondition: 'expires_at < now()', batchSize: 2_000 });
registerExpiringTable({ table: 'rate_limit_counters', expiryCondition: 'expires_at < now()', batchSize: 5_000 });
registerExpiringTable({ table: 'bus_payloads', expiryCondition: `created_at < now() - interval '${BUS_PAYLOAD_RETENTION_SECONDS} seconds'`, batchSize: 500 });
registry.set(permanentlyFailedJobs.name, permanentlyFailedJobs);

/** Deletes expired rows round-robin over the targets, one batch each per round, until all are caught up or the budget ends. */
export async function runCleanup(pool: pg.Pool, options: CleanupOptions): Promise<CleanupResult> {
  const started = Date.now();
  const deadline = started + options.maxMs;
  const targets = options.targets ?? cleanupTargets();
  const deleted: Record<string, number> = {};
  const batches: Record<string, number> = {};
  const errors: Record<string, Error> = {};
  for (const target of targets) {
    deleted[target.name] = 0;
    batches[target.name] = 0;
  }
  let pending = [...targets];
  let firstRound = true;
  while (pending.length > 0 && (firstRound || (Date.now() < deadline && !options.signal?.aborted))) {
    firstRound = false;
    const stillBehind: CleanupTarget[] = [];
    for (const target of pending) {
      let count: number;
      try {
        count = (await pool.query(target.deleteBatchSql, [target.batchSize])).rowCount ?? 0;
      } catch (error) {
        // One broken table (say, a domain's faulty expiry condition) must not stop the cleanup of the others.
        errors[target.name] = error as Error;
        continue;
      }
      deleted[target.name]! += count;
      batches[target.name]!++;
      // A short batch means nothing expired is left (apart from rows another session has locked).
      if (count >= target.batchSize) stillBehind.push(target);
    }
    pending = stillBehind;
  }
  return { deleted, batches, errors, caughtUp: pending.length === 0, elapsedMs: Date.now() - started };
}

/** Runs cleanup every minute, on one instance at a time. */
export function registerCleanupJob(runner: JobRunner, pool: pg.Pool, options: { maxMs?: number } = {}): void {
  const maxMs = options.maxMs ?? 20_000;
  runner.define({
    name: CLEANUP_JOB,
    singleton: true,
    // The next tick is the retry.
    maxAttempts: 1,
    async handler(_payload, { logger, signal }) {
      const result = await runCleanup(pool, { maxMs, signal });
      for (const [table, error] of Object.entries(result.errors)) logger.error({ err: error, table }, 'cleanup could not delete expired rows');
      const deleted = Object.fromEntries(Object.entries(result.deleted).filter(([, count]) => count > 0));
      if (!result.caughtUp) logger.warn({ deleted, elapsedMs: result.elapsedMs }, 'cleanup ran out of time with expired rows left; it is falling behind');
      else if (Object.keys(deleted).length > 0) logger.debug({ deleted, elapsedMs: result.elapsedMs }, 'cleanup deleted expired rows');
      // Counted as a failed job in the runner's stats and metrics.
      if (Object.keys(result.errors).length > 0) throw new Error(`cleanup failed for ${Object.keys(result.errors).join(', ')}`);
    },
  });
  runner.schedule(CLEANUP_JOB, CLEANUP_CRON);
}
