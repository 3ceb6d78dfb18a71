#!/usr/bin/env bash
# The default batch on the shipped study: runs, GIS-readable outputs, resume, determinism.
# usage: default_batch.sh <xiongguan> <default_batch.yaml> <work dir>
set -euo pipefail
XG="$1"; BATCH="$2"; WORK="$3"
rm -rf "$WORK"; mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

name=$(sed -n 's/^name: *\([A-Za-z0-9_.-]*\).*/\1/p' "$BATCH" | head -1)
[ -n "$name" ] || fail "no name in $BATCH"

"$XG" --threads 2 batch "$BATCH" -o "$WORK/t2" > "$WORK/t2.out" 2> "$WORK/t2.err" || fail "batch at 2 threads: exit $? ($(tail -3 "$WORK/t2.err"))"
cat "$WORK/t2.out"
grep -q "^outputs: " "$WORK/t2.out" || fail "no 'outputs:' line"
[ -f "$WORK/t2/$name/summary.csv" ] || fail "no summary.csv"
[ -f "$WORK/t2/$name/compare.html" ] || fail "no compare.html"
runs=0
for d in "$WORK/t2/$name"/*/; do
  runs=$((runs + 1))
  for f in manifest.json metrics.json metrics.csv report.html; do
    [ -f "$d/$f" ] || fail "$d has no $f"
  done
  grep -q '"status": "complete"' "$d/manifest.json" || fail "$d/manifest.json not complete"
  for t in "$d"/*.tif; do
    [ -e "$t" ] || continue
    gdalinfo "$t" > /dev/null 2>&1 || fail "GDAL cannot open $t"
  done
  for s in "$d"/*.shp; do
    [ -e "$s" ] || continue
    ogrinfo -ro -so -al "$s" > /dev/null 2>&1 || fail "OGR cannot open $s"
  done
done
[ "$runs" -gt 0 ] || fail "no run folder"
expected=$(($(wc -l < "$WORK/t2/$name/summary.csv") - 1))
[ "$runs" -eq "$expected" ] || fail "$runs run folders, $expected rows in summary.csv"

# Rerun: every run is complete with the same inputs -> all skipped.
"$XG" --threads 2 batch "$BATCH" -o "$WORK/t2" > "$WORK/rerun.out" 2> "$WORK/rerun.err" || fail "rerun: exit $?"
grep -q "$runs skipped, 0 failed" "$WORK/rerun.out" || fail "rerun did not skip every run: $(grep runs: "$WORK/rerun.out")"
# A run lost (as if the batch had been killed before it finished): only it is redone.
first=$(ls -d "$WORK/t2/$name"/*/ | head -1)
rm -rf "$first"
"$XG" --threads 2 batch "$BATCH" -o "$WORK/t2" > "$WORK/resume.out" 2> "$WORK/resume.err" || fail "resume: exit $?"
grep -q ": 1 done, $((runs - 1)) skipped, 0 failed" "$WORK/resume.out" || fail "resume: $(grep runs: "$WORK/resume.out")"
[ -f "$first/manifest.json" ] || fail "resume did not redo $first"

# Determinism: the same batch at one thread gives the same outputs.
"$XG" --threads 1 batch "$BATCH" -o "$WORK/t1" > "$WORK/t1.out" 2> "$WORK/t1.err" || fail "batch at 1 thread: exit $?"
"$XG" compare "$WORK/t1/$name" "$WORK/t2/$name" > "$WORK/compare.out" || { cat "$WORK/compare.out"; fail "1 vs 2 threads differ"; }
echo "ok: $runs runs; GIS-readable; resumed; identical at 1 and 2 threads"
