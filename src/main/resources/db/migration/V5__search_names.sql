-- "q" searches job ids and names apart (issue 12): search_text keeps the spec's name fields only, and the job id is
-- matched on job_id itself. A 12-character piece of a hex id has trigrams that every other id shares too, so one
-- trigram index over ids and names together had to intersect long posting lists; PostgreSQL now serves ids with
-- an index of their 6-character pieces (db/vendor/postgresql/V5_1).
UPDATE job SET search_text = NULLIF(SUBSTRING(search_text FROM CHAR_LENGTH(job_id) + 2), '');
