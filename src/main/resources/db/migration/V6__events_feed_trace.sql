-- The events feed (GET /api/events) and trace context (issue 11).
--
-- A feed position is given to each change after it commits, by one sequencer at a time (FeedSequencer), in the order
-- the changes became visible: a change that commits late gets a later position than everything already handed out,
-- so a consumer polling "after my cursor" never skips it. job_event.id cannot serve as that cursor: ids are taken at
-- insert time, and a transaction holding a lower id can commit after a reader has moved past a higher one.
ALTER TABLE job_event ADD COLUMN feed_position BIGINT;
CREATE SEQUENCE job_event_feed_position;
-- The sequencer's "changes without a position, oldest first".
CREATE INDEX job_event_unsequenced ON job_event (feed_position, id);

-- The tenant of the job, so that a tenant's feed is one index range.
ALTER TABLE job_event ADD COLUMN tenant VARCHAR(64);
UPDATE job_event SET tenant = (SELECT job.tenant FROM job WHERE job.job_id = job_event.job_id);
CREATE INDEX job_event_tenant_feed ON job_event (tenant, feed_position);

-- The W3C traceparent of the request (or poll) that caused the change, carried on to Kafka and webhooks.
ALTER TABLE job_event ADD COLUMN traceparent VARCHAR(55);
ALTER TABLE webhook_delivery ADD COLUMN traceparent VARCHAR(55);

-- Per-subscription rate limit: at most rate_limit_per_second attempts a second to the subscription's URL, held by
-- the dispatchers of all replicas through rate_next_at (the generic cell rate algorithm's "theoretical arrival time").
ALTER TABLE subscription ADD COLUMN rate_limit_per_second INTEGER;
ALTER TABLE subscription ADD COLUMN rate_next_at TIMESTAMP WITH TIME ZONE;
