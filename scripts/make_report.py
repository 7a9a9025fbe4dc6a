#!/usr/bin/python3
"""Write RESULTS_DIR/REPORT.md: our numbers next to the paper's, with the reasons they differ.

Usage: scripts/make_report.py RESULTS_DIR [--paper CSV] [--explanations CSV]

Inputs: RESULTS_DIR/meta.json (commit, command, profile, requests, seeds), the CSVs
that `planaria experiment` writes (see scripts/plot_results.py), the paper's numbers
(experiments/paper-results.csv) and the explanations (experiments/explanations.csv).
Run scripts/plot_results.py first: the report embeds its PNGs by name.

Every compared row shows paper, ours and difference = (ours - paper) / paper. A row
needs a sentence when |difference| > 20 %, or when one side has a finite number and
the other has none (infinite, undefined, or not reached). The sentence is the most
specific row of explanations.csv (columns figure,workload,qos,sentence; '*' in
workload or qos matches anything; an exact workload or qos beats '*'). The figures
that have no QoS level (fig17, fig18, table2) use the qos field for the metric:
speedup, energy_reduction, lowest_edp_subarray, configurations, omni_configurations,
dnns_using_omni. A row that needs a sentence and has none is written as
"UNEXPLAINED: ..." and the script exits with status 3 after writing the report,
so CI catches it. Other exit statuses: 0 written, 2 usage error.
"""

import argparse
import json
import math
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ left in scripts/ by the import below
sys.path.insert(0, str(Path(__file__).resolve().parent))
import plot_results as data  # noqa: E402  (shared loading and derivation)
from csv_output import write_text  # noqa: E402

EXPLANATIONS_CSV = data.REPO / "experiments" / "explanations.csv"
THRESHOLD_PCT = 20.0
NOT_RUN = "not run"


# ------------------------------------------------------------ values

class Val:
    """A value for a table cell: num is a float, math.inf or None; text, when given,
    is what the cell shows (the words for an infinite or missing value, or a
    formatted form such as '32x32')."""

    def __init__(self, num, text=""):
        self.num, self.text = num, text

    def finite(self):
        return self.num is not None and math.isfinite(self.num)

    def show(self):
        if self.text:
            return self.text
        if self.finite():
            return fmt(self.num)
        return "inf" if self.num is not None else "n/a"


def fmt(x):
    """Three significant digits, no exponent, integers without a decimal point."""
    if x is None:
        return "n/a"
    if math.isinf(x):
        return "inf"
    if x == int(x):
        return str(int(x))
    if abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def fmt_percent(fraction):
    return "n/a" if fraction is None else f"{100 * fraction:.1f} %"


def difference(paper, ours):
    """(cell text, whether the row needs an explanation)."""
    if ours.num is None and ours.text.startswith(NOT_RUN):
        return "n/a (not run)", False  # missing data is not a disagreement
    if paper.num is None:
        return "n/a", False  # the paper gives no number to compare with
    if ours.num is None:
        return "n/a", True  # the paper has a value, we have none
    if math.isinf(paper.num) and math.isinf(ours.num):
        return "same", False
    if math.isinf(paper.num) or math.isinf(ours.num):
        return "n/a", True  # one finite, one infinite: they disagree
    if paper.num == 0:
        # A relative difference to 0 is undefined; compare in the metric's own
        # units instead (only Fig. 13 A/QoS-S has a paper value of 0: points).
        delta = ours.num - paper.num
        return f"{signed(delta)} (paper 0)", abs(delta) > THRESHOLD_PCT
    pct = 100.0 * (ours.num - paper.num) / paper.num
    return f"{signed(round(pct))} %", abs(pct) > THRESHOLD_PCT


def signed(x):
    """+12, -3.5, and a plain 0 (never '-0')."""
    return "0" if x == 0 else ("+" if x > 0 else "-") + fmt(abs(x))


# ------------------------------------------------------------ rows and tables

class Row:
    """One compared row of a table.

    keys: the cells that name the row (e.g. ['A', 'S']); extra: cells shown
    between them and 'paper' (raw values); figure, workload, qos: what the
    explanations are looked up by; paper/ours: Val; paper_note: the paper's
    reason or caveat, shown as a footnote; label: how a sentence names the row.
    """

    def __init__(self, keys, figure, workload, qos, paper, ours, paper_note="",
                 extra=(), label=None):
        self.keys, self.figure, self.workload, self.qos = list(keys), figure, workload, qos
        self.paper, self.ours, self.paper_note = paper, ours, paper_note
        self.extra, self.label = list(extra), label or ", ".join(k for k in keys if k)


def load_explanations(path):
    if not Path(path).exists():
        print(f"note: {path} is missing; every row that needs a sentence is UNEXPLAINED",
              file=sys.stderr)
        return []
    return data.read_csv(path)


