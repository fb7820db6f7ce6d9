"""Benchmark kgserver on its embedded store against kgserver over Virtuoso 7 (and the Oxigraph server), in one run.

For each scale (the bundled graph; plus 100k or 1M synthetic triples from ``synthetic.py``)
it builds once (or reuses the build kept in ``--workdir``), then:

- load: the build (wall, CPU, peak RSS of the child) and ``kgserver publish --store`` into a
  fresh Virtuoso (and Oxigraph server) on loopback: wall, the publisher's CPU and the store's CPU;
- start-up: launch to the first answered ``ASK {}``, ``kgserver serve`` (embedded) and
  ``kgserver serve --store`` over each store;
- per request, one client, interleaved (each request kind is measured on every server in turn):
  the workload (every named query as written and the lookups and GROUP BYs of ``bench_endpoint.py``),
  resource pages (HTML and Turtle), the search and browse pages, and named-query API calls:
  p50 and p99 latency;
- memory: RSS of each server's process tree, and of each store.

Usage::

    python benchmarks/bench_store.py --scales bundled,1m --seconds 2 --workdir /tmp/bench-store

Needs ``virtuoso-t`` (Debian's virtuoso-opensource-7-bin; scripts/test.sh installs it as root) and, for
``--peers virtuoso,oxigraph``, the ``oxigraph`` server (``pip install -e '.[bench]'``).
Client, servers and stores share the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import (VIRTUOSO_INI, Client, free_port, percentile, stop, wait_for,  # noqa: E402
                            workload)
from bench_oxigraph import SCALES, start, tree_memory  # noqa: E402

SCALES = {**SCALES, "10m": 10_000_000}

#: Pages and API calls measured beside the queries: (name, path, Accept).
PATHS = [
    ("page plan (HTML)", "/id/plan/pla-impuls-ess-2016-2019.html", "text/html"),
    ("page plan (Turtle)", "/id/plan/pla-impuls-ess-2016-2019.ttl", "text/turtle"),
    ("page measure (HTML)", "/id/measure/pla-impuls-ess-2016-2019-12.html", "text/html"),
    ("page territory Catalunya (HTML)", "/id/territory/catalunya.html", "text/html"),
    ("page anchor, blank-node selectors (Turtle)", "/id/anchor/xmess-pla-treball-2024/entity/xac.ttl", "text/turtle"),
    ("search ?q=cooperativa", "/search?q=cooperativa", "text/html"),
    ("search ?q=economia+social (two words)", "/search?q=economia+social", "text/html"),
    ("search ?q=de (a short word)", "/search?q=de", "text/html"),
    ("search ?q=zzqxw (no hit)", "/search?q=zzqxw", "text/html"),
    ("browse (the classes)", "/browse", "text/html"),
    ("browse ess:Action page 1", "/browse?class=https%3A%2F%2Fw3id.org%2Fesskg%2Fontology%23Action", "text/html"),
    ("browse ess:Action after pla-768-7-1 (the 79800th at 1M)",
     "/browse?class=https%3A%2F%2Fw3id.org%2Fesskg%2Fontology%23Action"
     "&after=https%3A%2F%2Fw3id.org%2Fesskg%2Fid%2Faction%2Fpla-768-7-1", "text/html"),
    ("404 page (a mistyped plan IRI)", "/id/plan/pla-impuls-ess-2016-201x", "text/html"),
    ("VoID", "/.well-known/void", "text/turtle"),
    ("API cq05 (JSON)", "/api/queries/cq05-goals-of-sectoral-tables-project", "application/sparql-results+json"),
    ("API territories-within (JSON)",
     "/api/queries/territories-within?territory=https%3A%2F%2Fw3id.org%2Fesskg%2Fid%2Fterritory%2Fsants-montjuic",
     "application/sparql-results+json"),
    ("API plan-periods (CSV)", "/api/queries/plan-periods", "text/csv"),
]


def cpu_seconds(pid: int) -> float:
    """Return the CPU seconds (user + system) ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- stores -----------------------------------------------------------------------------------


