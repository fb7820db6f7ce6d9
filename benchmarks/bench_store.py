"""Benchmark kgserver on its embedded store against kgserver over Virtuoso 7, in one run.

For each scale (the bundled graph; plus 100k or 1M synthetic triples from ``synthetic.py``)
it builds once, then:

- publish: ``kgserver publish --store`` into a fresh Virtuoso on loopback (load into staging
  graphs, then the one-request switch), wall seconds;
- start-up: launch to the first answered ``ASK {}``, ``kgserver serve`` (embedded) and
  ``kgserver serve --store`` (Virtuoso-backed);
- the workload (every named query as written and the lookups and GROUP BYs of
  ``bench_endpoint.py``): p50 and p99 latency per query, one client, on each.

Usage::

    python benchmarks/bench_store.py --scales bundled,1m --seconds 3

Needs ``virtuoso-t`` (Debian's virtuoso-opensource-7-bin; scripts/test.sh installs it as root).
Client, servers and Virtuoso share the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import VIRTUOSO_INI, free_port, latency, stop, wait_for, workload  # noqa: E402
from bench_oxigraph import SCALES, run_child, start  # noqa: E402


def start_virtuoso(directory: Path) -> tuple[subprocess.Popen, str]:
    """Start an empty Virtuoso with ``bench_endpoint.py``'s settings in ``directory``; return it and its endpoint."""
    port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, isql_port=free_port(), http_port=port))
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    wait_for(url, process)
    return process, url


def run_scale(name: str, size: int, workdir: Path, seconds: float) -> dict:
    import synthetic

    data = str(synthetic.write_ntriples(workdir / f"synthetic-{name}.nt", size)) if size else None
    build_dir = workdir / f"kg-{name}"
    built, _ = run_child("--child-build", str(build_dir), *(["--data", data] if data else []))
    results = {"quads": built["quads"] + built["distinct"], "build_s": built["seconds"]}
    queries = workload()

    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    process, startup = start([sys.executable, str(ROOT / "benchmarks" / "bench_oxigraph.py"), "--child-serve",
                              str(build_dir), str(port), "8", *(["--data", data] if data else [])], url)
    try:
        results["embedded"] = {"startup_s": startup, "latency": latency(url, queries, seconds, 200)}
    finally:
        stop(process)

    vdir = workdir / f"virtuoso-{name}"
    vdir.mkdir()
    virtuoso, store = start_virtuoso(vdir)
    try:
        env = {**os.environ, "KGSERVER_STORE_USER": "dba", "KGSERVER_STORE_PASSWORD": "dba"}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "kgserver", "publish", "--store", store, "--build-dir",
                               str(build_dir)], capture_output=True, text=True, env=env)
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
        results["publish_s"] = time.perf_counter() - started
        results["publish_line"] = done.stdout.splitlines()[0]
        port = free_port()
        url = f"http://127.0.0.1:{port}/sparql"
        process, startup = start([sys.executable, "-m", "kgserver", "serve", "--store", store, "--port", str(port),
                                  "--max-rows", "10000000"], url)
        try:
            results["virtuoso"] = {"startup_s": startup, "latency": latency(url, queries, seconds, 200)}
        finally:
            stop(process)
    finally:
        stop(virtuoso)
        shutil.rmtree(vdir, ignore_errors=True)
    return results


def report(name: str, results: dict) -> None:
    embedded, virtuoso = results["embedded"], results["virtuoso"]
    print(f"\n{name}: {results['quads']} quads served; build {results['build_s']:.1f} s; "
          f"publish into Virtuoso {results['publish_s']:.1f} s")
    print(f"  {results['publish_line']}")
    print(f"  start-up to first answer: embedded {embedded['startup_s']:.2f} s, Virtuoso-backed {virtuoso['startup_s']:.2f} s")
    print(f"  {'query':44} {'embedded p50/p99 ms':>22} {'Virtuoso p50/p99 ms':>22}  status")
    p50s = {"embedded": [], "virtuoso": []}
    for query, figures in embedded["latency"].items():
        other = virtuoso["latency"][query]
        p50s["embedded"].append(figures["p50_ms"])
        p50s["virtuoso"].append(other["p50_ms"])
        print(f"  {query[:44]:44} {figures['p50_ms']:>10.1f}/{figures['p99_ms']:<10.1f} "
              f"{other['p50_ms']:>10.1f}/{other['p99_ms']:<10.1f}  {figures['status']}/{other['status']}")
    for kind, values in p50s.items():
        values.sort()
        print(f"  median of the p50s, {kind}: {values[len(values) // 2]:.1f} ms")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="bundled,1m", help=f"comma-separated: {', '.join(SCALES)}")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of requests per query")
    args = parser.parse_args(argv)
    if shutil.which("virtuoso-t") is None:
        print("virtuoso-t is not installed: apt-get install virtuoso-opensource-7-bin", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        for name in args.scales.split(","):
            report(name, run_scale(name, SCALES[name], Path(tmp), args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
