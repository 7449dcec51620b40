-- Deployments to the sandbox and live environments, and the credentials
-- issued with them. Secrets are stored only as SHA-256 hashes with their
-- last four characters.

CREATE SEQUENCE connection_nid_seq START 100001;

ALTER TABLE revisions ADD COLUMN test_summary text;

-- The revision currently deployed in each environment of a connection.
CREATE TABLE deployments (
    id uuid PRIMARY KEY,
    connection_id uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    environment text NOT NULL CHECK (environment IN ('sandbox', 'live')),
    revision_id uuid NOT NULL REFERENCES revisions (id),
    revision_number int NOT NULL,
    nid bigint NOT NULL,
    client_id text NOT NULL,
    api_base_url text NOT NULL,
    callback_url text NOT NULL,
    whitelisted jsonb NOT NULL,
    deployed_by uuid NOT NULL REFERENCES users (id),
    deployed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, environment)
);

-- A connection token or OAuth2 client secret. Created when the subscriber
-- first opens the credentials of a deployment, so the plain text exists
-- only in that one response.
CREATE TABLE credentials (
    id uuid PRIMARY KEY,
    deployment_id uuid NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('connection_token', 'client_secret')),
    secret_hash text NOT NULL,
    last_four text NOT NULL,
    issued_by uuid NOT NULL REFERENCES users (id),
    issued_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    UNIQUE (deployment_id, kind)
);