def find_explanation(explanations, figure, workload, qos):
    """The sentence of the most specific matching row (an exact field beats '*';
    among equals the first in the file), or None."""
    best, best_score = None, -1
    for e in explanations:
        if e["figure"] != figure:
            continue
        if e["workload"] not in ("*", workload) or e["qos"] not in ("*", qos):
            continue
        score = (e["workload"] != "*") + (e["qos"] != "*")
        if score > best_score:
            best, best_score = e, score
    return best["sentence"] if best else None


def cell(text):
    """A table cell: never empty, and no '|' that would split it."""
    text = str(text).replace("|", "/").strip()
    return text if text else "n/a"


class Report:
    def __init__(self, explanations):
        self.lines = []
        self.explanations = explanations
        self.unexplained = []

    def add(self, *lines):
        self.lines.extend(lines)

    def table(self, header, body):
        """A plain Markdown table; every cell goes through cell()."""
        self.add("| " + " | ".join(cell(h) for h in header) + " |",
                 "|" + "|".join("---" for _ in header) + "|")
        for values in body:
            self.add("| " + " | ".join(cell(v) for v in values) + " |")
        self.add("")

    def compare(self, key_header, extra_header, rows):
        """The comparison table, its footnotes, then one sentence per row that needs one."""
        notes = []

        def with_note(text, note):
            if not note:
                return text
            if note not in notes:
                notes.append(note)
            return f"{text} [{notes.index(note) + 1}]"

        body, flagged = [], []
        for r in rows:
            diff, needs = difference(r.paper, r.ours)
            body.append(r.keys + r.extra
                        + [with_note(r.paper.show(), r.paper_note), r.ours.show(), diff])
            if needs:
                flagged.append((r, diff))
        self.table(list(key_header) + list(extra_header) + ["paper", "ours", "difference"], body)
        if notes:
            self.add("Notes on the paper's numbers:", "")
            self.add(*[f"- [{i + 1}] {n}" for i, n in enumerate(notes)])
            self.add("")
        if flagged:
            self.add("Differences of more than 20 % (or where one side has no finite value):", "")
            for r, diff in flagged:
                sentence = find_explanation(self.explanations, r.figure, r.workload, r.qos)
                if sentence is None:
                    sentence = (f"UNEXPLAINED: no row of experiments/explanations.csv matches "
                                f"figure {r.figure}, workload '{r.workload}', qos '{r.qos}'.")
                    self.unexplained.append(f"{r.figure} {r.label}")
                self.add(f"- **{r.label}** (paper {r.paper.show()}, ours {r.ours.show()}, "
                         f"difference {diff}): {sentence}")
            self.add("")

    def image(self, alt, name):
        self.add(f"![{alt}]({name})", "")

    def missing(self, name):
        print(f"note: {name} is missing or has no rows; its section says so")
        self.add(f"No data: `{name}` is missing from this results directory or has no rows.", "")


def load(results_dir, name):
    """Rows of RESULTS_DIR/name; None when it is missing or has only its header."""
    path = Path(results_dir) / name
    rows = data.read_csv(path) if path.exists() else []
    return rows or None


def paper_val(paper, figure, workload, qos, metric, inf_text=""):
    """(Val, note) of the paper's number; an inf gets inf_text as its words."""
    value, note = paper.get((figure, workload, qos, metric), (None, "not in the paper"))
    if value is None:
        return Val(None, "n/a"), note or "no number in the paper"
    if math.isinf(value):
        return Val(value, inf_text or "inf"), note
    return Val(value), note


# ------------------------------------------------------------ sections

def header(report, results_dir):
    meta_path = Path(results_dir) / "meta.json"
    meta = {}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
    else:
        print(f"note: {meta_path} is missing; commit and command are unknown", file=sys.stderr)
    get = lambda key: str(meta.get(key, "unknown"))  # noqa: E731
    report.add(
        "# Planaria virtual prototype against the paper (MICRO 2020)", "",
        f"Commit: `{get('commit')}`", "",
        f"Command: `{get('command')}`", "",
        f"Profile: {get('profile')} ({get('requests')} requests, {get('seeds')} seeds)", "",
        "Generated by `scripts/make_report.py` from the CSVs in this directory; the plots by "
        "`scripts/plot_results.py`. \"paper\" is the paper's text, transcribed in "
        "`experiments/paper-results.csv`; \"difference\" is (ours - paper) / paper. Every row "
        "that differs by more than 20 %, or where one side has no finite value, has a sentence "
        "below its table, from `experiments/explanations.csv`.", "")
    return meta


