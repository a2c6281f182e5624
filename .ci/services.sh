#!/usr/bin/env bash
# CI services for the web tests: PostgreSQL (Debian package) and Chromium for Playwright.
# Prints the export line for KOFUPLAN_TEST_POSTGRES_URL on its last line of stdout.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql chromium >&2
fi
VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | grep -q "^$VERSION main"; then
  $SUDO pg_createcluster "$VERSION" main >&2
fi
$SUDO pg_ctlcluster "$VERSION" main start >&2 || true  # already running is fine
for _ in $(seq 1 30); do
  if $SUDO -u postgres pg_isready -q 2>/dev/null || su postgres -c "pg_isready -q" 2>/dev/null; then break; fi
  sleep 1
done
psql_as_postgres() {
  if [ -n "$SUDO" ]; then sudo -u postgres psql -v ON_ERROR_STOP=1 -q "$@"; else su postgres -c "psql -v ON_ERROR_STOP=1 -q $(printf '%q ' "$@")"; fi
}
psql_as_postgres -tc "SELECT 1 FROM pg_roles WHERE rolname='kofuplan'" | grep -q 1 \
  || psql_as_postgres -c "CREATE ROLE kofuplan LOGIN PASSWORD 'kofuplan' CREATEDB"
psql_as_postgres -tc "SELECT 1 FROM pg_database WHERE datname='kofuplan_test'" | grep -q 1 \
  || psql_as_postgres -c "CREATE DATABASE kofuplan_test OWNER kofuplan"
echo "export KOFUPLAN_TEST_POSTGRES_URL=postgresql+psycopg://kofuplan:kofuplan@127.0.0.1:5432/kofuplan_test"
