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

/**
 * Counts the hit and reads the previous window in one statement, so parallel hits on one key serialize on the
 * current window's row lock and each sees a distinct count.
 * Hits past limit + 1 are not counted: a client hammering a closed limit does not extend its own lockout,
 * and the window it leaves behind weighs at most limit + 1 in the sliding estimate.
 * A window's row expires when it stops being the previous window, so cleanup can delete it (index rate_limit_counters_expires_at).
 * $1 key, $2 window seconds, $3 limit.
 */
const HIT_SQL = `
WITH clock AS (
  SELECT to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int) AS window_start, make_interval(secs => $2::int) AS window_length
), counted AS (
  INSERT INTO rate_limit_counters AS c (key, window_start, hits, expires_at)
  SELECT $1, window_start, 1, window_start + 2 * window_length FROM clock
  ON CONFLICT (key, window_start) DO UPDATE SET hits = least(c.hits + 1, $3::int + 1)
  RETURNING c.hits, c.window_start
)
SELECT counted.hits,
  coalesce((SELECT p.hits FROM rate_limit_counters p, clock WHERE p.key = $1 AND p.window_start = counted.window_start - clock.window_length), 0) AS "previousHits",
  extract(epoch FROM now() - counted.window_start)::float8 AS "elapsedSeconds"
FROM counted`;

export class RateLimiter {
  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    assertKey(key);
    assertRule(rule);
    const { rows } = await this.pool.query<WindowState>(HIT_SQL, [key, rule.windowSeconds, rule.limit]);
    return decide(rows[0]!, rule);
  }

  /** Forgets every window of the key, e.g. after a successful login (primary key prefix). */
  async reset(key: string): Promise<void> {
    assertKey(key);
    await this.pool.query('DELETE FROM rate_limit_counters WHERE key = $1', [key]);
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