MULTITENANT_SECTIONS = {
    "fig12": ("Fig. 12: throughput gain over PREMA",
              "Throughput is the largest Poisson rate at which the SLA is met (99 % of vision and "
              "97 % of translation tasks within their QoS bound); gain = Planaria / PREMA.",
              ("Planaria (req/s)", "PREMA (req/s)")),
    "fig13": ("Fig. 13: SLA satisfaction rate",
              "SLA satisfaction rate = fraction of runs (seeds) that meet the SLA at the same rate "
              "for both; gain in percentage points = Planaria - PREMA.",
              ("Planaria SLA rate", "PREMA SLA rate")),
    "fig14": ("Fig. 14: fairness gain over PREMA",
              "Fairness is PREMA's min over task pairs of normalised progress; gain = Planaria / PREMA.",
              ("Planaria fairness", "PREMA fairness")),
    "fig15": ("Fig. 15: energy reduction over PREMA",
              "Energy reduction = PREMA's total energy / Planaria's (below 1: Planaria uses more).",
              ("Planaria (J)", "PREMA (J)")),
}


# tile_check.csv's columns by the multitenant.csv column a figure reads: the
# tile level's figures (runs at tile level of the same cells, fewer requests
# and seeds) through the same derivation as the table level's.
TILE_COLUMNS = {"throughput_rps": "tile_rps", "sla_satisfaction": "tile_sla", "fairness": "tile_fairness",
                "energy_j": "tile_energy_j"}


def tile_table(rows):
    """tile_check.csv as data.index_multitenant indexes multitenant.csv, or None
    when it is missing or has no figures at the scenario's rate (an older run)."""
    if not rows or "tile_sla" not in rows[0]:
        return None
    return {(r["workload"], r["qos"], r["policy"]): {column: r[tile] for column, tile in TILE_COLUMNS.items()}
            for r in rows}


def tile_size(rows):
    """How big the tile-level runs were, as 'R requests x S seeds'."""
    sizes = sorted({(int(r["requests"]), int(r["seeds"])) for r in rows})
    return ", ".join(f"{r} requests x {s} seed{'s' if s != 1 else ''}" for r, s in sizes)


def multitenant_section(report, table, figure, paper, tile=None, size=""):
    title, intro, raw_header = MULTITENANT_SECTIONS[figure]
    spec = data.MULTITENANT_FIGURES[figure]
    report.add(f"## {title}", "", intro + " From `multitenant.csv` (configuration-table level)" +
               (f"; \"TLM chip\" is the gain from tile-level runs of the same cell ({size}, "
                "`tile_check.csv`, section \"Table level against tile level\")" if tile else "") + ".", "")
    if table is None:
        report.missing("multitenant.csv")
        return
    gains = data.multitenant_gains(table, figure)
    tile_gains = data.multitenant_gains(tile, figure) if tile else {}
    raw = fmt_percent if spec["kind"] == "points" else fmt

    def gain_text(g):
        if g is None:
            return NOT_RUN
        return Val(g["value"], g["label"]).show()

    body = []
    for w in data.WORKLOADS:
        for q in data.QOS_LEVELS:
            p, note = paper_val(paper, figure, w, q, spec["metric"], spec.get("inf", ""))
            g = gains.get((w, q))
            if g is None:
                ours, extra = Val(None, NOT_RUN), [NOT_RUN, NOT_RUN]
            else:
                ours = Val(g["value"], g["label"])
                extra = [NOT_RUN if v is None else raw(v) for v in (g["planaria"], g["prema"])]
            if tile:
                extra.append(gain_text(tile_gains.get((w, q))))
            body.append(Row([w, q], figure, w, q, p, ours, note, extra, f"{w}, QoS-{q}"))
    report.compare(("workload", "QoS"), tuple(raw_header) + (("TLM chip",) if tile else ()), body)
    report.image(title, spec["png"])


def fig15_gating_section(report, table):
    """Fig. 15's energy reduction again with idle PEs ungated, beside the default."""
    if table is None:
        return
    report.add("Fig. 15 under each gating option (`energy.pe_gating`, README: energy model): the same runs, "
               "PREMA's energy over Planaria's with idle PE-cycles clock-gated (the default, as above) and "
               "ungated (every PE of a computing array charged a MAC every cycle). From `multitenant.csv`.", "")
    body = []
    for w in data.WORKLOADS:
        for q in data.QOS_LEVELS:
            p_row, b_row = table.get((w, q, "planaria")), table.get((w, q, "prema"))
            if p_row is None or b_row is None:
                continue
            cells = []
            for column in ("energy_j", "energy_j_idle_pes_ungated"):
                planaria, prema = data.number(p_row.get(column, "")), data.number(b_row.get(column, ""))
                value, label = data.ratio(prema, planaria, "n/a", "n/a")
                cells.append(label if value is None else fmt(value))
            body.append([w, q] + cells)
    report.table(["workload", "QoS", "energy reduction, clock-gated", "energy reduction, ungated"], body)


