// The shared cache: rows with a time to live in cache_entries, fronted by a small LRU in each process.
// A writer publishes the key on the bus and every other process drops it from its LRU.
// When the bus may have missed messages (a gap), or is not listening, the LRU cannot be trusted:
// it is cleared after a gap and bypassed while the bus is disconnected.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Bus } from './bus.ts';
import { Lru } from './lru.ts';

export const CACHE_INVALIDATION_TOPIC = 'cache.invalidate';

/** Keys are short names; a btree entry must stay well under PostgreSQL's ~2700-byte limit. */
export const CACHE_KEY_MAX_BYTES = 1024;

// Primary key lookup (cache_entries_pkey); the time left is computed by PostgreSQL, so clock skew does not matter.
const GET_SQL = `
  SELECT value::text AS value, extract(epoch FROM expires_at - now())::float8 * 1000 AS ttl_ms
  FROM cache_entries WHERE key = $1 AND expires_at > now()`;

const SET_SQL = `
  INSERT INTO cache_entries (key, value, expires_at) VALUES ($1, $2::jsonb, now() + make_interval(secs => $3))
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`;

const DELETE_SQL = 'DELETE FROM cache_entries WHERE key = $1';

export interface CacheDeps {
  pool: pg.Pool;
  bus: Bus;
  logger: Logger;
  lruMaxEntries: number;
  instanceId: string;
}

export interface CacheStats {
  lruHits: number;
  tableHits: number;
  misses: number;
  lruSize: number;
  evictions: number;
}

interface Invalidation {
  key: string;
}

/** A table read in flight; if its key changes meanwhile, its (maybe older) result must not enter the LRU. */
interface PendingRead {
  invalidated: boolean;
}

export class Cache {
  /** JSON text, parsed on every hit, so a caller that mutates a value cannot change what others read. */
  private readonly lru: Lru<string>;
  private readonly pendingReads = new Map<string, Set<PendingRead>>();
  private readonly counters = { lruHits: 0, tableHits: 0, misses: 0 };
  private stopListening: (() => void) | null = null;

  constructor(private readonly deps: CacheDeps) {
    this.lru = new Lru({ maxEntries: deps.lruMaxEntries });
  }

  /** Follows other instances' changes on the bus; call after the bus has started. */
  start(): void {
    if (this.stopListening) return;
    this.stopListening = this.deps.bus.followChanges<Invalidation>(
      CACHE_INVALIDATION_TOPIC,
      (message, meta) => {
        if (meta.origin === this.deps.instanceId) return;
        if (typeof message?.key === 'string') this.forgetLocally(message.key);
      },
      () => {
        this.deps.logger.info({ entries: this.lru.size }, 'the bus may have missed invalidations; clearing the cache LRU');
        this.forgetAllLocally();
      },
    );
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    this.forgetAllLocally();
  }

  async get<T>(key: string): Promise<T | undefined> {
    assertKey(key);
    this.assertStarted();
    const trustLru = this.deps.bus.isListening();
    const cached = trustLru ? this.lru.get(key) : undefined;
    if (cached !== undefined) {
      this.counters.lruHits++;
      return JSON.parse(cached) as T;
    }
    const read = this.beginRead(key);
    try {
      const { rows } = await this.deps.pool.query<{ value: string; ttl_ms: number }>(GET_SQL, [key]);
      const row = rows[0];
      if (!row) {
        this.counters.misses++;
        return undefined;
      }
      this.counters.tableHits++;
      if (trustLru && !read.invalidated) this.lru.set(key, row.value, row.ttl_ms);
      return JSON.parse(row.value) as T;
    } finally {
      this.endRead(key, read);
    }
  }

  /** Stores a JSON value for ttlSeconds (fractions allowed) and tells the other instances. */
  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    assertKey(key);
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`ttlSeconds must be a positive number, not ${ttlSeconds}`);
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new TypeError(`a cached value must be a JSON value, not ${typeof value}`);
    this.assertStarted();
    // Passed as text: pg would turn a JavaScript array into a PostgreSQL array, not JSON.
    await this.deps.pool.query(SET_SQL, [key, json, ttlSeconds]);
    this.forgetLocally(key);
    if (this.deps.bus.isListening()) this.lru.set(key, json, ttlSeconds * 1000);
    await this.deps.bus.publish(CACHE_INVALIDATION_TOPIC, { key } satisfies Invalidation);
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.deps.pool.query(DELETE_SQL, [key]);
    this.forgetLocally(key);
    await this.deps.bus.publish(CACHE_INVALIDATION_TOPIC, { key } satisfies Invalidation);
  }

  stats(): CacheStats {
    return { ...this.counters, lruSize: this.lru.size, evictions: this.lru.evictions };
  }

  /** Without the invalidation subscription, an LRU entry could stay stale until it expires. */
  private assertStarted(): void {
    if (!this.stopListening) throw new Error('the cache is not started');
  }

  private forgetLocally(key: string): void {
    this.lru.delete(key);
    for (const read of this.pendingReads.get(key) ?? []) read.invalidated = true;
  }

  private forgetAllLocally(): void {
    this.lru.clear();
    for (const reads of this.pendingReads.values()) for (const read of reads) read.invalidated = true;
  }

  private beginRead(key: string): PendingRead {
    const read: PendingRead = { invalidated: false };
    let reads = this.pendingReads.get(key);
    if (!reads) this.pendingReads.set(key, (reads = new Set()));
    reads.add(read);
    return read;
  }

  private endRead(key: string, read: PendingRead): void {
    const reads = this.pendingReads.get(key);
    reads?.delete(read);
    if (reads?.size === 0) this.pendingReads.delete(key);
  }
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key, 'utf8') > CACHE_KEY_MAX_BYTES) {
    throw new RangeError(`a cache key must be a non-empty string of at most ${CACHE_KEY_MAX_BYTES} bytes`);
  }
}
