// A small bounded least-recently-used map with an expiry per entry.
// A Map keeps insertion order, so re-inserting a key on every hit makes its first key the least recently used.

export interface LruOptions {
  /** Most entries held; 0 holds nothing. */
  maxEntries: number;
  /** The clock, in milliseconds; tests pass their own. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class Lru<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private evicted = 0;

  constructor(options: LruOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new RangeError(`maxEntries must be a whole number of at least 0, not ${options.maxEntries}`);
    }
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** The value, or undefined when absent or expired (an expired entry is dropped on the way). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores the value for ttlMs (forever when omitted), evicting the least recently used entry when full. */
  set(key: string, value: V, ttlMs = Infinity): void {
    if (this.maxEntries === 0 || !(ttlMs > 0)) {
      this.entries.delete(key);
      return;
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evicted++;
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Entries held, expired ones included until they are read or evicted. */
  get size(): number {
    return this.entries.size;
  }

  /** Entries pushed out to make room (expiry and delete do not count). */
  get evictions(): number {
    return this.evicted;
  }
}
