"""Measure writing the dumps from a built store, this tree against another (``--compare``), in one run.

Each measurement is a child process (its CPU time, user + system, and its peak RSS from
``resource.getrusage`` of children; wall time) that opens the build read-only and writes the eight
dumps into a temporary folder: this tree with :func:`kgserver.export.write_dumps` (what ``kgserver
build`` now runs), the other tree with its ``kgserver.export.export`` (before: the whole dataset as
Python objects).  Rounds are interleaved, and the load average is printed beside each figure.  With
``--publish``, it also measures what ``kgserver publish`` spent computing the graphs' fingerprints from
the store (the build now records them while it writes the dumps).

Usage::

    python benchmarks/bench_dumps.py --build /tmp/search-bench/kg-100k --compare /tmp/before --rounds 2 --publish
    python benchmarks/bench_dumps.py --build /tmp/search-bench/kg-1m-after --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from kgserver.store import open_build
from kgserver.reasoning.build import read_manifest
mode, build = sys.argv[1], Path(sys.argv[2])
manifest = read_manifest(build)
store = open_build(build, manifest)
out = {}
with tempfile.TemporaryDirectory(dir=sys.argv[3]) as folder:
    if mode == "new":
        from kgserver.export import write_dumps
        write_dumps(store.store, Path(folder))
    elif mode == "old":
        from kgserver.export import export
        export(store, folder)
    else:  # what publish computed from the store before the build recorded the fingerprints
        from kgserver.remote import MERGE_GRAPH
        from kgserver.remote.publish import _iter_graph_triples, fingerprint
        for graph in list(manifest["figures"]["graphs"]) + [MERGE_GRAPH]:
            fingerprint(_iter_graph_triples(store.store, graph))
    out["bytes"] = sum(p.stat().st_size for p in Path(folder).iterdir() if p.name.endswith(".gz"))
print(json.dumps(out))
"""


def measure(mode: str, tree: Path, build: Path, scratch: Path) -> dict:
    """Run one child; return its CPU seconds, peak RSS (MB), wall seconds, bytes written and the load average."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(build), str(scratch)], cwd=tree, check=True,
                          env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"mode": mode, "tree": str(tree), "cpu": round(cpu, 1), "peak_mb": after.ru_maxrss // 1024,
            "wall": round(wall, 1), "load": round(load, 2), **json.loads(done.stdout.splitlines()[-1])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="a build directory (kgserver build --out)")
    parser.add_argument("--compare", type=Path, help="another checkout: its export() is measured too")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--publish", action="store_true", help="also measure the fingerprints publish computed")
    args = parser.parse_args(argv)
    runs = [("new", ROOT)] + ([("old", args.compare)] if args.compare else [])
    runs += [("fingerprints", ROOT)] if args.publish else []
    with tempfile.TemporaryDirectory(prefix="bench-dumps-") as scratch:
        for round_ in range(args.rounds):
            for mode, tree in runs:
                # ru_maxrss of children is the largest child so far: each measurement in a fresh interpreter
                result = json.loads(subprocess.run(
                    [sys.executable, __file__, "--one", mode, str(tree), str(args.build), scratch],
                    check=True, capture_output=True, text=True).stdout)
                print(json.dumps({"round": round_ + 1, **result}), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))))
    else:
        main()
