-- job_event_unsequenced (V6) is replaced by the partial job_event_unnumbered (V15, checked valid by V15_1): every
-- query that used it now uses that one. CONCURRENTLY, alone in its script, as in V15.
SET lock_timeout = '60s';
SET statement_timeout = '30min';
DROP INDEX CONCURRENTLY IF EXISTS job_event_unsequenced;
