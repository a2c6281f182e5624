#!/usr/bin/env bash
# System packages and services the tests need, for CI on a fresh machine (run by .ci/run):
# a Japanese font (replay chart), PostgreSQL (web API tests on both databases), Chromium
# (browser tests with Playwright) and LibreOffice Calc (the workbooks rendered to PDF,
# recomputed and saved as .xls/.ods: tests/integration/test_excel_render.py), all from Debian
# packages.
# Everything goes to stderr except the last line: the export of KOFUPLAN_TEST_POSTGRES_URL.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
need=()
if ! fc-list :lang=ja 2>/dev/null | grep -q .; then need+=(fontconfig fonts-ipafont-gothic); fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then need+=(postgresql); fi
if [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if ! command -v soffice >/dev/null 2>&1; then need+=(libreoffice-calc-nogui); fi
if [ "${#need[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq "${need[@]}" >&2
  else
    echo "services.sh: no apt-get; install ${need[*]}" >&2
    exit 1
  fi
fi

as_postgres() {
  if [ -n "$SUDO" ]; then sudo -u postgres "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi
}
VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | grep -q "^$VERSION main"; then
  $SUDO pg_createcluster "$VERSION" main >&2
fi
$SUDO pg_ctlcluster "$VERSION" main start >&2 2>/dev/null || true  # already running is fine
for _ in $(seq 1 30); do
  if as_postgres pg_isready -q; then break; fi
  sleep 1
done
as_postgres psql -v ON_ERROR_STOP=1 -qtc "SELECT 1 FROM pg_roles WHERE rolname='kofuplan'" | grep -q 1 \
  || as_postgres psql -v ON_ERROR_STOP=1 -qc "CREATE ROLE kofuplan LOGIN PASSWORD 'kofuplan' CREATEDB" >&2
as_postgres psql -v ON_ERROR_STOP=1 -qtc "SELECT 1 FROM pg_database WHERE datname='kofuplan_test'" | grep -q 1 \
  || as_postgres psql -v ON_ERROR_STOP=1 -qc "CREATE DATABASE kofuplan_test OWNER kofuplan" >&2
echo "export KOFUPLAN_TEST_POSTGRES_URL=postgresql+psycopg://kofuplan:kofuplan@127.0.0.1:5432/kofuplan_test"
