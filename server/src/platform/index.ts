// The PostgreSQL platform that replaces Redis: pool, locks, bus, cache, jobs, rate limits,
// assembled inside one connection budget.
import type pg from 'pg';
import type { Logger } from 'pino';
import { closePool, createPool, type DatabaseTarget } from '../db/pool.ts';
import { DirectConnections, planBudget, type ConnectionBudget } from '../postgres/budget.ts';
import { LockManager } from './locks.ts';
import { Bus } from './bus.ts';
import { Cache } from './cache.ts';
import { JobRunner } from './jobs.ts';
import { registerCleanupJob } from './cleanup.ts';
import { RateLimiter } from './rate-limit.ts';

export interface PlatformOptions {
  target: DatabaseTarget;
  instanceId: string;
  logger: Logger;
  maxConnections: number;
  statementTimeoutMs: number;
  jobConcurrency: number;
  lruMaxEntries: number;
}

export interface Platform {
  readonly instanceId: string;
  readonly budget: ConnectionBudget;
  readonly pool: pg.Pool;
  readonly jobsPool: pg.Pool;
  readonly direct: DirectConnections;
  readonly locks: LockManager;
  readonly bus: Bus;
  readonly cache: Cache;
  readonly jobs: JobRunner;
  readonly rateLimiter: RateLimiter;
  /** Connections this process holds right now: pool clients plus the direct ones. */
  connectionsInUse(): number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPlatform(options: PlatformOptions): Platform {
  const { logger, instanceId } = options;
  const budget = planBudget(options.maxConnections, options.jobConcurrency);
  const pool = createPool(options.target, { role: 'pool', instanceId, max: budget.pool, statementTimeoutMs: options.statementTimeoutMs });
  // An idle client that dies (its backend terminated) is reported here; the pool replaces it on demand.
  // Only the message and code: pg hangs the whole client object on its errors.
  pool.on('error', (error) => logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'an idle database connection was closed'));
  const jobsPool = createPool(options.target, { role: 'jobs', instanceId, max: budget.jobs, statementTimeoutMs: options.statementTimeoutMs, settings: { synchronous_commit: 'off' } });
  jobsPool.on('error', (error) => logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'an idle job queue connection was closed'));
  const direct = new DirectConnections(options.target, instanceId);
  const locks = new LockManager(() => direct.connect('locks'), logger.child({ component: 'locks' }));
  const bus = new Bus({ pool, connect: () => direct.connect('bus'), logger: logger.child({ component: 'bus' }), instanceId });
  const cache = new Cache({ pool, bus, logger: logger.child({ component: 'cache' }), lruMaxEntries: options.lruMaxEntries, instanceId });
  // Jobs get a third of the shutdown budget to finish before they are failed for another instance to retry.
  const jobs = new JobRunner({ pool, workerPool: jobsPool, logger: logger.child({ component: 'jobs' }), concurrency: options.jobConcurrency, shutdownTimeoutMs: 3_000, locks });
  const rateLimiter = new RateLimiter(pool);
  registerCleanupJob(jobs, pool);

  return {
    instanceId,
    budget,
    pool,
    jobsPool,
    direct,
    locks,
    bus,
    cache,
    jobs,
    rateLimiter,
    connectionsInUse: () => pool.totalCount + jobsPool.totalCount + direct.count(),
    async start() {
      await bus.start();
      cache.start();
      await jobs.start();
    },
    async stop() {
      // Jobs first (they use everything else), then the bus and locks, then the pool.
      await jobs.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping jobs failed'));
      cache.stop();
      await bus.close().catch((error: unknown) => logger.error({ err: error }, 'closing the bus failed'));
      await locks.close();
      await Promise.all([closePool(pool), closePool(jobsPool)]);
    },
  };
}
