#!/usr/bin/env bash
# First README command: install what is missing, build, and run the default batch on the shipped
# Jiayuguan study area (scenarios/default_batch.yaml). Outputs land in out/default/: one folder per
# scenario run, summary.csv and compare.html. Runs already complete are skipped; add --force to
# rerun them. Extra arguments go to `xiongguan batch`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
rc=0
build/release/xiongguan batch scenarios/default_batch.yaml -o out "$@" || rc=$?
echo
echo "outputs: $(pwd)/out/default/  (summary.csv, compare.html, <run>/report.html, <run>/*.tif, <run>/*.shp)"
exit $rc
