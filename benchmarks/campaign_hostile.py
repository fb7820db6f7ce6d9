"""A hostile-input campaign against a live ``kgserver serve``; prints counts per category and every failure.

One command (it is not a test; it exits 1 on any failure)::

    python benchmarks/campaign_hostile.py                    # everything (about 2,000 cases)
    python benchmarks/campaign_hostile.py --only protocol,update --no-strace
    python benchmarks/campaign_hostile.py --list             # the cases, not sent

It starts ``kgserver serve`` with its defaults on a free loopback port, under ``strace -f -e
trace=connect`` when strace is installed, and a loopback **canary** listener whose URL the cases
put wherever a URL could be fetched.  The cases (``campaign_cases*.py``) each carry the outcome
decided before sending: the statuses allowed (exit codes for the command line) and, for
``/validate``, the verdict.  Every answer is also held to common rules: never a 500, never a
traceback, ``X-Content-Type-Options: nosniff``, no campaign markup (``<script>kgx``, ``<kgx``,
``href="javascript:``) unescaped in HTML, an answer within 60 s.  Meanwhile a probe asks ``/health``
four times a second (from another address) and the server's memory is sampled.  At the end: the
canary must have seen no connection, strace no ``connect()`` other than to Unix sockets, the graph
must hold the same quads as before, the server log no control character, and pyshacl run on the
bundle plus each contribution whose fault a shape finds must agree with the verdict.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign_cases import MARK, Case, fetch_cases, sparql_cases, update_cases  # noqa: E402
from campaign_cases_rdf import ROOT, cli_cases, document_cases, verdict_cases  # noqa: E402
from campaign_cases_web import linked_data_cases, protocol_cases, traversal_cases  # noqa: E402

ANSWER = 60.0  # seconds: an answer later than this is a hang
MARKUP = re.compile(rb"<script>" + MARK.encode() + rb"|<" + MARK.encode() + rb"[\s>]|href=\"javascript:", re.I)


def all_cases() -> list[Case]:
    cases = (sparql_cases() + fetch_cases() + update_cases() + protocol_cases() + traversal_cases()
             + linked_data_cases() + verdict_cases() + document_cases() + cli_cases())
    return cases


class Canary:
    """Loopback listeners (IPv4 and, when available, IPv6 on the same port) recording every connection."""

    def __init__(self):
        self.socks = [socket.socket()]
        self.socks[0].bind(("127.0.0.1", 0))
        self.port = self.socks[0].getsockname()[1]
        try:
            six = socket.socket(socket.AF_INET6)
            six.bind(("::1", self.port))
            self.socks.append(six)
        except OSError:
            pass
        self.connections: list = []
        self.stop = threading.Event()
        for sock in self.socks:
            sock.listen(64)
            sock.settimeout(0.2)
            threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock):
        while not self.stop.is_set():
            try:
                conn, addr = sock.accept()
            except OSError:
                continue
            self.connections.append(addr)
            conn.close()


def substitute(text, values):
    """Put the canary's and the server's addresses into a case, also where it is URL-encoded."""
    pairs = [("{" + k + "}", v) for k, v in values.items()]
    pairs += [("%7B" + k + "%7D", urllib.parse.quote(v, safe="")) for k, v in values.items()]
    if isinstance(text, bytes):
        for key, value in pairs:
            text = text.replace(key.encode(), value.encode())
        return text
    for key, value in pairs:
        text = text.replace(key, value)
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workdir: Path, use_strace: bool) -> subprocess.Popen:
    command = [sys.executable, "-m", "kgserver", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if use_strace:
        command = ["strace", "-f", "-qq", "-e", "trace=connect", "-e", "signal=none", "-o",
                   str(workdir / "strace.log")] + command
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with open(workdir / "server.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((workdir / "server.log").read_text(errors="replace"))
        try:
            if http_request(port, "GET", "/health", timeout=2)[0] == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("kgserver serve did not start")


def http_request(port, method, path, body=None, headers=None, source="127.0.0.1", timeout=ANSWER):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def raw_request(port, data: bytes, source: str) -> tuple[int, dict, bytes]:
    """Send bytes; read until the server closes, goes quiet for 2 s after answering, or 15 s pass."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15, source_address=(source, 0))
    try:
        def send():
            try:
                sock.sendall(data)
            except OSError:
                pass
        threading.Thread(target=send, daemon=True).start()
        chunks, deadline, last = [], time.monotonic() + 15, None
        while time.monotonic() < deadline:
            sock.settimeout(2 if chunks else max(0.1, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, socket.timeout):
                if chunks:
                    break
                continue
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        body = b"".join(chunks)
    finally:
        sock.close()
    final = body
    if re.match(rb"HTTP/\d\.\d 100 ", body) and b"\r\n\r\n" in body:  # Expect: 100-continue, then the answer
        final = body.split(b"\r\n\r\n", 1)[1] or body
    match = re.match(rb"HTTP/\d\.\d (\d{3})", final)
    status = int(match.group(1)) if match else 0
    head = final.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    headers = {}
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return status, headers, body


def run_cli(case: Case, values: dict) -> tuple[int, dict, bytes]:
    with tempfile.TemporaryDirectory(prefix="campaign-cli-") as folder:
        base = Path(folder)
        for name, content in case.files.items():
            path = base / (name if isinstance(name, str) else os.fsdecode(name))
            if content == "FIFO":
                os.mkfifo(path)
            elif content == "SYMLINK-LOOP":
                path.mkdir()
                (path / "again").symlink_to(path)
            else:
                path.write_bytes(substitute(content, values))
        local = {**values, "dir": folder, "freeport": str(free_port())}
        argv = [os.fsencode(substitute(a, local)) if isinstance(a, bytes) else substitute(a, local) for a in case.argv]
        env = {**os.environ, "PYTHONPATH": str(ROOT), **case.env}
        try:
            done = subprocess.run([sys.executable, "-m", "kgserver", *argv], capture_output=True, env=env,
                                  timeout=case.timeout, stdin=subprocess.DEVNULL, cwd=folder)
        except subprocess.TimeoutExpired as err:
            return -1, {}, (err.stdout or b"") + (err.stderr or b"")
        return done.returncode, {}, done.stdout + done.stderr


def judge(case: Case, status: int, headers, body: bytes) -> list[str]:
    """Return what is wrong with an answer (empty: as expected)."""
    faults = []
    if case.kind == "cli":
        if status == -1:
            faults.append(f"hang: no exit within {case.timeout:.0f} s")
        elif status not in case.expect:
            faults.append(f"exit {status}, expected {sorted(case.expect)}")
        if b"Traceback (most recent call last)" in body:
            faults.append("traceback")
        return faults
    if status == 500 or (status and status not in case.expect):
        faults.append(f"status {status}, expected {sorted(case.expect)[:8]}")
    if status == 0 and 0 not in case.expect and case.kind == "raw":
        faults.append("no answer within 15 s")
    if b"Traceback (most recent call last)" in body:
        faults.append("traceback in the answer")
    lower = {k.lower(): v for k, v in dict(headers).items()} if headers else {}
    if status >= 200 and lower.get("x-content-type-options") != "nosniff" and not (case.kind == "raw" and status in (0, 100)):
        faults.append("no nosniff")
    ctype = lower.get("content-type", "")
    if (("html" in ctype or case.kind == "raw") and MARKUP.search(body)) and "javascript:kgx" not in ctype:
        faults.append("campaign markup unescaped in the answer: " + MARKUP.search(body).group(0).decode("latin-1"))
    if faults and case.kind != "cli":
        faults.append("answer: " + repr(body[:160]))
    if case.check and status:
        fault = case.check(status, headers, body)
        if fault:
            faults.append(fault)
    return faults


def run_case(case: Case, port: int, values: dict, source: str) -> tuple[int, list[str], float]:
    started = time.monotonic()
    try:
        if case.kind == "cli":
            status, headers, body = run_cli(case, values)
        elif case.kind == "raw":
            status, headers, body = raw_request(port, substitute(case.data, values), source)
        else:
            path = substitute(case.path, values)
            path = urllib.parse.quote(path, safe="".join(chr(i) for i in range(33, 127)))  # http.client needs ASCII
            body_out = substitute(case.body, values) if case.body is not None else None
            status, headers, body = http_request(port, case.method, path, body_out, case.headers, source)
    except (TimeoutError, socket.timeout):
        return 0, [f"hang: no answer within {ANSWER:.0f} s"], time.monotonic() - started
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as err:
        if case.kind == "http" and case.method == "POST" and 413 in case.expect:
            return 413, [], time.monotonic() - started
        return 0, [f"connection dropped: {err!r}"], time.monotonic() - started
    except Exception as err:  # noqa: BLE001 - a fault of the campaign's own client: reported, never hidden
        return 0, [f"campaign client error: {err!r}"], time.monotonic() - started
    return status, judge(case, status, headers, body), time.monotonic() - started


class Monitor:
    """Ask /health 4 times a second and sample the server tree's memory, until stopped."""

    def __init__(self, port: int, pid: int):
        self.port, self.pid = port, pid
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.peak_rss = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree_rss(self) -> int:
        children = defaultdict(list)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    children[int(fields[1])].append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    pass
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            try:
                total += int((Path(f"/proc/{pid}/statm")).read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                pass
        return total

    def _run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status = http_request(self.port, "GET", "/health", source="127.0.0.250", timeout=30)[0]
                if status != 200:
                    self.failures.append(f"/health answered {status}")
            except OSError as err:
                self.failures.append(f"/health: {err!r}")
            self.latencies.append(time.monotonic() - started)
            self.peak_rss = max(self.peak_rss, self._tree_rss())
            self.stop.wait(0.25)


def count_quads(port: int) -> str:
    text = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    status, _, body = http_request(port, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query",
                                                                            "Accept": "text/csv"})
    return body.decode() if status == 200 else f"status {status}"


def pyshacl_oracle(cases: list[Case]) -> list[tuple[Case, str]]:
    """Run pyshacl on the bundle plus each SHACL-found mutation; a shape must report a new violation."""
    import pyshacl
    from rdflib import Graph

    from kgserver import dataset

    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    bundle = dataset.union_graph(dataset.load_graphs(dataset.bundled_sources()))

    def violations(graph) -> set:
        _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
        query = ("SELECT ?f ?s WHERE { ?r a <http://www.w3.org/ns/shacl#ValidationResult> ; "
                 "<http://www.w3.org/ns/shacl#focusNode> ?f ; <http://www.w3.org/ns/shacl#sourceShape> ?s ; "
                 "<http://www.w3.org/ns/shacl#resultSeverity> <http://www.w3.org/ns/shacl#Violation> }")
        return {(str(row.f), str(row.s)) for row in report.query(query)}

    baseline = violations(bundle)
    disagreements = []
    for case in cases:
        if not getattr(case, "shacl", False) or not case.name.endswith("/nt"):
            continue
        graph = Graph()
        for triple in bundle:
            graph.add(triple)
        graph.parse(data=case.nt, format="nt")
        new = violations(graph) - baseline
        if (not new) != case.conforms:
            disagreements.append((case, f"pyshacl: {len(new)} new violations, verdict expected conforms={case.conforms}"))
    return disagreements


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated categories (prefixes) to run")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--no-strace", action="store_true", help="do not watch connect() with strace")
    parser.add_argument("--clients", type=int, default=4, help="cases sent at once, each from its own address")
    parser.add_argument("--port", type=int, help="use a server already running on this port (no strace)")
    parser.add_argument("--no-oracle", action="store_true", help="skip the pyshacl cross-check")
    args = parser.parse_args(argv)

    cases = all_cases()
    if args.only:
        wanted = args.only.split(",")
        cases = [c for c in cases if any(c.category.startswith(w) for w in wanted)]
    if args.list:
        for case in cases:
            print(case.category, case.name, sorted(case.expect)[:6])
        print(len(cases), "cases")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="kgserver-campaign-"))
    use_strace = not args.no_strace and not args.port and shutil.which("strace") is not None
    canary = Canary()
    process = None
    if args.port:
        port = args.port
        pid = int(subprocess.run(["fuser", f"{port}/tcp"], capture_output=True, text=True).stdout.split()[0])
    else:
        port = free_port()
        process = start_server(port, workdir, use_strace)
        pid = process.pid
    try:
        return campaign(args, cases, workdir, canary, process, port, pid, use_strace)
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, 9)


