#!/usr/bin/env bash
# Kills `run --out`, `experiment --out-dir` and `compile --out-dir` with
# SIGKILL at seeded random moments while they overwrite an earlier run's
# folder, and checks after each kill that the folder is consistent as a set:
# exactly the earlier run's files, exactly the new run's, or absent; never a
# mix, a partial file or a stray temporary. A final uninterrupted rerun gives
# byte-identical outputs.
# Usage: fault_kill_test.sh PLANARIA_CLI WORK_DIR [KILLS_PER_COMMAND] [SEED] [light]
# light: the experiment killed is `single` (ten files, a seventh of `all`'s
# time), over its own earlier run on a faster clock, for the sanitizer
# build, where each run is several times slower.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$1"; work="$2"; kills="${3:-25}"; seed="${4:-1}"; light="${5:-}"
rm -rf "$work"; mkdir -p "$work"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
m="$root/scenarios/models"
b="$root/scenarios/workload-b.yaml"

# A command's arguments with its output folder as the last word.
run_a=(run "$b" --qos S --requests 60 --seeds 1 --no-search --seed 3 --out)
run_b=(run "$b" --qos S --requests 60 --seeds 1 --seed 4 --out)
exp_a=(experiment timeline --profile smoke --out-dir)
exp_b=(experiment all --profile smoke --out-dir)
if [ "$light" = light ]; then
  exp_a=(experiment single --profile smoke --set clock_mhz=800 --out-dir)
  exp_b=(experiment single --profile smoke --out-dir)
fi
cmp_a=(compile "$m/tiny_yolo.yaml" "$m/mobilenet_v1.yaml" --subarrays 4 --out-dir)
cmp_b=(compile "$m/tiny_yolo.yaml" "$m/mobilenet_v1.yaml" "$m/resnet50.yaml" --subarrays 4,16 --set clock_mhz=800 --out-dir)

same() { diff -r "$1" "$2" > /dev/null 2>&1; }
rng_state=$seed
next_fraction() {  # sets fraction: a deterministic pseudo-random number in [0, 1.2)
  rng_state=$(( (rng_state * 1103515245 + 12345) % 2147483648 ))
  fraction=$(awk -v r="$rng_state" 'BEGIN { printf "%.3f", 1.2 * r / 2147483648 }')
}

total=0
for name in run exp cmp; do
  declare -n a="${name}_a" bcmd="${name}_b"
  "$cli" "${a[@]}" "$work/$name-ref-a" > /dev/null 2>&1
  start=$(date +%s.%N)
  "$cli" "${bcmd[@]}" "$work/$name-ref-b" > /dev/null 2>&1
  duration=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
  same "$work/$name-ref-a" "$work/$name-ref-b" && { echo "FAIL: $name: the two runs give the same outputs" >&2; exit 1; }
  outcomes=""
  for ((i = 1; i <= kills; i++)); do
    target="$work/$name-target"
    rm -rf "$target" "$target".partial-* "$target".old-*
    cp -r "$work/$name-ref-a" "$target"
    next_fraction
    delay=$(awk -v f="$fraction" -v d="$duration" 'BEGIN { printf "%.3f", f * d }')
    "$cli" "${bcmd[@]}" "$target" > /dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ ! -e "$target" ]; then outcome=absent
    elif same "$work/$name-ref-a" "$target"; then outcome=old
    elif same "$work/$name-ref-b" "$target"; then outcome=new
    else
      echo "FAIL: $name killed after ${delay}s: the folder is a mix:" >&2
      diff -rq "$work/$name-ref-b" "$target" >&2 || true
      exit 1
    fi
    outcomes="$outcomes $outcome"
    total=$((total + 1))
  done
  # The next run cleans up what the killed ones left beside the folder and
  # writes the same bytes as an uninterrupted run.
  "$cli" "${bcmd[@]}" "$work/$name-target" > /dev/null 2>&1
  same "$work/$name-ref-b" "$work/$name-target" || { echo "FAIL: $name: the rerun differs" >&2; exit 1; }
  leftovers=$(compgen -G "$work/$name-target.*" | wc -l || true)
  [ "$leftovers" -eq 0 ] || { echo "FAIL: $name: $leftovers stale staging folders left" >&2; exit 1; }
  echo "$name: $kills kills within 1.2 x ${duration}s: $(for o in old new absent; do printf '%s %s, ' "$(grep -o "$o" <<< "$outcomes" | wc -l)" "$o"; done)"
done
# Two runs writing one folder at once: one wins whole (the other may fail
# naming the folder), never a mix. Repeated to meet different interleavings.
for ((i = 1; i <= 5; i++)); do
  target="$work/race-target"
  rm -rf "$target" "$target".*
  "$cli" "${run_a[@]}" "$target" > /dev/null 2>&1 & first=$!
  "$cli" "${run_b[@]}" "$target" > /dev/null 2>&1 & second=$!
  ok_a=0; ok_b=0
  wait "$first" && ok_a=1 || true
  wait "$second" && ok_b=1 || true
  [ $((ok_a + ok_b)) -ge 1 ] || { echo "FAIL: both concurrent runs failed" >&2; exit 1; }
  same "$work/run-ref-a" "$target" || same "$work/run-ref-b" "$target" ||
    { echo "FAIL: two concurrent runs left a mix:" >&2; diff -rq "$work/run-ref-b" "$target" >&2 || true; exit 1; }
done
echo "concurrent runs: one wins whole"
echo "$total kills, every folder consistent as a set"
