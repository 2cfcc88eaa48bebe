import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import {
  CLEANUP_JOB,
  cleanupTargets,
  expiringTableTarget,
  registerCleanupJob,
  registerExpiringTable,
  runCleanup,
} from '../../server/src/platform/cleanup.ts';
import { JobRunner } from '../../server/src/platform/jobs.ts';

let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(async () => db?.drop());

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return rows[0]!.n;
}

/** A permanently failed job whose last change was `age` ago. */
async function failedJob(age: string, options: { locked?: boolean; runAtAge?: string } = {}): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM graphile_worker.add_job('test:failing', '{}', max_attempts => 3)`);
  const id = rows[0]!.id;
  await db.pool.query(
    `UPDATE graphile_worker._private_jobs SET attempts = 3, last_error = 'boom',
       updated_at = now() - $2::interval, run_at = now() - $3::interval,
       locked_at = CASE WHEN $4 THEN now() - interval '1 minute' END, locked_by = CASE WHEN $4 THEN 'a-live-worker' END
     WHERE id = $1`,
    [id, age, options.runAtAge ?? age, options.locked ?? false],
  );
  return id;
}

describe('runCleanup', () => {
  it('deletes the expired rows of every platform table and keeps the live ones', async () => {
    await db.pool.query(`INSERT INTO cache_entries (key, value, expires_at) VALUES
      ('gone:1', '1', now() - interval '1 second'), ('gone:2', '2', now() - interval '1 day'), ('kept', '3', now() + interval '1 hour')`);
    await db.pool.query(`INSERT INTO rate_limit_counters (key, window_start, hits, expires_at) VALUES
      ('gone', now() - interval '3 minutes', 4, now() - interval '1 minute'), ('kept', now(), 1, now() + interval '2 minutes')`);
    await db.pool.query(`INSERT INTO bus_payloads (topic, payload, created_at) VALUES
      ('gone', 'x', now() - interval '301 seconds'), ('kept', 'y', now() - interval '299 seconds'), ('kept', 'z', now())`);
    const oldFailure = await failedJob('8 days');
    const recentFailure = await failedJob('6 days');
    const lockedOldFailure = await failedJob('8 days', { locked: true });
    // A failure moves run_at to the next retry, so a recent run_at means a recent failure, whatever updated_at says.
    const recentRetry = await failedJob('8 days', { runAtAge: '1 hour' });
    const { rows: pending } = await db.pool.query<{ id: string }>(`SELECT id FROM graphile_worker.add_job('test:pending', '{}', run_at => now() - interval '30 days')`);

    const result = await runCleanup(db.pool, { maxMs: 5_000 });

    expect(result.deleted).toMatchObject({
      cache_entries: 2,
      rate_limit_counters: 1,
      bus_payloads: 1,
      'graphile_worker.jobs (permanently failed)': 1,
    });
    expect(result.caughtUp).toBe(true);
    expect((await db.pool.query('SELECT key FROM cache_entries ORDER BY key')).rows).toEqual([{ key: 'kept' }]);
    expect((await db.pool.query('SELECT key FROM rate_limit_counters ORDER BY key')).rows).toEqual([{ key: 'kept' }]);
    expect((await db.pool.query('SELECT topic FROM bus_payloads ORDER BY topic')).rows).toEqual([{ topic: 'kept' }, { topic: 'kept' }]);
    const { rows: jobs } = await db.pool.query<{ id: string }>('SELECT id FROM graphile_worker.jobs ORDER BY id');
    expect(jobs.map((job) => job.id)).toEqual([recentFailure, lockedOldFailure, recentRetry, pending[0]!.id].sort((a, b) => Number(a) - Number(b)));
    expect(jobs.map((job) => job.id)).not.toContain(oldFailure);
    await db.pool.query('DELETE FROM graphile_worker._private_jobs; DELETE FROM cache_entries; DELETE FROM rate_limit_counters; DELETE FROM bus_payloads');
  });

  it('empties a backlog larger than one batch across several batches', async () => {
    await db.pool.query(`INSERT INTO bus_payloads (topic, payload, created_at) SELECT 'old', 'x', now() - interval '1 hour' FROM generate_series(1, 2550)`);
    await db.pool.query(`INSERT INTO bus_payloads (topic, payload) SELECT 'fresh', 'y' FROM generate_series(1, 10)`);
    const target = expiringTableTarget({ table: 'bus_payloads', expiryCondition: `created_at < now() - interval '300 seconds'`, batchSize: 100 });

    const result = await runCleanup(db.pool, { maxMs: 10_000, targets: [target] });

    expect(result).toMatchObject({ deleted: { bus_payloads: 2550 }, batches: { bus_payloads: 26 }, caughtUp: true });
    expect(await count(`SELECT count(*) FROM bus_payloads WHERE topic = 'fresh'`)).toBe(10);
    expect(await count('SELECT count(*) FROM bus_payloads')).toBe(10);
    await db.pool.query('DELETE FROM bus_payloads');
  });

  it('stops at its time budget, says it is behind, and still gives every table one batch', async () => {
    await db.pool.query(`INSERT INTO cache_entries (key, value, expires_at) SELECT 'k' || n, '0', now() - interval '1 minute' FROM generate_series(1, 20000) n`);
    await db.pool.query(`INSERT INTO rate_limit_counters (key, window_start, hits, expires_at) SELECT 'k' || n, now(), 1, now() - interval '1 minute' FROM generate_series(1, 50) n`);
    const targets = [
      expiringTableTarget({ table: 'cache_entries', expiryCondition: 'expires_at < now()', batchSize: 10 }),
      expiringTableTarget({ table: 'rate_limit_counters', expiryCondition: 'expires_at < now()', batchSize: 10 }),
    ];

    const none = await runCleanup(db.pool, { maxMs: 0, targets });
    expect(none).toMatchObject({ deleted: { cache_entries: 10, rate_limit_counters: 10 }, batches: { cache_entries: 1, rate_limit_counters: 1 }, caughtUp: false });

    const some = await runCleanup(db.pool, { maxMs: 100, targets });
    expect(some.caughtUp).toBe(false);
    expect(some.deleted.cache_entries).toBeLessThan(19990);
    // Round-robin: the small table was emptied although the big one used most of the budget.
    expect(some.deleted.rate_limit_counters).toBe(40);

    const aborted = new AbortController();
    aborted.abort();
    expect((await runCleanup(db.pool, { maxMs: 10_000, targets, signal: aborted.signal })).batches.cache_entries).toBe(1);
    await db.pool.query('DELETE FROM cache_entries');
  });

  it('goes on with the other tables when one fails, and reports the failure', async () => {
    await db.pool.query(`INSERT INTO cache_entries (key, value, expires_at) VALUES ('gone', '1', now() - interval '1 second')`);
    const targets = [
      expiringTableTarget({ table: 'no_such_table', expiryCondition: 'expires_at < now()', batchSize: 10 }),
      expiringTableTarget({ table: 'cache_entries', expiryCondition: 'expires_at < now()', batchSize: 10 }),
    ];

    const result = await runCleanup(db.pool, { maxMs: 1_000, targets });

    expect(result.deleted.cache_entries).toBe(1);
    expect(Object.keys(result.errors)).toEqual(['no_such_table']);
    expect(result.errors.no_such_table!.message).toMatch(/does not exist/);
  });

  it('cleans a table that a domain registers, and refuses names that are not plain identifiers', async () => {
    await db.pool.query('CREATE TABLE test_sessions (id serial PRIMARY KEY, expires_at timestamptz NOT NULL)');
    await db.pool.query('CREATE INDEX test_sessions_expires_at ON test_sessions (expires_at)');
    await db.pool.query(`INSERT INTO test_sessions (expires_at) VALUES (now() - interval '1 second'), (now() + interval '1 hour')`);
    registerExpiringTable({ table: 'public.test_sessions', expiryCondition: 'expires_at < now()', batchSize: 1_000 });
    expect(cleanupTargets().map((target) => target.name)).toContain('public.test_sessions');

    const result = await runCleanup(db.pool, { maxMs: 5_000 });

    expect(result.deleted['public.test_sessions']).toBe(1);
    expect(await count('SELECT count(*) FROM test_sessions')).toBe(1);
    expect(() => registerExpiringTable({ table: 'public.test_sessions', expiryCondition: 'true', batchSize: 1 })).toThrow(/already registered/);
    expect(() => registerExpiringTable({ table: 'sessions; DROP TABLE users', expiryCondition: 'true', batchSize: 1 })).toThrow(/plain table name/);
    expect(() => registerExpiringTable({ table: '"Sessions"', expiryCondition: 'true', batchSize: 1 })).toThrow(/plain table name/);
    expect(() => registerExpiringTable({ table: 'other', expiryCondition: 'true', batchSize: 0 })).toThrow(/batch size/);
  });

  it('runs as a job named by registerCleanupJob, scheduled every minute on one instance at a time', async () => {
    const runner = new JobRunner({ pool: db.pool, logger: pino({ level: 'silent' }), concurrency: 1, pollIntervalMs: 100 });
    registerCleanupJob(runner, db.pool, { maxMs: 1_000 });
    await db.pool.query(`INSERT INTO cache_entries (key, value, expires_at) VALUES ('job:gone', '1', now() - interval '1 second')`);
    await runner.start();
    try {
      await runner.add(CLEANUP_JOB);
      const deadline = Date.now() + 10_000;
      while ((await count(`SELECT count(*) FROM cache_entries WHERE key = 'job:gone'`)) > 0 && Date.now() < deadline) await sleep(50);
      expect(await count(`SELECT count(*) FROM cache_entries WHERE key = 'job:gone'`)).toBe(0);
      // The job ends (and is counted) a little after its deletes commit.
      await expect.poll(() => runner.stats().byTask[CLEANUP_JOB], { timeout: 10_000, interval: 50 }).toEqual({ completed: 1, failed: 0 });
      // The schedule is known to graphile-worker's cron, and its jobs go to a queue of their own, which runs serially.
      expect(await count(`SELECT count(*) FROM graphile_worker._private_known_crontabs WHERE identifier = $1`, [CLEANUP_JOB])).toBe(1);
      expect(await count(`SELECT count(*) FROM graphile_worker._private_job_queues WHERE queue_name = $1`, [CLEANUP_JOB])).toBe(1);
    } finally {
      await runner.stop();
    }
  });

  it('keeps up under sustained insert load: the backlog stays bounded', { timeout: 40_000 }, async ({ annotate }) => {
    // A writer adds expired bus payloads at a steady rate while cleanup runs on a short interval (the cron's every minute, compressed).
    const durationMs = 10_000;
    const rowsPerInsert = 250;
    const insertEveryMs = 25;
    const writer = new pg.Client(db.config);
    await writer.connect();
    const expired = `SELECT count(*) FROM bus_payloads WHERE created_at < now() - interval '300 seconds'`;
    let inserted = 0;
    let deleted = 0;
    let passes = 0;
    let passesBehind = 0;
    const samples: number[] = [];
    const until = Date.now() + durationMs;
    const writing = (async () => {
      for (let next = Date.now(); Date.now() < until; next += insertEveryMs) {
        await writer.query(`INSERT INTO bus_payloads (topic, payload, created_at) SELECT 'load', repeat('x', 200), now() - interval '10 minutes' FROM generate_series(1, $1)`, [rowsPerInsert]);
        inserted += rowsPerInsert;
        await sleep(Math.max(0, next + insertEveryMs - Date.now()));
      }
    })();
    const cleaning = (async () => {
      while (Date.now() < until) {
        const result = await runCleanup(db.pool, { maxMs: 250 });
        deleted += result.deleted.bus_payloads ?? 0;
        passes++;
        if (!result.caughtUp) passesBehind++;
        await sleep(500);
      }
    })();
    const sampling = (async () => {
      while (Date.now() < until) {
        await sleep(1_000);
        samples.push(await count(expired));
      }
    })();
    await Promise.all([writing, cleaning, sampling]);
    await writer.end();
    const backlog = await count(expired);
    const seconds = durationMs / 1000;
    await annotate(
      `inserted ${inserted} expired rows in ${seconds} s (${Math.round(inserted / seconds)}/s); cleanup deleted ${deleted} in ${passes} passes ` +
        `(${passesBehind} ran out of budget); backlog each second: ${samples.join(', ')}; backlog at the end: ${backlog}`,
    );

    expect(deleted + backlog).toBe(inserted);
    // Keeping up: what is left is about one cleanup interval of inserts, not a growing share of everything inserted.
    const perSecond = inserted / seconds;
    expect(backlog).toBeLessThanOrEqual(perSecond * 1.5);
    expect(Math.max(...samples.slice(-3))).toBeLessThanOrEqual(perSecond * 1.5);
  });
});
