// Named advisory locks against a real PostgreSQL, with a second real process as the other instance.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { LockManager, LockTimeoutError, lockForTransaction, tryLockForTransaction } from '../../server/src/platform/locks.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const logger = pino({ level: 'silent' });
let db: TestDatabase;
const managers: LockManager[] = [];
const peers: Peer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const peer of peers) peer.kill();
  for (const manager of managers) await manager.close();
  await db?.drop();
});

const lockName = () => `test:${randomUUID()}`;

/** A LockManager in this process whose connection is named, counted, and whose SQL is recorded. */
interface Probe {
  manager: LockManager;
  applicationName: string;
  sent: string[];
  /** Every connection the manager opened, newest last. */
  clients: pg.Client[];
  readonly connections: number;
}

function newManager(): Probe {
  const probe: Probe = {
    manager: undefined as unknown as LockManager,
    applicationName: `locks-${randomUUID().slice(0, 8)}`,
    sent: [],
    clients: [],
    get connections() {
      return this.clients.length;
    },
  };
  probe.manager = new LockManager(async () => {
    const client = new pg.Client({ ...db.config, application_name: probe.applicationName });
    await client.connect();
    probe.clients.push(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      probe.sent.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
      return query(...args);
    }) as typeof client.query;
    return client;
  }, logger);
  managers.push(probe.manager);
  return probe;
}

const unlocksSent = (probe: Probe) => probe.sent.filter((sql) => sql.includes('pg_advisory_unlock')).length;

