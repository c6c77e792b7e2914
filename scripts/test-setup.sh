#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine: PostgreSQL with the test role and databases (test-db.sh), a
# headless browser for ConsoleBrowserTest (Debian's chromium and chromium-driver), promtool for MonitoringFilesTest
# (Debian's prometheus package), each installed when missing, and the migration linter squawk for MigrationRulesTest
# (npm squawk-cli, pinned, into .tools/, which git ignores).
# Idempotent; needs root for the packages.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-db.sh

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v promtool >/dev/null; then
  apt-get update -qq
fi
# -o DPkg::Lock::Timeout: wait for another apt run on the machine instead of failing on its lock.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium chromium-driver >/dev/null
fi
if ! command -v promtool >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends \
    prometheus >/dev/null
fi
echo "Browser ready: $(chromium --version 2>/dev/null | head -n 1)"
echo "promtool ready: $(promtool --version 2>&1 | head -n 1)"

SQUAWK_VERSION=2.66.0
if [ "$(.tools/node_modules/.bin/squawk --version 2>/dev/null)" != "squawk $SQUAWK_VERSION" ]; then
  command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  npm install --prefix .tools --no-audit --no-fund "squawk-cli@$SQUAWK_VERSION" >/dev/null
fi
echo "Migration linter ready: $(.tools/node_modules/.bin/squawk --version)"
