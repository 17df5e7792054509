#!/usr/bin/env bash
# Rewrites requirements/lock.txt: every Python package Throughline and its tests use,
# pinned with the hashes of every published file, from pyproject.toml and
# requirements/build.in. Run it after changing a dependency, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet "pip-tools>=7.4"
.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --extra dev --no-emit-index-url --no-emit-find-links --upgrade \
  --output-file requirements/lock.txt pyproject.toml requirements/build.in
