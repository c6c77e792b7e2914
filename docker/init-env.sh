#!/usr/bin/env bash
# Writes docker/.env for compose.yaml with fresh random secrets (once; an existing file is kept). The gateway refuses
# to start with missing settings and with the change-me… placeholders of examples, so compose needs real values.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f .env ] && grep -q GATEWAY_DB_PASSWORD .env; then echo "docker/.env exists; keeping it"; exit 0; fi
if [ -f .env ]; then echo "docker/.env is from before the database roles; delete it and the pgdata volume to start anew" >&2; exit 1; fi
random() { head -c "$1" /dev/urandom | base64 | tr -d '/+=\n' | head -c "$2"; }
umask 077
cat > .env <<ENV
POSTGRES_PASSWORD=$(random 32 32)
MIGRATE_DB_PASSWORD=$(random 32 32)
GATEWAY_DB_PASSWORD=$(random 32 32)
GATEWAY_CALLBACK_SECRET=$(random 48 48)
GATEWAY_TENANTS_TEAM_API_KEY=team-$(random 32 32)
ENV
echo "wrote docker/.env; your API key: $(grep GATEWAY_TENANTS_TEAM_API_KEY .env | cut -d= -f2)"
