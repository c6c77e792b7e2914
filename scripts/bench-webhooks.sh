#!/usr/bin/env bash
# Webhook benchmark: deliveries per second to a fast local receiver, and healthy-endpoint latency (p50/p99) while
# another endpoint times out, next to the same without it. Needs the test database (scripts/test-db.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-db.sh
./mvnw -B test -Dtest=WebhookBenchmark -Dexcluded.groups= -Dincluded.groups=benchmark -Dsurefire.failIfNoSpecifiedTests=false \
  | tee target/bench-webhooks.log | grep -E "^(===|throughput|healthy|ratio)|Tests run:|BUILD" || true
