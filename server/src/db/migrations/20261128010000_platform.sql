-- Platform state that Redis used to hold: cache, rate-limit counters, large bus payloads.
-- Each table has an expiry column, an index on it, and a cleanup job (server/src/platform/cleanup.ts).

-- The cache may be lost in a crash (it is a cache), so it skips the WAL.
CREATE UNLOGGED TABLE cache_entries (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX cache_entries_expires_at ON cache_entries (expires_at);

-- One row per key and fixed window; the limiter weighs the previous window for a sliding estimate.
CREATE TABLE rate_limit_counters (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counters_expires_at ON rate_limit_counters (expires_at);

-- Bus messages over NOTIFY's 8000-byte limit travel by reference to a row here, kept for minutes.
CREATE TABLE bus_payloads (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic text NOT NULL,
  payload text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bus_payloads_created_at ON bus_payloads (created_at);
