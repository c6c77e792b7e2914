SET lock_timeout = '500ms';
SET statement_timeout = '60s';
-- The three tables are locked at once, in the order a serving replica's transactions take them (a submit: submission,
-- then job, then job_event), and the wait for each is shorter than PostgreSQL's deadlock_timeout (1 s): the migrate
-- command gives up and tries again (SchemaMigration) before PostgreSQL could pick a serving transaction as a deadlock
-- victim. Altering job first and submission last (as this script did before 0.6.0 was released) deadlocked with 0.5.0
-- submits in the rolling-upgrade rehearsal, which answered 500 and 503.
LOCK TABLE submission, job, job_event IN ACCESS EXCLUSIVE MODE;
-- Labels (issue 21): the caller's own names for a job (experiment, run, dataset version, commit), kept with the job,
-- with each change (what its event carried) and with the submission (until upstream's answer or callback names the
-- job). Canonical JSON text ({"k":"v",...}, sorted by key; JobLabels): one column type for both builds. Nullable, no
-- default: adding them rewrites nothing.
ALTER TABLE job ADD COLUMN labels TEXT;
ALTER TABLE job_event ADD COLUMN labels TEXT;
ALTER TABLE submission ADD COLUMN labels TEXT;
