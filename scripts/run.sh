#!/usr/bin/env bash
# Sets up everything and runs the main job on the embedded default (the README's
# first command): SQLite and files under ./var, the drop folder ./inbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OMP_THREAD_LIMIT=1
exec .venv/bin/docgen watch "$@"
