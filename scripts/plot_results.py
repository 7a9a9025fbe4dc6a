#!/usr/bin/python3
"""Plot the CSVs that `planaria experiment` writes, next to the paper's numbers.

Usage: scripts/plot_results.py RESULTS_DIR

Reads from RESULTS_DIR (each optional: a missing CSV skips its plots):
  multitenant.csv  -> fig12-throughput.png, fig13-sla.png, fig14-fairness.png, fig15-energy.png
  scaleout.csv     -> fig16-nodes.png
  fig17.csv        -> fig17-single-dnn.png
  fig17_energy.csv -> fig17-energy-breakdown.png
  fig18.csv        -> fig18-granularity.png
  table2.csv       -> table2-configurations.png
  bandwidth.csv    -> bandwidth.png
  timeline.csv     -> timeline.png
and writes the PNGs into RESULTS_DIR. The paper's numbers come from
experiments/paper-results.csv in this repository.

The loading and derivation functions are shared with scripts/make_report.py,
so a plot and the report table next to it always show the same numbers.
Only the standard library is needed for those; matplotlib is imported when
plotting starts.
"""

import csv
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAPER_CSV = REPO / "experiments" / "paper-results.csv"

WORKLOADS = ("A", "B", "C")
QOS_LEVELS = ("S", "M", "H")

# The nine DNNs of the paper's Table I, in the order of the C++ reports.
DNNS = ("efficientnet_b0", "gnmt", "googlenet", "mobilenet_v1", "resnet50",
        "ssd_mobilenet_v1", "ssd_resnet34", "tiny_yolo", "yolov3")

# Summary rows that fig17.csv appends after the DNNs; we recompute them.
FIG17_SUMMARY_ROWS = ("mean", "geomean")


# ---------------------------------------------------------------- reading

def read_csv(path):
    """All rows of a CSV with a header, as dicts (values stripped)."""
    with open(path, newline="") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
                for row in csv.DictReader(f)]


def number(text):
    """A CSV cell as a number: float, math.inf for 'inf', None for empty or unreadable."""
    text = (text or "").strip().rstrip("%").strip()
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def load_paper(path=PAPER_CSV):
    """Paper numbers: {(figure, workload, qos, metric): (value or None, note)}."""
    paper = {}
    for row in read_csv(path):
        key = (row["figure"], row["workload"], row["qos"], row["metric"])
        paper[key] = (number(row["value"]), row["note"])
    return paper


# ------------------------------------------------------- derived metrics

# How each multi-tenant figure is derived from a Planaria row and a PREMA row
# of multitenant.csv. 'ratio' is planaria/prema, 'inverse' prema/planaria,
# 'points' 100*(planaria - prema). The labels describe the cases in which a
# ratio has no finite value, in words the report can print.
MULTITENANT_FIGURES = {
    "fig12": dict(metric="throughput_gain", column="throughput_rps", kind="ratio",
                  inf="PREMA never meets the SLA", undefined="neither meets the SLA",
                  title="Fig. 12: throughput gain (Planaria / PREMA)", ylabel="throughput gain (x)",
                  png="fig12-throughput.png"),
    "fig13": dict(metric="sla_rate_gain_pp", column="sla_satisfaction", kind="points",
                  title="Fig. 13: SLA satisfaction rate gain (Planaria - PREMA)",
                  ylabel="gain (percentage points)", png="fig13-sla.png"),
    "fig14": dict(metric="fairness_gain", column="fairness", kind="ratio",
                  inf="PREMA's fairness is 0", undefined="fairness is 0 under both",
                  title="Fig. 14: fairness gain (Planaria / PREMA)", ylabel="fairness gain (x)",
                  png="fig14-fairness.png"),
    "fig15": dict(metric="energy_reduction", column="energy_j", kind="inverse",
                  inf="Planaria's energy is 0", undefined="energy is 0 under both",
                  title="Fig. 15: energy reduction (PREMA energy / Planaria energy)",
                  ylabel="energy reduction (x)", png="fig15-energy.png"),
}


def ratio(numerator, denominator, inf_label, undefined_label):
    """numerator/denominator as (value, label); a zero denominator gives inf or None."""
    if denominator is None or numerator is None:
        return None, "no data"
    if denominator > 0:
        return numerator / denominator, ""
    if numerator > 0:
        return math.inf, inf_label
    return None, undefined_label


