// The connection budget of one Gatehouse process: a fixed maximum, split between
// the bus listener (one direct connection), the lock connection (one direct connection), the job queue's pool
// and the application's pool.
// Migrations use one direct connection before the pool opens, so they never add to the peak.
import pg from 'pg';
import { UsageError } from '../appliance/errors.ts';
import { connectionConfig, type DatabaseTarget } from '../db/pool.ts';

export const DIRECT_ROLES = ['bus', 'locks'] as const;
export type DirectRole = (typeof DIRECT_ROLES)[number];

export interface ConnectionBudget {
  total: number;
  /** The application's pool: requests and everything else. */
  pool: number;
  /** graphile-worker's pool: its LISTEN connection and one per job worker. */
  jobs: number;
  direct: Record<DirectRole, 1>;
}

/**
 * The job queue gets its own pool (its LISTEN connection and one per job worker), and the application's
 * pool at least one connection, so a burst of jobs never starves requests.
 */
export function minimumBudget(jobConcurrency: number): number {
  return DIRECT_ROLES.length + 1 + jobConcurrency + 1;
}

export function planBudget(total: number, jobConcurrency: number): ConnectionBudget {
  const minimum = minimumBudget(jobConcurrency);
  if (total < minimum) {
    throw new UsageError(
      'config_invalid',
      `database.maxConnections is ${total}, but with jobs.concurrency ${jobConcurrency} it must be at least ${minimum} (the bus listener, the lock connection, the job queue's listener, one per job worker, and one for requests). Raise database.maxConnections or lower jobs.concurrency.`,
    );
  }
  const jobs = jobConcurrency + 1;
  return { total, pool: total - DIRECT_ROLES.length - jobs, jobs, direct: { bus: 1, locks: 1 } };
}

/** Opens the dedicated connections, at most one per role at a time. */
export class DirectConnections {
  private readonly open = new Map<DirectRole, pg.Client>();

  constructor(
    private readonly target: DatabaseTarget,
    private readonly instanceId: string,
  ) {}

  async connect(role: DirectRole): Promise<pg.Client> {
    const previous = this.open.get(role);
    // A replacement is only opened once the previous connection of that role is gone.
    if (previous) await previous.end().catch(() => undefined);
    const client = new pg.Client({ ...connectionConfig(this.target, { role, instanceId: this.instanceId }), connectionTimeoutMillis: 10_000, keepAlive: true });
    this.open.set(role, client);
    client.on('end', () => {
      if (this.open.get(role) === client) this.open.delete(role);
    });
    try {
      await client.connect();
    } catch (error) {
      if (this.open.get(role) === client) this.open.delete(role);
      throw error;
    }
    return client;
  }

  count(): number {
    return this.open.size;
  }
}
