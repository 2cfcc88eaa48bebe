-- Settings an admin changes at run time (backup schedule now; session lifetimes, password policy and branding
-- later), the event log that audit and failures write to, and the record of backup, verify and restore runs.

-- One row per setting; each key's value has the shape its owning module validates (e.g. backup.schedule).
CREATE TABLE settings (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- What happened, who did it, to what: changes (audit), failures (a scheduled backup that failed), sign-ins.
-- Never holds secrets. type is dotted, e.g. backup.failed, user.created.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  -- Who: a user (actor_user_id), or a name for the rest ("cli", "scheduler", an API token's name).
  actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  actor text CHECK (actor IS NULL OR length(actor) <= 200),
  target_type text CHECK (target_type IS NULL OR length(target_type) <= 50),
  target_id text CHECK (target_id IS NULL OR length(target_id) <= 200),
  source_address inet,
  request_id text CHECK (request_id IS NULL OR length(request_id) <= 100),
  data jsonb NOT NULL DEFAULT '{}'::jsonb
);
-- Newest first, the default listing and its keyset pages.
CREATE INDEX events_occurred_at ON events (occurred_at DESC, id DESC);
-- Filter by type ("show failed backups") in time order.
CREATE INDEX events_type_occurred_at ON events (type, occurred_at DESC);

-- Backups, verifies and restores, whoever started them (UI, CLI, schedule): progress while running, result after.
CREATE TABLE backup_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('backup', 'verify', 'restore')),
  trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  -- Where the run is (e.g. tables, media, verifying, loading, migrating, swapping) and how far.
  phase text NOT NULL DEFAULT 'starting',
  rows_done bigint NOT NULL DEFAULT 0,
  rows_total bigint,
  bytes_done bigint NOT NULL DEFAULT 0,
  file text,
  error text,
  started_by text,
  -- The instance doing the work; a run whose instance died is marked failed by the next one to look.
  instance_id text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX backup_runs_started_at ON backup_runs (started_at DESC);
