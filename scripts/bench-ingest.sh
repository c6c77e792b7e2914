#!/usr/bin/env bash
# Ingest benchmark (not part of the test suite): the production build (-Ppostgres) on PostgreSQL (a fresh database,
# sxwl_gateway_ingest) and a Kafka broker process, loaded with wrk on the trusted untokened callback route. Prints,
# in one run: durable ingest at concurrency 16, 64 and 256 (p50/p99/p99.9, non-2xx), the same with 30% duplicates,
# the references at the same concurrency (the gateway's 422 path = its HTTP ceiling; pgbench's one-row insert), the
# ratios, end-to-end latency callback -> Kafka consumer at 500/s and 2,000/s, peak RSS and wrk's CPU.
#
#   BENCH_SECONDS=10        seconds per measured run
#   BENCH_JVM="-Xmx256m -XX:+UseSerialGC"   the gateway's JVM flags (the README's recommendation)
#   BENCH_CONCURRENCY=16,64,256  BENCH_RATES=500,2000   what to measure
#   GATEWAY_*, QUARKUS_*        passed on to the gateway, e.g. GATEWAY_CALLBACK_WRITERS=4
#   BENCH_JFR=1             also record a JFR profile of the gateway and print where its CPU went
#
# Leaves target/ holding the production build: run `./mvnw clean package` to go back to the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=sxwl_gateway_ingest

scripts/test-db.sh >/dev/null
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v pgbench >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-contrib >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
as_postgres psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB OWNER sxwl"

echo "== building the production jar (-Ppostgres) and the benchmark"
./mvnw -B -q clean package -Ppostgres -DskipTests
./mvnw -B -q -Ppostgres dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-ingest.cp

ARGS=(-Dbench.database=$DB -Dbench.seconds="${BENCH_SECONDS:-10}")
[ -n "${BENCH_CONCURRENCY:-}" ] && ARGS+=(-Dbench.concurrency="$BENCH_CONCURRENCY")
[ -n "${BENCH_RATES:-}" ] && ARGS+=(-Dbench.rates="$BENCH_RATES")
[ -n "${BENCH_JVM:-}" ] && ARGS+=(-Dbench.jvm="$BENCH_JVM")
[ "${BENCH_JFR:-0}" = 1 ] && ARGS+=(-Dbench.jfr=target/bench-ingest.jfr)
echo "-cp target/test-classes:$(cat target/bench-ingest.cp)" > target/bench-ingest.args
java -Xmx1g "${ARGS[@]}" @target/bench-ingest.args ai.sxwl.gateway.benchmark.IngestBenchmark 2>&1 \
  | grep -v -E "^(SLF4J|\[|[0-9]{2}:[0-9]{2})" | tee target/bench-ingest.log
