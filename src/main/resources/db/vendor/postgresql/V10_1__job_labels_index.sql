-- GET /api/jobs?label=k=v is CAST(labels AS jsonb) @> '{"k":"v"}': a GIN index over the labels as jsonb finds the
-- jobs. CONCURRENTLY takes no lock that callbacks wait on, and runs outside a transaction (MigrationSettings), so it
-- stands alone here. It waits for transactions older than itself: a longer lock_timeout than the table scripts'
-- (nothing waits behind it), and a statement_timeout for a large table's build.
SET lock_timeout = '60s';
SET statement_timeout = '30min';
CREATE INDEX CONCURRENTLY IF NOT EXISTS job_labels_gin ON job USING gin ((labels::jsonb) jsonb_path_ops);
