#!/usr/bin/env bash
# Golden outputs: small runs of the commands whose results the project
# publishes (replay, run at configuration-table and tile level, the paper's
# experiments), compared byte for byte with the files committed beside this
# script. A change that alters a figure on purpose regenerates them with
#   tests/golden/golden.sh build/planaria --update
# and says why in its commit.
# Usage: golden.sh PLANARIA_CLI [--update] [--work DIR] [--profile quick|smoke]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cli="$1"; shift
update=0; work=""; profile=quick
while (($#)); do
  case "$1" in
    --update) update=1 ;;
    --work) work="$2"; shift ;;
    --profile) profile="$2"; shift ;;
    *) echo "golden.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$work" ] || work="$(mktemp -d)"
rm -rf "$work"; mkdir -p "$work"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
models="$root/scenarios/models"
# Files above this size are kept as a SHA-256 only (still byte for byte).
max_verbatim=262144

run_case() {  # name, then the command's arguments (its output folder is appended)
  local name="$1"; shift
  local out="$work/$name"
  if ! "$cli" "$@" "$out" >"$work/$name.log" 2>&1; then
    echo "FAIL: $name: planaria $* exited non-zero:" >&2; tail -20 "$work/$name.log" >&2; exit 1
  fi
}

run_case replay replay "$models/tiny_yolo.yaml" "$models/mobilenet_v1.yaml" --subarrays 4 --input image=3x64x64 --out
run_case run-table run "$root/scenarios/workload-b.yaml" --qos S --requests 100 --seeds 2 --out
run_case run-tile run "$root/scenarios/workload-b.yaml" --fidelity tile --qos S --requests 16 --seeds 1 \
  --confirm-probes 1 --input image=3x64x64 --out
run_case "experiment-$profile" experiment all --profile "$profile" --out-dir

# summary.json names the commit that made it and the command with its paths
# (this checkout's): held out of the comparison.
normalise() { sed -E 's/^(  "(commit|command|scenario_file)": ).*$/\1"(not compared)",/' "$1"; }

status=0
for dir in replay run-table run-tile "experiment-$profile"; do
  golden="$here/$dir"
  if ((update)); then
    rm -rf "$golden"; mkdir -p "$golden"
    (cd "$work/$dir" && for f in *; do
       if [ "$(stat -c %s "$f")" -gt $max_verbatim ]; then sha256sum "$f" >"$golden/$f.sha256"
       else normalise "$f" >"$golden/$f"; fi
     done)
    echo "updated $dir: $(ls "$golden" | wc -l) files"
    continue
  fi
  expected=$(cd "$golden" && ls | sed 's/\.sha256$//' | sort)
  got=$(cd "$work/$dir" && ls | sort)
  if [ "$expected" != "$got" ]; then
    echo "FAIL: $dir: files differ: expected [$(echo $expected)], got [$(echo $got)]" >&2; status=1; continue
  fi
  for f in $got; do
    if [ -f "$golden/$f.sha256" ]; then
      (cd "$work/$dir" && sha256sum --quiet -c "$golden/$f.sha256") >/dev/null 2>&1 \
        || { echo "FAIL: $dir/$f: SHA-256 differs from the golden" >&2; status=1; }
    elif ! cmp -s "$golden/$f" <(normalise "$work/$dir/$f"); then
      echo "FAIL: $dir/$f differs from the golden:" >&2
      diff "$golden/$f" <(normalise "$work/$dir/$f") | head -10 >&2 || true
      status=1
    fi
  done
  ((status)) || echo "$dir: $(echo $got | wc -w) files identical to the golden"
done
((status == 0)) && ((update == 0)) && echo "golden outputs identical"
exit $status
