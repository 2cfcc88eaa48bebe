import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createTestBus, startBusPeer, waitUntil, type BusPeer, type TestBus, type TestBusOptions } from '../fixtures/bus-peer.ts';
import { Cache, CACHE_INVALIDATION_TOPIC, type CacheStats } from '../../server/src/platform/cache.ts';
import type { BusStats } from '../../server/src/platform/bus.ts';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let peer: BusPeer | undefined;
const opened: { testBus: TestBus; cache: Cache }[] = [];

beforeAll(async () => (db = await createTestDatabase()));
afterEach(async () => {
  for (const { testBus, cache } of opened.splice(0)) {
    cache.stop();
    await testBus.bus.close();
  }
});
afterAll(async () => {
  await peer?.stop();
  await db?.drop();
});

interface InstanceOptions {
  lruMaxEntries?: number;
  /** The pool the cache reads and writes through (the bus always uses the real one). */
  cachePool?: pg.Pool;
  beforeReconnect?: TestBusOptions['beforeReconnect'];
}

/** One Gatehouse instance's bus and cache, started. */
async function startInstance(options: InstanceOptions = {}) {
  const instanceId = `test-${randomBytes(4).toString('hex')}`;
  const testBus = createTestBus({ target: db.config, pool: db.pool, instanceId, beforeReconnect: options.beforeReconnect });
  const cache = new Cache({ pool: options.cachePool ?? db.pool, bus: testBus.bus, logger, lruMaxEntries: options.lruMaxEntries ?? 100, instanceId });
  opened.push({ testBus, cache });
  await testBus.bus.start();
  cache.start();
  await testBus.bus.whenSubscribed();
  return { ...testBus, cache };
}

function uniqueKey(name: string): string {
  return `${name}:${randomBytes(4).toString('hex')}`;
}

/** What a cache's counters grew by while fn ran. */
async function counted(cache: Cache, fn: () => Promise<unknown>): Promise<Omit<CacheStats, 'lruSize' | 'evictions'>> {
  const before = cache.stats();
  await fn();
  const after = cache.stats();
  return { lruHits: after.lruHits - before.lruHits, tableHits: after.tableHits - before.tableHits, misses: after.misses - before.misses };
}

/** Runs a write elsewhere and waits until its invalidation has reached the reader (later reads then can fill its LRU). */
async function writeSeenBy(reader: { bus: TestBus['bus'] }, write: () => Promise<unknown>): Promise<void> {
  const before = reader.bus.stats().received;
  await write();
  await waitUntil(() => reader.bus.stats().received > before, 'the invalidation reaches the reader');
}

async function terminateListener(applicationName: string): Promise<void> {
  await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
}

