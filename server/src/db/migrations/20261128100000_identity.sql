-- Identity: users, groups, memberships, sessions, and the instance's one-time setup state.

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  email text CHECK (email IS NULL OR (length(email) <= 254 AND email ~ '^[^@\s]+@[^@\s]+$')),
  email_verified boolean NOT NULL DEFAULT false,
  display_name text CHECK (display_name IS NULL OR length(display_name) <= 200),
  is_active boolean NOT NULL DEFAULT true,
  is_admin boolean NOT NULL DEFAULT false,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash); NULL: no password set (cannot log in with one).
  password_hash text,
  password_changed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Usernames and emails are unique regardless of case; lookups use lower().
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower ON users (lower(email)) WHERE email IS NOT NULL;
-- "Is there an admin?" (the first-run setup asks) without a scan of every user.
CREATE INDEX users_active_admins ON users (id) WHERE is_admin AND is_active;

CREATE TABLE groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$'),
  description text CHECK (description IS NULL OR length(description) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX groups_name_lower ON groups (lower(name));

CREATE TABLE group_members (
  group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, user_id)
);
-- The session query reads a user's groups through this index.
CREATE INDEX group_members_user ON group_members (user_id);

-- Login sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash bytea NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  -- Absolute expiry, and idle expiry (pushed forward as the session is used).
  expires_at timestamptz NOT NULL,
  idle_expires_at timestamptz NOT NULL,
  auth_time timestamptz NOT NULL DEFAULT now(),
  -- How the user proved who they are (e.g. {pwd}, {pwd,otp}), for acr/amr.
  auth_methods text[] NOT NULL DEFAULT '{}',
  last_ip inet,
  user_agent text CHECK (user_agent IS NULL OR length(user_agent) <= 512),
  -- The idle expiry never passes the absolute one, so idle_expires_at alone says whether a session is over.
  CHECK (idle_expires_at <= expires_at)
);
-- Every authenticated request looks its session up by this index.
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);
-- Cleanup deletes sessions past either expiry; by the CHECK above, that is idle_expires_at < now().
CREATE INDEX sessions_idle_expires_at ON sessions (idle_expires_at);

-- Facts about this instance that must never go back: setup_completed_at closes the first-admin setup for good.
CREATE TABLE instance_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
