#!/usr/bin/env bash
# Sets up, then runs the whole test suite (PostgreSQL tests run when
# THROUGHLINE_TEST_POSTGRES_URL is set, and are skipped with a reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check server schema fixtures tests bench
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
