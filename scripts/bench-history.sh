#!/usr/bin/env bash
# History benchmark (not part of the test suite): 1,000,000 jobs, 5,000,000 events, receipts and deliveries in
# PostgreSQL (database sxwl_gateway_bench, generated once, ~3 min), the production build (-Ppostgres) started on it,
# and every filter of GET /api/jobs and /api/deliveries measured with wrk at concurrency 4: p50 / p99 per query, next
# to the target (p99 <= 50 ms), and the PostgreSQL plan of any query over it (all plans in
# target/bench-history-plans.txt). Then the index audit: every index of the gateway's tables with its size and the
# scans that used it while the queries were measured, and those no query used.
#
# Leaves target/ holding the production build: run `./mvnw clean package` to go back to the embedded default.
# BENCH_SECONDS (default 10) is the measuring time per query; BENCH_REGENERATE=1 drops and regenerates the data.
set -euo pipefail
cd "$(dirname "$0")/.."

DB=sxwl_gateway_bench
PORT=${BENCH_PORT:-8090}
MANAGEMENT_PORT=$((PORT + 1)) # the production build serves /q/* on its management interface
SECONDS_PER_QUERY=${BENCH_SECONDS:-10}
TARGET_MS=50
KEY_ALPHA=bench-alpha-key-00000000000000000001
KEY_BETA=bench-beta-key-000000000000000000002
export PGPASSWORD=sxwl
PSQL=(psql -h 127.0.0.1 -U sxwl -d "$DB" -v ON_ERROR_STOP=1 -q)

scripts/test-db.sh >/dev/null
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
if [ "${BENCH_REGENERATE:-0}" = 1 ]; then as_postgres psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB"; fi
if ! as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_postgres psql -q -d postgres -c "CREATE DATABASE $DB OWNER sxwl"
fi

echo "== building the production jar (-Ppostgres)"
./mvnw -B -q clean package -Ppostgres -DskipTests

echo "== starting it on $DB"
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" QUARKUS_DATASOURCE_USERNAME=sxwl \
QUARKUS_DATASOURCE_PASSWORD=sxwl KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1 GATEWAY_PUBLIC_BASE_URL=http://localhost:$PORT \
GATEWAY_CALLBACK_SECRET=bench-secret-bench-secret-bench-secret-0123 GATEWAY_RECONCILE_ENABLED=false \
GATEWAY_RETENTION_RECEIPTS=3650d GATEWAY_RETENTION_DELIVERIES=3650d \
GATEWAY_TENANTS_ALPHA_API_KEY=$KEY_ALPHA GATEWAY_TENANTS_ALPHA_UPSTREAM_TOKEN=bench-alpha-token \
GATEWAY_TENANTS_BETA_API_KEY=$KEY_BETA GATEWAY_TENANTS_BETA_UPSTREAM_TOKEN=bench-beta-token \
QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT QUARKUS_LOG_CATEGORY__ORG_APACHE_KAFKA__LEVEL=OFF \
  java -Xmx1g -jar target/quarkus-app/quarkus-run.jar > target/bench-history-gateway.log 2>&1 &
GATEWAY=$!
trap 'kill $GATEWAY 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do # migrations of a large database take a while
  curl -fs "localhost:$MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $GATEWAY 2>/dev/null || { echo "the gateway exited; see target/bench-history-gateway.log"; exit 1; }
  sleep 1
done

# The data spans a year: retention is set to ten years above, so that the gateway keeps it.
# (Data generated before labels existed is generated again: every job carries labels.)
if [ "$("${PSQL[@]}" -tAc "SELECT count(*) FROM delivery_attempt")" -lt 1000000 ] \
   || [ "$("${PSQL[@]}" -tAc "SELECT count(*) FROM job WHERE labels IS NOT NULL")" -lt 1000000 ]; then
  "${PSQL[@]}" -c "TRUNCATE job, job_event, callback_receipt, webhook_delivery, delivery_attempt, submission"
  echo "== generating 1,000,000 jobs, 5,000,000 events, receipts and deliveries"
  start=$(date +%s)
  "${PSQL[@]}" -f scripts/bench/history-data.sql
  echo "   generated in $(( $(date +%s) - start )) s"
fi
"${PSQL[@]}" -tAc "SELECT 'jobs ' || (SELECT count(*) FROM job) || ', events ' || (SELECT count(*) FROM job_event)
  || ', receipts ' || (SELECT count(*) FROM callback_receipt) || ', deliveries ' || (SELECT count(*) FROM webhook_delivery)
  || ', database ' || pg_size_pretty(pg_database_size('$DB'))"

# Measure only once the feed sequencer is idle: events without a feed position (data generated before the generator
# numbered them) would have it numbering millions of rows beside the queries.
for _ in $(seq 1 3600); do
  left=$("${PSQL[@]}" -tAc "SELECT count(*) FROM job_event WHERE feed_position IS NULL")
  [ "$left" = 0 ] && break
  echo "   waiting for the feed sequencer: $left events without a feed position"; sleep 10
