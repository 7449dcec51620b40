-- Accounts, subscriber organisations and memberships.
-- Staff are users with a staff_role; they belong to no organisation.

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    password_hash text NOT NULL,
    staff_role text CHECK (staff_role IN ('staff_reviewer', 'operator_admin')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE organisations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('subscriber_admin', 'subscriber_user')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

-- An invitation is accepted through a link that carries a random token;
-- only its SHA-256 hash is stored.
CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email text NOT NULL,
    role text NOT NULL CHECK (role IN ('subscriber_admin', 'subscriber_user')),
    token_hash text NOT NULL UNIQUE,
    invited_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz
);
CREATE INDEX invitations_organisation_id_idx ON invitations (organisation_id);

-- Failed sign-in attempts, counted per email and per client address to
-- throttle password guessing. Old rows are deleted at each sign-in.
CREATE TABLE login_failures (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    client_ip text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);

-- Append-only record of what happened, who did it and to what.
CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_user_id uuid REFERENCES users (id),
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    connection_id uuid,
    revision_id uuid,
    action text NOT NULL,
    before jsonb,
    after jsonb
);
CREATE INDEX audit_events_organisation_idx ON audit_events (organisation_id, occurred_at);
CREATE INDEX audit_events_connection_idx ON audit_events (connection_id, occurred_at);
