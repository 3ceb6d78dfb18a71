#!/usr/bin/env bash
# Times the default batch and one run on the shipped study area, with peak memory (GNU time -v).
# usage: tools/bench_batch.sh [xiongguan binary] [one scenario]   (defaults: build/release/xiongguan,
#        scenarios/baseline_2021.yaml). Writes into a temporary folder; prints a Markdown table for
#        docs/BENCHMARKS.md ("Scenario batch").
set -euo pipefail
cd "$(dirname "$0")/.."
XG="${1:-build/release/xiongguan}"
ONE="${2:-scenarios/baseline_2021.yaml}"
[ -x "$XG" ] || { echo "bench_batch: $XG not built (run tools/setup.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_batch: needs GNU time (Debian package 'time')" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

measure() { # label, command...: prints "| label | wall s | peak MB | exit |"
  local label="$1"; shift
  local rc=0
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/stdout.txt" 2> "$WORK/stderr.txt" || rc=$?
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" |
         awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  printf '| %s | %.1f | %.0f | %s |\n' "$label" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$rc"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "binary: $XG ($("$XG" --version))"
echo
echo "| what | wall s | peak RSS MB | exit |"
echo "| --- | --- | --- | --- |"
measure "default batch, fresh (all scenarios, all cores)" "$XG" batch scenarios/default_batch.yaml -o "$WORK/out"
cp "$WORK/stdout.txt" "$WORK/batch_table.txt"
measure "default batch again (every run skipped)" "$XG" batch scenarios/default_batch.yaml -o "$WORK/out"
measure "one run: $(basename "$ONE" .yaml)" "$XG" run "$ONE" -o "$WORK/one"
measure "one run at --threads 1" "$XG" --threads 1 run "$ONE" -o "$WORK/one1"
echo
echo "per-run seconds (manifest.json timings.total_s, fresh batch):"
for m in "$WORK"/out/*/*/manifest.json; do
  /usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("  %-40s %7.1f s" % (m["run_id"], m["timings"]["total_s"]))' "$m"
done
echo
cat "$WORK/batch_table.txt"
