"""Benchmark the SPARQL endpoint: latency per query, throughput under concurrency, peers.

One command, prints figures (it is not a test)::

    python benchmarks/bench_endpoint.py                      # bundled graph only, kgserver only
    python benchmarks/bench_endpoint.py --scales bundled,100k,1m --peers rdflib-endpoint,virtuoso

For each scale (the bundled graph; synthetic graphs of 100k and 1M triples from
``benchmarks/synthetic.py``) it starts ``kgserver serve`` (gunicorn, loopback, free port)
and measures, over HTTP with keep-alive connections:

* p50 and p99 latency of every workload query (the named queries under ``queries/`` plus
  a one-resource lookup and a GROUP BY over the whole graph), one client;
* throughput (requests/s) of the mixed workload at 1, 8 and 32 concurrent clients;

and in-process, for the server's overhead: the same queries on the raw pyoxigraph store
(query + native JSON serialisation) and through kgserver's engine (query + kgserver's
serialisation, no HTTP, no worker process).  The peers, if asked and installed, are
served the same triples and measured the same way: ``rdflib-endpoint`` (PyPI; pass the
Python that has it with ``--rdflib-endpoint-python``) and Virtuoso (Debian's
``virtuoso-opensource-7-bin``: ``virtuoso-t`` and ``isql-vt``, started on loopback in a
temporary folder and loaded with ``ld_dir``/``rdf_loader_run``).

Client and servers share the machine: the figures compare servers under the same load
generator, they are not absolute capacities.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SCALES = {"bundled": 0, "100k": 100_000, "1m": 1_000_000}
CONCURRENCY = (1, 8, 32)
ACCEPT_JSON = "application/sparql-results+json"

EXTRA_QUERIES = {
    "x-lookup-one-resource": (
        "SELECT ?p ?o WHERE { <https://w3id.org/esskg/id/plan/pla-impuls-ess-2016-2019> ?p ?o }"
    ),
    "x-groupby-class": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)",
    "x-groupby-subject": "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
}


# --- the workload ---------------------------------------------------------------------------


def workload() -> dict[str, str]:
    """Return name -> SPARQL text: every named query (as written, parameters unbound) and the extras."""
    from kgserver.queries import load_queries

    queries = {query.name: query.text for query in load_queries()}
    queries.update(EXTRA_QUERIES)
    return queries


# --- data -------------------------------------------------------------------------------------


def bundled_ntriples(path: Path) -> int:
    """Write the distinct triples of the served dataset (asserted + inferred) as N-Triples."""
    import pyoxigraph as ox

    from kgserver.store import open_store

    store = open_store()
    merged = ox.Store()
    merged.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    merged.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return len(merged)


def synthetic_ntriples(path: Path, n_triples: int) -> int:
    """Write a synthetic graph (``benchmarks/synthetic.py``) with the ontology added."""
    import pyoxigraph as ox
    from synthetic import write_ntriples

    from kgserver import bundle

    write_ntriples(path, n_triples, seed=0)
    ontology = ox.serialize(
        (q.triple for q in ox.parse(path=str(bundle.ontology_file()), format=ox.RdfFormat.TURTLE)),
        format=ox.RdfFormat.N_TRIPLES,
    )
    with open(path, "ab") as out:
        out.write(ontology)
    return sum(1 for _ in open(path, "rb"))


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen | None, seconds: float = 900) -> None:
    deadline = time.monotonic() + seconds
    refusals = 0
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            status = http_get(url, {"query": "ASK { }"}, timeout=5)[0]
            if status == 200:
                return
            refusals += 1
            if refusals > 20:
                raise RuntimeError(f"{url} keeps answering HTTP {status}")
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def serve_file_main(path: str, port: int, workers: int) -> None:
    """Run ``kgserver serve`` on one N-Triples file instead of the bundled graph (child process).

    The file is built like the bundled files (``kgserver build``, into a temporary folder) and
    served as ``serve`` serves a build: opened read-only.
    """
    from kgserver import dataset
    from kgserver.app import create_app
    from kgserver.namespaces import GRAPH
    from kgserver.web.server import run_server

    dataset.bundled_sources = lambda **_: [dataset.Source(Path(path), GRAPH["data/bench"])]
    os.environ["KGSERVER_BUILD_DIR"] = tempfile.mkdtemp(prefix="kgserver-bench-")
    app = create_app({"QUERY_TIMEOUT": 120, "MAX_RESULT_ROWS": 10_000_000, "QUERY_WORKERS": workers})
    run_server(app, host="127.0.0.1", port=port, workers=1, threads=64, announce=lambda address: None)


def start_kgserver(data: Path | None, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    if data is None:
        command = [sys.executable, "-m", "kgserver", "serve", "--port", str(port), "--threads", "64",
                   "--query-workers", str(workers), "--max-rows", "10000000"]
    else:
        command = [sys.executable, __file__, "--serve-file", str(data), "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    wait_for(url, process)
    return process, url


def start_rdflib_endpoint(python: str, data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [python, "-m", "rdflib_endpoint", "serve", "--host", "127.0.0.1", "--port", str(port), str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"  # rdflib-endpoint serves SPARQL at its root
    wait_for(url, process)
    return process, url


VIRTUOSO_INI = """
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
ServerThreads = 64
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = ., {dir}
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 64
MaxClientConnections = 64
MaxKeepAlives = 64
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


