-- History at a million jobs (issue 12): every list query has an index that serves its filter and its order.

-- What "q" searches: the job id and the values of the submitted spec's name fields, lower-cased, written with the
-- job. PostgreSQL indexes it with trigrams (db/vendor/postgresql/V4_1); the embedded H2 scans it.
ALTER TABLE job ADD COLUMN search_text VARCHAR(2048);
UPDATE job SET search_text = SUBSTRING(LOWER(job_id || ' ' || COALESCE(submission, '')) FROM 1 FOR 2048);

-- GET /api/jobs?status=...: newest first within one status (several statuses merge one range per status).
CREATE INDEX job_tenant_status_created ON job (tenant, status, created_at, job_id);

-- GET /api/deliveries filters, newest first.
CREATE INDEX webhook_delivery_tenant_state ON webhook_delivery (tenant, state, id);
CREATE INDEX webhook_delivery_subscription ON webhook_delivery (subscription_id, id);

-- Replaying a time window, in batches: keyset on (occurred_at, id).
CREATE INDEX job_event_occurred ON job_event (occurred_at, id);

-- (tenant, status) alone is covered by job_tenant_status_created.
DROP INDEX job_tenant_status;