def start_virtuoso(directory: Path, buffers_gb: float | None = None) -> tuple[subprocess.Popen, str]:
    """Start an empty Virtuoso with ``bench_endpoint.py``'s settings in ``directory``; return it and its endpoint.

    :param buffers_gb: memory for Virtuoso's page buffers instead of those settings' 1.3 GB (three quarters of
        it may be dirty, as Virtuoso's own ini advises).
    """
    port, isql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    text = VIRTUOSO_INI.format(dir=directory, isql_port=isql_port, http_port=port)  # its default log limits
    if buffers_gb:
        buffers = int(buffers_gb * (1 << 30) / 8192)  # 8 kB pages
        text = re.sub(r"NumberOfBuffers = \d+\nMaxDirtyBuffers = \d+",
                      f"NumberOfBuffers = {buffers}\nMaxDirtyBuffers = {buffers * 3 // 4}", text)
    ini.write_text(text)
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.isql_port = isql_port
    url = f"http://127.0.0.1:{port}/sparql"
    wait_for(url, process)
    return process, url


def start_oxigraph(directory: Path) -> tuple[subprocess.Popen, str]:
    executable = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen([executable, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    wait_for(url, process)
    return process, url


STORES = {"virtuoso": start_virtuoso, "oxigraph": start_oxigraph}


def publish(store: str, build_dir: Path, store_process: subprocess.Popen) -> dict:
    """Run ``kgserver publish --store``; return wall seconds, the publisher's and the store's CPU, its first line."""
    env = {**os.environ, "KGSERVER_STORE_USER": "dba", "KGSERVER_STORE_PASSWORD": "dba", "PYTHONPATH": str(ROOT)}
    store_cpu, cpu, started = cpu_seconds(store_process.pid), children_cpu(), time.perf_counter()
    build = ["--build-dir", str(build_dir)] if build_dir else []  # None: the bundled build
    done = subprocess.run([sys.executable, "-m", "kgserver", "publish", "--store", store, *build],
                          capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return {"wall_s": time.perf_counter() - started, "cpu_s": children_cpu() - cpu,
            "store_cpu_s": cpu_seconds(store_process.pid) - store_cpu, "line": done.stdout.splitlines()[0],
            "switch": done.stdout.splitlines()[1].strip(), "store_rss_mb": rss_mb(store_process.pid)}


def republish(store: str, build_dir: Path, store_process: subprocess.Popen) -> dict:
    """Publish the same build again (a switch over a served release); the error, if the store refused it."""
    try:
        return publish(store, build_dir, store_process)
    except RuntimeError as err:
        return {"error": str(err)[-500:]}


# --- requests ---------------------------------------------------------------------------------


#: Seconds a client waits for one answer.
TIMEOUT = 120


class PathClient(Client):
    """A keep-alive client for GET paths of a kgserver (pages, API)."""

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT, source_address=self.source)

    def query(self, text: str) -> tuple[int, int]:
        try:
            return super().query(text)
        except TimeoutError:
            self.conn.close()  # the late answer must not be read as the next one's
            self.conn = self._connect()
            raise

    def get(self, path: str, accept: str) -> tuple[int, int]:
        try:
            return self._get(path, accept)
        except TimeoutError:
            self.conn.close()
            self.conn = self._connect()
            raise

    def _get(self, path: str, accept: str) -> tuple[int, int]:
        return self.request("GET", path, None, {"Accept": accept, "Accept-Language": "ca"})


def measure(send, budget: float, max_requests: int = 200, slow: float | None = None) -> dict:
    """Return p50/p99 of ``send()`` over ``budget`` seconds (at least 3 requests after a warm-up), and the warm-up's.

    A request that gets no answer within the client's time limit (``TIMEOUT``) ends the measurement:
    its status is ``timeout`` and its time the limit.

    :param slow: seconds; a request whose warm-up took longer is timed once only (``n`` is 1).
    """
    times, status, size, started, first = [], None, 0, time.monotonic(), None
    try:
        send()  # warm-up (and a page's first-use caches)
        first = (time.monotonic() - started) * 1000
        least = 1 if slow is not None and time.monotonic() - started > slow else 3
        started = time.monotonic()
        while len(times) < max_requests and (time.monotonic() - started < budget or len(times) < least):
            t0 = time.perf_counter()
            status, size = send()
            times.append((time.perf_counter() - t0) * 1000)
    except TimeoutError:
        times.append(TIMEOUT * 1000)
        status = "timeout"
    return {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "n": len(times), "status": status,
            "bytes": size, "first_ms": first}


def measure_all(servers: dict[str, str], budget: float, save=lambda out: None,
                slow: float | None = None) -> dict[str, dict[str, dict]]:
    """Return request name -> server -> figures; each request measured on every server in turn.

    Pages and API calls first, then the workload.

    :param save: called with the figures so far after each request (a long run stopped early keeps them).
    :param slow: see :func:`measure`.
    """
    out: dict[str, dict[str, dict]] = {}
    query_clients = {name: PathClient(base + "/sparql") for name, base in servers.items()}
    path_clients = {name: PathClient(base + "/") for name, base in servers.items()}
    for name, path, accept in PATHS:
        out[name] = {server: measure(lambda c=client: c.get(path, accept), budget, slow=slow)
                     for server, client in path_clients.items()}
        save(out)
    for name, text in workload().items():
        out[name] = {server: measure(lambda c=client: c.query(text), budget, slow=slow)
                     for server, client in query_clients.items()}
        save(out)
    return out


def saver(workdir: Path, name: str, results: dict):
    """Return a ``save`` for :func:`measure_all` that keeps the figures so far in ``partial-<scale>.json``."""
    return lambda out: (workdir / f"partial-{name}.json").write_text(json.dumps({**results, "requests": out}, indent=1))


# --- one scale --------------------------------------------------------------------------------


def build(name: str, size: int, workdir: Path) -> tuple[dict, Path, str | None]:
    """Return the build's figures (kept in ``workdir`` with the build), its folder and the synthetic data file."""
    import synthetic

    data = None
    if size:
        data_path = workdir / f"synthetic-{name}.nt"
        if not data_path.exists():
            synthetic.write_ntriples(data_path, size)
        data = str(data_path)
    build_dir = workdir / f"kg-{name}"
    figures_file = workdir / f"build-{name}.json"
    if figures_file.exists() and (build_dir / "manifest.json").exists():
        return json.loads(figures_file.read_text()), build_dir, data
    cpu = children_cpu()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, str(ROOT / "benchmarks" / "bench_oxigraph.py"),
                           "--child-build", str(build_dir), *(["--data", data] if data else [])],
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    built = json.loads(done.stdout.strip().splitlines()[-1])
    figures = {"quads": built["quads"], "distinct": built["distinct"], "wall_s": built["seconds"],
               "cpu_s": children_cpu() - cpu, "peak_mb": int(done.stderr.strip().splitlines()[-1]) // 1024,
               "phases": built["phases"]}
    figures_file.write_text(json.dumps(figures))
    return figures, build_dir, data


def run_scale(name: str, size: int, workdir: Path, seconds: float, peers: list[str], again: bool = False,
              bulk: list[Path] | bool = False, buffers_gb: float | None = None, slow: float | None = None) -> dict:
    """Measure one scale (see the module's docstring).

    :param bulk: load the build into Virtuoso with its bulk loader (``virtuoso_bulk.py``) instead of ``kgserver
        publish``: True to dump the build's store, or N-Quads files of its graphs to load instead.
    """
    built, build_dir, data = build(name, size, workdir)
    results: dict = {"build": built, "publish": {}, "startup_s": {}, "server_rss_mb": {}}
    stores: dict[str, tuple[subprocess.Popen, str]] = {}
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        for peer in peers:
            directory = workdir / f"{peer}-{name}"
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            stores[peer] = STORES[peer](directory, buffers_gb) if peer == "virtuoso" else STORES[peer](directory)
            if bulk and peer == "virtuoso":
                from virtuoso_bulk import load_build

                results.setdefault("bulk_load", {})[peer] = load_build(
                    stores[peer][0], stores[peer][1], build_dir, directory / "release",
                    None if bulk is True else list(bulk))
                print(f"[{name}] bulk-loaded into {peer}: {results['bulk_load'][peer]}", file=sys.stderr, flush=True)
                (workdir / f"partial-{name}.json").write_text(json.dumps(results, indent=1))
                continue
            results["publish"][peer] = publish(stores[peer][1], build_dir, stores[peer][0])
            print(f"[{name}] published into {peer}: {results['publish'][peer]}", file=sys.stderr, flush=True)
            if again:
                results.setdefault("republish", {})[peer] = republish(stores[peer][1], build_dir, stores[peer][0])
                print(f"[{name}] published again into {peer}: {results['republish'][peer]}", file=sys.stderr,
                      flush=True)
        port = free_port()
        url = f"http://127.0.0.1:{port}/sparql"
        servers["embedded"] = start([sys.executable, str(ROOT / "benchmarks" / "bench_oxigraph.py"), "--child-serve",
                                     str(build_dir), str(port), "8", "1", *(["--data", data] if data else [])], url)
        for peer, (_, store) in stores.items():
            port = free_port()
            url = f"http://127.0.0.1:{port}/sparql"
            servers[peer] = start([sys.executable, "-m", "kgserver", "serve", "--store", store, "--port", str(port),
                                   "--max-rows", "10000000"], url)
        results["startup_s"] = {server: startup for server, (_, startup) in servers.items()}
        results["server_memory_after_start_mb"] = {server: tree_memory(process.pid)
                                                   for server, (process, _) in servers.items()}
        print(f"[{name}] started: {results['startup_s']}, RSS/PSS {results['server_memory_after_start_mb']}",
              file=sys.stderr, flush=True)
        bases = {server: f"http://127.0.0.1:{_port(process)}" for server, (process, _) in servers.items()}
        results["requests"] = measure_all(bases, seconds, saver(workdir, name, results), slow)
        results["server_rss_mb"] = {server: tree_memory(process.pid)[0] for server, (process, _) in servers.items()}
        results["server_pss_mb"] = {server: tree_memory(process.pid)[1] for server, (process, _) in servers.items()}
        results["store_rss_mb"] = {peer: rss_mb(process.pid) for peer, (process, _) in stores.items()}
    finally:
        for process, _ in list(servers.values()) + list(stores.values()):
            stop(process)
    return results


def run_virtuoso_only(name: str, size: int, workdir: Path, seconds: float) -> dict:
    """Measure Virtuoso-backed kgserver where the embedded build does not fit.

    The bundle is published, the synthetic triples bulk-loaded.

    ``kgserver publish`` loads the bundled build (asserted, inferred, merge, figures); then Virtuoso's own bulk
    loader (``ld_dir``/``rdf_loader_run``) loads the synthetic N-Triples into their named graph and into the
    merge, and the release's figures are given that graph.  The synthetic triples have no inferred graph (the
    reasoner runs in the embedded build): the workload answers over asserted triples there.
    """
    import synthetic

    from kgserver.remote import FIGURES, MERGE_GRAPH, RELEASE, RELEASE_GRAPH
    from kgserver.remote.client import SparqlClient

    data = workdir / f"synthetic-{name}.nt"
    if not data.exists():
        synthetic.write_ntriples(data, size)
    graph = "https://w3id.org/esskg/graph/extra/synthetic"
    directory = workdir / f"virtuoso-{name}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    (directory / "merge").mkdir()
    os.link(data, directory / "data.nt")
    os.link(data, directory / "merge" / "data.nt")  # ld_dir registers a file once: the second graph's copy
    results: dict = {"build": {"quads": size, "distinct": size, "wall_s": 0, "cpu_s": 0, "peak_mb": 0},
                     "publish": {}, "startup_s": {}, "server_rss_mb": {}}
    virtuoso, store = start_virtuoso(directory)
    server = None
    try:
        results["publish"]["virtuoso"] = publish(store, None, virtuoso)
        cpu, started = cpu_seconds(virtuoso.pid), time.perf_counter()
        load = (f"ld_dir('{directory}', 'data.nt', '{graph}'); ld_dir('{directory / 'merge'}', 'data.nt', "
                f"'{MERGE_GRAPH}'); rdf_loader_run(); checkpoint;")
        subprocess.run(["isql-vt", f"127.0.0.1:{virtuoso.isql_port}", "dba", "dba", f"exec={load}"], check=True,
                       capture_output=True)
        results["bulk_load"] = {"wall_s": time.perf_counter() - started, "store_cpu_s": cpu_seconds(virtuoso.pid) - cpu,
                                "store_rss_mb": rss_mb(virtuoso.pid)}
        client = SparqlClient(store, "dba", "dba")
        text = f"SELECT ?f WHERE {{ GRAPH <{RELEASE_GRAPH}> {{ <{RELEASE}> <{FIGURES}> ?f }} }}"
        figures = json.loads(next(iter(client_rows(client, text))))
        figures["graphs"][graph] = size
        figures["quads"] += size
        figures["distinct_triples"] += size
        literal = json.dumps(json.dumps(figures, sort_keys=True))
        client.update(f"DELETE WHERE {{ GRAPH <{RELEASE_GRAPH}> {{ <{RELEASE}> <{FIGURES}> ?f }} }} ; "
                      f"INSERT DATA {{ GRAPH <{RELEASE_GRAPH}> {{ <{RELEASE}> <{FIGURES}> {literal} }} }}", timeout=600)
        port = free_port()
        url = f"http://127.0.0.1:{port}/sparql"
        server = start([sys.executable, "-m", "kgserver", "serve", "--store", store, "--port", str(port),
                        "--max-rows", "10000000"], url)
        results["startup_s"]["virtuoso"] = server[1]
        results["requests"] = measure_all({"virtuoso": f"http://127.0.0.1:{port}"}, seconds, saver(workdir, name, results))
        results["server_rss_mb"]["virtuoso"] = tree_memory(server[0].pid)[0]
        results["store_rss_mb"] = {"virtuoso": rss_mb(virtuoso.pid)}
    finally:
        if server is not None:
            stop(server[0])
        stop(virtuoso)
    return results


def client_rows(client, text: str):
    """Yield the first column of a SELECT's rows, as strings."""
    import pyoxigraph as ox

    response = client.query(text, "application/sparql-results+json", timeout=60)
    try:
        for row in ox.parse_query_results(response, ox.QueryResultsFormat.JSON):
            yield row[0].value
    finally:
        response.close()


def _port(process: subprocess.Popen) -> int:
    """Return the port a server was started on (the argument after ``--port``, or the child-serve one)."""
    args = process.args
    return int(args[args.index("--port") + 1]) if "--port" in args else int(args[args.index("--child-serve") + 2])


def report(name: str, results: dict) -> None:
    built = results["build"]
    servers = list(results["startup_s"])
    print(f"\n### {name}: {built['quads']:,} quads in named graphs, {built['distinct']:,} distinct triples\n")
    if "bulk_load" in results and "virtuoso" in results["bulk_load"]:
        load = results["bulk_load"]["virtuoso"]
        print(f"- build (embedded): {built['wall_s']:.0f} s wall, {built['cpu_s']:.0f} s CPU, "
              f"peak RSS {built['peak_mb']:,} MB")
        print(f"- bulk-loaded into Virtuoso (virtuoso_bulk.py): N-Quads written {load['write_wall_s']:.0f} s wall, "
              f"{load['write_cpu_s']:.0f} s CPU ({load['bytes'] / 1e9:.1f} GB); loaded {load['load_wall_s']:.0f} s "
              f"wall, Virtuoso CPU {load['store_cpu_s']:.0f} s, RSS {load['store_rss_mb']:,} MB; "
              f"{load['triples']:,} triples in {load['graphs']} graphs")
    elif "bulk_load" in results:
        load = results["bulk_load"]
        print(f"- no embedded build; the synthetic triples bulk-loaded into Virtuoso (their graph and the merge): "
              f"{load['wall_s']:.0f} s wall, Virtuoso CPU {load['store_cpu_s']:.0f} s, "
              f"Virtuoso RSS {load['store_rss_mb']:,} MB")
    else:
        print(f"- build (embedded): {built['wall_s']:.0f} s wall, {built['cpu_s']:.0f} s CPU, "
              f"peak RSS {built['peak_mb']:,} MB")
    for label, key in (("publish", "publish"), ("publish the same build again", "republish")):
        for peer, figures in results.get(key, {}).items():
            if "error" in figures:
                print(f"- {label} into {peer}: failed: {figures['error']}")
                continue
            print(f"- {label} into {peer}: {figures['wall_s']:.1f} s wall; CPU: publisher {figures['cpu_s']:.1f} s, "
                  f"{peer} {figures['store_cpu_s']:.1f} s; {peer} RSS after {figures['store_rss_mb']:,} MB; "
                  f"{figures['line']}; {figures['switch']}")
    print("- start-up to first answer: " + ", ".join(f"{s} {v:.2f} s" for s, v in results["startup_s"].items()))
    print("- server RSS / PSS (process tree) after start: "
          + ", ".join(f"{s} {v[0]:,} / {v[1]:,} MB" for s, v in results.get("server_memory_after_start_mb", {}).items()))
    print("- server RSS / PSS (process tree) after the run: "
          + ", ".join(f"{s} {v:,} / {results.get('server_pss_mb', {}).get(s, 0):,} MB"
                      for s, v in results["server_rss_mb"].items())
          + "; store RSS: " + ", ".join(f"{s} {v:,} MB" for s, v in results.get("store_rss_mb", {}).items()))
    print()
    print("| request | " + " | ".join(f"{s} p50 / p99 ms" for s in servers) + " | status |")
    print("|---|" + "---:|" * len(servers) + "---|")
    p50s: dict[str, list[float]] = {s: [] for s in servers}
    for request, figures in results["requests"].items():
        cells = []
        for server in servers:
            f = figures[server]
            p50s[server].append(f["p50_ms"])
            cells.append(f"{f['p50_ms']:.1f} / {f['p99_ms']:.1f}")
        status = "/".join(str(figures[s]["status"]) for s in servers)
        print(f"| {request} | " + " | ".join(cells) + f" | {status} |")
    medians = []
    for server, values in p50s.items():
        values.sort()
        medians.append(f"{values[len(values) // 2]:.1f}")
    print("| **median of the p50s** | " + " | ".join(medians) + " | |")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="bundled,1m", help=f"comma-separated: {', '.join(SCALES)}")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds of requests per query and server")
    parser.add_argument("--peers", default="virtuoso,oxigraph", help="external stores: virtuoso, oxigraph")
    parser.add_argument("--republish", action="store_true",
                        help="publish the build into each store a second time (a switch over a served release)")
    parser.add_argument("--virtuoso-only", action="store_true",
                        help="no embedded build: publish the bundle into Virtuoso and bulk-load the synthetic triples")
    parser.add_argument("--bulk", action="store_true",
                        help="load the build into Virtuoso with its bulk loader (virtuoso_bulk.py), not kgserver publish")
    parser.add_argument("--bulk-from", nargs="+", metavar="NQ",
                        help="with --bulk: N-Quads files of the build's graphs to load (else its store is dumped)")
    parser.add_argument("--virtuoso-buffers-gb", type=float, help="Virtuoso's page buffers (default 1.3 GB)")
    parser.add_argument("--slow", type=float, metavar="SECONDS",
                        help="time a request whose warm-up took longer than this once only (default: three times)")
    parser.add_argument("--workdir",
                        help="keep the synthetic data and builds here and reuse them (default: a temporary folder)")
    args = parser.parse_args(argv)
    if shutil.which("virtuoso-t") is None:
        print("virtuoso-t is not installed: apt-get install virtuoso-opensource-7-bin", file=sys.stderr)
        return 2
    peers = [p for p in args.peers.split(",") if p]
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in args.scales.split(","):
            if args.virtuoso_only:
                results = run_virtuoso_only(name, SCALES[name], workdir, args.seconds)
            else:
                results = run_scale(name, SCALES[name], workdir, args.seconds, peers, args.republish,
                                    [Path(f) for f in args.bulk_from] if args.bulk_from else args.bulk,
                                    args.virtuoso_buffers_gb, args.slow)
            (workdir / f"results-{name}.json").write_text(json.dumps(results, indent=1))
            report(name, results)
    print(f"\nload average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
