"""Load a live server with hostile clients for a while; print /health and simple-query latency.

One command, prints figures (it is not a test)::

    python benchmarks/bench_hostile.py                  # 60 s, 40 slow clients, 4 runaway queries
    python benchmarks/bench_hostile.py --duration 20 --rounds 3   # three servers, one after the other
    python benchmarks/bench_hostile.py --duration 10 --slow 40 --runaway 4 --query-workers 3
    python benchmarks/bench_hostile.py --duration 20 --server gunicorn   # the server used before, to compare

It starts ``kgserver serve`` on a free loopback port and, for ``--duration`` seconds, runs at once:
``--slow`` clients trickling a request header a byte every 0.5 s (reconnecting when cut off),
``--runaway`` clients sending cross-product queries that run into the time limit (from one
address), one client posting a large document to ``/validate`` again and again (another address),
and two probes, from other addresses: ``GET /health`` and ``ASK { ?s ?p ?o }`` in a loop.
The server runs with ``kgserver serve``'s defaults (query workers: the CPU count, at least 2)
unless ``--query-workers`` is given.  It prints the probes' latency percentiles (p50, p90, p99,
max), the share of probes answered within 100 ms, the load average, their errors (any answer but 200, any socket
error) and how the hostile requests were answered.  Loopback addresses 127.0.0.x stand for
distinct clients (Linux routes all of 127/8 to the loopback interface).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, body=None, headers=None, source="127.0.0.1", timeout=60.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


#: ``--server gunicorn``: the same app under gunicorn's threaded worker (32 threads), for comparison.
_GUNICORN = (
    "import sys; from kgserver.app import create_app; from kgserver.commands.serve import run_gunicorn; "
    "app = create_app({'QUERY_TIMEOUT': float(sys.argv[2]), 'QUERY_WORKERS': int(sys.argv[3])}); "
    "run_gunicorn(app, host='127.0.0.1', port=int(sys.argv[1]), workers=1, threads=32, timeout=float(sys.argv[2]))"
)


def start(port: int, args, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "kgserver", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--timeout", str(args.timeout)]
    if args.query_workers:
        command += ["--query-workers", str(args.query_workers)]
    if args.server == "gunicorn":
        command = [sys.executable, "-c", _GUNICORN, str(port), str(args.timeout), str(args.query_workers or 2)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/health", timeout=2) == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start: {log.read_text()}")


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    within = sum(1 for value in values if value <= 100) / len(values)
    return (f"n={len(values)} p50={pick(0.5):.1f} ms p90={pick(0.9):.1f} ms p99={pick(0.99):.1f} ms "
            f"max={ordered[-1]:.1f} ms mean={statistics.fmean(values):.1f} ms; {within:.1%} within 100 ms")


def main() -> None:
    """Parse the options and run the rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--slow", type=int, default=40, help="slow (header-trickling) clients")
    parser.add_argument("--runaway", type=int, default=4, help="clients sending runaway queries")
    parser.add_argument("--query-workers", type=int, default=None, help="default: what kgserver serve starts with")
    parser.add_argument("--rounds", type=int, default=1, help="runs, each on a fresh server")
    parser.add_argument("--timeout", type=float, default=10, help="the server's query time limit (s)")
    parser.add_argument("--validate-triples", type=int, default=20_000, help="size of the /validate document")
    parser.add_argument("--server", choices=("kgserver", "gunicorn"), default="kgserver",
                        help="kgserver serve (waitress), or the app under gunicorn gthread for comparison")
    args = parser.parse_args()
    for index in range(args.rounds):
        if args.rounds > 1:
            print(f"\nround {index + 1} of {args.rounds}")
        run(args)


def run(args) -> None:
    """Start a server, load it with hostile clients and probes for ``args.duration`` seconds, print figures."""
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "server.log"
    process = start(port, args, log)
    stop = threading.Event()
    latencies: dict[str, list[float]] = {"health": [], "query": []}
    errors: Counter = Counter()
    hostile: Counter = Counter()

    def slow_client():
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                    for byte in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 1000:
                        if stop.is_set():
                            return
                        sock.send(bytes([byte]))
                        time.sleep(0.5)
            except OSError:
                hostile["slow client cut off"] += 1

    def runaway():
        while not stop.is_set():
            try:
                status = request(port, "POST", "/sparql", RUNAWAY.encode(),
                                 {"Content-Type": "application/sparql-query"}, source="127.0.0.2")
                hostile[f"runaway query {status}"] += 1
            except OSError as err:
                hostile[f"runaway query {type(err).__name__}"] += 1

    body = "".join(f"<http://example.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> \"x{i}\"@ca .\n"
                   for i in range(args.validate_triples)).encode()

    def validate():
        while not stop.is_set():
            try:
                status = request(port, "POST", "/validate", body, {"Content-Type": "application/n-triples"},
                                 source="127.0.0.3")
                hostile[f"/validate {status}"] += 1
            except OSError as err:
                hostile[f"/validate {type(err).__name__}"] += 1

    def probe(kind, source):
        while not stop.is_set():
            started = time.perf_counter()
            try:
                if kind == "health":
                    status = request(port, "GET", "/health", source=source, timeout=30)
                else:
                    status = request(port, "POST", "/sparql", b"ASK { ?s ?p ?o }",
                                     {"Content-Type": "application/sparql-query"}, source=source, timeout=30)
            except OSError as err:
                errors[f"{kind} {type(err).__name__}"] += 1
                continue
            latencies[kind].append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors[f"{kind} {status}"] += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=slow_client, daemon=True) for _ in range(args.slow)]
    threads += [threading.Thread(target=runaway, daemon=True) for _ in range(args.runaway)]
    threads += [threading.Thread(target=validate, daemon=True)]
    threads += [threading.Thread(target=probe, args=("health", "127.0.0.4"), daemon=True),
                threading.Thread(target=probe, args=("query", "127.0.0.5"), daemon=True)]
    for thread in threads:
        thread.start()
    time.sleep(args.duration)
    load = os.getloadavg()
    stop.set()
    for thread in threads:
        thread.join(timeout=args.timeout + 5)
    process.terminate()
    process.wait(timeout=30)

    print(f"server {args.server}: {args.duration:g} s, {args.slow} slow clients, {args.runaway} runaway-query clients, "
          f"1 /validate client ({len(body):,} bytes), {args.query_workers or 'default'} query workers, "
          f"time limit {args.timeout:g} s; load average {load[0]:.1f} / {load[1]:.1f} (1 / 5 min), "
          f"{os.cpu_count()} CPUs")
    print(f"GET /health          {percentiles(latencies['health'])}")
    print(f"ASK {{ ?s ?p ?o }}     {percentiles(latencies['query'])}")
    print(f"probe errors: {dict(errors) or 0}")
    print(f"hostile requests: {dict(sorted(hostile.items()))}")


if __name__ == "__main__":
    main()
