-- PostgreSQL only: a fragment of a job id. Fragments of 8 characters or more are looked up by one of their 8-grams
-- (every 8-character piece of every id is a key of job_id_grams: one index probe, then an exact check); shorter ones
-- by the id's trigrams.
CREATE FUNCTION job_id_grams(id VARCHAR) RETURNS TEXT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(substr(lower(id), i, 8)), '{}'::TEXT[]) FROM generate_series(1, length(id) - 7) AS i
$$;
CREATE INDEX job_id_grams ON job USING gin (job_id_grams(job_id));
CREATE INDEX job_id_trgm ON job USING gin (lower(job_id) gin_trgm_ops);
