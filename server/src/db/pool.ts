// The application's connection pool. Every connection has JIT off (OLTP queries only lose from it)
// and an application_name, so pg_stat_activity shows which instance and role holds it.
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

export type DatabaseTarget = pg.ClientConfig;

export interface ConnectionOptions {
  /** Shown in pg_stat_activity as `gatehouse:<instance>:<role>`. */
  role: string;
  instanceId: string;
  statementTimeoutMs?: number;
  /** More `-c name=value` settings for these connections. */
  settings?: Record<string, string>;
}

export function connectionConfig(target: DatabaseTarget, options: ConnectionOptions): pg.ClientConfig {
  const settings = ['-c jit=off'];
  if (options.statementTimeoutMs) settings.push(`-c statement_timeout=${options.statementTimeoutMs}`);
  for (const [name, value] of Object.entries(options.settings ?? {})) settings.push(`-c ${name}=${value}`);
  return {
    ...target,
    application_name: `gatehouse:${options.instanceId}:${options.role}`,
    options: [target.options, ...settings].filter(Boolean).join(' '),
  };
}

const openClients = new WeakMap<pg.Pool, Set<pg.PoolClient>>();

export function createPool(target: DatabaseTarget, options: ConnectionOptions & { max: number }): pg.Pool {
  const pool = new pg.Pool({
    ...connectionConfig(target, options),
    max: options.max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  const open = new Set<pg.PoolClient>();
  openClients.set(pool, open);
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
  });
  return pool;
}

/**
 * Ends the pool and waits until its connections are really closed. pg-pool's end() resolves once it has asked
 * each connection to close; stopping PostgreSQL right then would terminate connections still closing.
 */
export async function closePool(pool: pg.Pool, timeoutMs = 2_000): Promise<void> {
  if (!pool.ending) await pool.end();
  const open = openClients.get(pool);
  const deadline = Date.now() + timeoutMs;
  while (open && open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Parses a postgres:// URL into separate client settings.
 * pg would otherwise apply a connectionString over every other setting, so an `options=` or
 * `application_name=` in the URL would silently drop JIT off and the instance's application_name.
 */
export function targetFromUrl(url: string): DatabaseTarget {
  const { application_name: _ignored, ...config } = parseIntoClientConfig(url) as pg.ClientConfig;
  return config;
}
