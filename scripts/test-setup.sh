#!/usr/bin/env bash
# Everything the test suite needs on a fresh machine: PostgreSQL with the test role and databases (test-db.sh), and a
# headless browser for ConsoleBrowserTest (Debian's chromium and chromium-driver, installed when missing).
# Idempotent; needs root for the packages.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-db.sh

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
echo "Browser ready: $(chromium --version 2>/dev/null | head -n 1)"
