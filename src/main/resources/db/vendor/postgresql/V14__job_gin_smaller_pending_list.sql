-- The job table's GIN indexes (search text, the id's trigrams and 6-character pieces, labels) flush their pending list
-- at 512 kB instead of the default 4 MB (gin_pending_list_limit). A new job's keys (tens per trigram index) go to that
-- unsorted list, and the insert that finds it over the limit moves all of it into the index itself, its writer's whole
-- batch waiting: one `insert into job` took 125-281 ms at 4 MB (README, Benchmarks). An eighth of the list, an eighth
-- of the wait, the list's batching kept (fastupdate off was tried: 2.8x the WAL per callback). ALTER INDEX … SET locks
-- the index only for the catalog change; a lock it would wait for longer than lock_timeout fails the script (nothing
-- half done), and the migrate step tries again.
SET lock_timeout = '2s';
SET statement_timeout = '1min';
ALTER INDEX IF EXISTS job_search_trgm SET (gin_pending_list_limit = 512);
ALTER INDEX IF EXISTS job_id_trgm SET (gin_pending_list_limit = 512);
ALTER INDEX IF EXISTS job_id_grams_gin SET (gin_pending_list_limit = 512);
ALTER INDEX IF EXISTS job_labels_gin SET (gin_pending_list_limit = 512);
