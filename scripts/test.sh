#!/usr/bin/env bash
# Sets up everything and runs the whole test suite (the README's second command), with the
# servers the tests use started here and stopped afterwards: PostgreSQL and Dovecot (IMAP).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OMP_THREAD_LIMIT=1

cleanup() {
  [ -n "${PG_HOME:-}" ] && bash scripts/postgres.sh stop "$PG_HOME" || true
}
trap cleanup EXIT
if [ -z "${DOCGEN_TEST_POSTGRES_URL:-}" ]; then
  eval "$(PG_PORT=${PG_PORT:-55432} bash scripts/postgres.sh start)"
fi
.venv/bin/python -m pytest "$@"
