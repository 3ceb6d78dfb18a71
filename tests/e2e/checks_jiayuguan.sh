#!/usr/bin/env bash
# e2e: `xiongguan check` on the shipped study at 1 and 2 threads: identical output files, and every
# proposal / land-supply parcel gets the status its design intends (checks_design.py).
# usage: checks_jiayuguan.sh <xiongguan> <study.yaml> <work_dir>
set -euo pipefail
XG="$1"; STUDY="$2"; WORK="$3"
HERE="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$WORK"; mkdir -p "$WORK"
"$XG" --threads 1 check "$STUDY" -o "$WORK/t1" > "$WORK/t1.json" 2> "$WORK/t1.log"
"$XG" --threads 2 check "$STUDY" -o "$WORK/t2" > "$WORK/t2.json" 2> "$WORK/t2.log"
for f in $(cd "$WORK/t1" && find . -type f | sort); do
  cmp -s "$WORK/t1/$f" "$WORK/t2/$f" || { echo "differs between 1 and 2 threads: $f"; exit 1; }
done
echo "identical at 1 and 2 threads: $(cd "$WORK/t1" && find . -type f | wc -l) files"
/usr/bin/python3 "$HERE/checks_design.py" "$STUDY" "$WORK/t2"