/** application_name of every session that holds the named session or transaction advisory lock. */
async function holdersOf(name: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ application_name: string }>(
    `SELECT a.application_name
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
    [name],
  );
  return rows.map((row) => row.application_name);
}

async function backendPidOf(applicationName: string): Promise<number> {
  const { rows } = await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = $2', [applicationName, db.name]);
  expect(rows).toHaveLength(1);
  return rows[0]!.pid;
}

/** Terminates a backend and waits until it has really exited. */
async function terminateBackend(pid: number): Promise<void> {
  const { rows } = await db.pool.query<{ ok: boolean }>('SELECT pg_terminate_backend($1, 5000) AS ok', [pid]);
  expect(rows[0]!.ok).toBe(true);
}

function whenAborted(signal: AbortSignal, timeoutMs = 5_000): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the signal was not aborted within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another process with its own LockManager: test/fixtures/lock-peer.ts. */
interface Peer {
  applicationName: string;
  request(op: 'tryAcquire' | 'acquire' | 'release' | 'exit', name?: string, timeoutMs?: number): Promise<unknown>;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<void>;
}

async function startPeer(): Promise<Peer> {
  const applicationName = `lock-peer-${randomUUID().slice(0, 8)}`;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/lock-peer.ts', db.url, applicationName], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const pending of waiting.values()) pending.reject(new Error(`the lock peer exited (${code ?? signal}): ${stderr}`));
      waiting.clear();
      resolve();
    });
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: true; id?: number; ok?: boolean; result?: unknown; error?: { message: string } };
    if (message.ready) return markReady();
    const pending = waiting.get(message.id!);
    waiting.delete(message.id!);
    if (message.ok) pending?.resolve(message.result);
    else pending?.reject(Object.assign(new Error(message.error?.message), message.error));
  });
  const peer: Peer = {
    applicationName,
    request(op, name, timeoutMs) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.stdin.write(JSON.stringify({ id, op, name, timeoutMs }) + '\n');
      });
    },
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
  };
  peers.push(peer);
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`the lock peer did not start: ${stderr}`)))]);
  return peer;
}

describe('session locks across two processes', () => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer();
  });

  /** Runs the test while the peer holds a fresh lock name, and has the peer release it afterwards. */
  async function whilePeerHolds(test: (name: string) => Promise<void>): Promise<void> {
    const name = lockName();
    expect(await peer.request('tryAcquire', name)).toBe(true);
    try {
      await test(name);
    } finally {
      await peer.request('release', name);
    }
  }

  it('tryAcquire returns null while another process holds the lock, and takes it once that process releases it', async () => {
    const { manager, applicationName } = newManager();
    const name = lockName();
    expect(await peer.request('tryAcquire', name)).toBe(true);
    expect(await manager.tryAcquire(name)).toBeNull();
    expect(manager.stats.contended).toBe(1);

    expect(await peer.request('release', name)).toBe(true);
    const handle = await manager.tryAcquire(name);
    expect(handle?.held).toBe(true);
    expect(await holdersOf(name)).toEqual([applicationName]);
    await handle!.release();
    expect(await holdersOf(name)).toEqual([]);
  });

  it('another process cannot take a lock this process holds until it is released', async () => {
    const { manager } = newManager();
    const name = lockName();
    const handle = await manager.tryAcquire(name);
    expect(handle).not.toBeNull();
    expect(await peer.request('tryAcquire', name)).toBe(false);
    expect(await handle!.release()).toBe(true);
    expect(await peer.request('tryAcquire', name)).toBe(true);
    expect(await holdersOf(name)).toEqual([peer.applicationName]);
    expect(await peer.request('release', name)).toBe(true);
  });

  it('a process killed while holding a lock frees it, because PostgreSQL ends its session', async () => {
    const doomed = await startPeer();
    const name = lockName();
    expect(await doomed.request('tryAcquire', name)).toBe(true);
    doomed.kill('SIGKILL');
    await doomed.exited;
    const { manager } = newManager();
    const handle = await manager.acquire(name, { timeoutMs: 10_000 });
    expect(handle.held).toBe(true);
    await handle.release();
  });

  it('acquire gives up with LockTimeoutError only once the whole timeout has passed, and not much later', () =>
    whilePeerHolds(async (name) => {
      const { manager } = newManager();
      const timeoutMs = 500;
      const started = performance.now();
      const error = await manager.acquire(name, { timeoutMs }).catch((caught: unknown) => caught);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect(error).toMatchObject({ code: 'lock_timeout', lockName: name });
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 1);
      expect(elapsed).toBeLessThan(timeoutMs + 1_000);
      expect(manager.heldCount()).toBe(0);
    }));

  it('acquire takes the lock as soon as its holder releases it mid-wait', async () => {
    const { manager, applicationName } = newManager();
    const name = lockName();
    expect(await peer.request('tryAcquire', name)).toBe(true);
    const started = performance.now();
    const waiting = manager.acquire(name, { timeoutMs: 10_000 });
    await pause(300);
    expect(await peer.request('release', name)).toBe(true);
    const handle = await waiting;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(2_000);
    expect(await holdersOf(name)).toEqual([applicationName]);
    await handle.release();
  });

  it('acquire stops waiting as soon as its signal is aborted, with the signal reason', () =>
    whilePeerHolds(async (name) => {
      const { manager } = newManager();
      const controller = new AbortController();
      const reason = new Error('shutting down');
      setTimeout(() => controller.abort(reason), 100);
      const started = performance.now();
      await expect(manager.acquire(name, { timeoutMs: 10_000, signal: controller.signal })).rejects.toBe(reason);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(manager.heldCount()).toBe(0);
    }));
});

describe('session locks within one process', () => {
  it('never lets two callers in one process hold the same name, although PostgreSQL session locks are reentrant', async () => {
    // The hazard: one session may take the same advisory lock twice.
    const raw = await db.pool.connect();
    try {
      const { rows } = await raw.query<{ first: boolean; second: boolean }>(
        `SELECT pg_try_advisory_lock(hashtextextended('reentrant', 0)) AS first, pg_try_advisory_lock(hashtextextended('reentrant', 0)) AS second`,
      );
      expect(rows[0]).toEqual({ first: true, second: true });
      await raw.query(`SELECT pg_advisory_unlock_all()`);
    } finally {
      raw.release();
    }

    const { manager } = newManager();
    const name = lockName();
    const both = await Promise.all([manager.tryAcquire(name), manager.tryAcquire(name)]);
    const winners = both.filter((handle) => handle !== null);
    expect(winners).toHaveLength(1);
    expect(await manager.tryAcquire(name)).toBeNull();
    expect(manager.heldCount()).toBe(1);

    await winners[0]!.release();
    const next = await manager.tryAcquire(name);
    expect(next).not.toBeNull();
    await next!.release();
  });

  it('acquire waits for another caller in the same process to release', async () => {
    const { manager } = newManager();
    const name = lockName();
    const first = (await manager.tryAcquire(name))!;
    let second: Awaited<ReturnType<LockManager['acquire']>> | undefined;
    const waiting = manager.acquire(name, { timeoutMs: 10_000 }).then((handle) => (second = handle));
    await pause(200);
    expect(second).toBeUndefined();
    expect(await first.release()).toBe(true);
    await waiting;
    expect(second!.held).toBe(true);
    expect(first.held).toBe(false);
    await second!.release();
  });

  it('a second release() sends no unlock, so it cannot free the lock a later caller took', async () => {
    const probe = newManager();
    const other = newManager();
    const name = lockName();
    const first = (await probe.manager.tryAcquire(name))!;
    expect(await first.release()).toBe(true);
    expect(unlocksSent(probe)).toBe(1);

    const second = (await probe.manager.tryAcquire(name))!;
    expect(second).not.toBeNull();
    expect(await first.release()).toBe(false);
    expect(unlocksSent(probe)).toBe(1);
    expect(second.held).toBe(true);
    expect(await holdersOf(name)).toEqual([probe.applicationName]);
    expect(await other.manager.tryAcquire(name)).toBeNull();

    expect(await second.release()).toBe(true);
    expect(await second.release()).toBe(false);
    expect(unlocksSent(probe)).toBe(2);
  });

  it('runExclusive runs the function under the lock and releases it afterwards, even when the function throws', async () => {
    const { manager, applicationName } = newManager();
    const name = lockName();
    const result = await manager.runExclusive(name, async (signal) => {
      expect(signal.aborted).toBe(false);
      expect(await holdersOf(name)).toEqual([applicationName]);
      return 42;
    });
    expect(result).toEqual({ ran: true, value: 42 });
    expect(await holdersOf(name)).toEqual([]);

    await expect(manager.runExclusive(name, async () => Promise.reject(new Error('job failed')))).rejects.toThrow('job failed');
    expect(await holdersOf(name)).toEqual([]);
    expect(manager.heldCount()).toBe(0);
  });

  it('runExclusive skips the function when the lock is busy', async () => {
    const holder = newManager();
    const { manager } = newManager();
    const name = lockName();
    const handle = (await holder.manager.tryAcquire(name))!;
    let ran = false;
    expect(await manager.runExclusive(name, async () => (ran = true))).toEqual({ ran: false });
    expect(ran).toBe(false);
    await handle.release();
  });

  it('close() releases every lock, aborts the handles and refuses new locks', async () => {
    const probe = newManager();
    const other = newManager();
    const names = [lockName(), lockName()];
    const handles = await Promise.all(names.map(async (name) => (await probe.manager.tryAcquire(name))!));
    await probe.manager.close();
    for (const handle of handles) {
      expect(handle.held).toBe(false);
      expect(handle.signal.aborted).toBe(true);
      expect(await handle.release()).toBe(false);
    }
    for (const name of names) {
      const taken = await other.manager.acquire(name, { timeoutMs: 5_000 });
      await taken.release();
    }
    expect(unlocksSent(probe)).toBe(0);
    await expect(probe.manager.tryAcquire(lockName())).rejects.toThrow('closed');
  });
});

describe('closing while connecting', () => {
  it('close() during the first connect refuses the lock and leaves no connection open', async () => {
    const probe = newManager();
    const attempt = probe.manager.tryAcquire(lockName()).catch((error: unknown) => error);
    await probe.manager.close();
    expect(await attempt).toBeInstanceOf(Error);
    expect(probe.manager.heldCount()).toBe(0);
    // The connection that was being opened is ended, not kept by a closed manager.
    const deadline = Date.now() + 5_000;
    let open = 1;
    while (open > 0 && Date.now() < deadline) {
      const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = $1', [probe.applicationName]);
      open = rows[0]!.count;
      if (open > 0) await pause(20);
    }
    expect(open).toBe(0);
  });
});

describe('losing the lock connection', () => {
  it('aborts the handle signal, makes release() a no-op that sends no unlock, and frees the lock for others', async () => {
    const probe = newManager();
    const other = newManager();
    const name = lockName();
    const handle = (await probe.manager.tryAcquire(name))!;
    await terminateBackend(await backendPidOf(probe.applicationName));
    await whenAborted(handle.signal);
    expect(handle.held).toBe(false);
    expect(probe.manager.heldCount()).toBe(0);
    expect(probe.manager.stats.connectionLosses).toBe(1);

    const sentBefore = probe.sent.length;
    expect(await handle.release()).toBe(false);
    expect(probe.sent.length).toBe(sentBefore);

    const taken = await other.manager.tryAcquire(name);
    expect(taken).not.toBeNull();
    await taken!.release();
  });

  it('a release racing the death of its connection resolves false instead of throwing', async () => {
    const probe = newManager();
    const name = lockName();
    const handle = (await probe.manager.tryAcquire(name))!;
    // Hold back what the server sends on the lock connection, so that this process cannot learn of the death
    // before it sends the unlock. (stream is pg's socket: not public API, but the only way to make the race certain.)
    const socket = (probe.clients[0] as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
    socket.pause();
    await terminateBackend(await backendPidOf(probe.applicationName));
    expect(handle.held).toBe(true);
    const releasing = handle.release();
    socket.resume();
    await expect(releasing).resolves.toBe(false);
    expect(await holdersOf(name)).toEqual([]);
    expect(probe.manager.heldCount()).toBe(0);
  });

  it('reconnects on its next use, on a new session', async () => {
    const probe = newManager();
    const first = (await probe.manager.tryAcquire(lockName()))!;
    const oldPid = await backendPidOf(probe.applicationName);
    await terminateBackend(oldPid);
    await whenAborted(first.signal);

    const name = lockName();
    const handle = await probe.manager.tryAcquire(name);
    expect(handle).not.toBeNull();
    expect(probe.connections).toBe(2);
    expect(await backendPidOf(probe.applicationName)).not.toBe(oldPid);
    expect(await holdersOf(name)).toEqual([probe.applicationName]);
    expect(await handle!.release()).toBe(true);
  });
});

describe('transaction locks', () => {
  it('holds a transaction lock until COMMIT, against other transactions and session locks alike', async () => {
    const name = lockName();
    const { manager } = newManager();
    const holder = await db.pool.connect();
    const contender = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await lockForTransaction(holder, name);

      await contender.query('BEGIN');
      expect(await tryLockForTransaction(contender, name)).toBe(false);
      await contender.query('ROLLBACK');
      expect(await manager.tryAcquire(name)).toBeNull();

      await holder.query('COMMIT');
      expect(await holdersOf(name)).toEqual([]);
      await contender.query('BEGIN');
      expect(await tryLockForTransaction(contender, name)).toBe(true);
      await contender.query('COMMIT');
      expect(await holdersOf(name)).toEqual([]);
    } finally {
      holder.release();
      contender.release();
    }
  });

  it('lockForTransaction waits until the holding transaction ends', async () => {
    const name = lockName();
    const holder = await db.pool.connect();
    const waiter = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await lockForTransaction(holder, name);
      await waiter.query('BEGIN');
      let locked = false;
      const waiting = lockForTransaction(waiter, name).then(() => (locked = true));
      await pause(200);
      expect(locked).toBe(false);
      await holder.query('ROLLBACK');
      await waiting;
      expect(locked).toBe(true);
      await waiter.query('COMMIT');
    } finally {
      holder.release();
      waiter.release();
    }
  });
});
