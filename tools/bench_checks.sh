#!/usr/bin/env bash
# Compliance review benchmark (docs/BENCHMARKS.md, "Compliance review vs PostGIS"): generates the
# large study area if missing (>= 100,000 land-supply parcels, >= 500 red-line polygons), builds
# the release binary, and times xiongguan against PostGIS (plain and expert SQL) in the same run.
# usage: tools/bench_checks.sh [work_dir (default /tmp/xg_bench)] [runs (default 3)]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-/tmp/xg_bench}"
RUNS="${2:-3}"
BUILD="${XG_BUILD_DIR:-build/release}"
mkdir -p "$WORK"
if [ ! -f "$WORK/large/study.yaml" ]; then
  echo "bench_checks: generating the large study in $WORK/large" >&2
  /usr/bin/python3 tools/generate_study.py --size large --out "$WORK/large" >&2
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DXG_BUILD_BENCHMARKS=OFF >&2
fi
ninja -C "$BUILD" xiongguan >&2
exec /usr/bin/python3 tools/bench_checks.py "$WORK/large/study.yaml" --xiongguan "$BUILD/xiongguan" \
  --layer land_supply --runs "$RUNS" --json "$WORK/bench_checks.json"
