#!/usr/bin/env bash
# Land-use benchmarks (issue 6): distance raster vs gdal_proximity.py and GRASS r.grow.distance, 5x5
# class counts vs scipy.ndimage and GRASS r.neighbors (grass-core is installed when missing), then whole runs of
# models.landuse_ca on the shipped study (30 m and 10 m) with time and peak memory.
# Usage: tools/bench_landuse.sh [build-dir] ; env N (grid side, default 10000), REPEAT (default 3),
# SKIP_RUNS=1 to run only the kernels. Results: $OUT (default out/bench_landuse)/results.jsonl.
# Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
N=${N:-10000}
REPEAT=${REPEAT:-3}
OUT=${OUT:-out/bench_landuse}
PY=/usr/bin/python3
mkdir -p "$OUT"
RES="$OUT/results.jsonl"
: > "$RES"
BENCH="$BUILD/bench/landuse_kernels_bench"
XG="$BUILD/xiongguan"
[ -x "$BENCH" ] || { echo "build $BENCH first (cmake -DXG_BUILD_BENCHMARKS=ON)" >&2; exit 2; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RES"

[ -f "$OUT/mask_$N.tif" ] || $PY tools/bench_landuse_data.py "$N" "$OUT/mask_$N.tif" "$OUT/classes_$N.tif"

wall() { # wall seconds of a command
  local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1; t1=$(date +%s.%N); awk "BEGIN {print $t1 - $t0}"
}
# Distance raster, file -> file. Both tools write a new Float32 GeoTIFF, tiled 256 x 256, uncompressed.
# Before each timed run, outside the timing and for both: the old output is deleted and the page
# cache written back (sync), so neither run pays for the other's 400 MB of writeback.
for i in $(seq "$REPEAT"); do
  rm -f "$OUT/edt_ours.tif" "$OUT/edt_gdal.tif"; sync
  o=$("$BENCH" edt "$OUT/mask_$N.tif" "$OUT/edt_ours.tif")
  echo "{\"kernel\": \"distance\", \"tool\": \"xiongguan\", \"run\": $i, \"result\": $o}" | tee -a "$RES"
  sync
  g=$(wall gdal_proximity.py -q "$OUT/mask_$N.tif" "$OUT/edt_gdal.tif" -values 1 -distunits PIXEL -ot Float32 -co TILED=YES)
  echo "{\"kernel\": \"distance\", \"tool\": \"gdal_proximity.py\", \"run\": $i, \"total_s\": $g}" | tee -a "$RES"
done
for i in $(seq "$REPEAT"); do
  o=$("$BENCH" nbhd "$OUT/classes_$N.tif" 2)
  echo "{\"kernel\": \"neighbourhood5x5\", \"tool\": \"xiongguan\", \"run\": $i, \"result\": $o}" | tee -a "$RES"
  s=$($PY tools/bench_landuse_scipy.py nbhd "$OUT/classes_$N.tif" 2)
  echo "{\"kernel\": \"neighbourhood5x5\", \"tool\": \"scipy.ndimage.convolve\", \"run\": $i, \"result\": $s}" | tee -a "$RES"
done

# GRASS GIS peers (package grass-core, installed here when missing; GRASS 8.2 modules are single-threaded).
# The rasters are imported into a fresh GRASS database once (timed as import, not part of the kernels);
# each module run is timed inside the GRASS session (session start-up excluded):
#   distance: r.grow.distance metric=euclidean on the source cells (mask 0 set to null), then the
#             export r.out.gdal (Float32, TILED=YES) timed separately;
#   counts:   r.neighbors method=sum size=5 on each class's 0/1 indicator map (made during import),
#             the same per-class convolution scipy does; checksum = sum of all counts.
if ! command -v grass > /dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y --no-install-recommends grass-core > "$OUT/apt_grass.log" 2>&1 ||
    { apt-get update > /dev/null 2>&1 && apt-get install -y --no-install-recommends grass-core >> "$OUT/apt_grass.log" 2>&1; } || true
fi
if command -v grass > /dev/null; then
  GDB="$OUT/grassdb"
  rm -rf "$GDB"; mkdir -p "$GDB"
  CELL=$(gdalinfo "$OUT/mask_$N.tif" | sed -n 's/^Pixel Size = (\([0-9.]*\),.*/\1/p')
  grass -c "$OUT/mask_$N.tif" -e "$GDB/loc" > /dev/null 2>&1
  gx() { grass "$GDB/loc/PERMANENT" --exec "$@" 2> /dev/null; }
  # shellcheck disable=SC2016
  imp=$(gx sh -c 't0=$(date +%s.%N)
    r.in.gdal -o input="$1" output=m --q && r.in.gdal -o input="$2" output=c --q && g.region raster=m
    r.mapcalc "src = if(m, 1, null())" --q
    for k in $(r.stats -n c --q); do echo "i_$k = if(c == $k, 1, 0)"; done | r.mapcalc file=- --q
    echo "{\"import_s\": $(awk "BEGIN {print $(date +%s.%N) - $t0}"), \"classes\": \"$(r.stats -n c --q | tr "\n" " ")\"}"' \
    sh "$(realpath "$OUT/mask_$N.tif")" "$(realpath "$OUT/classes_$N.tif")" | tail -1) || true
  CLASSES=$(echo "$imp" | sed -n 's/.*"classes": "\([0-9 ]*\)".*/\1/p')
  echo "{\"kernel\": \"grass\", \"tool\": \"r.in.gdal + r.mapcalc (indicators)\", \"result\": $imp}" | tee -a "$RES"
  for i in $(seq "$REPEAT"); do
    rm -f "$OUT/edt_grass.tif"
    # shellcheck disable=SC2016
    o=$(gx sh -c 't0=$(date +%s.%N)
      r.grow.distance input=src distance=d metric=euclidean --o --q; t1=$(date +%s.%N)
      r.out.gdal input=d output="$1" type=Float32 createopt=TILED=YES --q -f > /dev/null 2>&1; t2=$(date +%s.%N)
      echo "{\"module_s\": $(awk "BEGIN {print $t1 - $t0}"), \"export_s\": $(awk "BEGIN {print $t2 - $t1}")}"' \
      sh "$(realpath -m "$OUT/edt_grass.tif")" | tail -1) || true
    echo "{\"kernel\": \"distance\", \"tool\": \"grass r.grow.distance\", \"run\": $i, \"result\": $o}" | tee -a "$RES"
  done
  for i in $(seq "$REPEAT"); do
    # shellcheck disable=SC2016
    o=$(gx sh -c 'total=0; sum=0
      for k in "$@"; do
        t0=$(date +%s.%N); r.neighbors input=i_$k output=n_$k method=sum size=5 --o --q; t1=$(date +%s.%N)
        total=$(awk "BEGIN {print $total + $t1 - $t0}")
        sum=$(awk "BEGIN {printf \"%.0f\", $sum + $(r.univar -g n_$k | sed -n "s/^sum=//p")}")
      done
      echo "{\"kernel_s\": $total, \"sum\": $sum}"' sh $CLASSES | tail -1) || true
    echo "{\"kernel\": \"neighbourhood5x5\", \"tool\": \"grass r.neighbors method=sum\", \"run\": $i, \"result\": $o}" | tee -a "$RES"
  done
else
  echo '{"kernel": "grass", "note": "GRASS not installed (grass-core; run as root to install it)"}' | tee -a "$RES"
fi
GRASS_OUT=""; [ -f "$OUT/edt_grass.tif" ] && GRASS_OUT="$OUT/edt_grass.tif:$CELL"
echo "{\"kernel\": \"distance\", \"check\": $($PY tools/bench_landuse_scipy.py edt_check "$OUT/mask_$N.tif" "$OUT/edt_ours.tif" "$OUT/edt_gdal.tif" $GRASS_OUT)}" | tee -a "$RES"

[ "${SKIP_RUNS:-0}" = 1 ] && exit 0
# Whole runs on the shipped study: 30 m (model parameter cell_size_m: 30; 15 annual steps 2021 -> 2036)
# and 10 m (5 steps, 2021 -> 2026). Memory per stage and the 101 M-cell run: tools/bench_landuse_large.sh.
STUDY=$(realpath data/jiayuguan/study.yaml)
cat > "$OUT/trend_growth_2036.yaml" <<YAML
name: trend_growth_2036
study: $STUDY
period: {from: 2021, to: 2036}
models:
  - {type: models.landuse_ca, demand: markov, demand_tolerance: 1.0, cell_size_m: 30,
     constraints: {ecological_redline: forbid, basic_farmland: forbid, development_boundary: {weight: 0.5}, great_wall_protection: forbid}}
YAML
for i in $(seq "$REPEAT"); do
  /usr/bin/time -v "$XG" -l info simulate "$OUT/trend_growth_2036.yaml" -o "$OUT/run30" --seed "$i" \
      > "$OUT/run30_$i.json" 2> "$OUT/run30_$i.err" || true
  $PY - "$OUT/run30_$i.json" "$OUT/run30_$i.err" "$i" <<'PYEOF' | tee -a "$RES"
import json, re, sys
j = json.load(open(sys.argv[1])); err = open(sys.argv[2]).read()
years = [float(x) for x in re.findall(r"year \d+: \d+ iterations, ([0-9.]+) s", err)]
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
t = j["metrics"]["models.landuse_ca"].get("timings", {})
print(json.dumps({"run": "jiayuguan_30m_15_steps", "seed": int(sys.argv[3]), "cells": (lambda g: g["cols"] * g["rows"])(j["metrics"]["models.landuse_ca"].get("grid", j["grid"])),
                  "ca_s": sum(years), "years": len(years), "wall": wall, "peak_rss_mb": rss / 1024, "timings": t}))
PYEOF
done
sed -e 's/trend_growth_2036/trend_growth_2026_10m/' -e 's/to: 2036/to: 2026/' -e 's/cell_size_m: 30/cell_size_m: 10/' "$OUT/trend_growth_2036.yaml" > "$OUT/trend_growth_2026_10m.yaml"
/usr/bin/time -v "$XG" -l info simulate "$OUT/trend_growth_2026_10m.yaml" -o "$OUT/run10" --seed 1 \
    > "$OUT/run10.json" 2> "$OUT/run10.err" || true
grep -E "Elapsed|Maximum resident|year 20" "$OUT/run10.err" | sed 's/^/run10: /' | tee -a "$RES"

# The land-use scenarios of the default batch, each as one run: time and peak memory.
for sc in compact_growth_2026 trend_growth_2026; do
  for i in $(seq "$REPEAT"); do
    rm -rf "$OUT/runs_$sc"
    /usr/bin/time -v "$XG" -l warning run "scenarios/$sc.yaml" -o "$OUT/runs_$sc" > /dev/null 2> "$OUT/run_${sc}_$i.err" || true
    echo "{\"scenario\": \"$sc\", \"run\": $i, \"wall\": \"$(grep -oP 'Elapsed.*: \K\S+' "$OUT/run_${sc}_$i.err")\", \"peak_rss_kb\": $(grep -oP 'Maximum resident set size \(kbytes\): \K\d+' "$OUT/run_${sc}_$i.err")}" | tee -a "$RES"
  done
done
