#!/usr/bin/env bash
# scripts/make_report.py writes REPORT.md complete or not at all: from the
# committed results it writes the committed report byte for byte, and when
# the file cannot be written aside it exits non-zero, naming the file, with
# the previous report untouched and no partial file left.
# Usage: report_write_test.sh WORK_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$1"
rm -rf "$work"; mkdir -p "$work"
cp -r "$root/experiments/results/." "$work/"
/usr/bin/python3 "$root/scripts/make_report.py" "$work" > "$work.log" 2>&1 ||
  { echo "FAIL: make_report.py failed on the committed results" >&2; cat "$work.log" >&2; exit 1; }
cmp "$work/REPORT.md" "$root/experiments/results/REPORT.md" ||
  { echo "FAIL: the report regenerated from the committed results differs from the committed one" >&2; exit 1; }
echo "previous" > "$work/REPORT.md"
mkdir "$work/REPORT.md.partial"  # the file aside cannot be created
if /usr/bin/python3 "$root/scripts/make_report.py" "$work" > "$work.log" 2>&1; then
  echo "FAIL: make_report.py exited 0 without writing its report" >&2; exit 1
fi
grep -q "cannot write .*REPORT.md" "$work.log" || { echo "FAIL: the error does not name the report" >&2; cat "$work.log" >&2; exit 1; }
[ "$(cat "$work/REPORT.md")" = previous ] || { echo "FAIL: the previous report was changed" >&2; exit 1; }
echo "report written complete or not at all"
