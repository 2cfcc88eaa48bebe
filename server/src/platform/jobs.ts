// Background jobs on graphile-worker (a maintained PostgreSQL queue that runs on Node 20).
// The runner borrows the process's pool, so its connections count inside the process's connection budget:
// graphile-worker keeps one pool connection for its LISTEN (new-job notifications) for as long as it runs,
// and each running job borrows one more while it fetches, completes or queries.
// Singleton jobs hold a session advisory lock (LockManager) while they run, rather than relying on a graphile-worker
// named queue: a queue stays locked for 4 hours after its holder is killed, while PostgreSQL drops a session lock
// the moment the holder's connection closes.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import {
  Logger as WorkerLogger,
  parseCronItems,
  run,
  runMigrations,
  type Job,
  type JobHelpers,
  type LogFunctionFactory,
  type ParsedCronItem,
  type Runner,
  type TaskList,
  type WorkerEvents,
  type WorkerPool,
} from 'graphile-worker';
import type { LockManager } from './locks.ts';

/** The schema graphile-worker keeps its queue in; its public SQL API (add_job, complete_jobs, jobs view) lives here. */
export const JOB_SCHEMA = 'graphile_worker';

export interface JobContext {
  logger: Logger;
  /** Aborted when the runner is shutting down, or a singleton job lost its lock, and the job should wrap up. */
  signal: AbortSignal;
}

export interface JobDefinition {
  name: string;
  handler: (payload: unknown, ctx: JobContext) => Promise<void>;
  /**
   * Never runs twice at once, across every instance: each run holds the advisory lock `job:<name>`.
   * A scheduled tick that finds the lock held is skipped (the holder is doing that work);
   * a job queued with add() that finds it held is queued again to run a little later.
   */
  singleton?: boolean;
  /** Attempts before the job fails permanently (graphile-worker's default is 25, with exponential backoff). */
  maxAttempts?: number;
}

export interface JobDeps {
  /** Queries that must be durable: adding jobs, requeues, unlocking dead workers. */
  pool: pg.Pool;
  /**
   * graphile-worker's own connections (fetching and completing jobs, its LISTEN, cron). The appliance gives it a
   * separate pool with synchronous_commit off: a completion lost in a crash only means the job runs again, which
   * every job must tolerate anyway, and it saves a WAL flush per job. Defaults to `pool`.
   */
  workerPool?: pg.Pool;
  logger: Logger;
  concurrency: number;
  /** How often idle workers look for jobs that became due (new jobs arrive by LISTEN at once). Default 2000. */
  pollIntervalMs?: number;
  /** How long stop() lets running jobs finish; their signal is aborted at half of it. Default 10 000. */
  shutdownTimeoutMs?: number;
  /**
   * The process's lock manager, which singleton jobs take their locks from.
   * Without it, singleton jobs fall back to a graphile-worker named queue, which a killed instance blocks for 4 hours.
   */
  locks?: LockManager;
}

export interface JobStats {
  completed: number;
  failed: number;
  running: number;
  durationsMs: { count: number; sum: number };
  byTask: Record<string, { completed: number; failed: number }>;
}

type RunnerState = 'idle' | 'running' | 'crashed' | 'stopping' | 'stopped';

const RESTART_MIN_DELAY_MS = 1_000;
const RESTART_MAX_DELAY_MS = 30_000;
/** A runner that stayed up this long before crashing restarts after the shortest delay again. */
const RESTART_STABLE_MS = 60_000;
const NEVER_ABORTED = new AbortController().signal;
/** A queued singleton job that finds its lock held runs again after a delay in this range (jittered, so waiting jobs spread out). */
const CONTENDED_RETRY_MIN_MS = 1_000;
const CONTENDED_RETRY_MAX_MS = 2_000;

