-- The admin API: API tokens, one-time password-reset links, and what its lists and searches need to stay fast at
-- 100k users and 1M events (trigram indexes for "search anywhere in the name", keyset indexes for paging).

-- pg_trgm lives in its own schema: a restore builds the new tables in a scratch schema and drops the old one, which
-- must never take the extension (and every index using it) along. pg_trgm is a trusted extension (PostgreSQL 13+),
-- so the database owner may create it on an external server too.
-- Where an operator installed pg_trgm already (an external server, usually in public), it is moved to gatehouse_ext
-- (pg_trgm is relocatable; existing indexes refer to its operator classes by oid and keep working).
CREATE SCHEMA IF NOT EXISTS gatehouse_ext;
DO $$
DECLARE
  installed_in text;
BEGIN
  SELECT n.nspname INTO installed_in FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF installed_in IS NULL THEN
    CREATE EXTENSION pg_trgm WITH SCHEMA gatehouse_ext;
  ELSIF installed_in <> 'gatehouse_ext' THEN
    RAISE NOTICE 'moving pg_trgm from schema % to gatehouse_ext, where Gatehouse keeps its extensions', installed_in;
    BEGIN
      ALTER EXTENSION pg_trgm SET SCHEMA gatehouse_ext;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE EXCEPTION 'pg_trgm is installed in schema % of database % by another role, and Gatehouse may not move it. Ask the PostgreSQL server''s admin to run, in that database: ALTER EXTENSION pg_trgm SET SCHEMA gatehouse_ext; then start Gatehouse again.', installed_in, current_database();
    END;
  END IF;
END
$$;

-- Users: search matches a part of the username, email or display name (ILIKE '%…%').
CREATE INDEX users_search_trgm ON users USING gin (
  (lower(username) || ' ' || coalesce(lower(email), '') || ' ' || coalesce(lower(display_name), '')) gatehouse_ext.gin_trgm_ops
);

-- Groups: the same search by name.
CREATE INDEX groups_name_trgm ON groups USING gin (lower(name) gatehouse_ext.gin_trgm_ops);

-- Events keep a readable name of their target, so the log still says "alice" after alice is deleted.
ALTER TABLE events ADD COLUMN target_label text CHECK (target_label IS NULL OR length(target_label) <= 200);
-- Filter by who did it, or by what it was done to, newest first (keyset pages on occurred_at, id).
CREATE INDEX events_actor_occurred_at ON events (actor_user_id, occurred_at DESC, id DESC) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_target_occurred_at ON events (target_type, target_id, occurred_at DESC, id DESC) WHERE target_id IS NOT NULL;

-- Every active session, most recently used first (the Sessions page's keyset).
CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at DESC, id DESC);

-- API tokens for scripts and tools: 256 random bits, shown once, stored as their SHA-256 (like client secrets: a
-- random secret cannot be guessed at any speed, so a slow hash adds nothing).
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_sha256 bytea NOT NULL CHECK (length(token_sha256) = 32),
  -- What the token may do, e.g. {users:read, users:write}; checked on every request.
  scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  CHECK (expires_at > created_at)
);
-- Every request with a token looks it up by this index.
CREATE UNIQUE INDEX api_tokens_token_sha256 ON api_tokens (token_sha256);

-- One-time links an admin gives a user to set a new password (shown to copy or print; Gatehouse sends no mail).
-- Only the SHA-256 of the link's token is kept; making a new link for a user replaces the old one.
CREATE TABLE password_resets (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  token_sha256 bytea NOT NULL CHECK (length(token_sha256) = 32),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX password_resets_token_sha256 ON password_resets (token_sha256);
CREATE INDEX password_resets_expires_at ON password_resets (expires_at);

-- Where "My apps" sends a user to start using an application (its home page); NULL: not shown there.
ALTER TABLE oidc_clients ADD COLUMN launch_url text CHECK (launch_url IS NULL OR (length(launch_url) <= 2000 AND launch_url ~ '^https?://'));
