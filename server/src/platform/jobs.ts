// Background jobs on graphile-worker (a maintained PostgreSQL queue that runs on Node 20).
import pg from 'pg';
import { runMigrations } from 'graphile-worker';

/** Creates or upgrades graphile-worker's own schema (graphile_worker). */
export async function migrateJobSchema(config: pg.ClientConfig): Promise<void> {
  const pool = new pg.Pool({ ...config, max: 1 });
  try {
    await runMigrations({ pgPool: pool, logger: silentLogger() });
  } finally {
    await pool.end();
  }
}

import { Logger as WorkerLogger } from 'graphile-worker';
function silentLogger(): WorkerLogger {
  return new WorkerLogger(() => () => undefined);
}
