#!/usr/bin/env bash
# Reconciler benchmark: 10,000 open jobs against the SXWL simulator, default schedule scaled down 60x.
# Needs the test database (scripts/test-db.sh). Prints calls per job-hour and dropped-callback recovery times.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-db.sh
./mvnw -B test -Dtest=ReconcileBenchmark -Dexcluded.groups= -Dincluded.groups=benchmark -Dsurefire.failIfNoSpecifiedTests=false \
  | tee target/bench-reconcile.log | grep -E "^(===|upstream job_status|calls per|dropped callback)|Tests run:|BUILD" || true
