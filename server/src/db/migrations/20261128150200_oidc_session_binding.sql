-- What an application received through a Gatehouse sign-in ends with that sign-in's session.
--
-- Each code and token is tied to the Gatehouse session (sessions row) of the sign-in it came from: a code to the
-- browser's session when it is issued, the tokens of a code exchange or a refresh to the session of the code or
-- refresh token they were issued for (providers/oidc/session-binding.ts). Deleting a sessions row — revoked by an
-- admin or its user, signed out, the user disabled or deleted, expired and cleaned up, from any instance or the
-- CLI — deletes those rows in the same transaction, so the next refresh_token grant is invalid_grant and the next
-- userinfo call invalid_token, on every instance at once.
--
-- One exception, offline access (OpenID Connect Core 1.0 §11: tokens for when "the End-User is not present (not
-- logged in)"): tokens issued with the scope offline_access (oidc-provider leaves them without expiresWithSession)
-- outlive the session's natural end, its expiry. Any other end of a live session — a revocation, a sign-out, a
-- disabled user — is someone deciding that this sign-in is over, and ends them too. They are then detached
-- (ON DELETE SET NULL) and live on their own lifetime, until the consent is revoked or the application removed.
--
-- The foreign key also closes the race with a concurrent token save: a token saved for a session being deleted
-- either commits first (and is deleted with it) or fails its key check (and the grant answers invalid_grant).
ALTER TABLE oidc_payloads ADD COLUMN gatehouse_session_id uuid REFERENCES sessions (id) ON DELETE SET NULL;
-- The trigger below (and the foreign key's SET NULL) find a session's codes and tokens through this index.
CREATE INDEX oidc_payloads_gatehouse_session ON oidc_payloads (gatehouse_session_id) WHERE gatehouse_session_id IS NOT NULL;

CREATE FUNCTION end_oidc_tokens_of_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- idle_expires_at never passes expires_at (CHECK on sessions): a row past it has expired.
  DELETE FROM oidc_payloads
  WHERE gatehouse_session_id = OLD.id
    AND (OLD.idle_expires_at > now() OR (payload ->> 'expiresWithSession') = 'true');
  RETURN OLD;
END;
$$;

-- BEFORE: the foreign key's SET NULL runs after the row is gone, and would otherwise detach every token first.
CREATE TRIGGER sessions_end_oidc_tokens
  BEFORE DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION end_oidc_tokens_of_session();
