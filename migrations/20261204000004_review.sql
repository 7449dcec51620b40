-- Staff review: who owns a review, the reason for a decision, comments
-- pinned to a section, and in-app notifications.

ALTER TABLE revisions
    ADD COLUMN reviewer_id uuid REFERENCES users (id),
    ADD COLUMN decision_reason text,
    ADD COLUMN decided_by uuid REFERENCES users (id),
    ADD COLUMN decided_at timestamptz;

CREATE TABLE review_comments (
    id uuid PRIMARY KEY,
    connection_id uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    revision_id uuid NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    -- A section slug such as `use_cases`.
    section text NOT NULL,
    author_id uuid NOT NULL REFERENCES users (id),
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_comments_connection_idx ON review_comments (connection_id, created_at);

-- One row per recipient. Staff notifications have no organisation.
CREATE TABLE notifications (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connection_id uuid REFERENCES connections (id) ON DELETE CASCADE,
    message text NOT NULL,
    link text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
