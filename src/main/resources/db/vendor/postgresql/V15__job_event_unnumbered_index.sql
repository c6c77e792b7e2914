-- The changes still waiting for their feed position, as a partial index: only those rows are in it (a few hundred in
-- steady state; more only while the feed's backfill numbers the changes from before the feed), where
-- job_event_unsequenced (V6) held an entry for every change ever stored, and a second one once it was numbered. The
-- sequencer reads `WHERE feed_position IS NULL ORDER BY id` (as 0.5.0 does), the backfill `WHERE feed_position IS NULL
-- AND id <= ?`: both are served by this index. V15_1 checks it is valid, V15_2 drops the old one.
-- CONCURRENTLY takes no lock that callbacks wait on, and runs outside a transaction (MigrationSettings), so it stands
-- alone here; it waits for transactions older than itself (a longer lock_timeout than the table scripts').
SET lock_timeout = '60s';
SET statement_timeout = '30min';
CREATE INDEX CONCURRENTLY IF NOT EXISTS job_event_unnumbered ON job_event (id) WHERE feed_position IS NULL;
