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
}

export function connectionConfig(target: DatabaseTarget, options: ConnectionOptions): pg.ClientConfig {
  const settings = ['-c jit=off'];
  if (options.statementTimeoutMs) settings.push(`-c statement_timeout=${options.statementTimeoutMs}`);
  return {
    ...target,
    application_name: `gatehouse:${options.instanceId}:${options.role}`,
    options: [target.options, ...settings].filter(Boolean).join(' '),
  };
}

export function createPool(target: DatabaseTarget, options: ConnectionOptions & { max: number }): pg.Pool {
  return new pg.Pool({
    ...connectionConfig(target, options),
    max: options.max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
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
