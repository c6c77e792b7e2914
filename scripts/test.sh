#!/usr/bin/env bash
# The whole test suite, in two lanes that run at once (extra arguments go to every Maven, e.g. -Dtest.forks=2):
#   in-process  ./mvnw -B test: the in-process tests (surefire) of the embedded default, in target/
#   jars        ./mvnw -B verify -Ppostgres: the production jar's process tests (ai.sxwl.gateway.production), in
#               target/postgres/; then the embedded jar's (ai.sxwl.gateway.embedded), in target/embedded/
# Each lane mostly waits (on background loops, outages, jar starts), so on two cores they overlap well. Each Maven has
# its own build directory, and each test JVM its own databases, broker, ports and log file; the Mavens share ~/.m2
# through the file locks .mvn/maven.config asks for. Every output line is prefixed with its lane; both lanes always
# run to their end, and the exit status is non-zero when either failed.
set -euo pipefail
cd "$(dirname "$0")/.."

prefixed() {
  local lane=$1
  shift
  "$@" 2>&1 | sed -u "s/^/[$lane] /"
}

prefixed in-process ./mvnw -B test "$@" &
in_process=$!
# The jars lane runs both of its builds even when the first fails, and fails when either did.
prefixed jars bash -c 'status=0
  ./mvnw -B verify -Ppostgres -Dgateway.build.directory="$PWD/target/postgres" "$@" || status=1
  ./mvnw -B verify -Pembedded -Dsurefire.skip=true -Dgateway.build.directory="$PWD/target/embedded" "$@" || status=1
  exit $status' jars "$@" &
jars=$!

failed=""
wait "$in_process" || failed="$failed in-process"
wait "$jars" || failed="$failed jars"
if [ -n "$failed" ]; then
  echo "Test suite FAILED in:$failed (see the lines prefixed with it)" >&2
  exit 1
fi
echo "Test suite passed: both lanes."
