-- The OIDC / OAuth 2 provider: what oidc-provider stores through its adapter, the clients (applications),
-- and the signing keys.

-- Every artefact oidc-provider stores (sessions, interactions, codes, tokens, grants, device codes…),
-- one table keyed by (model, id), so that every adapter call is one statement whatever the model.
-- The columns beside payload are copies of payload fields that a lookup needs an index on; payload itself is
-- never queried inside, so it is json (kept as text) rather than jsonb (converted on every write and read).
CREATE TABLE oidc_payloads (
  model text NOT NULL,
  id text NOT NULL,
  payload json NOT NULL,
  -- The grant a code or token belongs to (revokeByGrantId).
  grant_id text,
  -- A session's uid (findByUid).
  uid text,
  -- A device code's user code (findByUserCode).
  user_code text,
  -- Owner of a grant: consent is remembered per user and client.
  account_id text,
  client_id text,
  -- NULL: kept until deleted.
  expires_at timestamptz,
  -- Set once by consume (a code or refresh token used); kept until expiry so that reuse is detected.
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
-- revokeByGrantId deletes everything issued under one grant.
CREATE INDEX oidc_payloads_grant_id ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
-- findByUid: a session by the uid that interactions and tokens refer to.
CREATE INDEX oidc_payloads_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
-- findByUserCode: the device flow's user code page.
CREATE INDEX oidc_payloads_user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
-- A user's remembered consent for a client, looked up when the provider session has none.
CREATE INDEX oidc_payloads_grant_owner ON oidc_payloads (account_id, client_id) WHERE model = 'Grant';
-- Cleanup deletes expired rows.
CREATE INDEX oidc_payloads_expires_at ON oidc_payloads (expires_at);

-- Applications that log users in through Gatehouse (OIDC relying parties, OAuth clients).
CREATE TABLE oidc_clients (
  client_id text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9][a-z0-9-]{2,63}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- SHA-256 of the client secret (a 256-bit random value, shown once); NULL for a public client.
  secret_sha256 bytea CHECK (secret_sha256 IS NULL OR length(secret_sha256) = 32),
  is_public boolean NOT NULL,
  redirect_uris text[] NOT NULL DEFAULT '{}',
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  grant_types text[] NOT NULL CHECK (cardinality(grant_types) > 0),
  -- http:// redirect URIs on hosts other than loopback, for this client only.
  allow_http_redirect_uris boolean NOT NULL DEFAULT false,
  -- May introspect tokens issued to other clients (an API that checks the tokens sent to it).
  is_resource_server boolean NOT NULL DEFAULT false,
  logo_uri text,
  is_enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (is_public = (secret_sha256 IS NULL)),
  -- A public client cannot keep a secret, so it can neither use client credentials nor introspect others' tokens.
  CHECK (NOT is_public OR (NOT is_resource_server AND NOT ('client_credentials' = ANY (grant_types))))
);
CREATE UNIQUE INDEX oidc_clients_name_lower ON oidc_clients (lower(name));

-- Signing keys. A key is published in the JWKS from created_at, signs from activates_at until its successor
-- activates (retires_at), and is deleted once every token it signed has expired.
CREATE TABLE oidc_signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL CHECK (alg IN ('RS256', 'ES256')),
  public_jwk jsonb NOT NULL,
  -- The private JWK, sealed with the master key (SecretBox, context "oidc-signing-key:<kid>").
  private_jwk_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  activates_at timestamptz NOT NULL,
  retires_at timestamptz,
  CHECK (activates_at >= created_at),
  CHECK (retires_at IS NULL OR retires_at >= activates_at)
);
-- At most one key of an algorithm starts signing at a given instant.
CREATE UNIQUE INDEX oidc_signing_keys_alg_activates_at ON oidc_signing_keys (alg, activates_at);
