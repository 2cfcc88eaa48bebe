// Named advisory locks.
// Session-level locks live on one dedicated direct connection per process (never a pooled one,
// where a lock would follow the connection to whoever borrows it next), and a handle can only be
// released once, by its holder: an unlock is never sent for a lock this process does not hold.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';

/** The 64-bit advisory lock key for a lock name. */
export const LOCK_KEY_SQL = 'hashtextextended($1, 0)';

export class LockTimeoutError extends Error {
  readonly code = 'lock_timeout';
  constructor(readonly lockName: string, timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms waiting for the lock "${lockName}"; another instance holds it.`);
  }
}

export interface LockHandle {
  readonly name: string;
  /** Aborted when the lock is lost because its connection died. */
  readonly signal: AbortSignal;
  readonly held: boolean;
  /** Releases the lock; a second call, or a call after the lock was lost, does nothing and returns false. */
  release(): Promise<boolean>;
}

export interface LockStats {
  held: number;
  acquired: number;
  contended: number;
  connectionLosses: number;
}

export class LockManager {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** Names held (or being taken) by this process, so two callers here never share one reentrant PostgreSQL lock. */
  private readonly local = new Map<string, Handle | 'pending'>();
  private closed = false;
  readonly stats: LockStats = { held: 0, acquired: 0, contended: 0, connectionLosses: 0 };

  constructor(
    private readonly connect: () => Promise<pg.Client>,
    private readonly logger: Logger,
  ) {}

  /** Takes the lock if it is free right now; null when someone (here or elsewhere) holds it. */
  async tryAcquire(name: string): Promise<LockHandle | null> {
    if (this.closed) throw new Error('the lock manager is closed');
    if (this.local.has(name)) {
      this.stats.contended++;
      return null;
    }
    this.local.set(name, 'pending');
    try {
      const client = await this.connection();
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY_SQL}) AS ok`, [name]);
      // The connection closed (or the manager did) while the query ran: whatever it took went with the session.
      if (this.client !== client) throw new Error(`the lock connection closed while taking the lock "${name}"`);
      if (!rows[0]?.ok) {
        this.local.delete(name);
        this.stats.contended++;
        return null;
      }
      const handle = new Handle(name, this, client);
      this.local.set(name, handle);
      this.stats.acquired++;
      this.stats.held = this.heldCount();
      return handle;
    } catch (error) {
      this.local.delete(name);
      throw error;
    }
  }

  /**
   * Waits up to timeoutMs for the lock. Waiting polls, so the one lock connection is never blocked.
   * The last try is made at the deadline, so a lock freed just before it is still taken.
   */
  async acquire(name: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<LockHandle> {
    const deadline = Date.now() + options.timeoutMs;
    let delay = 5;
    for (;;) {
      options.signal?.throwIfAborted();
      const handle = await this.tryAcquire(name);
      if (handle) return handle;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockTimeoutError(name, options.timeoutMs);
      // An abort ends the wait at once, with the signal's reason.
      await sleep(Math.min(delay, remaining), undefined, { signal: options.signal }).catch(() => options.signal?.throwIfAborted());
      delay = Math.min(delay * 2, 200);
    }
  }

  /** Runs fn while holding the lock; returns { ran: false } without running it when the lock is busy. */
  async runExclusive<T>(name: string, fn: (signal: AbortSignal) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const handle = await this.tryAcquire(name);
    if (!handle) return { ran: false };
    try {
      return { ran: true, value: await fn(handle.signal) };
    } finally {
      await handle.release();
    }
  }

  heldCount(): number {
    let count = 0;
    for (const value of this.local.values()) if (value !== 'pending') count++;
    return count;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    for (const value of this.local.values()) if (value !== 'pending') value.markLost();
    this.local.clear();
    // Ending the session releases every session lock it held.
    await client?.end().catch(() => undefined);
  }

  /** @internal */
  async unlock(handle: Handle, client: pg.Client): Promise<boolean> {
    if (this.local.get(handle.name) !== handle || client !== this.client) return false;
    this.local.delete(handle.name);
    this.stats.held = this.heldCount();
    let ok: boolean;
    try {
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_advisory_unlock(${LOCK_KEY_SQL}) AS ok`, [handle.name]);
      ok = rows[0]?.ok ?? false;
    } catch (error) {
      // The connection died under the unlock (its locks went with it), or it is in a state we cannot trust:
      // end the session either way, so that no lock this process no longer tracks can outlive it.
      this.lose(client, error as Error);
      await client.end().catch(() => undefined);
      return false;
    }
    if (!ok) this.logger.error({ lock: handle.name }, 'PostgreSQL says this process did not hold a lock it had recorded as held');
    return ok;
  }

  /** Forgets a connection that closed: every lock it held is released by PostgreSQL, so its handles are lost. */
  private lose(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.stats.connectionLosses++;
    const lost = [...this.local.entries()].filter((entry): entry is [string, Handle] => entry[1] !== 'pending');
    for (const [name, handle] of lost) {
      handle.markLost();
      this.local.delete(name);
    }
    this.stats.held = this.heldCount();
    if (!this.closed) this.logger.error({ err: error, lost: lost.map(([name]) => name) }, 'the lock connection was lost; its locks are released');
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = (async () => {
        const client = await this.connect();
        if (this.closed) {
          // close() ran while this connection was being opened: nobody would ever end it.
          await client.end().catch(() => undefined);
          throw new Error('the lock manager is closed');
        }
        client.on('error', (error) => {
          this.lose(client, error);
          // An error event may leave the socket open; end it so the session, and any lock on it, is surely gone.
          client.end().catch(() => undefined);
        });
        client.on('end', () => this.lose(client));
        this.client = client;
        return client;
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }
}

class Handle implements LockHandle {
  private readonly controller = new AbortController();
  private done = false;

  constructor(
    readonly name: string,
    private readonly manager: LockManager,
    private readonly client: pg.Client,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get held(): boolean {
    return !this.done;
  }

  async release(): Promise<boolean> {
    if (this.done) return false;
    this.done = true;
    return this.manager.unlock(this, this.client);
  }

  markLost(): void {
    if (this.done) return;
    this.done = true;
    this.controller.abort(new Error(`lost the lock "${this.name}": its connection closed`));
  }
}

/** Transaction-scoped lock on a pooled client: released by COMMIT or ROLLBACK, so it cannot leak. */
export async function lockForTransaction(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`, [name]);
}

export async function tryLockForTransaction(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOCK_KEY_SQL}) AS ok`, [name]);
  return rows[0]?.ok ?? false;
}
