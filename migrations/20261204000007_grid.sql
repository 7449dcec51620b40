-- Indexes for the connections grid.
--
-- Each grid row reads its connection's working revision (the highest
-- number). This index finds it by connection and carries the columns the
-- grid shows, so the lookup is an index-only scan once the table is
-- vacuumed, instead of a heap read of the revision and its content.
CREATE INDEX revisions_working_idx
    ON revisions (connection_id, number DESC)
    INCLUDE (state, version, updated_at, updated_by, submitted_at, ever_submitted);

-- The staff grid lists only connections submitted at least once.
CREATE INDEX revisions_submitted_connection_idx
    ON revisions (connection_id)
    WHERE ever_submitted;

-- An organisation's page finds its connections by organisation_id
-- through connections_organisation_name_key and
-- connections_organisation_updated_idx, created with the connections table.
