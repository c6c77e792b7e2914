#!/usr/bin/env bash
# Makes sure PostgreSQL runs on 127.0.0.1:5432 and holds the test role and databases (sxwl / sxwl_gateway_test, and
# sxwl_gateway_prod_test for the production build's process tests).
# Idempotent; needs root (or the postgres user) on a machine with a local PostgreSQL cluster.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi
}

as_postgres psql -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sxwl') THEN
    CREATE ROLE sxwl LOGIN PASSWORD 'sxwl';
  END IF;
END $$;
SQL
for db in sxwl_gateway_test sxwl_gateway_prod_test; do
  if ! as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_postgres psql -q -d postgres -c "CREATE DATABASE $db OWNER sxwl"
  fi
done
echo "PostgreSQL ready: sxwl@127.0.0.1:5432/sxwl_gateway_test"