def index_multitenant(rows):
    """{(workload, qos, policy): row}; a repeated key keeps the last row (with a warning)."""
    table = {}
    for row in rows:
        key = (row["workload"], row["qos"], row["policy"])
        if key in table:
            print(f"note: multitenant.csv repeats {key}; using the last row", file=sys.stderr)
        table[key] = row
    return table


def multitenant_gains(table, figure):
    """For one of fig12..fig15: {(workload, qos): dict(value, label, planaria, prema)}.

    value is a float, math.inf or None; label says in words why it is not finite.
    planaria and prema are the raw column values (None when the row is missing).
    Only (workload, qos) pairs that have at least one policy's row are returned.
    """
    spec = MULTITENANT_FIGURES[figure]
    gains = {}
    for w in WORKLOADS:
        for q in QOS_LEVELS:
            p_row, b_row = table.get((w, q, "planaria")), table.get((w, q, "prema"))
            if p_row is None and b_row is None:
                continue
            planaria = number(p_row[spec["column"]]) if p_row else None
            prema = number(b_row[spec["column"]]) if b_row else None
            if planaria is None or prema is None:
                value, label = None, "not run (one policy)"
            elif spec["kind"] == "points":
                value, label = 100.0 * (planaria - prema), ""
            elif spec["kind"] == "ratio":
                value, label = ratio(planaria, prema, spec["inf"], spec["undefined"])
            else:  # inverse: PREMA's energy over Planaria's
                value, label = ratio(prema, planaria, spec["inf"], spec["undefined"])
            gains[(w, q)] = dict(value=value, label=label, planaria=planaria, prema=prema)
    return gains


def scaleout_nodes(rows):
    """{(workload, qos): dict(planaria, prema, max_nodes, rate)}; nodes 0 = not reached."""
    nodes = {}
    for row in rows:
        entry = nodes.setdefault((row["workload"], row["qos"]),
                                 dict(planaria=None, prema=None, max_nodes=None, rate=None))
        entry[row["policy"]] = number(row["nodes_needed"])
        entry["max_nodes"] = number(row["max_nodes"])
        entry["rate"] = number(row["rate_rps"])
    return nodes


def fig17_dnn_rows(rows):
    """The per-DNN rows of fig17.csv (the C++ summary rows are dropped and recomputed)."""
    return [r for r in rows if r["DNN"] not in FIG17_SUMMARY_ROWS]


def column_means(rows, column):
    """(arithmetic, geometric) mean of a fig17.csv column over the DNN rows; (None, None) without values."""
    values = [number(r[column]) for r in fig17_dnn_rows(rows)]
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None, None
    return sum(values) / len(values), math.exp(sum(math.log(v) for v in values) / len(values))


def fig17_means(rows):
    """{'speedup': (arithmetic, geometric), 'energy_reduction': (...)} over the DNN rows."""
    return {metric: column_means(rows, column)
            for metric, column in (("speedup", "speedup"), ("energy_reduction", "energy reduction"))}


def subarray_size(text):
    """'32x32' -> 32 (the rows of a subarray)."""
    try:
        return int(text.lower().split("x")[0])
    except ValueError:
        return None


def fig18_best(rows):
    """The fig18.csv row with the lowest mean EDP (None when no row has one)."""
    rows = [r for r in rows if number(r["mean EDP"]) is not None]
    return min(rows, key=lambda r: number(r["mean EDP"])) if rows else None


def table2_summary(rows):
    """Facts of table2.csv: configurations, omni ones, who uses what."""
    dnns = [c for c in rows[0].keys() if c not in ("configuration", "omni")] if rows else []
    omni = [r["configuration"] for r in rows if r["omni"].lower() in ("yes", "true", "1", "*")]
    used = {d: [r["configuration"] for r in rows if number(r[d])] for d in dnns}
    return dict(
        configurations=[r["configuration"] for r in rows],
        omni=omni,
        dnns=dnns,
        used_by=used,
        used_any=[r["configuration"] for r in rows if any(number(r[d]) for d in dnns)],
        dnns_using_omni=[d for d in dnns if any(c in omni for c in used[d])],
    )


def timeline_first_policy(rows):
    """The rows of the first policy in timeline.csv (file order decides 'first')."""
    if not rows:
        return None, []
    policy = rows[0]["policy"]
    return policy, [r for r in rows if r["policy"] == policy]


# ---------------------------------------------------------------- plotting

