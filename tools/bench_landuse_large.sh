#!/usr/bin/env bash
# Memory of models.landuse_ca as the grid grows (issue 6, item 7): whole runs on the shipped study at
# 30 m (model parameter cell_size_m: 30: 1930 x 1290 = 2.49 M cells, 15 annual steps), on the 10 m study
# grid (22.4 M cells, 5 steps) and on a ~100 M-cell grid: the shipped study on a CELL-metre grid
# (default 4.7 m: 12,320 x 8,235 = 101.5 M cells, all 39 classes, STEPS annual steps), made under
# WORK_DIR/study_<CELL>m by gdalwarp (land-use maps nearest, DEM bilinear; the vector layers are the
# shipped ones, rasterized by the model on the finer grid) because `simulate --cell-size` warps the
# maps by GDAL mode, which takes many minutes at this size. Each run under /usr/bin/time -v (wall
# clock, peak RSS) with `-l debug` (the model logs its resident and peak memory after each stage:
# "memory <stage>: resident ..., peak ...").
# Usage: tools/bench_landuse_large.sh WORK_DIR [build-dir] ; env RUNS (default "30m 10m large"),
#        CELL (default 4.7), STEPS (default 3), SEED (default 1).
# Everything (scenarios, outputs, logs, results.jsonl) goes under WORK_DIR, never the repository; the
# large run needs ~6.5 GB of RAM and ~8 GB of disk (outputs plus the model's temporary driver file).
# Not run in CI.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 WORK_DIR [build-dir]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mkdir -p "$1" && cd "$1" && pwd)
BUILD=${2:-$ROOT/build/release}
XG="$BUILD/xiongguan"
[ -x "$XG" ] || { echo "build $XG first" >&2; exit 2; }
RUNS=${RUNS:-"30m 10m large"}
CELL=${CELL:-4.7}
STEPS=${STEPS:-3}
SEED=${SEED:-1}
PY=/usr/bin/python3
STUDY="$ROOT/data/jiayuguan/study.yaml"
RES="$WORK/results.jsonl"
echo "{\"machine\": \"$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB\", \"binary\": \"$XG\", \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" | tee -a "$RES"

# The shipped study on a CELL-metre grid with the same origin and extent (rounded up to whole cells).
make_study() {
  local dir="$WORK/study_${CELL}m" data="$ROOT/data/jiayuguan"
  [ -f "$dir/study.yaml" ] && return
  mkdir -p "$dir"
  read -r ox oy cols rows < <($PY - "$data/study.yaml" "$CELL" <<'PYEOF'
import math, re, sys
t = open(sys.argv[1]).read(); c = float(sys.argv[2])
g = {k: float(re.search(r"^  %s: (\S+)" % k, t, re.M).group(1)) for k in ("origin_x", "origin_y", "cell_size_m", "cols", "rows")}
print(g["origin_x"], g["origin_y"], math.ceil(g["cols"] * g["cell_size_m"] / c - 1e-9), math.ceil(g["rows"] * g["cell_size_m"] / c - 1e-9))
PYEOF
)
  local te="$ox $($PY -c "print($oy - $rows * $CELL)") $($PY -c "print($ox + $cols * $CELL)") $oy"
  for f in landuse_2016 landuse_2021; do
    gdalwarp -q -overwrite -r near -tr "$CELL" "$CELL" -te $te -multi -wo NUM_THREADS=2 \
        -co TILED=YES -co COMPRESS=DEFLATE "$data/$f.tif" "$dir/$f.tif"
  done
  gdalwarp -q -overwrite -r bilinear -tr "$CELL" "$CELL" -te $te -multi -wo NUM_THREADS=2 \
      -co TILED=YES -co COMPRESS=DEFLATE "$data/dem.tif" "$dir/dem.tif"
  $PY - "$data" "$dir" "$CELL" "$cols" "$rows" <<'PYEOF'
import re, sys
data, out, cell, cols, rows = sys.argv[1:]
t = open(data + "/study.yaml").read()
t = re.sub(r"^  cell_size_m: .*$", "  cell_size_m: " + cell, t, flags=re.M)
t = re.sub(r"^  cols: .*$", "  cols: " + cols, t, flags=re.M)
t = re.sub(r"^  rows: .*$", "  rows: " + rows, t, flags=re.M)
local = ("landuse_2016.tif", "landuse_2021.tif", "dem.tif")
t = re.sub(r"(file|polygons): ([^,}\s]+)", lambda m: m.group(0) if m.group(2) in local else "%s: %s/%s" % (m.group(1), data, m.group(2)), t)
t = t.replace("population: {file: " + data + "/population.tif}", "population: {file: " + data + "/population.tif, resample: average}")
open(out + "/study.yaml", "w").write("# made by tools/bench_landuse_large.sh from the shipped study\n" + t)
PYEOF
}

