SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- Labels (issue 21): the caller's own names for a job (experiment, run, dataset version, commit), kept with the job,
-- with each change (what its event carried) and with the submission (until upstream's answer or callback names the
-- job). Canonical JSON text ({"k":"v",...}, sorted by key; JobLabels): one column type for both builds. Nullable, no
-- default: adding them rewrites nothing.
ALTER TABLE job ADD COLUMN labels TEXT;
ALTER TABLE job_event ADD COLUMN labels TEXT;
ALTER TABLE submission ADD COLUMN labels TEXT;
