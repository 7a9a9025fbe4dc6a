#!/usr/bin/env bash
# planaria run --confirm tile with a size of its own (--confirm-requests,
# --confirm-seeds): the confirmation must be exactly the one a run made at
# that size gives (the same table-level search to start from, the same
# tile-level bracket), while the run's own figures keep their size. And a run
# at tile level of that size (--fidelity tile) must report that bracket as
# its throughput, and the table-level run's figures as its table-level view.
# Usage: run_confirm_size_test.sh PLANARIA_CLI WORK_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
common=("$root/scenarios/workload-b.yaml" --qos S --input image=3x64x64 --confirm tile --confirm-steps 1 --confirm-probes 1 --jobs 2
        --no-feasibility)
"$cli" run "${common[@]}" --requests 60 --seeds 2 --confirm-requests 30 --confirm-seeds 1 --out "$work/own" \
  > "$work/own.txt"
"$cli" run "${common[@]}" --requests 30 --seeds 1 --out "$work/same" > "$work/same.txt"
grep -q "^  table level, 30 req x 1 seeds" "$work/own.txt" ||
  { echo "FAIL: the table does not show the confirmation's size" >&2; cat "$work/own.txt" >&2; exit 1; }
/usr/bin/python3 - "$work/own/summary.json" "$work/same/summary.json" <<'PY'
import json, sys
own, same = (json.load(open(p)) for p in sys.argv[1:])
assert own["requests"] == 60 and own["seeds"] == 2, "the run's own size changed"
for policy, p in own["policies"].items():
    mine, ref = p["tile_confirmation"], same["policies"][policy]
    assert (mine["requests"], mine["seeds"]) == (30, 1), (policy, mine)
    assert mine["table_throughput"] == ref["throughput"], (policy, mine["table_throughput"], ref["throughput"])
    for key in ("passing_rate", "failing_rate", "rates_run"):
        assert mine[key] == ref["tile_confirmation"][key], (policy, key, mine[key], ref["tile_confirmation"][key])
    print(f"{policy}: table {mine['table_throughput']:g} req/s, tile {mine['passing_rate']:g} (fails at "
          f"{mine['failing_rate']:g}), as the run at 30 x 1")
PY
echo "confirmation at its own size equals the run at that size"

"$cli" run "$root/scenarios/workload-b.yaml" --qos S --input image=3x64x64 --confirm-steps 1 --confirm-probes 1 --jobs 2 \
  --no-feasibility --fidelity tile --requests 30 --seeds 1 --out "$work/tile" > "$work/tile.txt"
grep -q "^the same runs at configuration-table level:" "$work/tile.txt" ||
  { echo "FAIL: the tile-level table does not show the table-level view" >&2; cat "$work/tile.txt" >&2; exit 1; }
/usr/bin/python3 - "$work/tile/summary.json" "$work/same/summary.json" <<'PY'
import json, sys
tile, same = (json.load(open(p)) for p in sys.argv[1:])
assert tile["fidelity"] == "tile", tile["fidelity"]
for policy, p in tile["policies"].items():
    ref = same["policies"][policy]
    confirmed = ref["tile_confirmation"]
    assert p["throughput_fidelity"].startswith("tile"), p["throughput_fidelity"]
    assert p["throughput"] == confirmed["passing_rate"], (policy, p["throughput"], confirmed["passing_rate"])
    assert p["tile_confirmation"]["table_throughput"] == ref["throughput"], policy
    view = p["table_level"]
    assert view["sla_satisfaction_rate"] == ref["sla_satisfaction_rate"], policy
    for key in ("within_qos", "fairness", "energy_j", "utilization", "occupancy", "p99_latency_s"):
        assert view[key] == ref["over_seeds"][key], (policy, key, view[key], ref["over_seeds"][key])
    print(f"{policy}: tile level {p['throughput']:g} req/s (table {ref['throughput']:g}); table-level view as the table-level run")
PY
echo "the tile-level run's throughput is that confirmation"
