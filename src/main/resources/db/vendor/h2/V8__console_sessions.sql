-- Console sessions (issue 18, 3); the same table as PostgreSQL's V8 (see there for why each column).
CREATE TABLE console_session (
    id_hash         VARCHAR(64)              PRIMARY KEY,
    tenant          VARCHAR(64)              NOT NULL,
    key_fingerprint VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
