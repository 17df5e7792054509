#!/usr/bin/env bash
# Sets up, then serves the API and web client on http://127.0.0.1:8000 with SQLite.
# The database is created or migrated first (with the same --database-url or
# --data-dir as serve); the first start fills the empty database with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
database_flags=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --database-url | --data-dir) database_flags+=("${args[i]}" "${args[i + 1]:-}"); i=$((i + 1)) ;;
    --database-url=* | --data-dir=*) database_flags+=("${args[i]}") ;;
  esac
done
.venv/bin/throughline migrate ${database_flags[@]+"${database_flags[@]}"}
exec .venv/bin/throughline serve "$@"
