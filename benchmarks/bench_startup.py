"""Benchmark start-up: how long ``kgserver serve`` takes to answer its first query, and why.

For the bundled graph (its build cached first) and for a build of the bundled graph plus
synthetic triples (``benchmarks/synthetic.py``, default 1M), it measures in separate processes:

- ``kgserver build`` of that input (not cached: ``--force``), for the synthetic size only;
- opening the build: ``open_store()`` (the N-Quads and N-Triples dumps loaded into a private
  in-memory store, what ``kgserver serve`` does) and ``open_store(read_only=True)`` (the on-disk
  RocksDB store opened read-only, shareable by several processes);
- the query engine's own start (``OxigraphEngine`` writes the merge of the named graphs into
  its store's default graph, once per query worker image) and the distinct-triple count the
  app computes once;
- ``kgserver serve`` from launch to the first answered ``ASK {}`` over HTTP (loopback, free port).

Usage::

    python benchmarks/bench_startup.py                    # bundled graph and bundled + 1M
    python benchmarks/bench_startup.py --sizes 100000     # bundled graph and bundled + 100k
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def sources_for(data: str | None):
    """Return the bundled sources, plus ``data`` in an extra graph if given."""
    from kgserver import dataset
    from kgserver.namespaces import GRAPH

    sources = dataset.bundled_sources()
    if data:
        sources.append(dataset.Source(Path(data), GRAPH["extra/synthetic"]))
    return sources


def child_open(build_dir: str, data: str | None, mode: str) -> dict:
    """Open the build one way and time the steps the server takes (run in a fresh process)."""
    from kgserver.engine.oxigraph import OxigraphEngine
    from kgserver.store import open_store
    from kgserver.web.state import _distinct_triples

    start = time.perf_counter()
    store = open_store(sources=sources_for(data), build_dir=build_dir, read_only=(mode == "read_only"))
    opened = time.perf_counter()
    figures = {"open_s": opened - start, "quads": len(store)}
    if mode == "memory":
        figures["distinct_triples"] = _distinct_triples(store)
        counted = time.perf_counter()
        OxigraphEngine(store)
        figures.update(count_s=counted - opened, engine_s=time.perf_counter() - counted)
    return figures


def child_serve(build_dir: str, data: str | None, port: int) -> None:
    """Run ``kgserver serve`` on a build of the bundled graph plus ``data`` (a child process)."""
    import kgserver.store
    from kgserver.app import create_app
    from kgserver.commands.serve import run_gunicorn

    real = kgserver.store.open_store

    def open_store(**kwargs):
        return real(sources=sources_for(data), build_dir=build_dir,
                    include_inferred=kwargs.get("include_inferred", True))

    kgserver.store.open_store = open_store
    app = create_app({"QUERY_WORKERS": 2})
    run_gunicorn(app, host="127.0.0.1", port=port, workers=1, threads=8, timeout=120)


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_first_answer(command: list[str], port: int, limit: float = 600) -> float:
    """Start ``command`` and return the seconds until ``ASK {}`` on its /sparql answers 200."""
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < limit:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"no answer within {limit} s")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_child(*args: str) -> dict:
    """Run this script as a child with ``args``; return the JSON it prints."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(label: str, build_dir: Path, data: str | None) -> None:
    """Print the start-up figures of one build."""
    data_args = ["--data", data] if data else []
    memory = run_child("--child-open", str(build_dir), "memory", *data_args)
    read_only = run_child("--child-open", str(build_dir), "read_only", *data_args)
    port = free_port()
    if data:
        command = [sys.executable, __file__, "--child-serve", str(build_dir), str(port), *data_args]
    else:
        command = [sys.executable, "-m", "kgserver", "serve", "--port", str(port), "--query-workers", "2"]
    serve = time_to_first_answer(command, port)
    print(f"{label}: {memory['quads']} quads ({memory['distinct_triples']} distinct triples)")
    print(f"  open_store() in memory {memory['open_s']:.2f} s; open_store(read_only=True) {read_only['open_s']:.3f} s")
    print(f"  distinct-triple count {memory['count_s']:.2f} s; Oxigraph engine start (merge into the default "
          f"graph) {memory['engine_s']:.2f} s")
    print(f"  kgserver serve: launch to first answer {serve:.2f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000],
                        help="synthetic triples added to the bundled graph (besides the bundled graph alone)")
    parser.add_argument("--child-open", nargs=2, metavar=("BUILD", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-serve", nargs=2, metavar=("BUILD", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_open:
        print(json.dumps(child_open(args.child_open[0], args.data, args.child_open[1])))
        return 0
    if args.child_serve:
        child_serve(args.child_serve[0], args.data, int(args.child_serve[1]))
        return 0

    import synthetic

    from kgserver.reasoning.build import build

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    bundled = build()
    measure("bundled graph", bundled.path, None)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            data = synthetic.write_ntriples(Path(tmp) / f"synthetic-{size}.nt", size)
            started = time.perf_counter()
            result = build(sources_for(str(data)), Path(tmp) / f"build-{size}", force=True)
            print(f"kgserver build, bundled graph + {size} synthetic triples: {time.perf_counter() - started:.1f} s "
                  f"({result.manifest['counts']['asserted']} asserted, {result.manifest['counts']['inferred']} "
                  f"inferred)", flush=True)
            measure(f"bundled graph + {size} synthetic triples", result.path, str(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
