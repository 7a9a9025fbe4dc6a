#!/usr/bin/env python3
"""The library's layers point only down.

Computes the folder-level include graph of the library (every #include "a/b/..."
in hw, tlm, compiler, sched, testbench and sc_main) and fails on any edge
that points up or sideways in the layering below. There is no allowlist: an
edge is either in the layering or an error.

    tlm          TLM-2.0 plumbing
    hw contract  architecture config, fission enumeration, instruction format,
                 layer descriptor, number format, tile timing, signal trace,
                 the compiled bundle and its memory layout
    hw modules   the hardware blocks (every other folder of hw/)
    compiler     may read the hw contract, never a hardware module
    sched        the host: hardware modules, compiler output
    testbench    platforms and experiments
    sc_main      the command line

Usage: check_layers.py [--root DIR] [--graph]
"""
import argparse
import pathlib
import re
import sys

CONTRACT = {"hw/bundle", "hw/config", "hw/fission", "hw/isa", "hw/timing", "hw/trace"}
# Each layer and the layers directly below it; a layer may include itself and
# everything reachable downwards.
BELOW = {
    "tlm": [],
    "hw contract": ["tlm"],
    "hw modules": ["hw contract"],
    "compiler": ["hw contract"],
    "sched": ["hw modules", "compiler"],
    "testbench": ["sched"],
    "sc_main": ["testbench"],
}
LIBRARY = ["tlm", "hw", "compiler", "sched", "testbench", "sc_main"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path: str):
    """The layer of a repository-relative path, or None outside the library."""
    parts = path.split("/")
    top = parts[0]
    if top == "hw":
        return "hw contract" if "/".join(parts[:2]) in CONTRACT else "hw modules"
    return top if top in BELOW else None


def reachable(layer: str):
    seen, todo = {layer}, [layer]
    while todo:
        for below in BELOW[todo.pop()]:
            if below not in seen:
                seen.add(below)
                todo.append(below)
    return seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent))
    ap.add_argument("--graph", action="store_true", help="print the folder-level include graph")
    args = ap.parse_args()
    root = pathlib.Path(args.root)
    allowed = {layer: reachable(layer) for layer in BELOW}
    edges, errors, files = {}, [], 0
    for top in LIBRARY:
        for f in sorted((root / top).rglob("*")):
            if f.suffix not in (".h", ".cpp"):
                continue
            files += 1
            rel = f.relative_to(root).as_posix()
            src = layer_of(rel)
            for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                dst = layer_of(m.group(1))
                if dst is None:
                    continue
                edges.setdefault((src, dst), 0)
                edges[(src, dst)] += 1
                if dst not in allowed[src]:
                    errors.append(f"{rel}:{n}: {src} includes {m.group(1)} ({dst}), which is not below it")
    if args.graph:
        for (a, b), count in sorted(edges.items()):
            print(f"{a:12} -> {b:12} {count}")
    if files == 0:
        print(f"check_layers: no library sources under {root}", file=sys.stderr)
        return 2
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_layers: {len(errors)} include(s) point up or sideways", file=sys.stderr)
        return 1
    print(f"layers point down: {files} files, {sum(edges.values())} includes between library folders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
