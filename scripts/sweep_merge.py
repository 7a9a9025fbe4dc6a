#!/usr/bin/python3
"""Merges the points of a sweep into one CSV, in manifest order.

Usage: sweep_merge.py POINTS.txt POINTS_DIR MERGED.csv

POINTS.txt holds ID<TAB>SCENARIO<TAB>OPTIONS per line (scripts/sweep-point
--list); each finished point left POINTS_DIR/ID/summary.json (planaria run
--out). One row per point and policy: the point, its options, then the
policy's throughput and search bracket, its tile-level confirmation (tile_*,
with --confirm tile or --fidelity tile), every metric's mean and standard
deviation over the seeds, and at tile level the same runs' figures at table
level (table_*), in the order planaria run writes them. Exits 1, naming them,
when points are missing (the CSV then holds the finished ones). The CSV is
written aside and renamed into place.
"""
import json
import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/ by the import below
sys.path.insert(0, str(Path(__file__).resolve().parent))
from csv_output import write_csv  # noqa: E402  (complete or absent)


def cell(v):
    return str(v).lower() if isinstance(v, bool) else v


def spreads(figures, prefix=""):
    """Each figure's mean and standard deviation over the seeds (a figure that
    is a table of its own, e.g. energy by component, a column per entry)."""
    out = {}
    for name, spread in figures.items():
        if isinstance(spread, dict) and set(spread) == {"mean", "std"}:
            out[f"{prefix}{name}_mean"], out[f"{prefix}{name}_std"] = spread["mean"], spread["std"]
        elif isinstance(spread, dict):
            out.update({f"{prefix}{name}_{k}": cell(v) for k, v in spread.items()})
        elif not isinstance(spread, list):
            out[f"{prefix}{name}"] = cell(spread)
    return out


def flatten(metrics):
    """A policy's summary as columns: its scalars, the search bracket, the
    tile-level confirmation (tile_*), each metric's mean and standard deviation
    over the seeds, and at tile level the same runs' at table level (table_*);
    the per-seed rows and the expanded architecture stay in summary.json."""
    out = {}
    for key, value in metrics.items():
        if key == "architecture":
            out["architecture"] = value.get("name") if isinstance(value, dict) else value
        elif key == "search" and isinstance(value, dict):
            out.update({f"search_{k}": cell(v) for k, v in value.items()})
        elif key == "tile_confirmation" and isinstance(value, dict):
            out.update({f"tile_{k}": cell(v) for k, v in value.items() if k != "method"})
        elif key == "over_seeds" and isinstance(value, dict):
            out.update(spreads(value))
        elif key == "table_level" and isinstance(value, dict):
            out.update(spreads(value, "table_"))
        elif not isinstance(value, (dict, list)):
            out[key] = cell(value)
    return out


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    points_file, points_dir, merged = argv[1:]
    rows, missing, columns = [], [], []
    with open(points_file, encoding="utf-8") as f:
        points = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for point in points:
        point += [""] * (3 - len(point))
        pid, scenario, options = point[:3]
        summary_file = os.path.join(points_dir, pid, "summary.json")
        if not os.path.exists(summary_file):
            missing.append(pid)
            continue
        with open(summary_file, encoding="utf-8") as f:
            summary = json.load(f)
        for policy, metrics in summary.get("policies", {}).items():
            row = {"id": pid, "scenario": summary.get("scenario", os.path.basename(scenario)),
                   "options": options, "qos": summary.get("qos"), "rate": summary.get("rate"),
                   "requests": summary.get("requests"), "seed": summary.get("seed"),
                   "seeds": summary.get("seeds"), "nodes": summary.get("nodes"),
                   "fidelity": summary.get("fidelity"), "policy": policy}
            row.update(flatten(metrics))
            for key in row:
                if key not in columns:
                    columns.append(key)
            rows.append(row)
    try:
        write_csv(merged, columns, rows)
    except OSError as e:
        sys.stderr.write(f"sweep: cannot write {merged}: {e}\n")
        return 1
    print(f"sweep: {len(points) - len(missing)} of {len(points)} points, {len(rows)} rows in {merged}")
    if missing:
        sys.stderr.write("sweep: points not finished: " + " ".join(missing) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
