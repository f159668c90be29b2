#!/usr/bin/env bash
# Sets up everything and runs the whole test suite (the README's second command), with the
# servers the tests use started here and stopped afterwards: PostgreSQL and Dovecot (IMAP).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCGEN_EXTRA_DEBS="libreoffice-writer-nogui chromium" bash scripts/setup.sh  # tests: LibreOffice, a real browser
export OMP_THREAD_LIMIT=1
IMAP_SCRIPT=${DOCGEN_SHARED:-../shared}/tools/imap-server.sh

cleanup() {
  [ -n "${PG_HOME:-}" ] && bash scripts/postgres.sh stop "$PG_HOME" || true
  if [ -n "${STARTED_IMAP_HOME:-}" ]; then
    bash "$IMAP_SCRIPT" stop "$STARTED_IMAP_HOME" 2>/dev/null || true
    pkill -f "dovecot-imap-test-${IMAP_PORT}/" 2>/dev/null || true  # sessions outliving the master
  fi
}
trap cleanup EXIT

if [ -z "${DOCGEN_TEST_POSTGRES_URL:-}" ]; then
  eval "$(bash scripts/postgres.sh start)"
fi
if [ -z "${IMAP_PORT:-}" ]; then
  [ -f "$IMAP_SCRIPT" ] || { echo "test.sh: $IMAP_SCRIPT not found (set DOCGEN_SHARED)" >&2; exit 1; }
  port=10143
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  eval "$(IMAP_PORT=$port bash "$IMAP_SCRIPT" start)"
  STARTED_IMAP_HOME=$IMAP_HOME
fi
.venv/bin/ruff check src tests bench  # lint is part of the test command (and so of CI)
.venv/bin/python -m pytest "$@"
