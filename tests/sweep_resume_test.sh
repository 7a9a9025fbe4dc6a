#!/usr/bin/env bash
# A sweep of 8 design points through GNU parallel, killed half-way and
# resumed, gives the same merged CSV as an uninterrupted run, and the resumed
# run does not redo the points that had finished.
# Usage: sweep_resume_test.sh PLANARIA_CLI WORK_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PLANARIA="$1"
work="$2"
rm -rf "$work"
mkdir -p "$work"
manifest="$work/manifest.txt"
{
  echo "# eight points of Workload-B at table level"
  for rate in 100 200 300 400 500 600 700 800; do
    echo "b-$rate scenarios/workload-b.yaml --qos S --policy planaria --policy static --no-search --no-feasibility --seeds 2 --requests 150 --rate $rate"
  done
} > "$manifest"

"$root/scripts/sweep" "$manifest" --out "$work/whole" --jobs 2

# Finished points only: a point being written lives in a hidden .ID.partial
# directory until it is complete (a kill may leave one behind).
finished_points() {
  local f
  for f in "$work/resumed/points"/*/summary.json; do [ -e "$f" ] && echo "$f"; done
  return 0
}

# The same sweep, one point at a time, killed (its whole session: GNU
# parallel runs each job in a process group of its own; no chance to clean
# up) once two points have finished.
setsid "$root/scripts/sweep" "$manifest" --out "$work/resumed" --jobs 1 > "$work/killed.log" 2>&1 &
leader=$!
for _ in $(seq 1 3000); do
  done_now=$(finished_points | wc -l)
  [ "$done_now" -ge 2 ] && break
  sleep 0.05
done
pkill -KILL -s "$leader" 2>/dev/null || true
wait "$leader" 2>/dev/null || true
while pgrep -s "$leader" > /dev/null; do sleep 0.05; done
finished=$(finished_points | wc -l)
echo "killed with $finished of 8 points finished"
if [ "$finished" -ge 8 ]; then echo "FAIL: the sweep finished before it was killed" >&2; exit 1; fi
before=$(finished_points | xargs -r stat -c '%n %y')

"$root/scripts/sweep" "$manifest" --out "$work/resumed" --jobs 2

after=$(finished_points | xargs -r stat -c '%n %y')
while IFS= read -r line; do
  grep -qxF "$line" <<< "$after" || { echo "FAIL: a finished point ran again: $line" >&2; exit 1; }
done <<< "$before"
rows=$(($(wc -l < "$work/whole/merged.csv") - 1))
[ "$rows" -eq 16 ] || { echo "FAIL: $rows rows, expected 8 points x 2 policies" >&2; exit 1; }
cmp "$work/whole/merged.csv" "$work/resumed/merged.csv" || { echo "FAIL: merged CSVs differ" >&2; exit 1; }

# A point whose options were edited in the manifest runs again (its result is
# keyed by its command); the others are reused.
edited="$work/edited.txt"
first_id=$(awk '!/^#/ && NF {print $1; exit}' "$manifest")
awk -v id="$first_id" '$1 == id {$0 = $0 " --seed 99"} {print}' "$manifest" > "$edited"
untouched=$(for f in "$work/resumed/points"/*/summary.json; do case "$f" in */"$first_id"/*) ;; *) stat -c '%n %y' "$f" ;; esac; done)
"$root/scripts/sweep" "$edited" --out "$work/resumed" --jobs 2
grep -q '"seed": 99' "$work/resumed/points/$first_id/summary.json" ||
  { echo "FAIL: the edited point $first_id kept its old result" >&2; exit 1; }
while IFS= read -r line; do
  grep -qxF "$line" <<< "$(for f in "$work/resumed/points"/*/summary.json; do stat -c '%n %y' "$f"; done)" ||
    { echo "FAIL: an unedited point ran again: $line" >&2; exit 1; }
done <<< "$untouched"
echo "edited point $first_id ran again, the others were reused"
echo "resumed sweep: merged CSV identical to the uninterrupted one ($rows rows)"

# The Slurm job array's path: each array index runs its point, then a merge.
n=$("$root/scripts/sweep-point" --list "$manifest" | wc -l)
for i in $(seq 1 "$n"); do SLURM_ARRAY_TASK_ID=$i "$root/scripts/sweep.slurm" "$manifest" "$work/slurm"; done
"$root/scripts/sweep" "$manifest" --out "$work/slurm" --merge-only
cmp "$work/whole/merged.csv" "$work/slurm/merged.csv" || { echo "FAIL: the Slurm path merges differently" >&2; exit 1; }
echo "Slurm array path: merged CSV identical"
