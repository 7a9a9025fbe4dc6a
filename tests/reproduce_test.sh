#!/usr/bin/env bash
# scripts/reproduce from experiments to REPORT.md: every figure and section
# present, no empty cell, every plot next to the report; with the quick
# profile also every difference above 20 % explained (reproduce exits 3
# otherwise). The sanitizer build runs the smoke profile: the same code on
# fewer requests.
# Usage: reproduce_test.sh PLANARIA_CLI WORK_DIR PROFILE
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$2"
PLANARIA="$1" "$root/scripts/reproduce" --profile "${3:-smoke}" --no-build --out "$2"
/usr/bin/python3 "$root/scripts/check_report.py" "$2/REPORT.md"
for f in multitenant scaleout bandwidth timeline fig17 fig18 table2 tile_check; do
  [ -s "$2/$f.csv" ] || { echo "FAIL: $f.csv missing" >&2; exit 1; }
done
grep -q '^Commit: `[0-9a-f]\{40\}' "$2/REPORT.md" || { echo "FAIL: the report names no commit" >&2; exit 1; }
echo "report complete: $(grep -c '^#' "$2/REPORT.md") headings, $(ls "$2"/*.png | wc -l) plots"