describe('Cache', () => {
  it('returns each kind of JSON value that was set, and nothing once deleted', async () => {
    const { cache } = await startInstance();
    const values: unknown[] = [{ name: 'ada', roles: ['admin'] }, [1, 2, 3], 'text', 42.5, false, null];
    for (const [i, value] of values.entries()) {
      const key = uniqueKey(`kind-${i}`);
      await cache.set(key, value, 60);
      expect(await cache.get(key)).toEqual(value);
      await cache.delete(key);
      expect(await cache.get(key)).toBeUndefined();
    }
    expect(await cache.get(uniqueKey('never-set'))).toBeUndefined();
  });

  it('answers a repeated read from the LRU and another instance’s first read from the table, and counts a miss', async () => {
    const writer = await startInstance();
    const reader = await startInstance();
    const key = uniqueKey('hits');
    await writeSeenBy(reader, () => writer.cache.set(key, { v: 1 }, 60));
    expect(await counted(writer.cache, () => writer.cache.get(key))).toEqual({ lruHits: 1, tableHits: 0, misses: 0 });
    expect(await counted(reader.cache, () => reader.cache.get(key))).toEqual({ lruHits: 0, tableHits: 1, misses: 0 });
    expect(await counted(reader.cache, () => reader.cache.get(key))).toEqual({ lruHits: 1, tableHits: 0, misses: 0 });
    expect(await counted(reader.cache, () => reader.cache.get(uniqueKey('absent')))).toEqual({ lruHits: 0, tableHits: 0, misses: 1 });
  });

  it('stops returning a value once its time to live has passed: from the writer’s LRU, a reader’s LRU and the table', async () => {
    const writer = await startInstance();
    const reader = await startInstance();
    const tableOnly = await startInstance({ lruMaxEntries: 0 });
    const key = uniqueKey('ttl');
    await writeSeenBy(reader, () => writer.cache.set(key, 'short-lived', 0.4));
    expect(await writer.cache.get(key)).toBe('short-lived');
    expect(await tableOnly.cache.get(key)).toBe('short-lived');
    // The reader's LRU entry is filled from the table and must expire with the row.
    expect(await counted(reader.cache, () => reader.cache.get(key))).toMatchObject({ tableHits: 1 });
    expect(await counted(reader.cache, () => reader.cache.get(key))).toMatchObject({ lruHits: 1 });
    await waitUntil(async () => (await writer.cache.get(key)) === undefined, 'the writer’s LRU entry expires', 3_000);
    await waitUntil(async () => (await reader.cache.get(key)) === undefined, 'the reader’s LRU entry expires', 3_000);
    await waitUntil(async () => (await tableOnly.cache.get(key)) === undefined, 'the table row expires', 3_000);
    expect(tableOnly.cache.stats().lruSize).toBe(0);
  });

  it('keeps its own fresh entry when its own invalidation message comes back', async () => {
    const local = await startInstance();
    const key = uniqueKey('own');
    let echoed = false;
    // Delivered in the same turn as the cache's own handler, so once this saw it, so did the cache.
    local.bus.subscribe<{ key: string }>(CACHE_INVALIDATION_TOPIC, (message) => (echoed ||= message.key === key));
    await local.bus.whenSubscribed();
    await local.cache.set(key, 'mine', 60);
    await waitUntil(() => echoed, 'the invalidation comes back');
    expect(await counted(local.cache, () => local.cache.get(key))).toEqual({ lruHits: 1, tableHits: 0, misses: 0 });
  });

  it('drops a changed key from another instance’s LRU, so its next read sees the new value', async () => {
    const writer = await startInstance();
    const reader = await startInstance();
    const key = uniqueKey('changed');
    await writeSeenBy(reader, () => writer.cache.set(key, 'old', 60));
    await reader.cache.get(key);
    expect(await counted(reader.cache, () => reader.cache.get(key))).toMatchObject({ lruHits: 1 });

    await writer.cache.set(key, 'new', 60);
    await waitUntil(async () => (await reader.cache.get(key)) === 'new', 'the reader sees the new value', 1_000);
    await writer.cache.delete(key);
    await waitUntil(async () => (await reader.cache.get(key)) === undefined, 'the reader sees the deletion', 1_000);
  });

  it('invalidates a key cached in another process within a second of a change or a delete', async () => {
    peer = await startBusPeer(db.url, `peer-${randomBytes(4).toString('hex')}`);
    const local = await startInstance();
    const key = uniqueKey('cross');
    const peerGet = async () => (await peer!.request<{ value?: unknown }>({ cmd: 'cache.get', key })).value;
    const peerReceived = async () => (await peer!.request<BusStats>({ cmd: 'bus.stats' })).received;
    const receivedBefore = await peerReceived();
    await local.cache.set(key, { version: 1 }, 60);
    await waitUntil(async () => (await peerReceived()) > receivedBefore, 'the first invalidation reaches the peer');
    expect(await peerGet()).toEqual({ version: 1 });
    const before = await peer.request<CacheStats>({ cmd: 'cache.stats' });
    expect(await peerGet()).toEqual({ version: 1 });
    expect((await peer.request<CacheStats>({ cmd: 'cache.stats' })).lruHits).toBe(before.lruHits + 1);

    await local.cache.set(key, { version: 2 }, 60);
    await waitUntil(async () => JSON.stringify(await peerGet()) === '{"version":2}', 'the peer sees version 2', 1_000);
    await local.cache.delete(key);
    await waitUntil(async () => (await peerGet()) === undefined, 'the peer sees the deletion', 1_000);

    // And the other way round: the peer writes, this process had the key in its LRU.
    await local.cache.set(key, 'local', 60);
    expect(await counted(local.cache, () => local.cache.get(key))).toMatchObject({ lruHits: 1 });
    await peer.request({ cmd: 'cache.set', key, value: 'from peer', ttlSeconds: 60 });
    await waitUntil(async () => (await local.cache.get(key)) === 'from peer', 'this process sees the peer’s value', 1_000);
  });

  it('keeps a table read that was overtaken by a change out of the LRU', async () => {
    const writer = await startInstance();
    // The reader's queries run for real, then wait at this gate before their result is handed back.
    let gate: Promise<void> | null = null;
    let queried = () => {};
    const gatedPool = {
      query: async (...args: Parameters<pg.Pool['query']>) => {
        const result = await (db.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
        if (gate) {
          queried();
          await gate;
        }
        return result;
      },
    } as unknown as pg.Pool;
    const reader = await startInstance({ cachePool: gatedPool });
    const key = uniqueKey('race');
    await writeSeenBy(reader, () => writer.cache.set(key, 'old', 60));

    let open = () => {};
    gate = new Promise((resolve) => (open = resolve));
    const readDone = new Promise<void>((resolve) => (queried = resolve));
    const slowRead = reader.cache.get(key);
    await readDone;
    gate = null;
    const receivedBefore = reader.bus.stats().received;
    await writer.cache.set(key, 'new', 60);
    await waitUntil(() => reader.bus.stats().received > receivedBefore, 'the reader hears of the change');
    open();

    expect(await slowRead).toBe('old');
    expect(await counted(reader.cache, async () => expect(await reader.cache.get(key)).toBe('new'))).toEqual({ lruHits: 0, tableHits: 1, misses: 0 });
  });

  it('clears its LRU after the bus reconnects, since invalidations may have been missed', async () => {
    const local = await startInstance();
    for (let i = 0; i < 5; i++) await local.cache.set(uniqueKey(`gap-${i}`), i, 60);
    expect(local.cache.stats().lruSize).toBe(5);
    await terminateListener(local.applicationName);
    await waitUntil(() => local.bus.stats().reconnects === 1, 'the bus reconnects');
    expect(local.cache.stats().lruSize).toBe(0);
  });

  it('reads through to the table while its bus is disconnected, ignoring an LRU that may be stale', async () => {
    const writer = await startInstance();
    let allowReconnect = () => {};
    const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
    const reader = await startInstance({ beforeReconnect: () => reconnectAllowed });
    const key = uniqueKey('offline');
    await writeSeenBy(reader, () => writer.cache.set(key, 'old', 60));
    await reader.cache.get(key);
    expect(reader.cache.stats().lruSize).toBe(1);

    await terminateListener(reader.applicationName);
    await waitUntil(() => !reader.bus.stats().connected, 'the reader notices the loss');
    await writer.cache.set(key, 'new', 60);
    expect(await reader.cache.get(key)).toBe('new');

    allowReconnect();
    await waitUntil(() => reader.bus.isListening(), 'the reader listens again');
    expect(await reader.cache.get(key)).toBe('new');
  });

  it('holds at most lruMaxEntries entries, and still answers evicted keys from the table', async () => {
    const { cache } = await startInstance({ lruMaxEntries: 5 });
    const keys = Array.from({ length: 20 }, (_, i) => uniqueKey(`bounded-${i}`));
    for (const [i, key] of keys.entries()) await cache.set(key, i, 60);
    expect(cache.stats()).toMatchObject({ lruSize: 5, evictions: 15 });
    expect(await counted(cache, async () => expect(await cache.get(keys[0]!)).toBe(0))).toEqual({ lruHits: 0, tableHits: 1, misses: 0 });
    expect(cache.stats().lruSize).toBe(5);
  });

  it('refuses a time to live that is not positive, an empty or oversized key, and a value that is not JSON', async () => {
    const { cache } = await startInstance();
    await expect(cache.set('k', 1, 0)).rejects.toThrow(/ttlSeconds/);
    await expect(cache.set('k', 1, Number.NaN)).rejects.toThrow(/ttlSeconds/);
    await expect(cache.set('', 1, 60)).rejects.toThrow(/cache key/);
    await expect(cache.get('k'.repeat(1_025))).rejects.toThrow(/cache key/);
    await expect(cache.set('k', undefined, 60)).rejects.toThrow(/JSON value/);
    const { rows } = await db.pool.query(`SELECT 1 FROM cache_entries WHERE key = 'k'`);
    expect(rows).toEqual([]);
  });

  it('refuses to read or write before it is started, rather than serve entries no one invalidates', async () => {
    const cache = new Cache({ pool: db.pool, bus: createTestBus({ target: db.config, pool: db.pool, instanceId: 'idle' }).bus, logger, lruMaxEntries: 10, instanceId: 'idle' });
    await expect(cache.get('k')).rejects.toThrow(/not started/);
    await expect(cache.set('k', 1, 60)).rejects.toThrow(/not started/);
  });
});
