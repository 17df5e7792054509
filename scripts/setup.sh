#!/usr/bin/env bash
# Creates .venv (Python 3.11+) and installs Throughline with its development tools.
# Re-running is cheap: it reinstalls only when pyproject.toml or the lock has changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "Throughline needs Python 3.11 or newer (set PYTHON=/path/to/python)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python" >&2
  "$python" -m venv .venv
fi

# Exactly the versions CI tested, each file checked against the hashes in the lock
# (scripts/lock.sh rewrites it), then Throughline itself without fetching anything more.
stamp=.venv/.throughline-installed
wanted=$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read() + open("requirements/lock.txt", "rb").read()).hexdigest())')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installing Throughline and its locked dependencies into .venv" >&2
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements/lock.txt
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e . \
    --config-settings editable_mode=compat
  echo "$wanted" > "$stamp"
fi