FIGSIZE = (10, 4.5)
DPI = 100
OURS_COLOUR, PAPER_COLOUR, PREMA_COLOUR = "#1f77b4", "#ff7f0e", "#7f7f7f"
# Legends go right of the axes, so they never hide a bar or its label.
OUTSIDE_LEGEND = dict(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


def save(fig, path):
    """Write a PNG without the version/date metadata, so equal inputs give equal bytes."""
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    import matplotlib.pyplot as plt
    plt.close(fig)
    print(f"wrote {path}")


def cell_label(w, q):
    return f"{w}\nQoS-{q}"


def finite(values):
    return [v for v in values if v is not None and math.isfinite(v)]


def draw_bars(ax, x, values, labels, colour, width, top):
    """Bars at x; an infinite value is a hatched bar to the top with its label,
    an undefined one a short 'n/a' note at the baseline."""
    for xi, v, label in zip(x, values, labels):
        if v is None:
            ax.text(xi, 0, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)
        elif math.isinf(v):
            ax.bar(xi, top, width, color="white", edgecolor=colour, hatch="//")
            ax.text(xi, top * 0.5, f"inf: {label}", ha="center", va="center",
                    fontsize=7, rotation=90)
        else:
            ax.bar(xi, v, width, color=colour)
            ax.text(xi, v, f"{v:.3g}", ha="center", va="bottom" if v >= 0 else "top", fontsize=7)


def axis_top(values):
    """Room above the largest finite bar (and the height of an infinite bar)."""
    top = max(finite(values) + [1.0])
    return top * 1.25


def plot_gain_figure(results_dir, table, figure, paper):
    """Grouped bars per workload x QoS: ours next to the paper's value."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    spec = MULTITENANT_FIGURES[figure]
    gains = multitenant_gains(table, figure)
    cells = [(w, q) for w in WORKLOADS for q in QOS_LEVELS]
    ours = [gains[c]["value"] if c in gains else None for c in cells]
    ours_labels = [gains[c]["label"] if c in gains else "not run" for c in cells]
    theirs = [paper.get((figure, w, q, spec["metric"]), (None, ""))[0] for w, q in cells]
    theirs_labels = ["PREMA never meets the SLA" if figure == "fig12" else "" for _ in cells]
    top = axis_top(ours + theirs)

    fig, ax = plt.subplots(figsize=FIGSIZE)
    x = list(range(len(cells)))
    draw_bars(ax, [i - 0.2 for i in x], ours, ours_labels, OURS_COLOUR, 0.4, top)
    draw_bars(ax, [i + 0.2 for i in x], theirs, theirs_labels, PAPER_COLOUR, 0.4, top)
    ax.set_xticks(x)
    ax.set_xticklabels([cell_label(w, q) for w, q in cells])
    bottom = min(finite(ours + theirs) + [0.0])
    ax.set_ylim(bottom * 1.25 if bottom < 0 else 0, top * 1.05)
    ax.axhline(0, color="black", linewidth=0.5)
    if spec["kind"] != "points":
        ax.axhline(1, color="black", linewidth=0.5, linestyle=":")
    ax.set_ylabel(spec["ylabel"])
    ax.set_title(spec["title"])
    handles = [Patch(color=OURS_COLOUR, label="ours"),
               Patch(color=PAPER_COLOUR, label="paper (n/a: no number in the paper)")]
    if spec["kind"] != "points":  # a difference of two rates is never infinite
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="//", label="infinite gain"))
    ax.legend(handles=handles, **OUTSIDE_LEGEND)
    fig.tight_layout()
    save(fig, Path(results_dir) / spec["png"])


def plot_nodes(results_dir, rows, paper):
    """Fig. 16: nodes for 99 % SLA satisfaction, ours (both policies) and the paper's."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    nodes = scaleout_nodes(rows)
    cells = [(w, q) for w in WORKLOADS for q in QOS_LEVELS]
    fig, ax = plt.subplots(figsize=FIGSIZE)
    limits = [n["max_nodes"] for n in nodes.values() if n["max_nodes"]]
    top = max(limits + [8.0]) * 1.15
    for i, cell in enumerate(cells):
        entry = nodes.get(cell, {})
        for offset, policy, colour in ((-0.27, "planaria", OURS_COLOUR), (0.0, "prema", PREMA_COLOUR)):
            n = entry.get(policy)
            if n is None:
                ax.text(i + offset, 0, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)
            elif n == 0:  # not reached within max_nodes: a hatched bar to the limit
                limit = entry.get("max_nodes") or top
                ax.bar(i + offset, limit, 0.27, color="white", edgecolor=colour, hatch="//")
                ax.text(i + offset, limit, f"> {limit:.0f}", ha="center", va="bottom", fontsize=7)
            else:
                ax.bar(i + offset, n, 0.27, color=colour)
                ax.text(i + offset, n, f"{n:.0f}", ha="center", va="bottom", fontsize=7)
        value = paper.get(("fig16", cell[0], cell[1], "nodes"), (None, ""))[0]
        if value is None:
            ax.text(i + 0.27, 0, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)
        else:
            ax.bar(i + 0.27, value, 0.27, color=PAPER_COLOUR)
            ax.text(i + 0.27, value, f"{value:.0f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(cells)))
    ax.set_xticklabels([cell_label(w, q) for w, q in cells])
    ax.set_ylim(0, top * 1.1)
    ax.set_ylabel("nodes for 99 % SLA satisfaction")
    ax.set_title("Fig. 16: nodes needed (paper: Planaria only)")
    ax.legend(handles=[Patch(color=OURS_COLOUR, label="Planaria (ours)"),
                       Patch(color=PREMA_COLOUR, label="PREMA (ours)"),
                       Patch(color=PAPER_COLOUR, label="Planaria (paper)"),
                       Patch(facecolor="white", edgecolor="black", hatch="//",
                             label="not reached within max_nodes")],
              **OUTSIDE_LEGEND)
    fig.tight_layout()
    save(fig, Path(results_dir) / "fig16-nodes.png")


def plot_single_dnn(results_dir, rows, paper):
    """Fig. 17: speedup and energy reduction per DNN; lines for our and the paper's mean."""
    import matplotlib.pyplot as plt
    dnn_rows = fig17_dnn_rows(rows)
    names = [r["DNN"] for r in dnn_rows]
    means = fig17_means(rows)
    fig, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for ax, metric, column in ((axes[0], "speedup", "speedup"),
                               (axes[1], "energy_reduction", "energy reduction")):
        values = [number(r[column]) for r in dnn_rows]
        x = list(range(len(names)))
        ax.bar(x, [v or 0 for v in values], 0.6, color=OURS_COLOUR, label="ours")
        for xi, v in zip(x, values):
            ax.text(xi, v or 0, "n/a" if v is None else f"{v:.2f}", ha="center", va="bottom", fontsize=7)
        # The paper gives per-DNN numbers for a few DNNs only: draw those as markers.
        for xi, name in zip(x, names):
            value = paper.get(("fig17", name, "", metric), (None, ""))[0]
            if value is not None:
                ax.plot(xi, value, "D", color=PAPER_COLOUR, label="paper (per DNN)")
        ours_mean = means[metric][0]
        paper_mean = paper.get(("fig17", "mean", "", metric), (None, ""))[0]
        if ours_mean is not None:
            ax.axhline(ours_mean, color=OURS_COLOUR, linestyle=":",
                       label=f"ours, arithmetic mean {ours_mean:.2f}")
        if paper_mean is not None:
            ax.axhline(paper_mean, color=PAPER_COLOUR, linestyle="--",
                       label=f"paper mean {paper_mean:.2f}")
        ax.axhline(1, color="black", linewidth=0.5)
        ax.set_ylabel(metric.replace("_", " ") + " (x)")
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))  # one legend entry per label
        ax.legend(unique.values(), unique.keys(), **OUTSIDE_LEGEND)
    axes[1].set_xticks(range(len(names)))
    axes[1].set_xticklabels(names, rotation=30, ha="right")
    axes[0].set_title("Fig. 17: single DNN on the whole chip against the monolithic 128x128 array")
    fig.tight_layout()
    save(fig, Path(results_dir) / "fig17-single-dnn.png")


