// Rate limits shared by every instance: one counter row per key and fixed window in rate_limit_counters,
// with the previous window weighed in for a sliding estimate (the approach Cloudflare describes for its limiter).
// Keys are one shared space, named by what they limit: `login:user:alice`, `ldap:bind:ip:10.0.0.1`.
import type pg from 'pg';

export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The sliding estimate of hits in the last window, this one included, rounded up. */
  count: number;
  remaining: number;
  /** 0 when allowed; otherwise when a hit would be allowed again if no other hit came first. */
  retryAfterSeconds: number;
}

/** Observed state of one key after a hit, as the counting statement returns it. */
export interface WindowState {
  /** Hits counted in the current window, this one included (capped at limit + 1). */
  hits: number;
  previousHits: number;
  elapsedSeconds: number;
}

export const MAX_KEY_BYTES = 256;

/** One hit to count: a key and the rule it is counted under. */
export interface RateHit {
  key: string;
  rule: RateRule;
}

/**
 * The statement that counts hits in order, stopping at the first one refused, for `count` keys.
 * For each key, one CTE step counts the hit and reads the previous window, so parallel hits on one key serialize on
 * the current window's row lock and each sees a distinct count.
 * Hits past limit + 1 are not counted: a client hammering a closed limit does not extend its own lockout,
 * and the window it leaves behind weighs at most limit + 1 in the sliding estimate.
 * A key after the first is counted only when the one before it is allowed (by the estimate decide() makes, in SQL),
 * so a refused hit never uses up the next key's allowance; rows are locked in the order given, which is the
 * callers' fixed order of kinds of key (address, then account), so two statements cannot deadlock.
 * A window's row expires when it stops being the previous window, so cleanup can delete it (index rate_limit_counters_expires_at).
 * Parameters, three per key: key, window seconds, limit. Answers one row per key counted, by position.
 */
function hitsInOrderSql(count: number): string {
  const steps = Array.from({ length: count }, (_, i) => {
    const [key, windowSeconds, limit] = [`$${3 * i + 1}`, `$${3 * i + 2}::int`, `$${3 * i + 3}::int`];
    // The hit before must be allowed: the sliding estimate of decide() below, over the state the step before read.
    const previousAllowed =
      i === 0 ? '' : `, state_${i - 1} s WHERE s."previousHits" * (1 - least(greatest(s."elapsedSeconds", 0), $${3 * i - 1}::int) / $${3 * i - 1}::int::float8) + s.hits <= $${3 * i}::int`;
    return `clock_${i} AS (
  SELECT to_timestamp(floor(extract(epoch FROM now()) / ${windowSeconds}) * ${windowSeconds}) AS window_start, make_interval(secs => ${windowSeconds}) AS window_length
), counted_${i} AS (
  INSERT INTO rate_limit_counters AS c (key, window_start, hits, expires_at)
  SELECT ${key}, window_start, 1, window_start + 2 * window_length FROM clock_${i}${previousAllowed}
  ON CONFLICT (key, window_start) DO UPDATE SET hits = least(c.hits + 1, ${limit} + 1)
  RETURNING c.hits, c.window_start
), state_${i} AS (
  SELECT ${i} AS position, counted_${i}.hits,
    coalesce((SELECT p.hits FROM rate_limit_counters p WHERE p.key = ${key} AND p.window_start = counted_${i}.window_start - clock_${i}.window_length), 0) AS "previousHits",
    extract(epoch FROM now() - counted_${i}.window_start)::float8 AS "elapsedSeconds"
  FROM counted_${i}, clock_${i}
)`;
  });
  return `WITH ${steps.join(', ')}\n${Array.from({ length: count }, (_, i) => `SELECT * FROM state_${i}`).join(' UNION ALL ')}`;
}

/** Named statements (prepared once per connection), by number of keys. */
const HITS_IN_ORDER = new Map<number, { name: string; text: string }>();