def nodes_val(n, max_nodes):
    """Nodes needed; 0 means not reached within max_nodes."""
    if n is None:
        return Val(None, NOT_RUN)
    if n == 0:
        return Val(None, f"> {fmt(max_nodes)}" if max_nodes else "not reached")
    return Val(n)


def fig16_section(report, rows, paper):
    title = "Fig. 16: nodes for 99 % SLA satisfaction"
    report.add(f"## {title}", "",
               "Smallest number of Planaria nodes (requests dispatched round-robin, each task on "
               "one node) at which every run meets the SLA, at a fixed rate; `> N` means not "
               "reached within N nodes. The paper omits PREMA; ours is shown for reference. "
               "From `scaleout.csv`.", "")
    if rows is None:
        report.missing("scaleout.csv")
        return
    nodes = data.scaleout_nodes(rows)
    body = []
    for w in data.WORKLOADS:
        for q in data.QOS_LEVELS:
            p, note = paper_val(paper, "fig16", w, q, "nodes")
            entry = nodes.get((w, q))
            if entry is None:
                ours, extra = Val(None, NOT_RUN), [NOT_RUN, NOT_RUN]
            else:
                ours = nodes_val(entry["planaria"], entry["max_nodes"])
                extra = [fmt(entry["rate"]), nodes_val(entry["prema"], entry["max_nodes"]).show()]
            body.append(Row([w, q], "fig16", w, q, p, ours, note, extra, f"{w}, QoS-{q}"))
    report.compare(("workload", "QoS"), ("rate (req/s)", "PREMA nodes (ours)"), body)
    report.image(title, "fig16-nodes.png")


FIG17_METRICS = (("speedup", "speedup"), ("energy_reduction", "energy reduction"))


def fig17_section(report, rows, paper):
    title = "Fig. 17: single DNN, whole chip against a monolithic array"
    report.add(f"## {title}", "",
               "Each DNN alone on Planaria's 16 subarrays against the monolithic 128x128 array "
               "with the same PEs and memory. The means are recomputed here over the DNN rows of "
               "`fig17.csv` (arithmetic, as the comparison; geometric for reference).", "")
    if rows is None:
        report.missing("fig17.csv")
        return
    means = data.fig17_means(rows)
    body = []
    for metric, _ in FIG17_METRICS:
        p, note = paper_val(paper, "fig17", "mean", "", metric)
        body.append(Row(["mean (arithmetic)", metric], "fig17", "mean", metric, p,
                        Val(means[metric][0]), note))
    for metric, _ in FIG17_METRICS:
        body.append(Row(["mean (geometric)", metric], "fig17", "geomean", metric,
                        Val(None, "n/a"), Val(means[metric][1]),
                        "the paper states one average without saying which mean; "
                        "it is compared with the arithmetic mean"))
    for r in data.fig17_dnn_rows(rows):
        for metric, column in FIG17_METRICS:
            p, note = paper_val(paper, "fig17", r["DNN"], "", metric)
            body.append(Row([r["DNN"], metric], "fig17", r["DNN"], metric, p,
                            Val(data.number(r[column])), note))
    report.compare(("DNN", "metric"), (), body)
    report.image(title, "fig17-single-dnn.png")


def energy_section(report, fig17_rows, energy_rows):
    title = "Where the energy goes: Fig. 17 by component and under each gating option"
    report.add(f"## {title}", "",
               "Whether a PE with no multiply-accumulate to do (a row or column its tile leaves unused, "
               "or the wavefront's fill and drain) still draws power is an architecture option, "
               "`energy.pe_gating` (README, energy model): `none` charges it a full MAC, `data` the "
               "clocking of its registers, `clock` (the default) only its clock-gating cells. The chip "
               "counts its activity once; the columns price the same counts under each option. Mean "
               "energy reduction of Planaria over the monolithic array, from `fig17.csv`:", "")
    if fig17_rows is None:
        report.missing("fig17.csv")
    else:
        columns = [("none", "energy reduction, idle PEs ungated"), ("data", "energy reduction, idle PEs data-gated"),
                   ("clock", "energy reduction, idle PEs clock-gated")]
        dnn = data.fig17_dnn_rows(fig17_rows)
        body = []
        for name, column in columns:
            mean, geo = data.column_means(fig17_rows, column)
            body.append([name, fmt(mean), fmt(geo)] + [fmt(data.number(r[column])) for r in dnn])
        report.table(["idle PEs", "mean", "geomean"] + [r["DNN"] for r in dnn], body)
        report.add("Paper: 6.3x mean energy reduction.", "")
    report.add("Energy per inference by component on each chip (share of the total, %; total in mJ), "
               "under the default gating, from `fig17_energy.csv`:", "")
    if energy_rows is None:
        report.missing("fig17_energy.csv")
        return
    shares = data.energy_shares(energy_rows)
    body = []
    for r in energy_rows:
        share = shares[(r["DNN"], r["chip"])]
        body.append([r["DNN"], r["chip"], fmt((data.number(r["total"]) or 0) * 1e-3)] +
                    [f"{share[c] * 100:.1f}" for c in data.energy_components(energy_rows)])
    report.table(["DNN", "chip", "mJ"] + data.energy_components(energy_rows), body)
    report.image(title, "fig17-energy-breakdown.png")


