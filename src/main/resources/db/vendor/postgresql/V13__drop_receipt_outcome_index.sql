-- callback_receipt_outcome (V1) served no query: every query that filters on a receipt's outcome also names its job,
-- and callback_receipt_job_id finds that job's few receipts (EXPLAIN in the README, Benchmarks). Without it a stored
-- callback writes one index entry less, and the reconciler's UPDATE of a receipt's outcome can be a HOT update.
-- CONCURRENTLY takes no lock that callbacks wait on, and runs outside a transaction (MigrationSettings), so it stands
-- alone here; it waits for transactions older than itself (a longer lock_timeout than the table scripts').
SET lock_timeout = '60s';
SET statement_timeout = '30min';
DROP INDEX CONCURRENTLY IF EXISTS callback_receipt_outcome;
