-- Emails waiting to be sent. A row is written in the same transaction as
-- the event it reports; a background worker sends it over SMTP, retrying
-- with backoff, and marks it sent. A worker holds the row's lock while it
-- sends, so two workers never send the same row.

CREATE TABLE email_outbox (
    id bigserial PRIMARY KEY,
    -- Becomes the Message-ID header, so that a receiving server can drop a
    -- copy it already has.
    message_id uuid NOT NULL UNIQUE,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    -- A path in the app, such as /connections/<id>; the worker prefixes the
    -- app's public address.
    link text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    sent_at timestamptz,
    -- Set when the worker gives up after its last attempt.
    failed_at timestamptz
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
