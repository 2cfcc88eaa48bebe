-- Login flows: where one browser's sign-in for one OIDC interaction stands, so a refresh or the back button
-- resumes it where it was. The interaction itself (client, prompt, params) stays with the OIDC provider.
CREATE TABLE login_flows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  interaction_uid text NOT NULL CHECK (length(interaction_uid) BETWEEN 1 AND 128),
  -- SHA-256 of the random value in the browser's flow cookie: the flow answers to that browser only.
  browser_hash bytea NOT NULL,
  -- The per-flow CSRF token (synchronizer token) the page echoes in a header on every state-changing request.
  -- Kept as is: alone it grants nothing, and the page needs it again after a refresh.
  csrf_token text NOT NULL,
  step text NOT NULL CHECK (step IN ('identify', 'password', 'mfa', 'consent', 'done')),
  -- What the user typed at identification (a username or an email), never checked against users until the password step.
  login text CHECK (login IS NULL OR length(login) <= 254),
  -- Set once the password was right; the MFA step (a later issue) completes from here.
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  auth_methods text[] NOT NULL DEFAULT '{}',
  -- Where the browser goes once the flow is done (the provider's resume URL), for a refresh after the last step.
  redirect_to text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
-- Every flow request finds its row by interaction and browser.
CREATE UNIQUE INDEX login_flows_interaction_browser ON login_flows (interaction_uid, browser_hash);
-- Cleanup deletes expired flows.
CREATE INDEX login_flows_expires_at ON login_flows (expires_at);

-- The first-admin setup closes for good the moment any admin exists, however it was made (the setup page,
-- `gatehouse user add --admin`, a later admin API): instance_state.setup_completed_at is never removed,
-- so deleting that admin later does not reopen setup.
CREATE FUNCTION close_first_admin_setup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only this insert: the setup page locks the token's row while it creates the admin on another connection.
  INSERT INTO instance_state (key, value) VALUES ('setup_completed_at', to_jsonb(now())) ON CONFLICT (key) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER users_admin_closes_setup
  AFTER INSERT OR UPDATE OF is_admin ON users
  FOR EACH ROW WHEN (NEW.is_admin) EXECUTE FUNCTION close_first_admin_setup();

-- An instance that already has an admin when this migration runs is set up.
INSERT INTO instance_state (key, value) SELECT 'setup_completed_at', to_jsonb(now()) WHERE EXISTS (SELECT 1 FROM users WHERE is_admin)
ON CONFLICT (key) DO NOTHING;
