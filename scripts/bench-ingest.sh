#!/usr/bin/env bash
# Ingest benchmark (not part of the test suite): the production build (-Ppostgres) on PostgreSQL and a Kafka broker
# process, loaded with wrk on the trusted untokened callback route. Prints, in one run: durable ingest at concurrency
# 16, 64 and 256 (p50/p99/p99.9, non-2xx), the same with 30% duplicates, the references at the same concurrency (the
# gateway's 422 path = its HTTP ceiling; pgbench's one-row insert), the ratios, end-to-end latency callback -> Kafka
# consumer at 500/s and 2,000/s, peak RSS and wrk's CPU.
#
# And what PostgreSQL did per stored callback in the c=64 durable-ingest run, beside the same per insert of pgbench's
# run at c=64, in one table:
#   statements    top-level statements the side's role ran (pg_stat_statements, BEGIN and COMMIT included: pgjdbc's
#                 COMMIT is a prepared statement, which pg_stat_statements counts once per connection, so one COMMIT
#                 is counted per BEGIN), and the gateway's most frequent ones by calls per callback
#   transactions  commits + rollbacks of the database (pg_stat_database): a callback's share of a group commit
#   rows written  inserted + updated + deleted rows of the role's tables (pg_stat_user_tables deltas)
#   WAL bytes     the cluster's WAL insert position before and after (pg_current_wal_insert_lsn), and how many of the
#                 WAL records were full-page images (pg_stat_wal); per statement, pg_stat_statements' wal_bytes
#   index entries PostgreSQL 15 counts none: each inserted row and each update that is not HOT writes one entry into
#                 every index of its table, so (n_tup_ins + n_tup_upd - n_tup_hot_upd) x indexes, per table; an
#                 estimate (a GIN index takes one entry per key of the row). Beside it the job table's HOT share,
#                 n_tup_hot_upd / n_tup_upd, and the figures per table
#   PG CPU ms     utime + stime of the cluster's processes from /proc (backends, WAL writer, checkpointer, background
#                 writer; backends that exited are in the postmaster's cutime + cstime), and, as a second figure, the
#                 statements' execution time from pg_stat_statements (wall time, not CPU)
#   per index     the bytes each index of the written tables grew and the scans that used it (pg_stat_user_indexes)
# Each window starts right after a CHECKPOINT (the first change of a page after a checkpoint writes the whole page to
# WAL, so both sides start from the same point) and the callbacks' window ends once the gateway has published and
# numbered everything they wrote (the relay's and the feed sequencer's work belongs to them) and PostgreSQL has
# flushed its table statistics (an idle backend does so within 10 s). The gateway's background loops poll a few
# times a second whatever the load: their statements in the window count too, and show in the list.
#
# pg_stat_statements needs shared_preload_libraries, which only a server start reads, so the benchmark runs on a
# PostgreSQL cluster of its own (target/bench-ingest-pg, port BENCH_PG_PORT, default 5433) started with the machine
# cluster's configuration file plus pg_stat_statements, and stopped and deleted at exit: the machine's cluster on
# 5432, which tests and other work use, is never restarted or reconfigured. That also keeps the cluster-wide figures
# (WAL, CPU) free of their work. Roles there: sxwl (the gateway), bench_pgbench (pgbench), bench_observer (the
# driver's statistics queries), so that each side's statements are told apart.
#
# This machine is small and shared: figures move by tens of percent between runs; compare the columns of one run.
#
#   BENCH_SECONDS=10        seconds per measured run
#   BENCH_JVM="-Xmx256m -XX:+UseSerialGC"   the gateway's JVM flags (the README's recommendation)
#   BENCH_CONCURRENCY=16,64,256  BENCH_RATES=500,2000   what to measure (PostgreSQL's work only when 64 is in it)
#   BENCH_PG_PORT=5433      the benchmark cluster's port
#   GATEWAY_*, QUARKUS_*        passed on to the gateway, e.g. GATEWAY_CALLBACK_WRITERS=4
#   BENCH_JFR=1             also record a JFR profile of the gateway and print where its CPU went
#   BENCH_EMBEDDED=1        also the embedded default's jar (H2, in-process broker) at concurrency 16: stored/s, RSS
#   BENCH_PG_EXPLAIN=<ms>   also log the plans of statements that ran longer (auto_explain, with row counts and
#                           buffers), kept in target/bench-ingest-pg-server.log
#   BENCH_BEFORE=<commit>   first the same benchmark on that commit's production jar (built in a git worktree under
#                           target/), on a database of its own in the same cluster, then on this checkout's: "before"
#                           and "after" figures from one run (target/bench-ingest-before.log and target/bench-ingest.log)
#
# Leaves target/ holding the production build: run `./mvnw clean package` to go back to the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=sxwl_gateway_ingest
PG_PORT=${BENCH_PG_PORT:-5433}
PG_DIR=$PWD/target/bench-ingest-pg

scripts/test-db.sh >/dev/null # the machine's cluster, whose configuration the benchmark's cluster starts with
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v pgbench >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-contrib >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
CONFIG_FILE=$(as_postgres psql -tAq -d postgres -c "SHOW config_file")
PRELOAD=$(as_postgres psql -tAq -d postgres -c "SHOW shared_preload_libraries")
PG_MAJOR=$(as_postgres psql -tAq -d postgres -c "SELECT current_setting('server_version_num')::int / 10000")
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
stop_cluster() {
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  fi
  if [ -n "${BENCH_PG_EXPLAIN:-}" ] && [ -f "$PG_DIR/server.log" ]; then
    cp "$PG_DIR/server.log" target/bench-ingest-pg-server.log
  fi
  rm -rf "$PG_DIR"
}
stop_cluster # one that a killed run left behind: `clean` below would delete its folder under it

