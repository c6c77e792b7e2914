-- Filters (issue 21), as in db/vendor/postgresql/V12: compact JSON text, never queried in SQL, at most 16384
-- characters (EventFilters.MAX_JSON_LENGTH).
ALTER TABLE subscription ADD COLUMN filters VARCHAR(16384);