done
"${PSQL[@]}" -c "VACUUM ANALYZE job_event"

# Values to query with: a job, a piece of another job's id, a day's window, cursors of page 2 and deep pages.
JOB=$("${PSQL[@]}" -tAc "SELECT job_id FROM job WHERE tenant = 'alpha' ORDER BY created_at DESC OFFSET 1234 LIMIT 1")
ID_PART=$("${PSQL[@]}" -tAc "SELECT substr(job_id, 6, 12) FROM job WHERE tenant = 'alpha' ORDER BY created_at OFFSET 4321 LIMIT 1")
GIT_SHA=$("${PSQL[@]}" -tAc "SELECT labels::jsonb->>'git.sha' FROM job WHERE tenant = 'alpha' AND labels LIKE '%git.sha%' OFFSET 777 LIMIT 1")
SINCE=$(date -u -d '-40 days' +%Y-%m-%dT%H:%M:%SZ)
UNTIL=$(date -u -d '-39 days' +%Y-%m-%dT%H:%M:%SZ)
position_at() { # "<created_at>|<job_id>" of the n-th newest job of alpha matching the SQL condition
  "${PSQL[@]}" -tAc "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '|' || job_id
    FROM job WHERE tenant = 'alpha' AND $1 ORDER BY created_at DESC, job_id DESC OFFSET $2 LIMIT 1" | tr -d '\n'
}
cursor() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; } # as the API encodes it
PAGE2=$(cursor "$(position_at "status IS NOT NULL" 49)")
DEEP_POSITION=$(position_at "status IS NOT NULL" 500000)
DEEP=$(cursor "$DEEP_POSITION")
DEEP_FAILED=$(cursor "$(position_at "status = 'failed'" 50000)")

index_scans() { # "<index> <scans> <table> <size>" for every index of the gateway's tables, by table and index
  "${PSQL[@]}" -tAF' ' -c "SELECT indexrelname, idx_scan, relname, replace(pg_size_pretty(pg_relation_size(indexrelid)),
    ' ', '') FROM pg_stat_user_indexes WHERE schemaname = 'public' ORDER BY relname, indexrelname"
}
SCANS_BEFORE=$(index_scans)

ms() { # wrk latency (us, ms, s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.1f", n }'
}
over=()
printf '\n%-44s %9s %9s %8s %s\n' "query (tenant alpha: 700,000 jobs)" "p50 ms" "p99 ms" "req/s" ""
measure() { # name, path
  local url="http://localhost:$PORT$2" out p50 p99 rps
  wrk -t2 -c4 -d2s -H "Authorization: Bearer $KEY_ALPHA" "$url" >/dev/null 2>&1 # warm-up
  out=$(wrk -t2 -c4 -d"${SECONDS_PER_QUERY}s" --latency -H "Authorization: Bearer $KEY_ALPHA" "$url")
  if echo "$out" | grep -q "Non-2xx"; then echo "$1: non-2xx answers: $(echo "$out" | grep Non-2xx)"; fi
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  rps=$(echo "$out" | awk '/Requests\/sec/ { printf "%d", $2 }')
  local verdict=ok
  if awk -v p="$p99" -v t=$TARGET_MS 'BEGIN { exit !(p > t) }'; then verdict="OVER TARGET"; over+=("$1"); fi
  printf '%-44s %9s %9s %8s %s\n' "$1" "$p50" "$p99" "$rps" "$verdict"
}
measure "jobs, newest 50"                      "/api/jobs?limit=50"
measure "jobs, status=failed"                  "/api/jobs?limit=50&status=failed"
measure "jobs, status=lost (2%)"               "/api/jobs?limit=50&status=lost"
measure "jobs, status=failed,lost,cancelled"   "/api/jobs?limit=50&status=failed,lost,cancelled"
measure "jobs, since/until (one day)"          "/api/jobs?limit=50&since=$SINCE&until=$UNTIL"
measure "jobs, status + since/until"           "/api/jobs?limit=50&status=failed&since=$SINCE&until=$UNTIL"
measure "jobs, q=chatglm3-6b-15 (model name)"  "/api/jobs?limit=50&q=chatglm3-6b-15"
measure "jobs, q=<12 chars of a job id>"       "/api/jobs?limit=50&q=$ID_PART"
measure "jobs, q=alpaca-zh + status=failed"    "/api/jobs?limit=50&q=alpaca-zh&status=failed"
measure "jobs, q matching nothing"             "/api/jobs?limit=50&q=no-such-model-xyz"
measure "jobs, label=experiment (500 jobs)"    "/api/jobs?limit=50&label=experiment=exp-1234"
measure "jobs, label=git.sha (one job)"        "/api/jobs?limit=50&label=git.sha=$GIT_SHA"
measure "jobs, label=team (5%)"                "/api/jobs?limit=50&label=team=team-7"
measure "jobs, 2 labels + status=failed"       "/api/jobs?limit=50&label=experiment=exp-1234&label=stage=eval&status=failed"
measure "jobs, label matching nothing"         "/api/jobs?limit=50&label=experiment=exp-none"
measure "jobs, page 2 (cursor)"                "/api/jobs?limit=50&cursor=$PAGE2"
measure "jobs, deep page (after 500,000)"      "/api/jobs?limit=50&cursor=$DEEP"
measure "jobs, status=failed, deep page"       "/api/jobs?limit=50&status=failed&cursor=$DEEP_FAILED"
measure "job detail"                           "/api/jobs/$JOB"
measure "job events"                           "/api/jobs/$JOB/events"
measure "deliveries, newest 50 with attempts"  "/api/deliveries?limit=50"
measure "deliveries, state=dead"               "/api/deliveries?limit=50&state=dead"
measure "deliveries of one job"                "/api/deliveries?jobId=$JOB"