def energy_components(rows):
    """The component columns of fig17_energy.csv, in the order the C++ writes them (between chip and total)."""
    return [c for c in rows[0].keys() if c not in ("DNN", "chip", "total")] if rows else []


def energy_shares(rows):
    """Per (DNN, chip) of fig17_energy.csv: each component's share of the total."""
    shares = {}
    for r in rows:
        total = number(r["total"]) or 0
        shares[(r["DNN"], r["chip"])] = {c: (number(r[c]) or 0) / total if total else 0 for c in energy_components(rows)}
    return shares


def plot_energy_breakdown(results_dir, rows):
    """Fig. 17's energy per component: per DNN one stacked bar per chip, each
    component's share of that inference's energy, its total (mJ) on top."""
    import matplotlib.pyplot as plt
    names = sorted({r["DNN"] for r in rows}, key=lambda n: DNNS.index(n) if n in DNNS else len(DNNS))
    chips = list(dict.fromkeys(r["chip"] for r in rows))
    shares = energy_shares(rows)
    totals = {(r["DNN"], r["chip"]): (number(r["total"]) or 0) * 1e-3 for r in rows}
    colours = plt.get_cmap("tab20").colors
    fig, ax = plt.subplots(figsize=(12, 5.5))
    width = 0.8 / max(len(chips), 1)
    for j, chip in enumerate(chips):
        x = [i + (j - (len(chips) - 1) / 2) * width for i in range(len(names))]
        bottom = [0.0] * len(names)
        for c, component in enumerate(energy_components(rows)):
            values = [shares.get((n, chip), {}).get(component, 0) * 100 for n in names]
            ax.bar(x, values, width * 0.95, bottom=bottom, color=colours[c % len(colours)],
                   label=component if j == 0 else None, hatch="//" if j else None, edgecolor="white", linewidth=0.3)
            bottom = [b + v for b, v in zip(bottom, values)]
        for xi, n in zip(x, names):
            ax.text(xi, 101, f"{chip[:4]}\n{totals.get((n, chip), 0):.2f}", ha="center", va="bottom", fontsize=6)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylim(0, 118)
    ax.set_ylabel("share of the inference's energy (%)")
    ax.set_title("Fig. 17 energy by component, measured on the chip: " + " (plain) and ".join(chips) +
                 " (hatched); total mJ on top")
    ax.legend(**OUTSIDE_LEGEND)
    fig.tight_layout()
    save(fig, Path(results_dir) / "fig17-energy-breakdown.png")


