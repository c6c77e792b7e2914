#!/usr/bin/env bash
# Makes sure PostgreSQL runs on 127.0.0.1:5432 and holds the test role sxwl, which may create databases: each test JVM
# creates its own (sxwl_gateway_test_<pid>_<random>, sxwl_gateway_prod_test_<pid>_<random>) and drops it at exit, so
# two runs on one machine never collide. The databases of test JVMs that are gone (a killed run) are dropped here.
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
ALTER ROLE sxwl CREATEDB;
SQL
for db in $(as_postgres psql -tAq -d postgres -c \
    "SELECT datname FROM pg_database WHERE datname ~ '^sxwl_gateway_(prod_)?test(_[0-9]+_[0-9a-f]+)?$'"); do
  pid=$(printf '%s' "$db" | sed -nE 's/^.*_test_([0-9]+)_[0-9a-f]+$/\1/p')
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    as_postgres psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  fi
done
echo "PostgreSQL ready: role sxwl@127.0.0.1:5432 (each test JVM creates a database of its own)"
