SET lock_timeout = '2s';
SET statement_timeout = '60s';

-- Console sessions (issue 18, 3). The browser holds a random id; the table holds only its SHA-256, so a read of the
-- table signs no one in. key_fingerprint is an HMAC of the tenant's API key at sign-in under the server's console key:
-- when the tenant's configured key changes, its sessions no longer match and end. A session ends at sign-out (row
-- deleted), after console idle time without a request (last_seen_at) and at its absolute lifetime (created_at).
CREATE TABLE console_session (
    id_hash         VARCHAR(64)              PRIMARY KEY,
    tenant          VARCHAR(64)              NOT NULL,
    key_fingerprint VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
