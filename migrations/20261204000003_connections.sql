-- Terms for Subscribers: every published version is kept, and a request
-- records which version was accepted.
CREATE TABLE terms_versions (
    version int PRIMARY KEY,
    title text NOT NULL,
    body text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO terms_versions (version, title, body) VALUES (1, 'Terms for Subscribers, version 1',
'1. About these terms
These terms apply to every organisation (the subscriber) that connects a service to members'' personal data stores through this platform. The operator runs the platform. By submitting a connection request the subscriber accepts these terms on behalf of its organisation.

2. Using members'' data
The subscriber may collect from or deliver to a member''s data store only the datasets and fields named in the approved connection request, and only for the use cases declared there. A member can disconnect at any time; the subscriber then stops collecting data and deletes what it holds when the declared retention period ends.

3. Data protection
The subscriber is the controller for the data it collects. It keeps a lawful basis for each use case, answers members'' rights requests within one month, and tells the operator about any personal data breach that affects members within 72 hours of becoming aware of it.

4. Security
The subscriber keeps connection tokens, client secrets and API keys secret, calls the platform only from the addresses it declared, and rotates a credential at once if it may have been exposed.

5. Changes to a connection
Any change to the data, permissions or use cases of a live connection goes through a new request and review. Members are asked to agree again when a change gives the subscriber more data, more access, a new use or a longer retention period.

6. Suspension
The operator may suspend a connection that breaks these terms or puts members at risk, and will say why.

7. Changes to these terms
The operator publishes new versions of these terms in this application. A new version applies to requests submitted after it is published.');

-- A dedicated connection: one service's connection to members' data
-- stores. Its content lives in numbered revisions.
CREATE TABLE connections (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    -- The connection name from the working revision, kept here so that it
    -- is unique within the organisation; NULL while the draft has none.
    name text,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid NOT NULL REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX connections_organisation_name_key
    ON connections (organisation_id, lower(name));
CREATE INDEX connections_organisation_updated_idx
    ON connections (organisation_id, updated_at DESC);

-- One numbered version of a connection's request content. The newest
-- revision is the working revision. `version` counts saves and guards
-- against concurrent edits: a save names the version it started from.
CREATE TABLE revisions (
    id uuid PRIMARY KEY,
    connection_id uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    number int NOT NULL,
    state text NOT NULL,
    content jsonb NOT NULL,
    version int NOT NULL DEFAULT 1,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid NOT NULL REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    ever_submitted boolean NOT NULL DEFAULT false,
    submitted_by uuid REFERENCES users (id),
    submitted_at timestamptz,
    terms_version int REFERENCES terms_versions (version),
    terms_accepted_by uuid REFERENCES users (id),
    terms_accepted_at timestamptz,
    UNIQUE (connection_id, number)
);
CREATE INDEX revisions_state_idx ON revisions (state, updated_at);
