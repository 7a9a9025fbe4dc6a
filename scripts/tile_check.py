#!/usr/bin/python3
"""Merge the summaries of `planaria run --fidelity tile` into one CSV.

Usage: scripts/tile_check.py RUNS_DIR OUT.csv

RUNS_DIR holds one folder per Fig. 12 cell, each the --out folder of a
`planaria run SCENARIO --qos Q --fidelity tile` (its summary.json). One row per
cell and policy, both views of the same requests and seeds:
  - throughput: the table-level search, and the tile-level bracket that
    confirmed it (the highest rate every seed passed at tile level and the
    lowest one a seed failed), and their ratio. A cell whose table-level
    throughput is 0 has no tile-level runs (rates_run 0): the feasibility
    table says why;
  - at the scenario's rate: SLA satisfaction, vision tasks within QoS,
    fairness, energy, utilization (useful MACs over PE-cycles) and p99
    latency, each at table level and at tile level (means over the seeds).
The CSV is written aside and renamed into place.
"""

import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/ by the import below
sys.path.insert(0, str(Path(__file__).resolve().parent))
from csv_output import write_csv  # noqa: E402  (complete or absent)

# The figures at the scenario's rate: (column, summary key, scale), each as
# table_<column> and tile_<column>.
AT_RATE = (("sla", "sla_satisfaction_rate", 1), ("within_qos", "within_qos", 1), ("fairness", "fairness", 1),
           ("energy_j", "energy_j", 1), ("utilization", "utilization", 1), ("p99_ms", "p99_latency_s", 1e3))
COLUMNS = ("workload", "qos", "policy", "requests", "seeds", "rate_rps", "table_rps", "tile_rps", "tile_failing_rps",
           "tile_rates_run", "tile_over_table") + tuple(f"{view}_{name}" for name, _, _ in AT_RATE
                                                        for view in ("table", "tile"))


def at_rate(figures, key, scale):
    """A figure of a summary's policy or its table_level: a mean over seeds, or a rate."""
    value = figures[key]
    return f"{(value['mean'] if isinstance(value, dict) else value) * scale:.6g}"


def rows_of(summary):
    workload = summary["scenario"].removeprefix("Workload-")
    for policy, p in summary["policies"].items():
        confirmation, table_view = p.get("tile_confirmation"), p.get("table_level")
        if confirmation is None or table_view is None:
            raise ValueError(f"{summary['scenario']} QoS-{summary['qos']}: {policy} has no tile_confirmation or "
                             "table_level (was the run made with --fidelity tile, searching?)")
        tile_view = dict(p["over_seeds"], sla_satisfaction_rate=p["sla_satisfaction_rate"])
        # The table-level search the confirmation started from, at its own size.
        table = confirmation["table_throughput"]
        tile = confirmation["passing_rate"]
        row = {
            "workload": workload,
            "qos": summary["qos"],
            "policy": policy,
            "requests": confirmation["requests"],
            "seeds": confirmation["seeds"],
            "rate_rps": f"{summary['rate']:.6g}",
            "table_rps": f"{table:.6g}",
            "tile_rps": f"{tile:.6g}",
            "tile_failing_rps": f"{confirmation['failing_rate']:.6g}",
            "tile_rates_run": confirmation["rates_run"],
            "tile_over_table": f"{tile / table:.4f}" if table > 0 and confirmation["rates_run"] > 0 else "",
        }
        for name, key, scale in AT_RATE:
            row[f"table_{name}"] = at_rate(table_view, key, scale)
            row[f"tile_{name}"] = at_rate(tile_view, key, scale)
        yield row


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    runs, out = Path(argv[1]), Path(argv[2])
    summaries = sorted(runs.glob("*/summary.json"))
    if not summaries:
        print(f"tile_check: no */summary.json under {runs}", file=sys.stderr)
        return 1
    rows = []
    for path in summaries:
        try:
            with open(path) as f:
                rows.extend(rows_of(json.load(f)))
        except (OSError, ValueError, KeyError) as e:
            print(f"tile_check: {path}: {e}", file=sys.stderr)
            return 1
    rows.sort(key=lambda r: (r["workload"], "SMH".index(r["qos"]), r["policy"]))
    try:
        write_csv(out, COLUMNS, rows)
    except OSError as e:
        print(f"tile_check: cannot write {out}: {e}", file=sys.stderr)
        return 1
    print(f"tile_check: {len(rows)} rows from {len(summaries)} runs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
