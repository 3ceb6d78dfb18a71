#!/usr/bin/env bash
# First README command: install what is missing, build, and run the default batch on the shipped
# Jiayuguan study area. Outputs land in out/default/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec build/release/xiongguan batch scenarios/default_batch.yaml -o out "$@"
