#!/usr/bin/env bash
# Writes the next migration in server/migrations from changes to server/models.py.
# Usage: bash scripts/make-migration.sh short_name
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bash scripts/make-migration.sh short_name}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/migration_config.py" <<PY
from server.database import tortoise_config
TORTOISE_ORM = tortoise_config("sqlite://$work/scratch.sqlite3")
PY
PYTHONPATH="$work:$PWD" .venv/bin/tortoise -c migration_config.TORTOISE_ORM makemigrations --name "$name"
