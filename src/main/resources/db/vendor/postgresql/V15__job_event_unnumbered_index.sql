-- The feed sequencer's "changes without a position, oldest first" (and the backfill's) as a partial index: only the
-- rows still waiting for their position are in it, a few hundred at most, where job_event_unsequenced (V6) held an
-- entry for every change ever stored, a second one written when the change got its position. Both queries read
-- `WHERE feed_position IS NULL … ORDER BY id`, which this index serves as it is (the releases before this one too).
-- CONCURRENTLY takes no lock that callbacks wait on, and runs outside a transaction (MigrationSettings), so it stands
-- alone here; it waits for transactions older than itself (a longer lock_timeout than the table scripts').
SET lock_timeout = '60s';
SET statement_timeout = '30min';
CREATE INDEX CONCURRENTLY IF NOT EXISTS job_event_unnumbered ON job_event (id) WHERE feed_position IS NULL;
