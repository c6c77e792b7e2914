-- Release 0.6.0 (issue 23): the H2 twin of db/vendor/postgresql/V11 (the embedded default).

-- The changes that existed before the events feed (V6 left their feed_position empty) are numbered by the feed
-- sequencer once, in the order they happened (occurred_at, id), in batches, before any newer change (FeedBackfill).
-- last_event_id is where that work ends: the newest change without a position when this release's schema came.
-- after_occurred_at/after_id is how far it got (a keyset cursor), finished_at when it ended.
CREATE TABLE feed_backfill (
    id                INTEGER       PRIMARY KEY,
    last_event_id     BIGINT,
    after_occurred_at TIMESTAMP WITH TIME ZONE,
    after_id          BIGINT,
    finished_at       TIMESTAMP WITH TIME ZONE
);
INSERT INTO feed_backfill (id, last_event_id) SELECT 1, MAX(id) FROM job_event WHERE feed_position IS NULL;

-- The oldest release generation that may run on this schema. Expand migrations leave it alone (the previous release
-- keeps working during a rolling update); a contract migration that drops or renames what an older release still
-- uses raises it, and a gateway of a lower generation then refuses to start (SchemaFloor).
CREATE TABLE schema_floor (
    id                INTEGER       PRIMARY KEY,
    oldest_generation INTEGER       NOT NULL
);
INSERT INTO schema_floor (id, oldest_generation) VALUES (1, 1);