def start_virtuoso(data: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    isql_port, http_port = free_port(), free_port()
    (workdir / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=workdir, isql_port=isql_port, http_port=http_port))
    shutil.copy(data, workdir / "data.nt")
    process = subprocess.Popen(
        ["virtuoso-t", "-f", "-c", str(workdir / "virtuoso.ini")], cwd=workdir,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    deadline = time.monotonic() + 120
    while True:
        probe = subprocess.run(["isql-vt", f"127.0.0.1:{isql_port}", "dba", "dba", "exec=status();"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            break
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("virtuoso did not start: " + (workdir / "virtuoso.log").read_text()[-2000:])
        time.sleep(1)
    load = (f"ld_dir('{workdir}', 'data.nt', 'urn:x-bench:data'); rdf_loader_run(); checkpoint;")
    subprocess.run(["isql-vt", f"127.0.0.1:{isql_port}", "dba", "dba", f"exec={load}"], check=True,
                   capture_output=True)
    wait_for(url, process)
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- HTTP client ------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection to an endpoint.

    :param source: the local address to send from (``127.0.0.x``): kgserver gives each client
        address a fair share of its query workers, so concurrent clients of a benchmark come from
        distinct loopback addresses, as distinct users would (Linux routes all of 127/8 to loopback).
    """

    def __init__(self, url: str, source: str | None = None):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.source = (source, 0) if source else None
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=300, source_address=self.source)

    def query(self, text: str) -> tuple[int, int]:
        body = urllib.parse.urlencode({"query": text})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT_JSON}
        return self.request("POST", self.path, body, headers)

    def request(self, method: str, path: str, body: str | None, headers: dict) -> tuple[int, int]:
        """Send one request on the kept-alive connection (reconnecting once if the server closed it).

        Returns the status and the length of the answer's body.
        """
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, len(response.read())
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = self._connect()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def http_get(url: str, params: dict, timeout: float) -> tuple[int, bytes]:
    full = url + "?" + urllib.parse.urlencode(params)
    parts = urllib.parse.urlsplit(full)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path + "?" + parts.query, headers={"Accept": ACCEPT_JSON})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency(url: str, queries: dict[str, str], budget: float, max_requests: int) -> dict[str, dict]:
    """Return name -> {p50_ms, p99_ms, n, status, bytes}: sequential requests, one client."""
    client = Client(url)
    out = {}
    for name, text in queries.items():
        times, status, size = [], None, 0
        started = time.monotonic()
        client.query(text)  # warm-up
        while len(times) < max_requests and (time.monotonic() - started < budget or len(times) < 3):
            t0 = time.perf_counter()
            status, size = client.query(text)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "n": len(times),
                     "status": status, "bytes": size}
    return out


def throughput(url: str, queries: dict[str, str], clients: int, seconds: float) -> dict:
    """Return {rps, errors}: every client (its own loopback address) cycles through the workload for ``seconds``."""
    texts = list(queries.values())
    done = [0] * clients
    errors = [0] * clients
    stop_at = time.monotonic() + seconds

    def run(index: int) -> None:
        loopback = urllib.parse.urlsplit(url).hostname == "127.0.0.1"
        client = Client(url, source=f"127.0.0.{10 + index}" if loopback else None)
        i = index
        while time.monotonic() < stop_at:
            status, _ = client.query(texts[i % len(texts)])
            i += 1
            if status == 200:
                done[index] += 1
            else:
                errors[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": sum(done) / elapsed, "errors": sum(errors), "requests": sum(done) + sum(errors)}


# --- in-process figures -------------------------------------------------------------------------


def in_process(data: Path | None, queries: dict[str, str], budget: float, max_requests: int) -> dict[str, dict]:
    """Return name -> {raw_p50_ms, engine_p50_ms}: pyoxigraph alone, and kgserver's engine (no HTTP)."""
    import pyoxigraph as ox

    from kgserver.engine import QueryRequest
    from kgserver.engine.oxigraph import OxigraphEngine
    from kgserver.namespaces import GRAPH
    from kgserver.store import open_store

    if data is None:
        store = open_store()
    else:
        store = ox.Store()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(GRAPH["data/bench"])))
    engine = OxigraphEngine(store)  # writes the merged default graph, as the server's workers do
    out = {}
    for name, text in queries.items():
        def raw():
            result = store.query(text)
            if isinstance(result, ox.QuerySolutions):
                result.serialize(format=ox.QueryResultsFormat.JSON)
            else:
                bool(result)

        def ours():
            engine.execute(QueryRequest(text, max_rows=10_000_000))

        figures = {}
        for label, function in (("raw_p50_ms", raw), ("engine_p50_ms", ours)):
            function()
            times = []
            started = time.monotonic()
            while len(times) < max_requests and (time.monotonic() - started < budget or len(times) < 3):
                t0 = time.perf_counter()
                function()
                times.append((time.perf_counter() - t0) * 1000)
            figures[label] = percentile(times, 50)
        out[name] = figures
    return out


# --- report -------------------------------------------------------------------------------------


def report(scale: str, triples: int, results: dict) -> None:
    print(f"\n## {scale}: {triples:,} triples\n")
    servers = [s for s in ("kgserver", "rdflib-endpoint", "virtuoso") if s in results]
    raw = results.get("in-process", {})
    header = "| query | raw oxigraph p50 | kgserver engine p50 | " + " | ".join(
        f"{s} p50 / p99" for s in servers
    ) + " | kgserver HTTP overhead p50 |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name in results["kgserver"]["latency"]:
        cells = [name]
        r = raw.get(name, {})
        cells.append(f"{r.get('raw_p50_ms', float('nan')):.2f} ms")
        cells.append(f"{r.get('engine_p50_ms', float('nan')):.2f} ms")
        for server in servers:
            fig = results[server]["latency"].get(name)
            if fig is None:
                cells.append("-")
            else:
                flag = "" if fig["status"] == 200 else f" (HTTP {fig['status']})"
                cells.append(f"{fig['p50_ms']:.2f} / {fig['p99_ms']:.2f} ms{flag}")
        ours = results["kgserver"]["latency"][name]["p50_ms"]
        cells.append(f"{ours - r.get('raw_p50_ms', float('nan')):.2f} ms")
        print("| " + " | ".join(cells) + " |")
    print()
    print("| clients | " + " | ".join(f"{s} req/s" for s in servers) + " |")
    print("|---|" + "---|" * len(servers))
    for clients in CONCURRENCY:
        cells = [str(clients)]
        for server in servers:
            fig = results[server]["throughput"].get(clients)
            cells.append("-" if fig is None else f"{fig['rps']:.1f}" + (f" ({fig['errors']} errors)" if fig["errors"] else ""))
        print("| " + " | ".join(cells) + " |")
    sys.stdout.flush()


def measure(url: str, queries: dict[str, str], args) -> dict:
    return {
        "latency": latency(url, queries, args.budget, args.max_requests),
        "throughput": {c: throughput(url, queries, c, args.duration) for c in CONCURRENCY},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="bundled", help="comma-separated: bundled, 100k, 1m")
    parser.add_argument("--peers", default="", help="comma-separated: rdflib-endpoint, virtuoso")
    parser.add_argument("--rdflib-endpoint-python", default=sys.executable,
                        help="a Python with rdflib-endpoint and uvicorn installed")
    parser.add_argument("--rdflib-endpoint-max-triples", type=int, default=200_000,
                        help="skip rdflib-endpoint above this size (it loads into memory with rdflib)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds of sequential requests per query")
    parser.add_argument("--max-requests", type=int, default=200, help="at most this many requests per query")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per throughput level")
    parser.add_argument("--query-workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--serve-file", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_file:
        serve_file_main(args.serve_file, args.port, args.workers)
        return 0

    queries = workload()
    peers = [p for p in args.peers.split(",") if p]
    everything = {}
    print(f"# kgserver endpoint benchmark ({os.cpu_count()} CPUs, {len(queries)} queries, "
          f"query workers {args.query_workers}, {args.duration:g} s per throughput level)")
    with tempfile.TemporaryDirectory(prefix="kgbench-") as tmp:
        tmp = Path(tmp)
        for scale in args.scales.split(","):
            data = tmp / f"{scale}.nt"
            if scale == "bundled":
                triples = bundled_ntriples(data)
            else:
                triples = synthetic_ntriples(data, SCALES[scale])
            results = {}
            t0 = time.perf_counter()
            process, url = start_kgserver(None if scale == "bundled" else data, args.query_workers)
            startup = time.perf_counter() - t0
            try:
                results["kgserver"] = measure(url, queries, args)
                results["kgserver"]["startup_s"] = startup
            finally:
                stop(process)
            results["in-process"] = in_process(None if scale == "bundled" else data, queries, args.budget, args.max_requests)
            if "rdflib-endpoint" in peers and triples <= args.rdflib_endpoint_max_triples:
                t0 = time.perf_counter()
                process, url = start_rdflib_endpoint(args.rdflib_endpoint_python, data)
                startup = time.perf_counter() - t0
                try:
                    results["rdflib-endpoint"] = measure(url, queries, args)
                    results["rdflib-endpoint"]["startup_s"] = startup
                finally:
                    stop(process)
            if "virtuoso" in peers:
                if shutil.which("virtuoso-t") is None:
                    print("virtuoso-t not found (apt-get install virtuoso-opensource-7-bin); skipped")
                else:
                    workdir = tmp / f"virtuoso-{scale}"
                    workdir.mkdir()
                    t0 = time.perf_counter()
                    process, url = start_virtuoso(data, workdir)
                    startup = time.perf_counter() - t0
                    try:
                        results["virtuoso"] = measure(url, queries, args)
                        results["virtuoso"]["startup_s"] = startup
                    finally:
                        stop(process)
            report(scale, triples, results)
            print("\nstart-up (to first answer): " + ", ".join(
                f"{s} {results[s]['startup_s']:.1f} s" for s in results if "startup_s" in results[s]))
            everything[scale] = {"triples": triples, **results}
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