def depthwise_section(report, table, packed_rows):
    title = "The baseline's depth-wise mapping: one column per channel, or channels packed block-diagonally"
    report.add(f"## {title}", "",
               "The paper maps a depth-wise filter to one column of the monolithic array (Section VI-B2), so "
               "one column of 128 works; that is our default. A TPU-like compiler could instead pack P channels "
               "into one pass, their taps on P x kh x kw rows and their outputs on P columns with "
               "block-diagonal weights (P = 14 for 3x3 on 128 rows; the zeros are stored, fetched and "
               "multiplied): `CompileOptions::depthwise` = block-diagonal. Planaria keeps its default in both. "
               "Fig. 17 with the packing baseline, from `fig17_packed.csv`:", "")
    if packed_rows is None:
        report.missing("fig17_packed.csv")
    else:
        means = data.fig17_means(packed_rows)
        body = [[r["DNN"], r["speedup"], r["energy reduction"]] for r in data.fig17_dnn_rows(packed_rows)]
        body.append(["mean (arithmetic)", fmt(means["speedup"][0]), fmt(means["energy_reduction"][0])])
        body.append(["mean (geometric)", fmt(means["speedup"][1]), fmt(means["energy_reduction"][1])])
        report.table(["DNN", "speedup", "energy reduction"], body)
    report.add("Workload-B (the depth-wise DNNs' scenario) in Fig. 12, against PREMA with either mapping, "
               "from `multitenant.csv` (policy `prema-block-diagonal`):", "")
    if table is None:
        report.missing("multitenant.csv")
        return
    body = []
    for q in data.QOS_LEVELS:
        p_row = table.get(("B", q, "planaria"))
        cells = []
        for baseline in ("prema", "prema-block-diagonal"):
            b_row = table.get(("B", q, baseline))
            if p_row is None or b_row is None:
                cells += [NOT_RUN, NOT_RUN]
                continue
            planaria, prema = data.number(p_row["throughput_rps"]), data.number(b_row["throughput_rps"])
            value, label = data.ratio(planaria, prema, "PREMA never meets the SLA", "neither meets the SLA")
            cells += [fmt(prema), label if value is None or math.isinf(value) else fmt(value)]
        body.append([f"B, QoS-{q}"] + cells)
    report.table(["cell", "PREMA req/s (column)", "gain (column)", "PREMA req/s (block-diagonal)",
                  "gain (block-diagonal)"], body)


def csv_as_table(report, rows):
    """A CSV's rows as they are, its header as the table's (an empty cell shows as '-')."""
    columns = list(rows[0].keys())
    report.table(columns, [[r[c] or "-" for c in columns] for r in rows])


def fig19_section(report, rows):
    title = "Fig. 19: area and power of the logic, and what fission adds"
    report.add(f"## {title}", "",
               "Per block at 45 nm, on-chip buffers excluded as in the paper, from cell counts "
               "(README: area and power, every figure with its source); `fig19.csv`.", "")
    if rows is None:
        report.missing("fig19.csv")
        return
    csv_as_table(report, rows)
    overhead = next((r for r in rows if r["block"].startswith("fission overhead")), None)
    if overhead is not None:
        ring = next((r for r in rows if r["block"].startswith("ring-bus")), None)
        report.add(f"Ours: {overhead['area mm^2']} area and {overhead['power mW']} power; the paper: +12.6 % and "
                   "+20.6 %. The largest block fission adds is the ring buses' pipeline registers"
                   + (f" ({ring['area %']} % of the area)" if ring else "") +
                   ": 12 stages of a whole activation vector and a whole 48-bit partial-sum vector on every link "
                   "between neighbouring subarrays. Our power follows area for the added logic, taken to switch "
                   "like the PE datapath it sits in, where the paper's synthesis measured each block's own "
                   "switching; the per-block split of the paper's chart is not given as numbers, so only the two "
                   "totals can be compared.", "")


def gap_section(report, rows):
    title = "The fission gap: one 128x128 array of subarrays against the monolithic array"
    report.add(f"## {title}", "",
               "Each DNN alone on the fissioned chip with every GEMM layer forced onto 128x128-1, "
               "against the monolithic array, both on the chip-level model (microseconds). The gap "
               "is split into the hardware terms it comes from: what the configuration tables save "
               "when each difference is removed in turn (ring-bus registers, inter-pod links, the "
               "activation buffers an array reaches, entry subarrays fetching the raw pixels of their "
               "own rows, per-pod off-chip channels, 16 SIMD segments of 32 lanes). gap = terms + "
               "residual - fissioned table error + monolithic table error; the residual is at most one "
               "cycle per layer (a test). Per layer in `gap_layers.csv`; from `gap.csv`.", "")
    if rows is None:
        report.missing("gap.csv")
        return
    columns = [c for c in rows[0].keys() if c != "DNN"]
    report.table(["DNN"] + [c.replace(" us", "") for c in columns],
                 [[r["DNN"]] + [r[c] for c in columns] for r in rows])


