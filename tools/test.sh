#!/usr/bin/env bash
# Second README command: install what is missing, build (tests included) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
ctest --preset release "$@"
