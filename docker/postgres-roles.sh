#!/usr/bin/env bash
# PostgreSQL's first start (docker-entrypoint-initdb.d): the gateway's two roles, as k8s/database-roles.sql makes them
# on a real server: sxwl_gateway_migrate (the schema, run by the one-shot `migrate` service) and sxwl_gateway (rows
# only, with its statement timeout), with the passwords docker/init-env.sh generated.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v database="$POSTGRES_DB" -v migrate_password="$MIGRATE_DB_PASSWORD" -v runtime_password="$GATEWAY_DB_PASSWORD" \
  -f /database-roles.sql
