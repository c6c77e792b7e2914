-- A later release's expand script that alters two busy tables in one transaction (as V10 does): it holds the first
-- while it waits for the second (SchemaMigrationRetryTest).
SET lock_timeout = '10s';
ALTER TABLE rehearsal_first ADD COLUMN later_release_note TEXT;
ALTER TABLE rehearsal_second ADD COLUMN later_release_note TEXT;
