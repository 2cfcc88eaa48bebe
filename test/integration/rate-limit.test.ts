import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { MAX_KEY_BYTES, RateLimiter, decide } from '../../server/src/platform/rate-limit.ts';
import { expiringTableTarget, runCleanup } from '../../server/src/platform/cleanup.ts';

let db: TestDatabase;
// Enough connections for the parallel hits to really run in parallel.
let pool: pg.Pool;
let limiter: RateLimiter;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ ...db.config, max: 20 });
  limiter = new RateLimiter(pool);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Sleeps until `offsetMs` into the next window of `windowSeconds` (windows are aligned to the epoch). */
async function untilNextWindow(windowSeconds: number, offsetMs = 100): Promise<void> {
  const windowMs = windowSeconds * 1000;
  await sleep(windowMs - (Date.now() % windowMs) + offsetMs);
}

describe('RateLimiter', () => {
  it('allows exactly the limit out of 50 parallel hits on a fresh key', async () => {
    const rule = { limit: 7, windowSeconds: 3600 };
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit('login:user:parallel', rule)));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    // Each allowed hit saw its own count, so the counter was incremented atomically.
    expect(results.filter((r) => r.allowed).map((r) => r.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0 && r.retryAfterSeconds > 0)).toBe(true);
    const { rows } = await db.pool.query('SELECT hits FROM rate_limit_counters WHERE key = $1', ['login:user:parallel']);
    // Hits past limit + 1 are not counted.
    expect(rows).toEqual([{ hits: 8 }]);
  });

  it('counts down remaining and reports when to retry', async () => {
    const rule = { limit: 3, windowSeconds: 3600 };
    const key = 'login:user:countdown';
    expect(await limiter.hit(key, rule)).toMatchObject({ allowed: true, count: 1, remaining: 2, retryAfterSeconds: 0 });
    expect(await limiter.hit(key, rule)).toMatchObject({ allowed: true, count: 2, remaining: 1 });
    expect(await limiter.hit(key, rule)).toMatchObject({ allowed: true, count: 3, remaining: 0 });
    const denied = await limiter.hit(key, rule);
    expect(denied).toMatchObject({ allowed: false, count: 4, remaining: 0 });
    // Not before this window ends; the window is aligned to the hour.
    const secondsLeftInWindow = 3600 - ((Date.now() / 1000) % 3600);
    expect(denied.retryAfterSeconds).toBeGreaterThanOrEqual(Math.floor(secondsLeftInWindow));
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(Math.ceil(secondsLeftInWindow + 3600));
  });

  it('weighs the previous window at the start of a new one, and allows again once it has passed', async () => {
    const rule = { limit: 4, windowSeconds: 2 };
    const key = 'ldap:bind:ip:10.0.0.1';
    await untilNextWindow(rule.windowSeconds);
    for (let i = 0; i < 6; i++) await limiter.hit(key, rule);
    // Just into the next window the previous one still weighs almost fully.
    await untilNextWindow(rule.windowSeconds, 50);
    const early = await limiter.hit(key, rule);
    expect(early.allowed).toBe(false);
    expect(early.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Two windows on, the full window with hits is out of reach.
    await untilNextWindow(rule.windowSeconds, 50);
    await untilNextWindow(rule.windowSeconds, 50);
    expect(await limiter.hit(key, rule)).toMatchObject({ allowed: true, count: 1 });
  });

  it('keeps keys independent', async () => {
    const rule = { limit: 2, windowSeconds: 3600 };
    for (let i = 0; i < 3; i++) await limiter.hit('login:user:alice', rule);
    expect((await limiter.hit('login:user:alice', rule)).allowed).toBe(false);
    expect(await limiter.hit('login:user:bob', rule)).toMatchObject({ allowed: true, count: 1 });
    expect(await limiter.hit('login:ip:10.0.0.2', rule)).toMatchObject({ allowed: true, count: 1 });
  });

  it('allows again after a reset, without touching other keys', async () => {
    const rule = { limit: 1, windowSeconds: 3600 };
    await limiter.hit('login:user:carol', rule);
    await limiter.hit('login:user:dave', rule);
    expect((await limiter.hit('login:user:carol', rule)).allowed).toBe(false);
    await limiter.reset('login:user:carol');
    expect(await limiter.hit('login:user:carol', rule)).toMatchObject({ allowed: true, count: 1 });
    expect((await limiter.hit('login:user:dave', rule)).allowed).toBe(false);
  });

  it('refuses empty and over-long keys and malformed rules', async () => {
    const rule = { limit: 1, windowSeconds: 60 };
    await expect(limiter.hit('', rule)).rejects.toThrow(RangeError);
    await expect(limiter.hit('k'.repeat(MAX_KEY_BYTES + 1), rule)).rejects.toThrow(RangeError);
    // Bytes, not characters: 129 two-byte characters are 258 bytes.
    await expect(limiter.hit('é'.repeat(129), rule)).rejects.toThrow(RangeError);
    await expect(limiter.hit('k'.repeat(MAX_KEY_BYTES), rule)).resolves.toMatchObject({ allowed: true });
    await expect(limiter.hit('login:x', { limit: 0, windowSeconds: 60 })).rejects.toThrow(RangeError);
    await expect(limiter.hit('login:x', { limit: 1.5, windowSeconds: 60 })).rejects.toThrow(RangeError);
    await expect(limiter.hit('login:x', { limit: 1, windowSeconds: 0.5 })).rejects.toThrow(RangeError);
    await expect(limiter.reset('')).rejects.toThrow(RangeError);
  });

  it('leaves counters that cleanup removes once they can no longer weigh in', async () => {
    const rule = { limit: 5, windowSeconds: 1 };
    const key = 'login:user:expiring';
    await limiter.hit(key, rule);
    const { rows } = await db.pool.query<{ lifetime: number }>(
      'SELECT extract(epoch FROM expires_at - window_start)::int AS lifetime FROM rate_limit_counters WHERE key = $1',
      [key],
    );
    expect(rows).toEqual([{ lifetime: 2 }]);
    const target = expiringTableTarget({ table: 'rate_limit_counters', expiryCondition: 'expires_at < now()', batchSize: 100 });
    await runCleanup(db.pool, { maxMs: 1_000, targets: [target] });
    expect((await db.pool.query('SELECT 1 FROM rate_limit_counters WHERE key = $1', [key])).rowCount).toBe(1);
    await sleep(2_100);
    await runCleanup(db.pool, { maxMs: 1_000, targets: [target] });
    expect((await db.pool.query('SELECT 1 FROM rate_limit_counters WHERE key = $1', [key])).rowCount).toBe(0);
  });
});