# The index audit's second count. A backend reports its counts when it goes idle, at most once a second, and what is
# left over after 10 s idle (PostgreSQL 15): wait that out for the gateway's pooled connections; the plans below are
# not counted.
sleep 11
SCANS_AFTER=$(index_scans)

# The plans, as PostgreSQL runs the gateway's queries (JobQuery's SQL shapes).
plan() { echo "-- $1"; "${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) $2"; }
ORDER="ORDER BY created_at DESC, job_id DESC LIMIT 51"
{
  plan "jobs, status=failed" "SELECT * FROM job WHERE tenant = 'alpha' AND status = 'failed' $ORDER"
  search() { # q: one ordered, limited range by the job id, one by the spec's names, merged
    echo "SELECT * FROM ((SELECT * FROM job WHERE tenant = 'alpha' AND status IS NOT NULL
      AND LOWER(job_id) LIKE '%$1%' ESCAPE '\\' $2 $ORDER)
      UNION (SELECT * FROM job WHERE tenant = 'alpha' AND status IS NOT NULL
      AND search_text LIKE '%$1%' ESCAPE '\\' $ORDER)) page $ORDER"
  }
  plan "jobs, q=chatglm3-6b-15" "$(search chatglm3-6b-15 "AND id_grams @> job_id_grams('chatglm3-6b-15')")"
  plan "jobs, q=<id part>" "$(search "$ID_PART" "AND id_grams @> job_id_grams('$ID_PART')")"
  plan "jobs, status=failed,lost,cancelled" "SELECT * FROM ((SELECT * FROM job WHERE tenant = 'alpha' AND status = 'failed' $ORDER)
    UNION ALL (SELECT * FROM job WHERE tenant = 'alpha' AND status = 'lost' $ORDER)
    UNION ALL (SELECT * FROM job WHERE tenant = 'alpha' AND status = 'cancelled' $ORDER)) page $ORDER"
  plan "jobs, label=experiment" "SELECT * FROM job WHERE tenant = 'alpha' AND status IS NOT NULL
    AND CAST(labels AS jsonb) @> CAST('{\"experiment\":\"exp-1234\"}' AS jsonb) $ORDER"
  plan "jobs, label=team (5%)" "SELECT * FROM job WHERE tenant = 'alpha' AND status IS NOT NULL
    AND CAST(labels AS jsonb) @> CAST('{\"team\":\"team-7\"}' AS jsonb) $ORDER"
  plan "jobs, deep page" "SELECT * FROM job WHERE tenant = 'alpha' AND status IS NOT NULL
    AND (created_at, job_id) < ('${DEEP_POSITION%%|*}', '${DEEP_POSITION##*|}') $ORDER"
} > target/bench-history-plans.txt 2>&1
if [ ${#over[@]} -gt 0 ]; then
  echo; echo "Over target: ${over[*]}; plans in target/bench-history-plans.txt:"; cat target/bench-history-plans.txt
else
  echo; echo "All p99 <= $TARGET_MS ms. Plans of the job-list queries: target/bench-history-plans.txt"
fi
echo
echo "Index audit: every index, its size, the scans that used it during the measured queries (the gateway's"
echo "background loops included); what each one costs a stored callback: scripts/bench-ingest.sh"
printf '%-22s %-36s %10s %12s\n' "table" "index" "size" "scans"
awk 'NR == FNR { before[$1] = $2; next }
  { scans = $2 - before[$1]; printf "%-22s %-36s %10s %12d%s\n", $3, $1, $4, scans, scans == 0 ? "   no query used it" : "" }' \
  <(echo "$SCANS_BEFORE") <(echo "$SCANS_AFTER")
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB; $(date -u +%Y-%m-%d); command: scripts/bench-history.sh"