def fig18_section(report, rows, paper):
    title = "Fig. 18: fission granularity"
    report.add(f"## {title}", "",
               "Mean delay, energy and energy-delay product over the DNNs, each alone on the "
               "whole chip, relative to the 32x32 design. From `fig18.csv`.", "")
    if rows is None:
        report.missing("fig18.csv")
        return
    report.table(("design", "subarray", "subarrays", "mean delay", "mean energy", "mean EDP"),
                 [[r["design"], r["subarray"], r["subarrays"], r["mean delay"], r["mean energy"],
                   r["mean EDP"]] for r in rows])
    best = data.fig18_best(rows)
    p, note = paper_val(paper, "fig18", "", "", "lowest_edp_subarray")
    p = Val(p.num, f"{fmt(p.num)}x{fmt(p.num)}") if p.finite() else p
    ours = Val(data.subarray_size(best["subarray"]), best["subarray"]) if best else Val(None, "n/a")
    report.compare(("quantity",), (), [Row(["subarray with the lowest mean EDP"], "fig18", "",
                                           "lowest_edp_subarray", p, ours, note)])
    report.image(title, "fig18-granularity.png")


def table2_section(report, rows, paper):
    title = "Table II: fission configurations of a whole-chip DNN"
    report.add(f"## {title}", "",
               "The configurations (rows x cols - clusters) that 16 subarrays can form, and the "
               "share of each DNN's layers that the compiler maps to each. From `table2.csv`.", "")
    if rows is None:
        report.missing("table2.csv")
        return
    s = data.table2_summary(rows)
    quantities = (("configurations", "configurations", len(s["configurations"])),
                  ("omni_configurations", "of them needing omni-directional flow", len(s["omni"])),
                  ("dnns_using_omni", "DNNs using an omni-directional configuration",
                   len(s["dnns_using_omni"])))
    body = []
    for metric, text, count in quantities:
        p, note = paper_val(paper, "table2", "", "", metric)
        body.append(Row([text], "table2", "", metric, p, Val(count), note))
    report.compare(("quantity",), (), body)
    unused = [c for c in s["configurations"] if c not in s["used_any"]]
    no_omni = [d for d in s["dnns"] if d not in s["dnns_using_omni"]]
    report.add(f"Configurations used by at least one DNN: {len(s['used_any'])} of "
               f"{len(s['configurations'])} (unused: {', '.join(unused) or 'none'}). "
               f"DNNs using no omni-directional configuration: {', '.join(no_omni) or 'none'}.", "")
    per_dnn = []
    for d in s["dnns"]:
        used = s["used_by"][d]
        top = max(rows, key=lambda r: data.number(r[d]) or 0)
        per_dnn.append([d, len(used), ", ".join(c for c in used if c in s["omni"]) or "none",
                        f"{top['configuration']} ({top[d]})" if used else "none"])
    report.table(("DNN", "configurations used", "omni-directional ones used",
                  "most used (% of layers)"), per_dnn)
    report.image(title, "table2-configurations.png")


def bandwidth_section(report, rows):
    title = "Off-chip bandwidth sensitivity"
    report.add(f"## {title}", "",
               "Throughput of both policies with the off-chip bandwidth of both chips scaled "
               "(1x = 250 GB/s); gain = Planaria / PREMA. From `bandwidth.csv`.", "")
    if rows is None:
        report.missing("bandwidth.csv")
        return
    table = {}
    for r in rows:
        table[(r["workload"], r["qos"], data.number(r["bandwidth_scale"]), r["policy"])] = r
    note = ("the paper has no bandwidth study (Planaria and PREMA have the same total "
            "off-chip bandwidth)")
    body = []
    for w, q, scale in sorted({k[:3] for k in table}):
        p_row, b_row = table.get((w, q, scale, "planaria")), table.get((w, q, scale, "prema"))
        planaria = data.number(p_row["throughput_rps"]) if p_row else None
        prema = data.number(b_row["throughput_rps"]) if b_row else None
        if planaria is None or prema is None:
            ours = Val(None, NOT_RUN)
        else:
            ours = Val(*data.ratio(planaria, prema, "PREMA never meets the SLA",
                                   "neither meets the SLA"))
        body.append(Row([w, q, f"{fmt(scale)}x"], "bandwidth", w, q, Val(None, "n/a"), ours,
                        note, [fmt(planaria), fmt(prema)]))
    report.compare(("workload", "QoS", "bandwidth"), ("Planaria (req/s)", "PREMA (req/s)"), body)
    report.image(title, "bandwidth.png")


