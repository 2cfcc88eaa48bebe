import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { JobRunner, type JobDefinition } from '../../server/src/platform/jobs.ts';

const silent = pino({ level: 'silent' });

/** A jobs-peer child process: another instance of the runner on the same database. */
class Peer {
  private readonly child: ChildProcess;
  private readonly messages: Array<Record<string, unknown>> = [];
  private readonly waiters: Array<() => void> = [];
  stderr = '';

  constructor(url: string, readonly instance: string, args: string[] = []) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/jobs-peer.ts', '--url', url, '--instance', instance, ...args], {
      cwd: '/work/main',
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
let db: TestDatabase;
// The cron test waits for a real minute boundary, so its two instances start first and the other tests run meanwhile.
let cronDb: TestDatabase;
let cronPeers: Peer[];
let cronPeersReadyAt: number;

beforeAll(async () => {
  [db, cronDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await cronDb.pool.query('CREATE TABLE cron_runs (instance text NOT NULL, tick timestamptz NOT NULL)');
  cronPeers = [new Peer(cronDb.url, 'cron-a', ['--cron']), new Peer(cronDb.url, 'cron-b', ['--cron'])];
  peers.push(...cronPeers);
  await Promise.all(cronPeers.map((peer) => peer.next('ready')));
  cronPeersReadyAt = Date.now();
});

afterAll(async () => {
  for (const peer of peers) peer.kill();
  await Promise.all([db?.drop(), cronDb?.drop()]);
});

describe('JobRunner in one process', () => {
  const runners: JobRunner[] = [];
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
  });

  function makeRunner(definitions: JobDefinition[], options: { logger?: pino.Logger; pool?: pg.Pool; shutdownTimeoutMs?: number; concurrency?: number } = {}) {
    const runner = new JobRunner({
      pool: options.pool ?? db.pool,
      logger: options.logger ?? silent,
      concurrency: options.concurrency ?? 2,
      pollIntervalMs: 100,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    });
    for (const definition of definitions) runner.define(definition);
    runners.push(runner);
    return runner;
  }

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
});

describe('JobRunner across processes', () => {
  it('never runs a singleton job on two instances at once, while ordinary jobs overlap', async () => {
    await db.pool.query(`CREATE TABLE job_runs (id serial PRIMARY KEY, task text NOT NULL, instance text NOT NULL,
      started_at timestamptz NOT NULL, finished_at timestamptz)`);
    // Two workers each, looking for due jobs every 50 ms besides being woken by every new job.
    const pair = [new Peer(db.url, 'peer-a', ['--concurrency', '2', '--poll-ms', '50']), new Peer(db.url, 'peer-b', ['--concurrency', '2', '--poll-ms', '50'])];
    peers.push(...pair);
    await Promise.all(pair.map((peer) => peer.next('ready')));
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

  it('enqueues a cron tick once across two instances', { timeout: 90_000 }, async () => {
    // Both instances' cron loops must be running at the boundary; leave a second of margin after they were ready.
    const boundary = Math.ceil((cronPeersReadyAt + 1_000) / 60_000) * 60_000;
    await sleep(Math.max(0, boundary - Date.now()));
    const tick = new Date(boundary);
    await waitFor(async () => (await count(cronDb.pool, 'SELECT count(*) FROM cron_runs WHERE tick = $1', [tick])) > 0, 15_000, 'the tick job to run');
    await sleep(2_000);
    const { rows } = await cronDb.pool.query<{ tick: Date; runs: number }>('SELECT tick, count(*)::int AS runs FROM cron_runs GROUP BY tick ORDER BY tick');
    expect(rows).toContainEqual({ tick, runs: 1 });
    expect(rows.every((row) => row.runs === 1)).toBe(true);
    // Both instances were still running their cron loops (a crashed loop stops the runner).
    for (const peer of cronPeers) expect(await peer.request({ cmd: 'status' }, 'status')).toMatchObject({ alive: true });
  });
});