describe('RateLimiter.hitInOrder', () => {
  const hitsOf = async (key: string) =>
    (await db.pool.query<{ hits: number }>('SELECT coalesce(sum(hits), 0)::int AS hits FROM rate_limit_counters WHERE key = $1', [key])).rows[0]!.hits;

  it('counts every key while each allows, and stops at the first refusal', async () => {
    const address = { key: 'login:ip:10.9.0.1', rule: { limit: 2, windowSeconds: 3600 } };
    const account = { key: 'login:account:order', rule: { limit: 5, windowSeconds: 3600 } };
    expect(await limiter.hitInOrder([address, account])).toMatchObject([{ allowed: true, count: 1 }, { allowed: true, count: 1 }]);
    expect(await limiter.hitInOrder([address, account])).toMatchObject([{ allowed: true, count: 2 }, { allowed: true, count: 2 }]);
    const refused = await limiter.hitInOrder([address, account]);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ allowed: false, count: 3 });
    // The refused address did not use up the account's attempts.
    expect(await hitsOf(account.key)).toBe(2);
    expect(await limiter.hit(account.key, account.rule)).toMatchObject({ allowed: true, count: 3 });
  });

  it('counts the second key exactly when decide() allows the first, the previous window weighed in', async () => {
    const rule = { limit: 10, windowSeconds: 86_400 };
    // Previous windows of 0 to 240 hits put the sliding estimate of the first key on both sides of its limit,
    // wherever in the day the test runs (up to 96% through the window).
    for (let previousHits = 0; previousHits <= 240; previousHits += 4) {
      const first = { key: `login:ip:weighed-${previousHits}`, rule };
      const second = { key: `login:account:weighed-${previousHits}`, rule };
      await db.pool.query(
        `INSERT INTO rate_limit_counters (key, window_start, hits, expires_at)
         SELECT $1, to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int - $2::int), $3, now() + interval '1 day'`,
        [first.key, rule.windowSeconds, previousHits],
      );
      const decisions = await limiter.hitInOrder([first, second]);
      expect(decisions).toHaveLength(decisions[0]!.allowed ? 2 : 1);
      expect(await hitsOf(second.key)).toBe(decisions[0]!.allowed ? 1 : 0);
    }
  });

  it('checks every key and rule before counting any', async () => {
    await expect(limiter.hitInOrder([{ key: 'login:ip:checked', rule: { limit: 1, windowSeconds: 60 } }, { key: '', rule: { limit: 1, windowSeconds: 60 } }])).rejects.toThrow(RangeError);
    expect(await hitsOf('login:ip:checked')).toBe(0);
    await expect(limiter.hitInOrder([{ key: 'login:ip:twice', rule: { limit: 5, windowSeconds: 60 } }, { key: 'login:ip:twice', rule: { limit: 5, windowSeconds: 60 } }])).rejects.toThrow(/distinct keys/);
    expect(await hitsOf('login:ip:twice')).toBe(0);
  });
});

describe('decide (the sliding estimate)', () => {
  const rule = { limit: 10, windowSeconds: 60 };

  it('counts only the current window when the previous one was empty', () => {
    expect(decide({ hits: 10, previousHits: 0, elapsedSeconds: 5 }, rule)).toEqual({ allowed: true, count: 10, remaining: 0, retryAfterSeconds: 0 });
  });

  it('weighs the previous window by the part of it still inside the sliding window', () => {
    // 10 × (1 − 15/60) + 3 = 10.5 > 10
    const denied = decide({ hits: 3, previousHits: 10, elapsedSeconds: 15 }, rule);
    expect(denied).toMatchObject({ allowed: false, count: 11, remaining: 0 });
    // The next hit (4 in this window) fits once 10 × (1 − t/60) + 4 ≤ 10, at t = 24 s: 9 s from now.
    expect(denied.retryAfterSeconds).toBe(9);
    expect(decide({ hits: 3, previousHits: 10, elapsedSeconds: 30 }, rule)).toMatchObject({ allowed: true, count: 8, remaining: 2 });
  });

  it('sends a client over the limit to the next window, where this one weighs in', () => {
    // 11 hits now; in the next window 11 × (1 − t/60) + 1 ≤ 10 from t ≈ 10.9 s: 45 + 10.9 s from now.
    expect(decide({ hits: 11, previousHits: 0, elapsedSeconds: 15 }, rule).retryAfterSeconds).toBe(56);
  });
});
