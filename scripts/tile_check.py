#!/usr/bin/python3
"""Merge the summaries of `planaria run --confirm tile` into one CSV.

Usage: scripts/tile_check.py RUNS_DIR OUT.csv

RUNS_DIR holds one folder per Fig. 12 cell, each the --out folder of a
`planaria run SCENARIO --qos Q --confirm tile` (its summary.json). One row per
cell and policy: the table-level throughput the confirmation started from (the
run's search, or the search at --confirm-requests/--confirm-seeds), the
tile-level bracket that confirmed it (the highest rate every seed passed at tile
level and the lowest one a seed failed), and their ratio. A cell whose
table-level throughput is 0 has no tile-level runs (rates_run 0): the
feasibility table says why. The CSV is written aside and renamed into place.
"""

import csv
import json
import os
import sys
from pathlib import Path

COLUMNS = ("workload", "qos", "policy", "requests", "seeds", "table_rps", "tile_rps", "tile_failing_rps",
           "tile_rates_run", "tile_over_table")


def rows_of(summary):
    workload = summary["scenario"].removeprefix("Workload-")
    for policy, p in summary["policies"].items():
        confirmation = p.get("tile_confirmation")
        if confirmation is None:
            raise ValueError(f"{summary['scenario']} QoS-{summary['qos']}: {policy} has no tile_confirmation "
                             "(was the run made with --confirm tile?)")
        # The table-level search the confirmation started from, at its own size.
        table = confirmation["table_throughput"]
        tile = confirmation["passing_rate"]
        yield {
            "workload": workload,
            "qos": summary["qos"],
            "policy": policy,
            "requests": confirmation["requests"],
            "seeds": confirmation["seeds"],
            "table_rps": f"{table:.6g}",
            "tile_rps": f"{tile:.6g}",
            "tile_failing_rps": f"{confirmation['failing_rate']:.6g}",
            "tile_rates_run": confirmation["rates_run"],
            "tile_over_table": f"{tile / table:.4f}" if table > 0 and confirmation["rates_run"] > 0 else "",
        }


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
        with open(path) as f:
            rows.extend(rows_of(json.load(f)))
    rows.sort(key=lambda r: (r["workload"], "SMH".index(r["qos"]), r["policy"]))
    staging = out.with_name(out.name + ".partial")
    with open(staging, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        f.flush()
        os.fsync(f.fileno())
    os.replace(staging, out)
    print(f"tile_check: {len(rows)} rows from {len(summaries)} runs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
