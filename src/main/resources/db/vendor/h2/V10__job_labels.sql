-- Labels (issue 21), as in db/vendor/postgresql/V10: canonical JSON text. The embedded H2 finds a label with LIKE
-- over that text (exact: keys and values hold no quotes, commas or colons), so a VARCHAR rather than a CLOB; 16384
-- holds 32 labels of the longest key and value. PostgreSQL adds a GIN index (V10_1).
ALTER TABLE job ADD COLUMN labels VARCHAR(16384);
ALTER TABLE job_event ADD COLUMN labels VARCHAR(16384);
ALTER TABLE submission ADD COLUMN labels VARCHAR(16384);
