// A fresh database per test file, cloned from the migrated template that global setup made.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  /** Connection settings for pg.Client / pg.Pool. */
  config: pg.ClientConfig;
  /** The same database as a postgres:// URL, for child processes (DATABASE_URL). */
  url: string;
  /** A small pool for the test's own queries. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export function clusterConnection() {
  return inject('postgres');
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = clusterConnection();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ ...base, database: 'postgres' });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${base.template}`);
        break;
      } catch (error) {
        // Two clones of one template at the same instant collide ("being accessed by other users"): retry.
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const config: pg.ClientConfig = { host: base.host, port: base.port, user: base.user, password: base.password, database: name };
  const url = `postgresql://${encodeURIComponent(base.user)}:${encodeURIComponent(base.password)}@localhost/${name}?host=${encodeURIComponent(base.host)}&port=${base.port}`;
  const pool = new pg.Pool({ ...config, max: 4 });
  // drop() ends this pool and then drops the database WITH (FORCE): a connection still closing is terminated by
  // the server, which pg reports as an idle client's error. Expected at teardown, never an uncaught exception.
  pool.on('error', () => undefined);
  return {
    name,
    config,
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ ...base, database: 'postgres' });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Connections to a database grouped by application_name, from pg_stat_activity. */
export async function connectionsByApplication(pool: pg.Pool, database: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ application_name: string; count: string }>(
    'SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = $1 GROUP BY application_name',
    [database],
  );
  return new Map(rows.map((r) => [r.application_name, Number(r.count)]));
}
