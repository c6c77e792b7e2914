-- The job id and the spec's names are searched apart (issue 12): ids are hex, whose trigrams are so common that a
-- trigram index over both made an id fragment the slowest search. search_text now holds the names alone; the id is
-- matched on its own (on PostgreSQL through db/vendor/postgresql/V5_1's indexes).
UPDATE job SET search_text = NULLIF(TRIM(SUBSTRING(search_text FROM LENGTH(job_id) + 1)), '')
WHERE search_text LIKE CONCAT(LOWER(job_id), '%');
