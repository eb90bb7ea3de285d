#!/usr/bin/env bash
# The test command of the README: lint (Python and TypeScript), the Python tests (real numba, real child processes, a real
# Jupyter server), then the Galata browser test in Debian's Chromium.
# Run it after `pip install -e ".[test]"`. Installs Chromium with apt when it is missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "== lint: ruff, prettier, eslint"
python -m ruff check parevo_lab tests benchmarks examples scripts
python -m ruff format --check parevo_lab tests benchmarks examples scripts
jlpm lint:check

echo "== jest (front-end state logic)"
jlpm test

echo "== pytest"
set +e
python -m pytest -q "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi

echo "== Galata (ui-tests)"
bash ui-tests/run.sh