def plot_granularity(results_dir, rows):
    """Fig. 18: relative delay, energy and EDP per subarray size."""
    import matplotlib.pyplot as plt
    best = fig18_best(rows)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    columns = ("mean delay", "mean energy", "mean EDP")
    colours = (OURS_COLOUR, PREMA_COLOUR, PAPER_COLOUR)
    for j, (column, colour) in enumerate(zip(columns, colours)):
        x = [i + (j - 1) * 0.27 for i in range(len(rows))]
        values = [number(r[column]) or 0 for r in rows]
        ax.bar(x, values, 0.27, color=colour, label=column)
        for xi, v in zip(x, values):
            ax.text(xi, v, f"{v:.2f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([f"{r['subarray']} ({r['subarrays']} subarrays)"
                        + ("\nlowest EDP" if r is best else "") for r in rows])
    ax.set_ylabel("relative to the 32x32 design")
    ax.set_title("Fig. 18: fission granularity (paper: 32x32 has the lowest mean EDP)")
    ax.legend(**OUTSIDE_LEGEND)
    fig.tight_layout()
    save(fig, Path(results_dir) / "fig18-granularity.png")


def plot_configurations(results_dir, rows):
    """Table II: heat map of the share of each DNN's layers per fission configuration."""
    import matplotlib.pyplot as plt
    import numpy as np
    summary = table2_summary(rows)
    dnns = summary["dnns"]
    grid = np.array([[number(r[d]) if number(r[d]) else np.nan for d in dnns] for r in rows])
    fig, ax = plt.subplots(figsize=(10, 7))
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="Blues", vmin=0, vmax=100, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if not np.isnan(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if grid[i, j] > 50 else "black")
    ax.set_xticks(range(len(dnns)))
    ax.set_xticklabels(dnns, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["configuration"] + (" (omni)" if r["configuration"] in summary["omni"] else "")
                        for r in rows])
    fig.colorbar(image, ax=ax, label="% of the DNN's layers")
    ax.set_title(f"Table II: {len(rows)} whole-chip fission configurations (paper: 15, 6 omni)")
    fig.tight_layout()
    save(fig, Path(results_dir) / "table2-configurations.png")


