-- PostgreSQL only (its Flyway location is db/vendor/postgresql): "q" is a substring search, which a b-tree cannot serve;
-- a trigram GIN index can. pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX job_search_trgm ON job USING gin (search_text gin_trgm_ops);
