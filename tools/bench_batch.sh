#!/usr/bin/env bash
# Times the default batch, the green/water scenarios alone and one run on the shipped study area,
# with peak memory (GNU time -v); each case REPEAT times (default 3), the median wall time and the
# largest peak RSS reported.
# usage: [REPEAT=3] tools/bench_batch.sh [xiongguan binary] [one scenario]   (defaults:
#        build/release/xiongguan, scenarios/baseline_2021.yaml). Writes into a temporary folder;
#        prints a Markdown table for docs/BENCHMARKS.md ("Scenario batch").
set -euo pipefail
cd "$(dirname "$0")/.."
XG="${1:-build/release/xiongguan}"
ONE="${2:-scenarios/baseline_2021.yaml}"
REPEAT="${REPEAT:-3}"
[ -x "$XG" ] || { echo "bench_batch: $XG not built (run tools/setup.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_batch: needs GNU time (Debian package 'time')" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The scenarios of the default batch without a land-use model (green cover / water only).
{
  echo "name: green_water"
  echo "scenarios:"
  for f in scenarios/*.yaml; do
    case "$(basename "$f")" in base.yaml|base_*|_*|*batch*) continue ;; esac
    grep -q 'models.landuse_ca' "$f" && continue
    echo "  - $PWD/$f"
  done
  echo "parallel_runs: 1"
} > "$WORK/green_water.yaml"

once() { # out-folder, command...: one timed run; prints "wall_s rss_kb exit"
  local rc=0
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/stdout.txt" 2> "$WORK/stderr.txt" || rc=$?
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" |
         awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  echo "$wall $rss $rc"
}

measure() { # label, fresh(1: remove the output folder before each repeat), out, command...
  local label="$1" fresh="$2" out="$3"; shift 3
  local walls=() rss_max=0 rc_all=0
  for _ in $(seq "$REPEAT"); do
    [ "$fresh" = 1 ] && rm -rf "$out"
    read -r w r rc < <(once "$@")
    walls+=("$w")
    [ "$r" -gt "$rss_max" ] && rss_max=$r
    [ "$rc" != 0 ] && rc_all=$rc
  done
  local med
  med=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  printf '| %s | %.1f | %s | %.0f | %s |\n' "$label" "$med" "$(IFS=' '; echo "${walls[*]}")" \
    "$(awk -v k="$rss_max" 'BEGIN { print k / 1024 }')" "$rc_all"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $XG ($("$XG" --version)); $REPEAT repeats per case"
echo
echo "| what | median wall s | each run s | peak RSS MB | exit |"
echo "| --- | --- | --- | --- | --- |"
measure "default batch, fresh (all scenarios, all cores)" 1 "$WORK/out" "$XG" batch scenarios/default_batch.yaml -o "$WORK/out"
cp "$WORK/stdout.txt" "$WORK/batch_table.txt"
measure "default batch again (every run skipped)" 0 "$WORK/out" "$XG" batch scenarios/default_batch.yaml -o "$WORK/out"
measure "green/water scenarios only ($(grep -c '^  - ' "$WORK/green_water.yaml") runs), fresh" 1 "$WORK/gw" \
  "$XG" batch "$WORK/green_water.yaml" -o "$WORK/gw"
measure "one run: $(basename "$ONE" .yaml)" 1 "$WORK/one" "$XG" run "$ONE" -o "$WORK/one"
measure "one run at --threads 1" 1 "$WORK/one1" "$XG" --threads 1 run "$ONE" -o "$WORK/one1"
echo
echo "per-run seconds (manifest.json timings.total_s, last fresh default batch):"
for m in "$WORK"/out/*/*/manifest.json; do
  /usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("  %-40s %7.1f s" % (m["run_id"], m["timings"]["total_s"]))' "$m"
done
echo
cat "$WORK/batch_table.txt"