def campaign(args, cases, workdir, canary, process, port, pid, use_strace) -> int:
    values = {"canary": f"http://127.0.0.1:{canary.port}", "port": str(port), "cport": str(canary.port),
              "chost": f"127.0.0.1:{canary.port}"}
    print(f"kgserver on port {port} (pid {pid}); canary on {canary.port}; strace: {use_strace}; {len(cases)} cases; "
          f"work folder {workdir}", flush=True)
    quads_before = count_quads(port)
    monitor = Monitor(port, pid)
    cpu_before = os.times()
    started = time.monotonic()
    results: dict = {}
    heavy = [c for c in cases if c.category == "sparql-amplifiers"]
    light = [c for c in cases if c.category != "sparql-amplifiers"]

    def work(index_case):
        index, case = index_case
        source = f"127.0.0.{10 + index % args.clients}"
        results[index] = (case, *run_case(case, port, values, source))

    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(work, enumerate(light)))
    with ThreadPoolExecutor(len(heavy) or 1) as pool:  # the runaway queries at once, from two addresses
        list(pool.map(lambda ic: work((ic[0] + len(light), ic[1])), enumerate(heavy)))
    elapsed = time.monotonic() - started
    time.sleep(1)
    monitor.stop.set()
    monitor.thread.join(timeout=40)
    quads_after = count_quads(port)
    global_faults = []
    if quads_before != quads_after:
        global_faults.append(f"the graph changed: {quads_before!r} -> {quads_after!r}")
    if canary.connections:
        global_faults.append(f"the canary saw {len(canary.connections)} connections: {canary.connections[:5]}")
    if process is not None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
    if use_strace:
        connects = [line for line in (workdir / "strace.log").read_text(errors="replace").splitlines()
                    if "connect(" in line and "AF_UNIX" not in line and "AF_LOCAL" not in line]
        if connects:
            global_faults.append(f"strace saw {len(connects)} connect() calls: {connects[:5]}")
    log = (workdir / "server.log").read_bytes() if process is not None else b""
    if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", log.replace(b"\r\n", b"\n")):
        global_faults.append("a control character in the server log")
    tracebacks = log.count(b"Traceback (most recent call last)")
    if tracebacks:
        global_faults.append(f"{tracebacks} tracebacks in the server log")
    if monitor.failures:
        global_faults.append(f"/health failed {len(monitor.failures)} times: {monitor.failures[:3]}")
    if not args.no_oracle and any(getattr(c, "shacl", False) for c in cases):
        for case, fault in pyshacl_oracle(cases):
            global_faults.append(f"{case.category} {case.name}: {fault}")
    cpu = os.times()

    per_category: dict = defaultdict(Counter)
    failures = []
    for index in sorted(results):
        case, status, faults, seconds = results[index]
        per_category[case.category]["cases"] += 1
        per_category[case.category]["failed"] += bool(faults)
        per_category[case.category][f"{status // 100}xx" if status > 0 else "none"] += 1
        if faults:
            failures.append((case, status, faults, seconds))
    print(f"\n{'category':<20} {'cases':>6} {'failed':>6}  answers")
    for category, counts in per_category.items():
        answers = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in ("cases", "failed"))
        print(f"{category:<20} {counts['cases']:>6} {counts['failed']:>6}  {answers}")
    total = sum(c["cases"] for c in per_category.values())
    print(f"{'total':<20} {total:>6} {len(failures):>6}")
    lat = sorted(monitor.latencies) or [0.0]
    print(f"\n/health probes: {len(lat)}, p50 {statistics.median(lat) * 1000:.1f} ms, "
          f"p99 {lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms; "
          f"peak memory of the server's processes {monitor.peak_rss / 2**20:.0f} MiB")
    print(f"graph quads before/after: {quads_before.split()[-1] if quads_before else '?'} / "
          f"{quads_after.split()[-1] if quads_after else '?'}; canary connections {len(canary.connections)}; "
          f"wall {elapsed:.0f} s; campaign client CPU {cpu.user - cpu_before.user + cpu.system - cpu_before.system:.0f} s; "
          f"load average {os.getloadavg()[0]:.2f}")
    for case, status, faults, seconds in failures:
        print(f"FAIL {case.category} {case.name} ({seconds:.1f} s): {'; '.join(faults)}")
    for fault in global_faults:
        print(f"FAIL {fault}")
    print(f"\nserver log and strace in {workdir}")
    return 1 if failures or global_faults else 0


if __name__ == "__main__":
    sys.exit(main())
