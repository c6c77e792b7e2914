#!/usr/bin/env bash
# Rolling-upgrade rehearsal (not part of the test suite): two replicas of a previous release under a steady callback
# load on a database of REHEARSAL_EVENTS older changes, the current commit's `migrate` step beside them, then each
# replica replaced by the current release in turn. Prints the non-200 answers, the acknowledged callbacks missing from
# Kafka (both must be 0), the longest a callback waited and how long each migration held its locks; exits 1 when
# anything was lost or refused.
#
#   scripts/upgrade-rehearsal.sh [REVISION [EVENTS]]
#                                             REVISION: the previous version, any git revision (default: the last
#                                             release's commit recorded in CHANGELOG.md, "Commit: <id>"); EVENTS: the
#                                             older changes loaded into the database (set-based SQL; default
#                                             REHEARSAL_EVENTS, else 1000000)
#   REHEARSAL_EVENTS=1000000                  the same as EVENTS
#   REHEARSAL_STEADY_SECONDS=20               load before, between and after the steps
#
# The previous version is built in a temporary git worktree (kept under target/rehearsal/ for the next run); the
# current commit with ./mvnw package -Ppostgres. Leaves target/ holding the production build: run
# `./mvnw clean package` to go back to the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS="${2:-${REHEARSAL_EVENTS:-1000000}}"
[[ "$EVENTS" =~ ^[0-9]+$ ]] || { echo "EVENTS must be a number of older changes, not '$EVENTS'" >&2; exit 2; }
PREVIOUS="${1:-$(sed -n 's/^Commit: \([0-9a-f]\{7,40\}\).*/\1/p' CHANGELOG.md | head -n 1)}"
[ -n "$PREVIOUS" ] || { echo "no previous release: give a revision, or record one in CHANGELOG.md" >&2; exit 2; }
PREVIOUS_SHA="$(git rev-parse --verify "$PREVIOUS^{commit}")"
CURRENT_SHA="$(git rev-parse HEAD)"
WORK="$PWD/target/rehearsal"
PREVIOUS_TREE="$WORK/previous-${PREVIOUS_SHA:0:12}"
mkdir -p "$WORK"

scripts/test-db.sh >/dev/null

if [ ! -f "$PREVIOUS_TREE/target/quarkus-app/quarkus-run.jar" ]; then
  echo "== building the previous version ${PREVIOUS_SHA:0:12} ($PREVIOUS) in a temporary worktree"
  git worktree remove --force "$PREVIOUS_TREE" 2>/dev/null || rm -rf "$PREVIOUS_TREE"
  git worktree prune
  git worktree add --detach "$PREVIOUS_TREE" "$PREVIOUS_SHA" >/dev/null
  (cd "$PREVIOUS_TREE" && ./mvnw -B -q package -Ppostgres -DskipTests)
fi

echo "== building the current commit ${CURRENT_SHA:0:12} (-Ppostgres) and the rehearsal"
./mvnw -B -q package -Ppostgres -DskipTests
rm -rf "$WORK/current" && cp -r target/quarkus-app "$WORK/current"
./mvnw -B -q -Ppostgres dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/rehearsal.cp
# target/classes for the published event schema the Kafka reader checks each record against.
echo "-cp target/test-classes:target/classes:$(cat target/rehearsal.cp)" > target/rehearsal.args

# Releases before 0.6.0 serve /q/* (readiness) on the public port, later ones on the management port.
PREVIOUS_CONFIG="$(git show "$PREVIOUS_SHA:src/main/variants/postgres/META-INF/microprofile-config.properties" 2>/dev/null || true)"
PREVIOUS_MANAGEMENT=false
grep -q '^quarkus.management.enabled=true' <<< "$PREVIOUS_CONFIG" && PREVIOUS_MANAGEMENT=true

java -Xmx768m \
  -Drehearsal.previous-jar="$PREVIOUS_TREE/target/quarkus-app/quarkus-run.jar" \
  -Drehearsal.current-jar="$WORK/current/quarkus-run.jar" \
  -Drehearsal.previous-management="$PREVIOUS_MANAGEMENT" \
  -Drehearsal.previous="${PREVIOUS_SHA:0:12} ($PREVIOUS)" -Drehearsal.current="${CURRENT_SHA:0:12}" \
  -Drehearsal.events="$EVENTS" -Drehearsal.steady-seconds="${REHEARSAL_STEADY_SECONDS:-20}" \
  @target/rehearsal.args ai.sxwl.gateway.production.UpgradeRehearsal 2>&1 \
  | grep --line-buffered -v -E "^(SLF4J|\[|[0-9]{2}:[0-9]{2})" | tee target/upgrade-rehearsal.log
