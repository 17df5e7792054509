#!/usr/bin/env bash
# Sets up, then serves the API and web client on http://127.0.0.1:8000 with SQLite.
# The first start fills the empty database with the demo organisation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/throughline serve "$@"
