-- The job table's GIN indexes (search text, the id's trigrams and 6-character pieces, labels) without their pending
-- list (fastupdate off). With it, a new job's keys (tens per trigram index) went to an unsorted list, and the insert
-- that found the list over gin_pending_list_limit (4 MB) moved all of it into the index itself: one callback's
-- `insert into job` took 125-281 ms (15,000-25,000 buffers), its writer's whole batch waited, and those callbacks were
-- the end-to-end p99 at 500/s (README, Benchmarks: run 6). Without it each insert writes its own keys: a steadier,
-- somewhat dearer insert. ALTER INDEX … SET locks the index only for the catalog change; a lock it would wait for
-- longer than lock_timeout fails the script (nothing half done), and the migrate step tries again.
SET lock_timeout = '2s';
SET statement_timeout = '1min';
ALTER INDEX IF EXISTS job_search_trgm SET (fastupdate = off);
ALTER INDEX IF EXISTS job_id_trgm SET (fastupdate = off);
ALTER INDEX IF EXISTS job_id_grams_gin SET (fastupdate = off);
ALTER INDEX IF EXISTS job_labels_gin SET (fastupdate = off);
