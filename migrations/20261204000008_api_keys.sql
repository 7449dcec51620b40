-- API keys for the operator's API, one row per issued key. Only the
-- SHA-256 hash of a key and a short prefix for display are stored.
--
-- A sandbox key is issued when it is requested. A live key starts as
-- `pending`; staff approve it (`approved`) or decline it (`declined`), and
-- an approved key is issued (`active`) when an organisation admin first
-- opens it, so its plain text exists only in that one response.
--
-- Rotating a key inserts its successor and sets `expires_at` on the old
-- row to the end of the chosen overlap, during which both keys work.
CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    environment text NOT NULL CHECK (environment IN ('sandbox', 'live')),
    name text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'active', 'revoked')),
    -- NULL until the key is issued.
    key_hash text UNIQUE,
    prefix text,
    requested_by uuid NOT NULL REFERENCES users (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by uuid REFERENCES users (id),
    decided_at timestamptz,
    decision_reason text,
    issued_at timestamptz,
    -- The key this one replaced by rotation, if any.
    rotated_from uuid REFERENCES api_keys (id),
    -- Set when the key is rotated: the end of the overlap.
    expires_at timestamptz,
    revoked_by uuid REFERENCES users (id),
    revoked_at timestamptz,
    last_used_at timestamptz,
    CHECK (status <> 'active' OR key_hash IS NOT NULL)
);
CREATE INDEX api_keys_organisation_idx ON api_keys (organisation_id, requested_at DESC);
CREATE INDEX api_keys_pending_idx ON api_keys (requested_at) WHERE status = 'pending';
