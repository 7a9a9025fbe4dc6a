#!/usr/bin/python3
"""Check a REPORT.md written by scripts/make_report.py.

Usage: scripts/check_report.py REPORT.md

Exits 0 when the report
  - has a heading for every section (Fig. 12 ... Fig. 19, Table II, the energy breakdown, the
    depth-wise mapping study, bandwidth, timeline, feasibility, the model set, table level
    against tile level),
  - states the commit that produced its numbers (a 'Commit: <id>' line, not 'unknown'),
  - embeds only images that exist next to it,
  - has no empty Markdown table cell (blank, only whitespace, or missing from a short row);
otherwise prints every problem found and exits 1.
"""

import re
import sys
from pathlib import Path

# Heading text each section must contain; the last two are matched without case.
REQUIRED_SECTIONS = ("Fig. 12", "Fig. 13", "Fig. 14", "Fig. 15", "Fig. 16", "Fig. 17",
                     "Fig. 18", "Fig. 19", "Table II", "energy goes", "depth-wise mapping", "bandwidth", "timeline",
                     "feasibility", "model set", "against tile level")
CASE_INSENSITIVE = ("bandwidth", "timeline", "energy goes", "depth-wise mapping", "feasibility", "model set",
                    "against tile level")

COMMIT_LINE = re.compile(r"^\W*commit\W*:\W*([0-9A-Za-z][^`\s]*)", re.IGNORECASE)
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)>\s]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SEPARATOR_CELL = re.compile(r"^\s*:?-+:?\s*$")


def headings(lines):
    return [line.lstrip("#").strip() for line in lines if re.match(r"^#{1,6}\s", line)]


def missing_sections(lines):
    found = headings(lines)
    problems = []
    for section in REQUIRED_SECTIONS:
        if section in CASE_INSENSITIVE:
            ok = any(section.lower() in h.lower() for h in found)
        else:
            ok = any(section in h for h in found)
        if not ok:
            problems.append(f"no section heading containing '{section}'")
    return problems


def commit_problems(lines):
    for line in lines:
        match = COMMIT_LINE.match(line)
        if match:
            if match.group(1).lower() in ("unknown", "n/a", "none"):
                return [f"the commit is not known: {line.strip()}"]
            return []
    return ["no 'Commit: <id>' line"]


def image_problems(lines, report_dir):
    problems = []
    for number, line in enumerate(lines, 1):
        for target in IMAGE.findall(line):
            if not (report_dir / target).is_file():
                problems.append(f"line {number}: embedded image '{target}' does not exist")
    return problems


def split_cells(line):
    """The cells of a table row: outer pipes dropped, split on '|' not escaped as '\\|'."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return re.split(r"(?<!\\)\|", body)


def table_problems(lines):
    """Empty cells, and rows with fewer cells than their table's header."""
    problems = []
    columns = None  # cell count of the current table's header; None outside a table
    for number, line in enumerate(lines, 1):
        if not line.strip().startswith("|"):
            columns = None
            continue
        cells = split_cells(line)
        if columns is None:
            columns = len(cells)
        if all(SEPARATOR_CELL.match(c) for c in cells):
            continue
        for i, c in enumerate(cells, 1):
            if not c.strip():
                problems.append(f"line {number}: table cell {i} is empty")
        if len(cells) < columns:
            problems.append(f"line {number}: {len(cells)} cells where the header has {columns}")
    return problems


def main(argv):
    if len(argv) != 2:
        print("usage: check_report.py REPORT.md", file=sys.stderr)
        return 1
    path = Path(argv[1])
    if not path.is_file():
        print(f"{path}: no such file")
        return 1
    lines = path.read_text().splitlines()
    problems = (missing_sections(lines) + commit_problems(lines)
                + image_problems(lines, path.resolve().parent) + table_problems(lines))
    for p in problems:
        print(f"{path}: {p}")
    if problems:
        return 1
    print(f"{path}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