def feasibility_section(report, rows):
    title = "Feasibility: each DNN alone against its QoS bounds"
    report.add(f"## {title}", "",
               "Each DNN of the paper set alone on the whole chip, replayed at tile level on the "
               "chip-level TLM model, against its QoS-S bound (Workload-C's, from MLPerf) and the "
               "QoS-M (/4) and QoS-H (/16) bounds. A DNN that misses a bound alone misses it under "
               "any policy and any load: where it draws more requests than the SLA's tail (1 % of "
               "the vision requests, 3 % of the translation ones), that chip's throughput at that "
               "level is 0 in Fig. 12 and the other figures have no rate to compare at. From "
               "`feasibility.csv` (`planaria run` prints the same table when it reports a zero).", "")
    if rows is None:
        report.missing("feasibility.csv")
        return
    csv_as_table(report, rows)


def tile_check_section(report, rows, tile_check):
    title = "Table level against tile level: Fig. 12-15 on the TLM chip"
    report.add(f"## {title}", "",
               "The sections above come from the configuration tables (the host scheduler's view; "
               "`planaria experiment`). Here each Fig. 12 cell is run again with "
               f"`{tile_check}` on the chip-level TLM model (the host a TLM initiator programming "
               "the chip, every tile timed, off-chip traffic as TLM transactions contending on the "
               "channels), and the same requests and seeds at table level beside it. These runs use "
               "fewer requests and seeds than the experiments, so their table-level columns can "
               "differ from the sections above. From `tile_check.csv`.", "")
    if rows is None:
        report.missing("tile_check.csv")
        return
    report.add("Throughput: searched at table level, then confirmed and bisected by tile-level runs, one "
               "process per rate and seed. \"tile\" is the highest rate at which every seed met the SLA "
               "at tile level, \"fails at\" the lowest at which one did not; a cell whose table-level "
               "throughput is 0 is not run at tile level (the feasibility table says why).", "")
    body = []
    for r in rows:
        table, tile = data.number(r["table_rps"]), data.number(r["tile_rps"])
        runs = int(r["tile_rates_run"])
        ratio = data.number(r["tile_over_table"]) if r["tile_over_table"] else None
        body.append([r["workload"], r["qos"], r["policy"], f"{r['requests']} x {r['seeds']}", fmt(table),
                     fmt(tile) if runs else "not run", fmt(data.number(r["tile_failing_rps"])) if runs else "-",
                     str(runs), fmt(ratio) if ratio is not None else "-",
                     signed(100 * (ratio - 1)) + " %" if ratio is not None else "-"])
    report.table(("workload", "QoS", "policy", "requests x seeds", "table (req/s)", "tile (req/s)",
                  "fails at (req/s)", "tile rates run", "tile / table", "difference"), body)
    if "tile_sla" not in rows[0]:
        report.add("`tile_check.csv` has no figures at the scenario's rate (made before they were "
                   "recorded): run `scripts/reproduce` again for them.", "")
        return
    report.add("At the scenario's rate, each cell's figures as \"table / tile\" (means over the seeds; "
               "SLA satisfaction is the share of seeds meeting the SLA, utilization useful MACs over the "
               "chip's PE-cycles); the energy's difference is tile over table.", "")

    def pair(r, name, show):
        return f"{show(data.number(r['table_' + name]))} / {show(data.number(r['tile_' + name]))}"

    body = []
    for r in rows:
        table_j, tile_j = data.number(r["table_energy_j"]), data.number(r["tile_energy_j"])
        energy_diff = signed(100 * (tile_j / table_j - 1)) + " %" if table_j else "-"
        body.append([r["workload"], r["qos"], r["policy"], fmt(data.number(r["rate_rps"])),
                     pair(r, "sla", fmt_percent), pair(r, "within_qos", fmt_percent), pair(r, "fairness", fmt),
                     pair(r, "energy_j", fmt), energy_diff, pair(r, "utilization", fmt_percent),
                     pair(r, "p99_ms", fmt)])
    report.table(("workload", "QoS", "policy", "rate (req/s)", "SLA satisfaction", "vision tasks within QoS",
                  "fairness", "energy (J)", "energy difference", "utilization", "p99 latency (ms)"), body)