function hitsInOrderStatement(count: number): { name: string; text: string } {
  let statement = HITS_IN_ORDER.get(count);
  if (!statement) {
    statement = { name: `rate_limit_hits_in_order_${count}`, text: hitsInOrderSql(count) };
    HITS_IN_ORDER.set(count, statement);
  }
  return statement;
}

// Primary key prefix.
const RESET = { name: 'rate_limit_reset', text: 'DELETE FROM rate_limit_counters WHERE key = $1' };

export class RateLimiter {
  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    return (await this.hitInOrder([{ key, rule }]))[0]!;
  }

  /**
   * Counts each hit in turn until one is refused, in one statement (one round trip): the decisions up to and
   * including the first refusal; the hits after it are not counted.
   */
  async hitInOrder(hits: readonly RateHit[]): Promise<RateDecision[]> {
    if (hits.length === 0) return [];
    for (const { key, rule } of hits) {
      assertKey(key);
      assertRule(rule);
    }
    // One statement cannot count a key twice (ON CONFLICT may touch a row once): refused before anything is counted.
    if (new Set(hits.map((h) => h.key)).size !== hits.length) throw new RangeError('hitInOrder needs distinct keys');
    const values = hits.flatMap(({ key, rule }) => [key, rule.windowSeconds, rule.limit]);
    const { rows } = await this.pool.query<WindowState & { position: number }>({ ...hitsInOrderStatement(hits.length), values });
    const decisions = rows.sort((a, b) => a.position - b.position).map((state) => decide(state, hits[state.position]!.rule));
    // The statement stopped counting before the end, so it judged the last counted hit over its limit. Should decide()
    // ever round the other way (another float precision on an external server), the caller must still be refused:
    // a throttle fails closed.
    if (decisions.length < hits.length && decisions.every((d) => d.allowed)) {
      const last = decisions.at(-1)!;
      decisions[decisions.length - 1] = { ...last, allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, last.retryAfterSeconds) };
    }
    return decisions;
  }

  /** Forgets every window of the key, e.g. after a successful login (primary key prefix). */
  async reset(key: string): Promise<void> {
    assertKey(key);
    await this.pool.query({ ...RESET, values: [key] });
  }
}

/** The sliding estimate: the previous window's hits weighed by how much of it still lies within one window of now. */
export function decide(state: WindowState, rule: RateRule): RateDecision {
  const { limit, windowSeconds } = rule;
  const elapsed = Math.min(Math.max(state.elapsedSeconds, 0), windowSeconds);
  const estimate = state.previousHits * (1 - elapsed / windowSeconds) + state.hits;
  const allowed = estimate <= limit;
  return {
    allowed,
    count: Math.ceil(estimate),
    remaining: Math.max(0, Math.floor(limit - estimate)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(secondsUntilAllowed(state, elapsed, rule))),
  };
}

/** When the next hit's estimate falls to the limit, assuming no hit comes before it. */
function secondsUntilAllowed(state: WindowState, elapsed: number, { limit, windowSeconds }: RateRule): number {
  const nextHits = state.hits + 1;
  // Still in this window: wait until the previous window weighs little enough.
  if (nextHits <= limit && state.previousHits > 0) {
    const fraction = 1 - (limit - nextHits) / state.previousHits;
    return (fraction * windowSeconds) - elapsed;
  }
  // In the next window, this window becomes the previous one.
  const fraction = Math.max(0, 1 - (limit - 1) / state.hits);
  return windowSeconds - elapsed + fraction * windowSeconds;
}

function assertKey(key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > MAX_KEY_BYTES) throw new RangeError(`a rate-limit key must have 1 to ${MAX_KEY_BYTES} bytes, got ${bytes}`);
}

function assertRule({ limit, windowSeconds }: RateRule): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a rate limit must be a positive integer, got ${limit}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86_400) {
    throw new RangeError(`a rate-limit window must be 1 to 86400 whole seconds, got ${windowSeconds}`);
  }
}
