"""Benchmark the garbage collector's threshold (``kgserver.collector``) against CPython's default.

Prints figures; nothing is asserted.  Run from the repository root::

    python benchmarks/bench_collector.py              # 3 rounds, each setting in a fresh process
    python benchmarks/bench_collector.py --rounds 5

Each round runs, in one child process per setting (CPython's default thresholds, then kgserver's, the
order alternating from round to round), three things the command and the tests do with the bundled graph:
a forced build into a temporary folder, the validation of twelve contributions of ``tests/contributions``
(each with the bundle as its context) and the rendering of 300 resource pages through the Flask test
client.  For each it prints the CPU seconds of the process, the seconds spent in the collector (its
``gc.callbacks``), the collections per generation, and the child's peak memory; then the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, resource, sys, tempfile, time
from pathlib import Path
if sys.argv[1] == "kgserver":
    from kgserver.collector import tune
    tune()
spent, started, counts = [0.0], [0.0], [0, 0, 0]
def watch(phase, info):
    if phase == "start":
        started[0] = time.process_time()
    else:
        spent[0] += time.process_time() - started[0]
        counts[info["generation"]] += 1
gc.callbacks.append(watch)
from kgserver.app import create_app
from kgserver.namespaces import BASE
from kgserver.reasoning.build import build
from kgserver.store import open_store
from kgserver.validation.engine import validate_paths
out = {}
def phase(name, work):
    spent[0], counts[:] = 0.0, [0, 0, 0]
    cpu = time.process_time()
    work()
    out[name] = {"cpu": time.process_time() - cpu, "gc": spent[0], "collections": list(counts)}
phase("build", lambda: build(out=Path(tempfile.mkdtemp()) / "build", force=True))
paths = sorted(Path("tests/contributions").rglob("*.ttl"))[:12]
phase("validate", lambda: [validate_paths([p]) for p in paths])
client = create_app().test_client()
rows = open_store().query(
    f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(STRSTARTS(STR(?s), '{BASE}id/')) }}")
iris = sorted(row["s"].value for row in rows)[:300]
phase("pages", lambda: [client.get("/" + iri[len(BASE):] + ".html") for iri in iris])
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

SETTINGS = ("CPython default", "kgserver")


def run(setting: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, "kgserver" if setting == "kgserver" else "default"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {s: [] for s in SETTINGS}
    for round_ in range(args.rounds):
        for setting in SETTINGS if round_ % 2 == 0 else reversed(SETTINGS):
            figures = run(setting)
            results[setting].append(figures)
            print(f"round {round_ + 1}, {setting}: " + "; ".join(
                f"{name} {f['cpu']:.2f} s CPU, {f['gc']:.2f} s collecting, collections {f['collections']}"
                for name, f in figures.items() if isinstance(f, dict)) + f"; peak {figures['peak_rss_mb']:.0f} MB")
    print("\nmedians (CPU s / of which collecting, share)")
    for setting in SETTINGS:
        parts = []
        for name in ("build", "validate", "pages"):
            cpu = statistics.median(r[name]["cpu"] for r in results[setting])
            gc_ = statistics.median(r[name]["gc"] for r in results[setting])
            parts.append(f"{name} {cpu:.2f} / {gc_:.2f} ({100 * gc_ / cpu:.0f}%)")
        peak = statistics.median(r["peak_rss_mb"] for r in results[setting])
        print(f"  {setting:16} " + ", ".join(parts) + f"; peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
