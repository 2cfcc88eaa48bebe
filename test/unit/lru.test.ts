import { describe, expect, it } from 'vitest';
import { Lru } from '../../server/src/platform/lru.ts';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Lru', () => {
  it('returns what was set, and undefined for a key never set', () => {
    const lru = new Lru<number>({ maxEntries: 3 });
    lru.set('a', 1);
    expect(lru.get('a')).toBe(1);
    expect(lru.get('b')).toBeUndefined();
  });

  it('evicts the least recently used entry when full and counts the eviction', () => {
    const lru = new Lru<number>({ maxEntries: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe(2);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
    expect(lru.evictions).toBe(1);
  });

  it('treats a read as a use, so the entry read last survives the next eviction', () => {
    const lru = new Lru<number>({ maxEntries: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1);
    expect(lru.get('b')).toBeUndefined();
  });

  it('treats overwriting a key as a use, without counting an eviction', () => {
    const lru = new Lru<number>({ maxEntries: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 10);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(10);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.evictions).toBe(1);
  });

  it('stops returning an entry once its time to live has passed, and drops it', () => {
    const time = clock();
    const lru = new Lru<string>({ maxEntries: 5, now: time.now });
    lru.set('a', 'x', 100);
    time.advance(99);
    expect(lru.get('a')).toBe('x');
    time.advance(1);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
    expect(lru.evictions).toBe(0);
  });

  it('keeps an entry without a time to live until it is evicted', () => {
    const time = clock();
    const lru = new Lru<string>({ maxEntries: 5, now: time.now });
    lru.set('a', 'x');
    time.advance(1e12);
    expect(lru.get('a')).toBe('x');
  });

  it('does not store an entry whose time to live is zero or negative, and drops the older value', () => {
    const lru = new Lru<string>({ maxEntries: 5 });
    lru.set('a', 'old');
    lru.set('a', 'new', 0);
    expect(lru.get('a')).toBeUndefined();
    lru.set('b', 'x', -5);
    expect(lru.size).toBe(0);
  });

  it('holds nothing when maxEntries is 0', () => {
    const lru = new Lru<number>({ maxEntries: 0 });
    lru.set('a', 1);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('deletes one key and clears all keys', () => {
    const lru = new Lru<number>({ maxEntries: 5 });
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(2);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.get('b')).toBeUndefined();
  });

  it('never grows past maxEntries however many keys are set', () => {
    const lru = new Lru<number>({ maxEntries: 10 });
    for (let i = 0; i < 1_000; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(10);
    expect(lru.evictions).toBe(990);
    expect(lru.get('k999')).toBe(999);
    expect(lru.get('k989')).toBeUndefined();
  });

  it('rejects a maxEntries that is negative or fractional', () => {
    expect(() => new Lru({ maxEntries: -1 })).toThrow(/maxEntries/);
    expect(() => new Lru({ maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});
