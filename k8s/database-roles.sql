-- The gateway's two PostgreSQL roles; run once per database as a superuser (or a role with CREATEROLE that owns the
-- database), with psql variables:
--   psql -v database=sxwl_gateway -v migrate_password=... -v runtime_password=... -f k8s/database-roles.sql
-- sxwl_gateway_migrate owns the schema and runs the migrations (the Job in k8s/base/migrate-job.yaml, the one-shot service
-- in docker/compose.yaml); it owns the database, so it may create the trusted extension pg_trgm. sxwl_gateway is
-- what the replicas log in as: rows only, no DDL.
CREATE ROLE sxwl_gateway_migrate LOGIN PASSWORD :'migrate_password';
CREATE ROLE sxwl_gateway LOGIN PASSWORD :'runtime_password';
ALTER DATABASE :"database" OWNER TO sxwl_gateway_migrate;
\connect :"database"
ALTER SCHEMA public OWNER TO sxwl_gateway_migrate;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sxwl_gateway;
ALTER DEFAULT PRIVILEGES FOR ROLE sxwl_gateway_migrate IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sxwl_gateway;
ALTER DEFAULT PRIVILEGES FOR ROLE sxwl_gateway_migrate IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO sxwl_gateway;
-- The statement timeout lives with the role, not in the JDBC URL: it then holds through PgBouncer in transaction
-- pooling, which refuses the startup parameter `options` (drop `options=-c statement_timeout=...` from the URL there,
-- or list `options` in PgBouncer's ignore_startup_parameters). A statement that waits longer on a stuck database
-- fails, and the callback is answered 503.
ALTER ROLE sxwl_gateway IN DATABASE :"database" SET statement_timeout = '10s';
ALTER ROLE sxwl_gateway_migrate IN DATABASE :"database" SET lock_timeout = '2s';