def plot_bandwidth(results_dir, rows):
    """Throughput against the off-chip bandwidth scale, one panel per workload."""
    import matplotlib.pyplot as plt
    workloads = sorted({r["workload"] for r in rows})
    fig, axes = plt.subplots(1, len(workloads), figsize=FIGSIZE, squeeze=False)
    styles = {"S": "-", "M": "--", "H": ":"}
    colours = {"planaria": OURS_COLOUR, "prema": PREMA_COLOUR}
    for ax, w in zip(axes[0], workloads):
        series = sorted({(r["policy"], r["qos"]) for r in rows if r["workload"] == w})
        for policy, q in series:
            points = sorted((number(r["bandwidth_scale"]), number(r["throughput_rps"]) or 0)
                            for r in rows if (r["workload"], r["policy"], r["qos"]) == (w, policy, q))
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                    color=colours.get(policy, "black"), linestyle=styles.get(q, "-"),
                    label=f"{policy}, QoS-{q}")
        scales = sorted({number(r["bandwidth_scale"]) for r in rows})
        ax.set_xscale("log", base=2)
        ax.set_xticks(scales)
        ax.set_xticklabels([f"{s:g}x" for s in scales])
        ax.set_xlabel("off-chip bandwidth scale")
        ax.set_title(f"Workload-{w}")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("throughput (req/s)")
    fig.tight_layout()
    save(fig, Path(results_dir) / "bandwidth.png")


def plot_timeline(results_dir, rows):
    """Gantt chart of the first policy: which model held which subarray when."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    policy, rows = timeline_first_policy(rows)
    if not rows:
        print("note: timeline.csv has no intervals; timeline.png not written")
        return
    lanes = sorted({(int(number(r["node"]) or 0), int(number(r["subarray"]) or 0)) for r in rows})
    several_nodes = len({node for node, _ in lanes}) > 1
    lane_of = {lane: i for i, lane in enumerate(lanes)}
    models = sorted({r["model"] for r in rows})
    cmap = plt.get_cmap("tab10" if len(models) <= 10 else "tab20")
    colour = {m: cmap(i % cmap.N) for i, m in enumerate(models)}
    # One broken_barh call per (lane, model) keeps thousands of intervals fast.
    boxes = {}
    for r in rows:
        lane = (int(number(r["node"]) or 0), int(number(r["subarray"]) or 0))
        start, end = number(r["start_ms"]), number(r["end_ms"])
        boxes.setdefault((lane, r["model"]), []).append((start, end - start))
    fig, ax = plt.subplots(figsize=(12, 6))
    for (lane, model), spans in sorted(boxes.items()):
        ax.broken_barh(spans, (lane_of[lane] - 0.4, 0.8), facecolors=colour[model],
                       edgecolor="black", linewidth=0.2)
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels([f"{n}.{s}" if several_nodes else f"{s}" for n, s in lanes],
                       fontsize=8 if len(lanes) <= 32 else 5)  # many nodes: keep labels apart
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_ylabel("node.subarray" if several_nodes else "subarray")
    ax.set_xlabel("time (ms)")
    ax.set_title(f"Subarray timeline, policy {policy}")
    ax.legend(handles=[Patch(color=colour[m], label=m) for m in models], **OUTSIDE_LEGEND)
    fig.tight_layout()
    save(fig, Path(results_dir) / "timeline.png")


def load_optional(results_dir, name):
    """Rows of RESULTS_DIR/name, or None (with a note) when the file is missing or
    has only its header: there is nothing to plot either way."""
    path = Path(results_dir) / name
    rows = read_csv(path) if path.exists() else []
    if not rows:
        print(f"note: {path} is missing or has no rows; skipping its plots")
        return None
    return rows


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    results_dir = Path(argv[1])
    if not results_dir.is_dir():
        print(f"error: {results_dir} is not a directory", file=sys.stderr)
        return 2
    import matplotlib
    matplotlib.use("Agg")  # no display; also keeps the output independent of the machine
    paper = load_paper()

    rows = load_optional(results_dir, "multitenant.csv")
    if rows is not None:
        table = index_multitenant(rows)
        for figure in MULTITENANT_FIGURES:
            plot_gain_figure(results_dir, table, figure, paper)
    rows = load_optional(results_dir, "scaleout.csv")
    if rows is not None:
        plot_nodes(results_dir, rows, paper)
    rows = load_optional(results_dir, "fig17.csv")
    if rows is not None:
        plot_single_dnn(results_dir, rows, paper)
    rows = load_optional(results_dir, "fig17_energy.csv")
    if rows is not None:
        plot_energy_breakdown(results_dir, rows)
    rows = load_optional(results_dir, "fig18.csv")
    if rows is not None:
        plot_granularity(results_dir, rows)
    rows = load_optional(results_dir, "table2.csv")
    if rows is not None:
        plot_configurations(results_dir, rows)
    rows = load_optional(results_dir, "bandwidth.csv")
    if rows is not None:
        plot_bandwidth(results_dir, rows)
    rows = load_optional(results_dir, "timeline.csv")
    if rows is not None:
        plot_timeline(results_dir, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
