#!/usr/bin/env bash
# Sets up everything and runs the whole test suite (the README's second command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OMP_THREAD_LIMIT=1
exec .venv/bin/python -m pytest "$@"
