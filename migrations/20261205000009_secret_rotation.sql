-- Rotating an OAuth2 client secret issues a successor at once. The old
-- secret keeps working until `expires_at`, the end of the overlap the
-- subscriber admin chose, beside its successor. A deployment has at most
-- one current credential of each kind: the one without `expires_at`.
--
-- `expiry_recorded_at` is set when the expiry of an old secret has been
-- written to the audit trail and notified, so each expiry is reported
-- once.
ALTER TABLE credentials DROP CONSTRAINT credentials_deployment_id_kind_key;
ALTER TABLE credentials ADD COLUMN expires_at timestamptz;
ALTER TABLE credentials ADD COLUMN expiry_recorded_at timestamptz;
ALTER TABLE credentials ADD COLUMN rotated_from uuid REFERENCES credentials (id);
CREATE UNIQUE INDEX credentials_current_idx ON credentials (deployment_id, kind) WHERE expires_at IS NULL;
CREATE INDEX credentials_expiring_idx ON credentials (expires_at)
    WHERE expires_at IS NOT NULL AND expiry_recorded_at IS NULL;
