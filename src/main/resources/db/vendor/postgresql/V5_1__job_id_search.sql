-- PostgreSQL only: "q" as a piece of a job id. Every 6-character piece of a lower-cased id is an array element with a
-- GIN index: a piece of 6 or more characters matches the ids holding all of its own pieces, each of them rare
-- (16^6 hex combinations), so the index hands over a handful of rows. Shorter pieces use the trigram index on the id.
CREATE FUNCTION job_id_grams(id TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(array_agg(DISTINCT substr(lower(id), i, 6)), '{}')
  FROM generate_series(1, char_length(id) - 5) AS i
$$;
ALTER TABLE job ADD COLUMN id_grams TEXT[] GENERATED ALWAYS AS (job_id_grams(job_id)) STORED;
CREATE INDEX job_id_grams_gin ON job USING gin (id_grams);
CREATE INDEX job_id_trgm ON job USING gin (lower(job_id) gin_trgm_ops);
