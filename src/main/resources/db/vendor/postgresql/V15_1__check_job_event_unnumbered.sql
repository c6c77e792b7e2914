-- V15_2 drops the sequencer's old index: first make sure V15 left a usable new one. A concurrent index build that
-- failed (its lock_timeout or statement_timeout) leaves an INVALID index behind, and V15 run again after
-- `flyway repair` would skip it (IF NOT EXISTS) and count as applied: without this check V15_2 would then drop the only
-- valid index, and the sequencer would scan the whole event table every pass. Stops the migration and says what to do
-- (FeedIndexSwapTest follows it).
SET lock_timeout = '2s';
SET statement_timeout = '1min';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('job_event_unnumbered') AND indisvalid) THEN
    RAISE EXCEPTION 'job_event_unnumbered is missing or invalid: the concurrent build of V15 failed. Drop that index '
      'if it exists and run the statement of V15__job_event_unnumbered_index.sql by hand (both CONCURRENTLY: they '
      'block no writes), then migrate again';
  END IF;
END
$$;