def mlperf_section(report, paper_set, mlperf):
    title = "The model set: SSD-ResNet34 at 300x300 and at MLPerf's 1200x1200"
    report.add(f"## {title}", "",
               "The paper's Table I cites the original SSD, whose input is 300x300; the paper set "
               "(every section above) runs SSD-ResNet34 at 300x300 (15.9 G MACs). MLPerf Inference "
               "v0.5 runs it at 1200x1200 (216 G MACs): alone on the whole chip it then takes longer "
               "than its QoS-M bound, 25 ms (`planaria replay scenarios/models/ssd_resnet34_1200.yaml` "
               "measures it), so no policy meets the SLA of Workloads A and C under QoS-M or QoS-H. Throughput (req/s) of both policies on both sets, at "
               "configuration-table level; from `multitenant.csv` and `mlperf.csv`.", "")
    if mlperf is None:
        report.missing("mlperf.csv")
        return
    table = data.index_multitenant(mlperf)
    base = data.index_multitenant(paper_set) if paper_set else {}
    body = []
    for w in ("A", "C"):
        for q in data.QOS_LEVELS:
            row = [w, q]
            for source, key in ((base, w), (table, f"{w}-MLPerf")):
                for policy in ("planaria", "prema"):
                    r = source.get((key, q, policy))
                    row.append(fmt(data.number(r["throughput_rps"])) if r else NOT_RUN)
            body.append(row)
    report.table(("workload", "QoS", "Planaria, paper set", "PREMA, paper set",
                  "Planaria, MLPerf size", "PREMA, MLPerf size"), body)


def timeline_section(report, rows):
    title = "Utilization timeline"
    report.add(f"## {title}", "",
               "Which model held which subarray when. \"ours\" is the busy share of subarray "
               "time between the first start and the last end. The plot shows the first policy "
               "of `timeline.csv`.", "")
    if rows is None:
        report.missing("timeline.csv")
        return
    body = []
    for policy in dict.fromkeys(r["policy"] for r in rows):  # file order, no repeats
        mine = [r for r in rows if r["policy"] == policy]
        starts = [data.number(r["start_ms"]) for r in mine]
        ends = [data.number(r["end_ms"]) for r in mine]
        lanes = {(r["node"], r["subarray"]) for r in mine}
        span = max(ends) - min(starts)
        busy = sum(e - s for s, e in zip(starts, ends))
        share = busy / (span * len(lanes)) if span > 0 else None
        body.append(Row([policy], "timeline", policy, "", Val(None, "n/a"),
                        Val(None, fmt_percent(share)) if share is not None else Val(None, "n/a"),
                        "the paper shows no timeline",
                        [len(lanes), len(mine), len({r["task"] for r in mine}),
                         len({r["model"] for r in mine}), fmt(span)]))
    report.compare(("policy",), ("subarrays", "intervals", "tasks", "models", "span (ms)"), body)
    report.image(title, "timeline.png")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("results_dir")
    parser.add_argument("--paper", default=str(data.PAPER_CSV))
    parser.add_argument("--explanations", default=str(EXPLANATIONS_CSV))
    args = parser.parse_args(argv[1:])
    results_dir = Path(args.results_dir)
    if not results_dir.is_dir():
        print(f"error: {results_dir} is not a directory", file=sys.stderr)
        return 2
    paper = data.load_paper(args.paper)
    report = Report(load_explanations(args.explanations))

    meta = header(report, results_dir)
    multitenant = load(results_dir, "multitenant.csv")
    table = data.index_multitenant(multitenant) if multitenant else None
    tile_rows = load(results_dir, "tile_check.csv")
    tile = tile_table(tile_rows)
    for figure in ("fig12", "fig13", "fig14", "fig15"):
        multitenant_section(report, table, figure, paper, tile, tile_size(tile_rows) if tile else "")
    fig15_gating_section(report, table)
    feasibility_section(report, load(results_dir, "feasibility.csv"))
    tile_check_section(report, tile_rows, meta.get("tile_check", "planaria run --fidelity tile"))
    mlperf_section(report, multitenant, load(results_dir, "mlperf.csv"))
    fig16_section(report, load(results_dir, "scaleout.csv"), paper)
    fig17_section(report, load(results_dir, "fig17.csv"), paper)
    energy_section(report, load(results_dir, "fig17.csv"), load(results_dir, "fig17_energy.csv"))
    depthwise_section(report, table, load(results_dir, "fig17_packed.csv"))
    gap_section(report, load(results_dir, "gap.csv"))
    fig18_section(report, load(results_dir, "fig18.csv"), paper)
    table2_section(report, load(results_dir, "table2.csv"), paper)
    fig19_section(report, load(results_dir, "fig19.csv"))
    bandwidth_section(report, load(results_dir, "bandwidth.csv"))
    timeline_section(report, load(results_dir, "timeline.csv"))

    out = results_dir / "REPORT.md"
    try:
        write_text(out, "\n".join(report.lines).rstrip("\n") + "\n")
    except OSError as e:
        print(f"error: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    if report.unexplained:
        print(f"error: {len(report.unexplained)} row(s) differ from the paper without an "
              f"explanation:", file=sys.stderr)
        for what in report.unexplained:
            print(f"  {what}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
