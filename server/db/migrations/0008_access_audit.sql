-- Access control and audit: sessions and API tokens (stored as hashes only), an ingest-only role for gateways,
-- replay protection for the signed webhook, and a retention-aware audit chain.

ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check
  CHECK (role IN ('admin','supervisor','dispatcher','analyst','grid_worker','auditor','wall','gateway'));

-- A browser session (cookie) or an API token (bearer): the same secret, kept as its SHA-256 only. Tokens are 256
-- random bits, so a fast hash is enough; passwords, which people choose, get scrypt.
CREATE TABLE auth_session (
  id          bigserial PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  user_id     integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('session','api')),
  label       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id);

-- Nonces of webhook deliveries already taken, so a captured delivery cannot be sent again; kept a little
-- longer than the accepted clock skew, then dropped by the retention job.
CREATE TABLE webhook_replay (
  nonce     text PRIMARY KEY,
  seen_at   timestamptz NOT NULL
);

-- Retention removes the oldest audit rows; the hash of the last row removed stays here, so the chain is still
-- proved from its first remaining row instead of from the genesis hash.
CREATE TABLE audit_anchor (
  id         smallint PRIMARY KEY CHECK (id = 1),
  last_id    bigint NOT NULL,
  last_hash  text NOT NULL,
  pruned_at  timestamptz NOT NULL
);

-- Rows leave the audit log only through the retention job, which says so for its own transaction.
CREATE FUNCTION audit_log_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('gridwatch.audit_retention', true), '') <> 'on' THEN
    RAISE EXCEPTION 'audit_log is append-only';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_no_delete();
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);
