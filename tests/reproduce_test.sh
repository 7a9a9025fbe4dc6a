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
# The cells run at tile level: both views of each figure at the rate in tile_check.csv, the
# gain on the TLM chip in each of Fig. 12-15, both views side by side in the report.
head -1 "$2/tile_check.csv" | grep -q 'table_sla,tile_sla,.*table_p99_ms,tile_p99_ms' ||
  { echo "FAIL: tile_check.csv has no tile-level figures at the rate" >&2; exit 1; }
[ "$(grep -c '^| workload | QoS | .* | TLM chip | paper | ours | difference |$' "$2/REPORT.md")" -eq 4 ] ||
  { echo "FAIL: Fig. 12-15 do not each show the gain on the TLM chip" >&2; exit 1; }
grep -q '^| workload | QoS | policy | rate (req/s) | SLA satisfaction | .* | p99 latency (ms) |$' "$2/REPORT.md" ||
  { echo "FAIL: the report does not set the figures at the rate of both views side by side" >&2; exit 1; }
echo "report complete: $(grep -c '^#' "$2/REPORT.md") headings, $(ls "$2"/*.png | wc -l) plots"
