SET lock_timeout = '2s';
SET statement_timeout = '60s';
-- Filters (issue 21): a subscription's CloudEvents Subscriptions API filters as compact JSON text (EventFilters),
-- compiled and cached by each replica, never queried in SQL. Nullable, no default: adding it rewrites nothing.
ALTER TABLE subscription ADD COLUMN filters TEXT;
