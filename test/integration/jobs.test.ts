import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { JobRunner, type JobDefinition } from '../../server/src/platform/jobs.ts';
import { LockManager } from '../../server/src/platform/locks.ts';
import { REPO } from '../helpers/serve.ts';

const silent = pino({ level: 'silent' });

/** A jobs-peer child process: another instance of the runner on the same database. */
class Peer {
  private readonly child: ChildProcess;
  private readonly messages: Array<Record<string, unknown>> = [];
  private readonly waiters: Array<() => void> = [];
  stderr = '';

  constructor(url: string, readonly instance: string, args: string[] = []) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/jobs-peer.ts', '--url', url, '--instance', instance, ...args], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.messages.push(JSON.parse(line) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** The next message with this event, consumed. */
  async next(event: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.event === event || m.event === 'error');
      if (index >= 0) {
        const [message] = this.messages.splice(index, 1);
        if (message!.event === 'error') throw new Error(`${this.instance}: ${String(message!.message)}`);
        return message!;
      }
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`${this.instance} sent no "${event}" (stderr: ${this.stderr})`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async request(command: object, event: string): Promise<Record<string, unknown>> {
    this.send(command);
    return this.next(event);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  /** Resolves once the process has exited; a process that already exited resolves at once. */
  exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
}

async function startPeers(url: string, instances: string[], args: string[] = []): Promise<Peer[]> {
  const started = instances.map((instance) => new Peer(url, instance, args));
  peers.push(...started);
  await Promise.all(started.map((peer) => peer.next('ready')));
  return started;
}

/** The table jobs-peer's test:exclusive and test:parallel jobs record their runs in. */
async function createJobRunsTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE job_runs (id serial PRIMARY KEY, task text NOT NULL, label text, instance text NOT NULL,
    started_at timestamptz NOT NULL, finished_at timestamptz)`);
}

interface JobRun {
  label: string;
  instance: string;
  started_at: Date;
  finished_at: Date | null;
}

async function runsLabelled(pool: pg.Pool, label: string): Promise<JobRun[]> {
  const { rows } = await pool.query<JobRun>('SELECT label, instance, started_at, finished_at FROM job_runs WHERE label = $1 ORDER BY id', [label]);
  return rows;
}

/** A LockManager on a connection of its own, named so that the test can find (and terminate) it. */
function newLockManager(config: pg.ClientConfig, applicationName: string): LockManager {
  const manager = new LockManager(async () => {
    const client = new pg.Client({ ...config, application_name: applicationName });
    await client.connect();
    return client;
  }, silent);
  lockManagers.push(manager);
  return manager;
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return rows[0]!.n;
}

const peers: Peer[] = [];
const lockManagers: LockManager[] = [];
const databases: TestDatabase[] = [];
let db: TestDatabase;
// The cron tests wait for a real minute boundary, so their instances start first and the other tests run meanwhile.
let cronDb: TestDatabase;
let cronPeers: Peer[];
let cronPeersReadyAt: number;
// A singleton job scheduled every minute in this process, whose lock the test holds (as if another instance ran it).
const CONTENDED_TICK_JOB = 'unit:contended-tick';
let contendedTickRunner: JobRunner;
let contendedTickRuns = 0;

beforeAll(async () => {
  [db, cronDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  databases.push(db, cronDb);
  await cronDb.pool.query('CREATE TABLE cron_runs (instance text NOT NULL, tick timestamptz NOT NULL)');
  const otherInstance = await newLockManager(cronDb.config, 'jobs-test-other-instance').tryAcquire(`job:${CONTENDED_TICK_JOB}`);
  expect(otherInstance).not.toBeNull();
  contendedTickRunner = new JobRunner({ pool: cronDb.pool, logger: silent, concurrency: 1, pollIntervalMs: 100, locks: newLockManager(cronDb.config, 'jobs-test-locks') });
  contendedTickRunner.define({ name: CONTENDED_TICK_JOB, singleton: true, handler: async () => void contendedTickRuns++ });
  contendedTickRunner.schedule(CONTENDED_TICK_JOB, '* * * * *');
  [cronPeers] = await Promise.all([startPeers(cronDb.url, ['cron-a', 'cron-b'], ['--cron']), contendedTickRunner.start()]);
  cronPeersReadyAt = Date.now();
});

afterAll(async () => {
  for (const peer of peers) peer.kill();
  await contendedTickRunner?.stop();
  for (const manager of lockManagers) await manager.close();
  await Promise.all(databases.map((database) => database.drop()));
});

/** The first minute boundary at which every cron loop started in beforeAll was surely running. */
function firstCronBoundary(): Date {
  // Leave a second of margin after they were ready.
  return new Date(Math.ceil((cronPeersReadyAt + 1_000) / 60_000) * 60_000);
}

describe('JobRunner in one process', () => {
  const runners: JobRunner[] = [];
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
  });

  function makeRunner(
    definitions: JobDefinition[],
    options: { logger?: pino.Logger; pool?: pg.Pool; shutdownTimeoutMs?: number; concurrency?: number; locks?: LockManager } = {},
  ) {
    const runner = new JobRunner({
      pool: options.pool ?? db.pool,
      logger: options.logger ?? silent,
      concurrency: options.concurrency ?? 2,
      pollIntervalMs: 100,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      locks: options.locks,
    });
    for (const definition of definitions) runner.define(definition);
    runners.push(runner);
    return runner;
  }

  it('queues many jobs in one statement with addMany, and runs every one with its own payload', async () => {
    const seen: number[] = [];
    const runner = makeRunner([{ name: 'unit:many', handler: async (payload) => void seen.push((payload as { n: number }).n) }, { name: 'unit:only-one', singleton: true, handler: async () => undefined }]);
    await runner.start();
    await runner.addMany('unit:many', Array.from({ length: 250 }, (_, n) => ({ n })));
    await waitFor(() => seen.length === 250, 20_000, 'all 250 jobs to run');
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, n) => n));
    await expect(runner.addMany('unit:only-one', [{}, {}])).rejects.toThrow(/singleton/);
    await expect(runner.addMany('unit:unknown', [{}])).rejects.toThrow(/no job named/);
    await runner.stop();
  });

  it('runs a queued job with its payload, a job logger and an abort signal', async () => {
    const seen: Array<{ payload: unknown; hasLogger: boolean; aborted: boolean }> = [];
    const runner = makeRunner([
      {
        name: 'unit:echo',
        async handler(payload, ctx) {
          seen.push({ payload, hasLogger: typeof ctx.logger.info === 'function', aborted: ctx.signal.aborted });
        },
      },
    ]);
    await runner.start();
    await runner.add('unit:echo', { greeting: 'hello' });
    await waitFor(() => seen.length === 1, 10_000, 'the job to run');
    expect(seen).toEqual([{ payload: { greeting: 'hello' }, hasLogger: true, aborted: false }]);
    expect(runner.stats()).toMatchObject({ completed: 1, failed: 0, running: 0, byTask: { 'unit:echo': { completed: 1, failed: 0 } } });
    expect(runner.stats().durationsMs.count).toBe(1);
    await runner.stop();
  });

  it('retries a failing job up to maxAttempts, keeps it as permanently failed, and logs the failures through pino', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    let attempts = 0;
    const runner = makeRunner(
      [
        {
          name: 'unit:flaky',
          maxAttempts: 2,
          async handler() {
            attempts++;
            throw new Error(`attempt ${attempts} failed`);
          },
        },
      ],
      { logger: pino({ level: 'debug' }, sink) },
    );
    await runner.start();
    await runner.add('unit:flaky');
    // graphile-worker backs off e^1 ≈ 2.7 s before the second attempt.
    await waitFor(() => attempts === 2, 15_000, 'two attempts');
    await waitFor(() => runner.stats().failed === 2, 5_000, 'the second failure to be counted');
    await sleep(300);
    expect(attempts).toBe(2);
    const { rows } = await db.pool.query(`SELECT attempts, max_attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = 'unit:flaky'`);
    expect(rows).toEqual([{ attempts: 2, max_attempts: 2, last_error: expect.stringContaining('attempt 2 failed') }]);
    expect(runner.stats().byTask['unit:flaky']).toEqual({ completed: 0, failed: 2 });
    const failureLogs = lines.filter((line) => line.component === 'graphile-worker' && line.level === 50 && String(line.msg).includes('unit:flaky'));
    expect(failureLogs).toHaveLength(2);
    await runner.stop();
  });

  it('runs a job no earlier than its runAt', async () => {
    const ranAt: number[] = [];
    const runner = makeRunner([{ name: 'unit:later', handler: async () => void ranAt.push(Date.now()) }]);
    await runner.start();
    const runAt = new Date(Date.now() + 1_000);
    await runner.add('unit:later', {}, { runAt });
    await sleep(500);
    expect(ranAt).toEqual([]);
    await waitFor(() => ranAt.length === 1, 5_000, 'the delayed job');
    // PostgreSQL's clock decides; allow the two clocks a few ms apart.
    expect(ranAt[0]!).toBeGreaterThanOrEqual(runAt.getTime() - 20);
    await runner.stop();
  });

  it('keeps one pending job per jobKey, with the latest payload', async () => {
    const payloads: unknown[] = [];
    const runner = makeRunner([{ name: 'unit:keyed', handler: async (payload) => void payloads.push(payload) }]);
    await runner.add('unit:keyed', { version: 1 }, { jobKey: 'keyed:1' });
    await runner.add('unit:keyed', { version: 2 }, { jobKey: 'keyed:1' });
    await runner.start();
    await waitFor(() => payloads.length >= 1, 10_000, 'the keyed job');
    await sleep(300);
    expect(payloads).toEqual([{ version: 2 }]);
    await runner.stop();
  });

  it('runs every queued job exactly once with several workers', async () => {
    const ran = new Map<number, number>();
    const runner = makeRunner([
      {
        name: 'unit:many',
        async handler(payload) {
          const { n } = payload as { n: number };
          ran.set(n, (ran.get(n) ?? 0) + 1);
        },
      },
    ], { concurrency: 4 });
    await db.pool.query(`SELECT graphile_worker.add_jobs(array_agg(('unit:many', json_build_object('n', n), null, null, null, null, null, null)::graphile_worker.job_spec)) FROM generate_series(1, 300) n`);
    await runner.start();
    await waitFor(() => runner.stats().completed === 300, 30_000, '300 jobs');
    expect(ran.size).toBe(300);
    expect([...ran.values()].every((times) => times === 1)).toBe(true);
    await runner.stop();
  });

  it('reports alive only between start and stop', async () => {
    const runner = makeRunner([{ name: 'unit:noop', handler: async () => undefined }]);
    expect(runner.alive()).toBe(false);
    await runner.start();
    expect(runner.alive()).toBe(true);
    await runner.stop();
    expect(runner.alive()).toBe(false);
    await runner.stop();
    expect(() => runner.define({ name: 'unit:late', handler: async () => undefined })).toThrow(/after the job runner has started/);
  });

  it('refuses a malformed cron expression, a schedule for an undefined job and an undefined job name', async () => {
    const runner = makeRunner([{ name: 'unit:cron', handler: async () => undefined }]);
    expect(() => runner.schedule('unit:cron', '* * * *')).toThrow();
    expect(() => runner.schedule('unit:cron', '61 * * * *')).toThrow();
    expect(() => runner.schedule('unit:missing', '* * * * *')).toThrow(/define the job/);
    await expect(runner.add('unit:missing')).rejects.toThrow(/no job named/);
  });

  it('borrows only the pool it was given, one connection of which holds the LISTEN', async () => {
    const pool = new pg.Pool({ ...db.config, max: 4, application_name: 'jobs-under-test' });
    try {
      let done = 0;
      const runner = makeRunner([{ name: 'unit:pooled', handler: async () => void done++ }], { pool, concurrency: 3 });
      await runner.start();
      for (let i = 0; i < 20; i++) await runner.add('unit:pooled');
      await waitFor(() => done === 20, 10_000, '20 jobs');
      const { rows } = await db.pool.query<{ application_name: string; query: string }>(
        `SELECT application_name, query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [db.name],
      );
      const others = rows.filter((row) => row.application_name !== 'jobs-under-test' && row.application_name !== '');
      expect(others).toEqual([]);
      const listeners = rows.filter((row) => row.application_name === 'jobs-under-test' && /^LISTEN/i.test(row.query.trim()));
      expect(listeners).toHaveLength(1);
      expect(pool.totalCount).toBeLessThanOrEqual(4);
      await runner.stop();
    } finally {
      await pool.end();
    }
  });

  it('lets a running job finish when stopped, aborting its signal half way through the shutdown timeout', async () => {
    let started = false;
    let finished = false;
    const runner = makeRunner(
      [
        {
          name: 'unit:cooperative',
          async handler(_payload, { signal }) {
            started = true;
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            finished = true;
          },
        },
      ],
      { shutdownTimeoutMs: 1_000 },
    );
    await runner.start();
    await runner.add('unit:cooperative');
    await waitFor(() => started, 10_000, 'the job to start');
    const stopStarted = Date.now();
    await runner.stop();
    expect(finished).toBe(true);
    expect(Date.now() - stopStarted).toBeLessThan(1_000);
    expect(runner.stats().byTask['unit:cooperative']).toEqual({ completed: 1, failed: 0 });
    expect(await count(db.pool, `SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'unit:cooperative'`)).toBe(0);
  });

  it('gives up on a job that ignores its signal after the shutdown timeout and unlocks it for a retry elsewhere', async () => {
    let started = false;
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const runner = makeRunner([{ name: 'unit:stubborn', handler: async () => { started = true; await stuck; } }], { shutdownTimeoutMs: 800 });
    await runner.start();
    await runner.add('unit:stubborn');
    await waitFor(() => started, 10_000, 'the job to start');
    const stopStarted = Date.now();
    await runner.stop();
    const elapsed = Date.now() - stopStarted;
    release();
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(3_000);
    const { rows } = await db.pool.query(`SELECT attempts, locked_at, last_error FROM graphile_worker.jobs WHERE task_identifier = 'unit:stubborn'`);
    expect(rows).toEqual([{ attempts: 1, locked_at: null, last_error: expect.stringContaining('stopped') }]);
  });

  it('keeps its cron schedule through failing schedule queries, reporting not alive until they succeed again', async () => {
    const runner = makeRunner([{ name: 'unit:scheduled', handler: async () => undefined }]);
    runner.schedule('unit:scheduled', '0 0 1 1 *');
    // The cron loop reads this table when it starts. In graphile-worker 0.16 such a failure would end the process.
    await db.pool.query('ALTER TABLE graphile_worker._private_known_crontabs RENAME TO known_crontabs_hidden');
    try {
      await runner.start();
      await waitFor(() => !runner.alive(), 5_000, 'the schedule query to fail');
    } finally {
      await db.pool.query('ALTER TABLE graphile_worker.known_crontabs_hidden RENAME TO _private_known_crontabs');
    }
    await waitFor(() => runner.alive(), 10_000, 'the schedule query to succeed');
    expect(await count(db.pool, `SELECT count(*) FROM graphile_worker._private_known_crontabs WHERE identifier = 'unit:scheduled'`)).toBe(1);
    await runner.stop();
    expect(runner.alive()).toBe(false);
  });

  it('replaces a worker that could not record a job outcome, and runs the job it held again', async () => {
    let runs = 0;
    const runner = makeRunner([
      {
        name: 'unit:orphaned',
        async handler() {
          runs++;
          // Completing the job now fails, which graphile-worker 0.16 answers by ending the worker for good.
          if (runs === 1) await db.pool.query('ALTER TABLE graphile_worker._private_jobs RENAME TO jobs_hidden');
        },
      },
    ]);
    await runner.start();
    await runner.add('unit:orphaned');
    try {
      await waitFor(() => !runner.alive(), 10_000, 'the worker to die');
    } finally {
      await db.pool.query('ALTER TABLE graphile_worker.jobs_hidden RENAME TO _private_jobs');
    }
    await waitFor(() => runner.alive(), 15_000, 'a new runner');
    await waitFor(() => runs === 2, 10_000, 'the job to run again');
    expect(await count(db.pool, `SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'unit:orphaned'`)).toBe(0);
    await runner.stop();
  });

  it('queues a singleton job whose lock another instance holds again for a second later, with its payload, key and attempts, so that a newer add with that key replaces it', async () => {
    const payloads: unknown[] = [];
    const runner = makeRunner([{ name: 'unit:keyed-singleton', singleton: true, handler: async (payload) => void payloads.push(payload) }], {
      locks: newLockManager(db.config, 'jobs-test-keyed-singleton'),
    });
    const otherInstance = await newLockManager(db.config, 'jobs-test-keyed-other').tryAcquire('job:unit:keyed-singleton');
    expect(otherInstance).not.toBeNull();
    const queued = async () =>
      (
        await db.pool.query<{ id: string; key: string | null; locked: boolean; attempts: number; last_error: string | null; payload: unknown; delay_ms: number }>(
          `SELECT j.id, j.key, j.locked_at IS NOT NULL AS locked, j.attempts, j.last_error, j.payload, (extract(epoch FROM j.run_at - j.created_at) * 1000)::float8 AS delay_ms
           FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'unit:keyed-singleton'`,
        )
      ).rows;
    await runner.add('unit:keyed-singleton', { version: 1 }, { jobKey: 'keyed-singleton' });
    const [first] = await queued();
    // As if it had failed twice before.
    await db.pool.query('SELECT FROM graphile_worker.reschedule_jobs(ARRAY[$1::bigint], attempts => 2)', [first!.id]);
    await runner.start();
    // Taken, found locked, and replaced by a job due 1 to 2 s later that carries the same key and payload, not a failure.
    let again: Awaited<ReturnType<typeof queued>>[number] | undefined;
    await waitFor(async () => (again = (await queued()).find((job) => job.id !== first!.id && !job.locked)) !== undefined, 10_000, 'the job to be queued again');
    expect(again).toMatchObject({ key: 'keyed-singleton', attempts: 2, payload: { version: 1 } });
    expect(again!.delay_ms).toBeGreaterThanOrEqual(1_000);
    expect(again!.delay_ms).toBeLessThanOrEqual(2_000);
    await runner.add('unit:keyed-singleton', { version: 2 }, { jobKey: 'keyed-singleton' });
    await otherInstance!.release();
    await waitFor(() => payloads.length >= 1, 10_000, 'the job to run once the lock is free');
    await sleep(2_500);
    expect(payloads).toEqual([{ version: 2 }]);
    expect(await queued()).toEqual([]);
    expect(runner.stats().byTask['unit:keyed-singleton']).toEqual({ completed: 1, failed: 0 });
    await runner.stop();
  });

  it('aborts the signal of a singleton job whose lock connection dies', async () => {
    let signal: AbortSignal | undefined;
    const runner = makeRunner(
      [
        {
          name: 'unit:lock-lost',
          singleton: true,
          async handler(_payload, ctx) {
            signal = ctx.signal;
            await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
          },
        },
      ],
      { locks: newLockManager(db.config, 'jobs-test-lock-lost') },
    );
    await runner.start();
    await runner.add('unit:lock-lost');
    await waitFor(() => signal !== undefined, 10_000, 'the job to start');
    expect(signal!.aborted).toBe(false);
    await db.pool.query(`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = 'jobs-test-lock-lost' AND datname = $1`, [db.name]);
    await waitFor(() => signal!.aborted, 5_000, 'the signal to be aborted');
    expect(String(signal!.reason)).toMatch(/lost the lock "job:unit:lock-lost"/);
    await waitFor(() => runner.stats().byTask['unit:lock-lost']!.completed === 1, 5_000, 'the job to finish');
    await runner.stop();
  });
});

