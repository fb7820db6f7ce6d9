"""Measure the pages, API calls and workload queries at scale, before and after a change, in one run.

Starts, for each code tree (this checkout, and ``--compare DIR``: another checkout, e.g. ``git archive``
of the commit before the change), the embedded server on a build kept by ``bench_store.py`` (``--workdir``)
and, with ``--store URL``, ``kgserver serve --store`` over a store that ``kgserver publish`` loaded from that
build.  Every request kind is measured on every server in turn (one client, ``--seconds`` each after a
warm-up; ``bench_store.measure``), the workload with each tree's own named queries (a rewritten query is
measured as each tree writes it).  Prints p50 / p99 in ms and each server's status, and the CPU seconds
(user + system) each server's process tree spent over the run.

Usage::

    python benchmarks/bench_store.py --scales 1m --workdir /tmp/scale ...   # builds /tmp/scale/kg-1m once
    python benchmarks/bench_scale.py --build /tmp/scale/kg-1m --data /tmp/scale/synthetic-1m.nt \\
        --store http://127.0.0.1:8890/sparql --compare /tmp/before --seconds 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import EXTRA_QUERIES, free_port, stop, wait_for  # noqa: E402
from bench_oxigraph import tree, tree_memory  # noqa: E402
from bench_store import PATHS, PathClient, measure  # noqa: E402


def tree_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) the live process tree of ``pid`` has used."""
    total = 0.0
    for process in tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def queries_of(tree_root: Path) -> dict[str, str]:
    """Return the workload as ``tree_root`` writes it: its named queries (unbound) and the extra lookups."""
    out = {}
    for path in sorted((tree_root / "queries").rglob("*.rq")):
        out[path.stem] = path.read_text(encoding="utf-8")
    return {**out, **EXTRA_QUERIES}


def start(command: list[str], url: str, root: Path) -> subprocess.Popen:
    """Start a server of the tree ``root`` (its directory first on the path: ``-m`` puts the working directory there)."""
    process = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(url, process)
    return process


def start_servers(trees: dict[str, Path], builds: dict[str, Path], data: str | None, store: str | None) -> dict:
    """Start the embedded (and store-backed) server of each tree on its build; return name -> (process, URL, tree)."""
    servers = {}
    for name, root in trees.items():
        port = free_port()
        command = [sys.executable, str(root / "benchmarks" / "bench_oxigraph.py"), "--child-serve", str(builds[name]),
                   str(port), "8", "1", *(["--data", data] if data else [])]
        process = start(command, f"http://127.0.0.1:{port}/sparql", root)
        servers[f"embedded {name}"] = (process, f"http://127.0.0.1:{port}", root)
        if store:
            port = free_port()
            command = [sys.executable, "-m", "kgserver", "serve", "--store", store, "--port", str(port),
                       "--max-rows", "10000000"]
            process = start(command, f"http://127.0.0.1:{port}/sparql", root)
            servers[f"store {name}"] = (process, f"http://127.0.0.1:{port}", root)
    return servers


def run(servers: dict, seconds: float, only: set[str] | None, out: Path | None) -> dict:
    """Measure every request kind on every server in turn; return request -> server -> figures (and CPU)."""
    results: dict = {}
    cpu = {name: tree_cpu(process.pid) for name, (process, _, _) in servers.items()}
    paths = {name: PathClient(base + "/") for name, (_, base, _) in servers.items()}
    sparql = {name: PathClient(base + "/sparql") for name, (_, base, _) in servers.items()}
    texts = {name: queries_of(root) for name, (_, _, root) in servers.items()}
    kinds = [(label, "path", (path, accept)) for label, path, accept in PATHS]
    kinds += [(name, "query", name) for name in next(iter(texts.values()))]
    for label, how, what in kinds:
        if only and label not in only:
            continue
        results[label] = {}
        for server in servers:
            if how == "path":
                send = lambda c=paths[server], w=what: c.get(*w)  # noqa: E731
            else:
                send = lambda c=sparql[server], t=texts[server][what]: c.query(t)  # noqa: E731
            results[label][server] = measure(send, seconds)
        print(label, {s: (round(f["p50_ms"], 1), f["status"]) for s, f in results[label].items()}, file=sys.stderr,
              flush=True)
        if out:
            out.write_text(json.dumps(results, indent=1))
    results["_cpu_s"] = {name: tree_cpu(process.pid) - cpu[name] for name, (process, _, _) in servers.items()}
    results["_rss_mb"] = {name: tree_memory(process.pid)[0] for name, (process, _, _) in servers.items()}
    return results


def report(results: dict) -> None:
    servers = list(results["_cpu_s"])
    print("| request | " + " | ".join(f"{s} p50 / p99 ms (first request)" for s in servers) + " | status |")
    print("|---|" + "---:|" * len(servers) + "---|")
    for request, figures in results.items():
        if request.startswith("_"):
            continue
        cells = " | ".join(f"{f['p50_ms']:,.1f} / {f['p99_ms']:,.1f} (first {f['first_ms'] or 0:,.0f})"
                           for f in (figures[s] for s in servers))
        print(f"| {request} | {cells} | " + "/".join(str(figures[s]["status"]) for s in servers) + " |")
    print("\nCPU s over the run: " + ", ".join(f"{s} {v:.1f}" for s, v in results["_cpu_s"].items())
          + "; RSS MB after: " + ", ".join(f"{s} {v:,}" for s, v in results["_rss_mb"].items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", required=True, help="a build directory (bench_store.py's kg-<scale>)")
    parser.add_argument("--data", help="the synthetic N-Triples the build was made with (as bench_store.py passes)")
    parser.add_argument("--store", help="a SPARQL store kgserver publish loaded from the same build")
    parser.add_argument("--compare", help="another checkout to measure beside this one ('before')")
    parser.add_argument("--compare-build", help="the compared checkout's own build, when the build layout changed "
                                                "(default: --build; a checkout given another layout's build rebuilds it)")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per request kind and server")
    parser.add_argument("--only", help="comma-separated request names to measure (default: all)")
    parser.add_argument("--json", help="keep the figures here as they come")
    args = parser.parse_args(argv)
    trees = {"after": ROOT, "before": Path(args.compare)} if args.compare else {"": ROOT}
    builds = {name: Path(args.build) for name in trees}
    if args.compare_build:
        builds["before"] = Path(args.compare_build)
    servers = start_servers(trees, builds, args.data, args.store)
    started = time.time()
    try:
        results = run(servers, args.seconds, set(args.only.split(",")) if args.only else None,
                      Path(args.json) if args.json else None)
    finally:
        for process, _, _ in servers.values():
            stop(process)
    print(f"\n{time.time() - started:.0f} s; load average at the end: {os.getloadavg()}", file=sys.stderr)
    report(results)


if __name__ == "__main__":
    main()