export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly cronItems: ParsedCronItem[] = [];
  private readonly workerLogger: WorkerLogger;
  private readonly shutdownTimeoutMs: number;
  private state: RunnerState = 'idle';
  private runner: Runner | null = null;
  private workerPool: WorkerPool | null = null;
  /** Aborted to let the current runner's retrying cron queries give up, so that it can stop. */
  private runnerAbort = new AbortController();
  /** Aborted when the current runner's jobs were failed by a forced shutdown while their tasks still ran. */
  private runnerForced = new AbortController();
  private cronFailing = false;
  private launchedAt = 0;
  private restartDelayMs = RESTART_MIN_DELAY_MS;
  private restarting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private readonly stopController = new AbortController();
  /** Workers that died holding a job; their locks are released before the next runner starts. */
  private readonly deadWorkerIds = new Set<string>();
  private readonly totals = { completed: 0, failed: 0, running: 0, durationCount: 0, durationSum: 0 };
  private readonly byTask = new Map<string, { completed: number; failed: number }>();

  constructor(private readonly deps: JobDeps) {
    if (!Number.isInteger(deps.concurrency) || deps.concurrency < 1) throw new RangeError(`job concurrency must be a positive integer, got ${deps.concurrency}`);
    this.workerLogger = new WorkerLogger(pinoLogFactory(deps.logger));
    this.shutdownTimeoutMs = deps.shutdownTimeoutMs ?? 10_000;
  }

  define(definition: JobDefinition): void {
    this.assertNotStarted('define');
    if (!definition.name || definition.name.length > 128) throw new RangeError(`a job name must have 1 to 128 characters: "${definition.name}"`);
    if (this.definitions.has(definition.name)) throw new Error(`the job "${definition.name}" is already defined`);
    this.definitions.set(definition.name, definition);
    this.byTask.set(definition.name, { completed: 0, failed: 0 });
  }

  /**
   * Runs the job on a 5-field cron schedule (UTC). Every instance schedules it, and graphile-worker's
   * known_crontabs row lets exactly one of them enqueue each tick.
   */
  schedule(name: string, cron: string, options: { payload?: unknown } = {}): void {
    this.assertNotStarted('schedule');
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`define the job "${name}" before scheduling it`);
    if (this.cronItems.some((item) => item.identifier === name)) throw new Error(`the job "${name}" is already scheduled`);
    const payload = options.payload ?? {};
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new TypeError(`the payload of the scheduled job "${name}" must be an object (graphile-worker adds _cron to it)`);
    }
    // Parsed here, so a bad expression fails at startup with the job's name rather than at the first tick.
    const [item] = parseCronItems([
      {
        task: name,
        identifier: name,
        match: cron,
        payload: payload as Record<string, unknown>,
        options: {
          backfillPeriod: 0,
          queueName: this.singletonQueue(definition),
          // A tick that finds the previous tick's job still waiting replaces it, so ticks never pile up.
          jobKey: cronJobKey(name),
          jobKeyMode: 'replace',
          maxAttempts: definition.maxAttempts,
        },
      },
    ]);
    if (item) this.cronItems.push(item);
  }

  async start(): Promise<void> {
    this.assertNotStarted('start');
    if (!this.deps.locks && [...this.definitions.values()].some((definition) => definition.singleton)) {
      this.deps.logger.warn('singleton jobs run on a graphile-worker named queue, which a killed instance blocks for up to 4 hours; give the job runner a LockManager');
    }
    await this.launch();
    this.state = 'running';
  }

  /** Queues a job; works before start() and from instances that only enqueue. */
  async add(name: string, payload?: unknown, options: { runAt?: Date; jobKey?: string; maxAttempts?: number } = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`no job named "${name}" is defined`);
    await this.deps.pool.query(
      `SELECT FROM ${JOB_SCHEMA}.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5, job_key => $6)`,
      [
        name,
        JSON.stringify(payload ?? {}),
        this.singletonQueue(definition) ?? null,
        options.runAt ?? null,
        options.maxAttempts ?? definition.maxAttempts ?? null,
        options.jobKey ?? null,
      ],
    );
  }

  /**
   * Queues many jobs of one kind in one statement (graphile-worker's add_jobs), for producers that fan out work.
   * Singleton jobs are refused: queueing many of a job that runs one at a time is a mistake.
   */
  async addMany(name: string, payloads: unknown[], options: { maxAttempts?: number } = {}): Promise<void> {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`no job named "${name}" is defined`);
    if (definition.singleton) throw new Error(`the job "${name}" is a singleton: add its jobs one at a time`);
    if (payloads.length === 0) return;
    await this.deps.pool.query(
      `SELECT FROM ${JOB_SCHEMA}.add_jobs(ARRAY(
         SELECT ROW($1::text, payload, NULL, NULL, $2::int, NULL, NULL, NULL)::${JOB_SCHEMA}.job_spec
         FROM json_array_elements($3::json) AS payload))`,
      [name, options.maxAttempts ?? definition.maxAttempts ?? null, JSON.stringify(payloads.map((p) => p ?? {}))],
    );
  }

  /** For /readyz: started, not stopped, workers running and cron able to reach its tables. */
  alive(): boolean {
    return this.state === 'running' && this.runner !== null && !this.cronFailing;
  }

  stats(): JobStats {
    const { completed, failed, running, durationCount, durationSum } = this.totals;
    const byTask: JobStats['byTask'] = {};
    for (const [name, counts] of this.byTask) byTask[name] = { ...counts };
    return { completed, failed, running, durationsMs: { count: durationCount, sum: durationSum }, byTask };
  }

  /** Stops taking jobs and lets running ones finish; after shutdownTimeoutMs they are failed, so another instance retries them. */
  stop(): Promise<void> {
    if (this.state === 'idle') this.state = 'stopped';
    if (this.state === 'stopped') return Promise.resolve();
    this.stopping ??= (async () => {
      this.state = 'stopping';
      this.stopController.abort();
      await this.restarting;
      await this.shutdownRunner();
      await this.unlockDeadWorkers().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not unlock the jobs of workers that died'));
      this.state = 'stopped';
    })();
    return this.stopping;
  }

  /** The named queue that serializes a singleton job when there is no LockManager to lock it with. */
  private singletonQueue(definition: JobDefinition): string | undefined {
    return definition.singleton && !this.deps.locks ? definition.name : undefined;
  }

  private assertNotStarted(action: string): void {
    if (this.state !== 'idle') throw new Error(`cannot ${action} after the job runner has started`);
  }

  private async launch(): Promise<void> {
    const events = new EventEmitter() as WorkerEvents;
    events.on('pool:create', ({ workerPool }) => {
      this.workerPool = workerPool;
    });
    // graphile-worker 0.16 never replaces a worker that failed to record a job's outcome (e.g. the database refused
    // the connection): the runner would go on with fewer workers, down to none. Start a fresh one instead.
    events.on('worker:fatalError', ({ worker, error }) => {
      this.deadWorkerIds.add(worker.workerId);
      this.crashed(error, 'a job worker could not record a job outcome and stopped; restarting the job runner');
    });
    this.runnerAbort = new AbortController();
    this.runnerForced = new AbortController();
    this.cronFailing = false;
    const runner = await run({
      pgPool: this.cronSafePool(this.runnerAbort.signal),
      concurrency: this.deps.concurrency,
      pollInterval: this.deps.pollIntervalMs ?? 2_000,
      gracefulShutdownAbortTimeout: Math.floor(this.shutdownTimeoutMs / 2),
      // The appliance's own shutdown sequence stops the runner.
      noHandleSignals: true,
      logger: this.workerLogger,
      events,
      taskList: this.taskList(this.runnerForced.signal),
      parsedCronItems: this.cronItems,
    });
    this.runner = runner;
    this.launchedAt = Date.now();
    runner.promise.then(
      () => this.onRunnerEnded(runner, undefined),
      (error: unknown) => this.onRunnerEnded(runner, error),
    );
  }

  /**
   * The pool as graphile-worker sees it. Only its cron calls pool.query, and in 0.16 a failed cron query stops the
   * runner through a promise nobody can handle: an unhandled rejection, which ends a Node 20 process
   * (fixed upstream in graphile/worker#544). So cron queries are retried here until they succeed,
   * or answer empty once this runner is stopping (cron then sees it was released and ends cleanly).
   */
  private cronSafePool(stopping: AbortSignal): pg.Pool {
    const pool = this.deps.workerPool ?? this.deps.pool;
    const retryingQuery = async (text: string, values?: unknown[]) => {
      for (let delayMs = RESTART_MIN_DELAY_MS; ; delayMs = Math.min(delayMs * 2, RESTART_MAX_DELAY_MS)) {
        try {
          const result = await pool.query(text, values);
          this.cronFailing = false;
          return result;
        } catch (error) {
          if (stopping.aborted) return emptyResult();
          this.cronFailing = true;
          this.deps.logger.warn({ err: error, retryInMs: delayMs }, 'a job schedule query failed; retrying it');
          const retry = await sleep(delayMs, true, { signal: stopping }).catch(() => false);
          if (!retry) return emptyResult();
        }
      }
    };
    return new Proxy(pool, {
      get(target, property) {
        if (property === 'query') return retryingQuery;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private taskList(forced: AbortSignal): TaskList {
    const tasks: TaskList = {};
    for (const definition of this.definitions.values()) {
      tasks[definition.name] = async (payload: unknown, helpers: JobHelpers) => {
        await this.runJob(definition, payload, helpers);
        // A forced shutdown already failed this job for a retry, which may be running elsewhere by now. graphile-worker 0.16
        // deletes the job of a task that returns, whoever holds it; a failure is only recorded by the worker that holds it.
        if (forced.aborted) throw new Error('the job finished after a forced shutdown had failed it for a retry');
      };
    }
    return tasks;
  }

  private async runJob(definition: JobDefinition, payload: unknown, helpers: JobHelpers): Promise<void> {
    const logger = this.deps.logger.child({ job: definition.name, jobId: helpers.job.id, attempt: helpers.job.attempts });
    const shutdown = helpers.abortSignal ?? NEVER_ABORTED;
    const locks = this.deps.locks;
    if (!definition.singleton || !locks) return this.runHandler(definition, payload, logger, shutdown);
    const outcome = await locks.runExclusive(singletonLockName(definition.name), (lockLost) =>
      this.runHandler(definition, payload, logger, AbortSignal.any([shutdown, lockLost])),
    );
    if (!outcome.ran) await this.deferContended(helpers.job, logger);
  }

  /** Another run of this singleton job holds its lock, here or on another instance. */
  private async deferContended(job: Job, logger: Logger): Promise<void> {
    if (job.key === cronJobKey(job.task_identifier)) {
      logger.debug('skipping this tick of a singleton job: another run of it is still going, and does its work');
      return;
    }
    const delayMs = CONTENDED_RETRY_MIN_MS + Math.floor(Math.random() * (CONTENDED_RETRY_MAX_MS - CONTENDED_RETRY_MIN_MS));
    const requeued = await requeueJob(this.deps.pool, job, delayMs);
    if (requeued) logger.debug({ retryInMs: delayMs }, 'another run of this singleton job is going; queued this job again for later');
    else logger.debug('another run of this singleton job is going, and this job was replaced meanwhile; dropping it');
  }

  private async runHandler(definition: JobDefinition, payload: unknown, logger: Logger, signal: AbortSignal): Promise<void> {
    const counts = this.byTask.get(definition.name)!;
    const started = performance.now();
    this.totals.running++;
    try {
      await definition.handler(payload, { logger, signal });
      this.totals.completed++;
      counts.completed++;
    } catch (error) {
      // graphile-worker logs the failure and schedules the retry.
      this.totals.failed++;
      counts.failed++;
      throw error;
    } finally {
      this.totals.running--;
      this.totals.durationCount++;
      this.totals.durationSum += performance.now() - started;
    }
  }

  /** graphile-worker's runner ends on its own only when something failed. */
  private onRunnerEnded(runner: Runner, error: unknown): void {
    if (runner !== this.runner) return;
    this.runner = null;
    this.workerPool = null;
    this.crashed(error, 'graphile-worker stopped unexpectedly; restarting the job runner');
  }

  private crashed(error: unknown, message: string): void {
    if (this.state !== 'running') return;
    this.state = 'crashed';
    this.deps.logger.error({ err: error }, message);
    this.restarting = this.recover().finally(() => {
      this.restarting = null;
    });
  }

  /** Stops what is left of the crashed runner, then starts a new one, backing off while that fails. */
  private async recover(): Promise<void> {
    // Out of graphile-worker's call stack first: crashes are reported from inside its event emitter.
    await new Promise((resolve) => setImmediate(resolve));
    await this.shutdownRunner();
    if (Date.now() - this.launchedAt > RESTART_STABLE_MS) this.restartDelayMs = RESTART_MIN_DELAY_MS;
    while (this.state === 'crashed') {
      const delayMs = this.restartDelayMs;
      this.restartDelayMs = Math.min(delayMs * 2, RESTART_MAX_DELAY_MS);
      if (!(await sleep(delayMs, true, { signal: this.stopController.signal }).catch(() => false))) return;
      try {
        await this.unlockDeadWorkers();
        await this.launch();
      } catch (error) {
        this.deps.logger.error({ err: error, retryInMs: this.restartDelayMs }, 'restarting the job runner failed');
        continue;
      }
      // stop() came meanwhile: it waits for this recovery, then stops the new runner.
      if (this.state !== 'crashed') return;
      this.state = 'running';
      this.deps.logger.info('the job runner is running again');
    }
  }

  /** The workers are gone (this process saw them die), so graphile-worker's force_unlock_workers is safe to use. */
  private async unlockDeadWorkers(): Promise<void> {
    if (this.deadWorkerIds.size === 0) return;
    const ids = [...this.deadWorkerIds];
    await this.deps.pool.query(`SELECT ${JOB_SCHEMA}.force_unlock_workers($1::text[])`, [ids]);
    for (const id of ids) this.deadWorkerIds.delete(id);
  }

  private async shutdownRunner(): Promise<void> {
    const runner = this.runner;
    const workerPool = this.workerPool;
    if (!runner) return;
    const forced = this.runnerForced;
    this.runnerAbort.abort();
    const stopped = runner.stop().catch((error: unknown) => this.deps.logger.error({ err: error }, 'stopping the job runner failed'));
    if (!(await settlesWithin(stopped, this.shutdownTimeoutMs))) {
      this.deps.logger.warn(
        { running: this.totals.running, timeoutMs: this.shutdownTimeoutMs },
        'running jobs did not finish in time; failing them so that another instance retries them',
      );
      forced.abort();
      await workerPool?.forcefulShutdown('the job runner was stopped').catch(() => undefined);
      await settlesWithin(stopped, this.shutdownTimeoutMs);
    }
    if (this.runner === runner) {
      this.runner = null;
      this.workerPool = null;
    }
  }
}

/** Creates or upgrades graphile-worker's own schema (graphile_worker). */
export async function migrateJobSchema(config: pg.ClientConfig): Promise<void> {
  const pool = new pg.Pool({ ...config, max: 1 });
  try {
    await runMigrations({ pgPool: pool, logger: new WorkerLogger(() => () => undefined) });
  } finally {
    await pool.end();
  }
}

function cronJobKey(name: string): string {
  return `cron:${name}`;
}

function singletonLockName(name: string): string {
  return `job:${name}`;
}

/**
 * Queues a job graphile-worker handed to this worker again, delayMs from now, with its payload, priority, flags and attempts.
 * It becomes a new job, since graphile-worker deletes the one it handed out once its task returns.
 * The new job takes the job key only while this one still holds it: one that lost its key to a newer add() was
 * replaced by that job, and is dropped (returns false), as is one graphile-worker no longer lets this worker hold.
 * The row is locked first (graphile-worker's public API has no way to), so that an add() with the same key
 * waits for this to commit, then updates the new job: the latest payload wins, as with any waiting keyed job.
 */
async function requeueJob(pool: pg.Pool, job: Job, delayMs: number): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ key: string | null }>(
      `SELECT key FROM ${JOB_SCHEMA}._private_jobs WHERE id = $1 AND locked_by = $2 FOR UPDATE`,
      [job.id, job.locked_by],
    );
    // Gone, or no longer ours (failed by a forced shutdown, which retries it): nothing to hand on.
    const replaced = rows.length === 0 || rows[0]!.key !== job.key;
    if (!replaced) {
      // add_job clears the key of this (locked) job and gives it to the new one.
      const { rows: added } = await client.query<{ id: string }>(
        `SELECT id FROM ${JOB_SCHEMA}.add_job($1, $2::json, run_at => now() + $3::int * interval '1 millisecond',
           max_attempts => $4, job_key => $5, priority => $6, flags => $7)`,
        [job.task_identifier, JSON.stringify(job.payload), delayMs, job.max_attempts, job.key, job.priority, job.flags ? Object.keys(job.flags) : null],
      );
      // Taking this job counted as an attempt; finding the lock held is not a failure, so it gives that attempt back.
      await client.query(`SELECT FROM ${JOB_SCHEMA}.reschedule_jobs(ARRAY[$1::bigint], attempts => $2)`, [added[0]!.id, job.attempts - 1]);
    }
    await client.query('COMMIT');
    client.release();
    return !replaced;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A connection that failed mid-transaction is not handed to anyone else.
    client.release(true);
    throw error;
  }
}

/** Routes graphile-worker's log lines into pino, with its scope (worker, task, job) as fields. */
function pinoLogFactory(logger: Logger): LogFunctionFactory {
  return (scope) => {
    const child = logger.child({ component: 'graphile-worker', label: scope.label, worker: scope.workerId, task: scope.taskIdentifier, jobId: scope.jobId });
    return (level, message, meta) => {
      const fields = meta?.error instanceof Error ? { err: meta.error } : {};
      // LogLevel is a const enum in graphile's types; its values are these strings.
      // Its info lines are one per completed job, so they are debug here.
      switch (level as string) {
        case 'error':
          return child.error(fields, message);
        case 'warning':
          return child.warn(fields, message);
        default:
          return child.debug(fields, message);
      }
    };
  };
}

function emptyResult(): pg.QueryResult {
  return { rows: [], rowCount: 0, command: '', oid: 0, fields: [] };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