EMBEDDED_APP=""
if [ "${BENCH_EMBEDDED:-1}" = 1 ]; then
  echo "== building the embedded default's jar"
  ./mvnw -B -q clean package -DskipTests
  EMBEDDED_APP=$(mktemp -d)
  cp -r target/quarkus-app/. "$EMBEDDED_APP"
fi
echo "== building the production jar (-Ppostgres) and the benchmark"
./mvnw -B -q clean package -Ppostgres -DskipTests
if [ -n "$EMBEDDED_APP" ]; then
  rm -rf target/bench-embedded-app && mv "$EMBEDDED_APP" target/bench-embedded-app
fi
./mvnw -B -q -Ppostgres dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-ingest.cp

BEFORE_APP=$PWD/target/bench-before-app
if [ -n "${BENCH_BEFORE:-}" ]; then
  echo "== building the production jar of $BENCH_BEFORE (before)"
  BEFORE_SRC=$PWD/target/bench-before-src
  git worktree remove --force "$BEFORE_SRC" 2>/dev/null || rm -rf "$BEFORE_SRC"
  git worktree add -q --detach "$BEFORE_SRC" "$BENCH_BEFORE"
  (cd "$BEFORE_SRC" && ./mvnw -B -q clean package -Ppostgres -DskipTests)
  rm -rf "$BEFORE_APP" && cp -r "$BEFORE_SRC/target/quarkus-app" "$BEFORE_APP"
  git worktree remove --force "$BEFORE_SRC"
fi

echo "== starting the benchmark's PostgreSQL on port $PG_PORT, with pg_stat_statements"
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$PG_DIR"
chown postgres "$PG_DIR"
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" --auth=trust >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o "-c config_file=$CONFIG_FILE \
  -c data_directory=$PG_DIR/data -c port=$PG_PORT -c unix_socket_directories=$PG_DIR \
  -c external_pid_file=$PG_DIR/external.pid -c cluster_name=bench-ingest \
  -c shared_preload_libraries=${PRELOAD:+$PRELOAD,}pg_stat_statements${BENCH_PG_EXPLAIN:+,auto_explain \
  -c auto_explain.log_min_duration=$BENCH_PG_EXPLAIN -c auto_explain.log_analyze=on \
  -c auto_explain.log_buffers=on -c auto_explain.log_timing=off}" start >/dev/null
as_postgres psql -h "$PG_DIR" -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE sxwl LOGIN PASSWORD 'sxwl';
CREATE ROLE bench_pgbench LOGIN PASSWORD 'bench_pgbench';
CREATE ROLE bench_observer LOGIN PASSWORD 'bench_observer' IN ROLE pg_read_all_stats, pg_read_all_data, pg_checkpoint;
SQL
# A database per measured gateway (the "before" one too), each with pgbench's reference table
create_database() {
  as_postgres psql -h "$PG_DIR" -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $1 OWNER sxwl"
  as_postgres psql -h "$PG_DIR" -p "$PG_PORT" -d "$1" -v ON_ERROR_STOP=1 -q <<SQL
CREATE EXTENSION pg_stat_statements;
-- pgbench's reference: one row per transaction into a table shaped like the callback receipts, in a schema of its
-- own (Flyway migrates only an empty public schema)
CREATE SCHEMA pgbench AUTHORIZATION bench_pgbench;
CREATE TABLE pgbench.bench_insert (id bigserial PRIMARY KEY, job_id text NOT NULL, body text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE pgbench.bench_insert OWNER TO bench_pgbench;
SQL
}
create_database "$DB"

ARGS=(-Dbench.port="$PG_PORT" -Dbench.postmaster="$(head -n 1 "$PG_DIR/data/postmaster.pid")"
  -Dbench.seconds="${BENCH_SECONDS:-10}")
[ -n "${BENCH_CONCURRENCY:-}" ] && ARGS+=(-Dbench.concurrency="$BENCH_CONCURRENCY")
[ -n "${BENCH_RATES:-}" ] && ARGS+=(-Dbench.rates="$BENCH_RATES")
[ -n "${BENCH_JVM:-}" ] && ARGS+=(-Dbench.jvm="$BENCH_JVM")
[ "${BENCH_JFR:-0}" = 1 ] && ARGS+=(-Dbench.jfr=target/bench-ingest.jfr)
# The embedded default is measured with this checkout's run only
AFTER_ARGS=()
[ -n "$EMBEDDED_APP" ] && AFTER_ARGS+=(-Dbench.embedded.jar="$PWD/target/bench-embedded-app/quarkus-run.jar")
echo "-cp target/test-classes:$(cat target/bench-ingest.cp)" > target/bench-ingest.args
# One run of the benchmark: the log it is kept in, then its own system properties
run_benchmark() {
  local log=$1
  shift
  java -Xmx1g "${ARGS[@]}" "$@" @target/bench-ingest.args ai.sxwl.gateway.benchmark.IngestBenchmark 2>&1 \
    | grep -v -E "^(SLF4J|\[|[0-9]{2}:[0-9]{2})" | tee "$log"
}
if [ -n "${BENCH_BEFORE:-}" ]; then
  echo "== before: $BENCH_BEFORE ($(git log -1 --format='%h %s' "$BENCH_BEFORE"))"
  create_database "${DB}_before"
  run_benchmark target/bench-ingest-before.log -Dbench.database="${DB}_before" \
    -Dgateway.jar="$BEFORE_APP/quarkus-run.jar"
  echo "== after: this checkout ($(git log -1 --format='%h %s')$(git diff --quiet HEAD || echo ', with uncommitted changes'))"
fi
run_benchmark target/bench-ingest.log -Dbench.database="$DB" "${AFTER_ARGS[@]}"
