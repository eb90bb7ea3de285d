#!/usr/bin/env bash
# Run the Galata smoke tests against the installed parevo-lab extension.
# Prerequisite: `pip install -e .` (or a wheel) in the current Python environment.
# Works with CI=true: ui-tests/yarn.lock is committed, so the install is immutable.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

jlpm install
jlpm playwright test "$@"