scenario() { # name to cell_size_m-line [study]
  cat > "$WORK/$1.yaml" <<YAML
name: $1
study: ${4:-$STUDY}
period: {from: 2021, to: $2}
models:
  - {type: models.landuse_ca, demand: markov, demand_tolerance: 1.0, $3
     constraints: {ecological_redline: forbid, basic_farmland: forbid, development_boundary: {weight: 0.5}, great_wall_protection: forbid}}
YAML
}

run() { # label scenario extra-args...
  local label=$1 sc=$2; shift 2
  rm -rf "$WORK/out_$label"
  echo "run $label: $XG -l debug simulate $WORK/$sc.yaml -o $WORK/out_$label --seed $SEED $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  /usr/bin/time -v "$XG" -l debug simulate "$WORK/$sc.yaml" -o "$WORK/out_$label" --seed "$SEED" "$@" \
      > "$WORK/$label.json" 2> "$WORK/$label.err" || true
  local du
  du=$(du -sm "$WORK/out_$label" | cut -f1)
  $PY - "$WORK/$label.json" "$WORK/$label.err" "$label" "$du" <<'PYEOF' | tee -a "$RES"
import json, re, sys
j = json.load(open(sys.argv[1])); err = open(sys.argv[2]).read()
m = j["metrics"]["models.landuse_ca"]
g = m.get("grid", j["grid"]); cells = g["cols"] * g["rows"]
years = [float(x) for x in re.findall(r"year \d+: \d+ iterations, ([0-9.]+) s", err)]
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
mem = {s: (int(r), int(p)) for s, r, p in re.findall(r"memory (.+?): resident (\d+) kB, peak (\d+) kB", err)}
print(json.dumps({"run": sys.argv[3], "cols": g["cols"], "rows": g["rows"], "cells": cells,
                  "cell_size_m": g["cell_size_m"], "years": len(years), "ca_s": round(sum(years), 2),
                  "ca_year_s": [round(y, 2) for y in years], "wall": wall, "peak_rss_mb": round(rss_kb / 1024),
                  "bytes_per_cell": round(rss_kb * 1024 / cells, 1),
                  "stage_rss_mb": {s: round(r / 1024) for s, (r, p) in mem.items()
                                   if s in ("maps loaded", "suitability predicted") or s.startswith("after year")},
                  "timings": m.get("timings", {}), "output_mb": int(sys.argv[4])}))
PYEOF
}

for r in $RUNS; do
  case $r in
    30m) scenario trend_growth_2036_30m 2036 "cell_size_m: 30,"; run 30m trend_growth_2036_30m ;;
    10m) scenario trend_growth_2026_10m 2026 "cell_size_m: 10,"; run 10m trend_growth_2026_10m ;;
    large) make_study; scenario trend_growth_large $((2021 + STEPS)) "" "$WORK/study_${CELL}m/study.yaml"
           run large trend_growth_large ;;
    *) echo "unknown run '$r' (30m, 10m, large)" >&2; exit 2 ;;
  esac
done