describe('JobRunner across processes', () => {
  // Two workers each, looking for due jobs every 50 ms besides being woken by every new job.
  const eagerPeer = ['--concurrency', '2', '--poll-ms', '50'];

  async function freshDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase();
    databases.push(database);
    await createJobRunsTable(database.pool);
    return database;
  }

  it('never runs a singleton job on two instances at once, while ordinary jobs overlap', async () => {
    await createJobRunsTable(db.pool);
    const pair = await startPeers(db.url, ['peer-a', 'peer-b'], eagerPeer);
    const finished = (task: string) => count(db.pool, 'SELECT count(*) FROM job_runs WHERE task = $1 AND finished_at IS NOT NULL', [task]);
    const overlaps = (task: string) =>
      count(
        db.pool,
        `SELECT count(*) FROM job_runs a JOIN job_runs b ON a.id < b.id AND a.task = b.task
         WHERE a.task = $1 AND a.started_at < b.finished_at AND b.started_at < a.finished_at`,
        [task],
      );
    const instances = async (task: string) =>
      (await db.pool.query<{ instance: string }>('SELECT DISTINCT instance FROM job_runs WHERE task = $1 ORDER BY instance', [task])).rows.map((r) => r.instance);
    const spanMs = (task: string) =>
      count(db.pool, 'SELECT extract(epoch FROM max(finished_at) - min(started_at)) * 1000 FROM job_runs WHERE task = $1', [task]);

    // The control: eight ordinary jobs spread over both instances and run side by side.
    await pair[0]!.request({ cmd: 'add', name: 'test:parallel', payload: { sleepMs: 300 }, count: 8 }, 'added');
    await waitFor(async () => (await finished('test:parallel')) === 8, 20_000, '8 parallel jobs');
    expect(await instances('test:parallel')).toEqual(['peer-a', 'peer-b']);
    expect(await overlaps('test:parallel')).toBeGreaterThan(0);

    // The same with a singleton job: four idle workers in two processes, six jobs due, and still one at a time.
    await pair[1]!.request({ cmd: 'add', name: 'test:exclusive', payload: { sleepMs: 250 }, count: 6 }, 'added');
    await waitFor(async () => (await finished('test:exclusive')) === 6, 20_000, '6 singleton jobs');
    expect(await overlaps('test:exclusive')).toBe(0);
    expect(await spanMs('test:exclusive')).toBeGreaterThanOrEqual(6 * 250);
    await Promise.all(pair.map((peer) => peer.request({ cmd: 'stop' }, 'stopped')));
  });

  it('lets another instance run a singleton job within seconds after the instance running it was killed', { timeout: 30_000 }, async () => {
    const database = await freshDatabase();
    // The holder has one worker, busy with the endless job: it never holds the next job, which it could not hand on once killed
    // (a job held by a killed instance waits for graphile-worker's 4-hour reset, singleton or not).
    const [holder] = await startPeers(database.url, ['killed'], ['--concurrency', '1', '--poll-ms', '50']);
    await holder!.request({ cmd: 'add', name: 'test:exclusive', payload: { sleepMs: 600_000, label: 'endless' } }, 'added');
    await waitFor(async () => (await runsLabelled(database.pool, 'endless')).length === 1, 10_000, 'the endless job to start');
    const [survivor] = await startPeers(database.url, ['survivor'], eagerPeer);
    // The next one is already waiting when the holder dies, as the next cron tick would be.
    await survivor!.request({ cmd: 'add', name: 'test:exclusive', payload: { label: 'next' } }, 'added');
    await sleep(1_500);
    expect(await runsLabelled(database.pool, 'next')).toEqual([]);
    holder!.kill();
    await holder!.exited();
    const killedAt = Date.now();
    await waitFor(async () => (await runsLabelled(database.pool, 'next')).some((run) => run.finished_at !== null), 10_000, 'the next job to run');
    const [next] = await runsLabelled(database.pool, 'next');
    expect(next!.instance).toBe('survivor');
    expect(next!.finished_at!.getTime() - killedAt).toBeLessThan(5_000);
    // graphile-worker itself still holds the dead instance's job: only its 4-hour stale-lock reset would free it.
    expect(await count(database.pool, `SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'test:exclusive' AND locked_at IS NOT NULL`)).toBe(1);
    await survivor!.request({ cmd: 'stop' }, 'stopped');
  });

  it('runs a singleton job queued while another instance runs one after that one finishes, without failing it', { timeout: 30_000 }, async () => {
    const database = await freshDatabase();
    const pair = await startPeers(database.url, ['later-a', 'later-b'], eagerPeer);
    await pair[0]!.request({ cmd: 'add', name: 'test:exclusive', payload: { sleepMs: 2_000, label: 'first' } }, 'added');
    await waitFor(async () => (await runsLabelled(database.pool, 'first')).length === 1, 10_000, 'the first job to start');
    await pair[1]!.request({ cmd: 'add', name: 'test:exclusive', payload: { label: 'second' } }, 'added');
    await waitFor(async () => (await runsLabelled(database.pool, 'second')).some((run) => run.finished_at !== null), 15_000, 'the second job to run');
    const [first] = await runsLabelled(database.pool, 'first');
    const seconds = await runsLabelled(database.pool, 'second');
    expect(seconds).toHaveLength(1);
    expect(seconds[0]!.started_at.getTime()).toBeGreaterThanOrEqual(first!.finished_at!.getTime());
    // graphile-worker deletes a job's row just after its handler returns (the handler wrote finished_at before that).
    await waitFor(async () => (await count(database.pool, `SELECT count(*) FROM graphile_worker.jobs`)) === 0, 10_000, 'the queue to be empty');
    const stopped = await Promise.all(pair.map((peer) => peer.request({ cmd: 'stop' }, 'stopped')));
    for (const { stats } of stopped) expect(stats).toMatchObject({ failed: 0 });
  });

  it('enqueues a cron tick once across two instances', { timeout: 90_000 }, async () => {
    const tick = firstCronBoundary();
    await sleep(Math.max(0, tick.getTime() - Date.now()));
    await waitFor(async () => (await count(cronDb.pool, 'SELECT count(*) FROM cron_runs WHERE tick = $1', [tick])) > 0, 15_000, 'the tick job to run');
    await sleep(2_000);
    const { rows } = await cronDb.pool.query<{ tick: Date; runs: number }>('SELECT tick, count(*)::int AS runs FROM cron_runs GROUP BY tick ORDER BY tick');
    expect(rows).toContainEqual({ tick, runs: 1 });
    expect(rows.every((row) => row.runs === 1)).toBe(true);
    // Both instances were still running their cron loops (a crashed loop stops the runner).
    for (const peer of cronPeers) expect(await peer.request({ cmd: 'status' }, 'status')).toMatchObject({ alive: true });
  });

  it('skips a cron tick of a singleton job whose lock another instance holds, neither running, failing nor queueing it again', { timeout: 90_000 }, async () => {
    const tick = firstCronBoundary();
    const ticked = () =>
      count(cronDb.pool, `SELECT count(*) FROM graphile_worker._private_known_crontabs WHERE identifier = $1 AND last_execution >= $2`, [CONTENDED_TICK_JOB, tick]);
    const pending = () => count(cronDb.pool, `SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = $1`, [CONTENDED_TICK_JOB]);
    await sleep(Math.max(0, tick.getTime() - Date.now()));
    await waitFor(async () => (await ticked()) === 1, 15_000, 'the tick to be enqueued');
    await waitFor(async () => (await pending()) === 0, 10_000, 'the tick job to be taken and finished');
    await sleep(2_500);
    expect(await pending()).toBe(0);
    expect(contendedTickRuns).toBe(0);
    expect(contendedTickRunner.stats()).toMatchObject({ completed: 0, failed: 0 });
  });
});
