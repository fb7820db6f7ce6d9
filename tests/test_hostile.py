"""Hostile clients against a LIVE server (``kgserver serve`` on a free loopback port).

Each case of the hardening issue is replayed over real sockets: requests that try to make
the server fetch a URL (a loopback canary listener must see no connection), texts built to
make a scan quadratic, nesting, slow clients, oversized and malformed bodies, proxy headers,
log injection, and a short load test (32 clients at once) during which ``/health`` and a
simple query must keep answering.  The 60-second load test is ``benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse

import pytest

from conftest import ANSWER, BODY_LIMIT  # the live server (fixtures ``live``, ``canary``) is shared

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("live-server")]


def request(port, method, path, body=None, headers=None, source="127.0.0.1", timeout=ANSWER):
    """Send one request; return (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def raw(port, data: bytes, timeout=ANSWER) -> bytes:
    """Send raw bytes; return everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:

        def send():  # meanwhile: a server refusing a body answers before it is all sent
            try:
                sock.sendall(data)
            except OSError:
                pass

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        sender.join(timeout)
        return b"".join(chunks)


def query(port, text, source="127.0.0.1", accept="application/sparql-results+json"):
    return request(port, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query",
                                                          "Accept": accept}, source=source)


# --- no fetch, ever -----------------------------------------------------------------------------


def test_service_hidden_from_a_lexical_scan_fetches_nothing(live, canary):
    _, port, _ = live
    url = canary.url
    texts = [
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}/x>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}/sparql>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ FILTER(1<2)\\u0053ERVICE#>\n<{url}/x>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ FILTER(?x<'a')SERVICE #'>\n<{url}/x>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/x> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}/x> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"LOAD <{url}/data.ttl>",
        f"SELECT * FROM <{url}/g.ttl> WHERE {{ ?s ?p ?o }}",
    ]
    for text in texts:
        status, _, body = query(port, text)
        assert status in (200, 400, 403), (text, status, body)
        status, _, body = request(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
        assert status in (200, 400, 403), (text, status, body)
    for body in (
        f'{{"@context": "{url}/context.jsonld", "@id": "http://e/x", "http://e/p": "v"}}',
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{url}/e">]><r>&e;</r>',
        f"<http://e/x> <http://www.w3.org/2002/07/owl#imports> <{url}/o.ttl> .",
    ):
        ctype = "application/ld+json" if body.startswith("{") else (
            "application/rdf+xml" if body.startswith("<?xml") else "text/turtle")
        status, _, answer = request(port, "POST", "/validate", body.encode(), {"Content-Type": ctype})
        assert status in (200, 400), (status, answer)
    time.sleep(0.3)
    assert canary.connections == []


# --- no quadratic work, no deep recursion --------------------------------------------------------


def test_texts_built_to_be_worst_cases_are_answered_and_health_stays_up(live):
    _, port, _ = live
    bodies = [
        ("application/sparql-query", ("SELECT * WHERE { FILTER(?o = '" + "\\'" * 150_000).encode()),
        ("application/sparql-query", ("SELECT * WHERE { " + "<a" * 200_000).encode()),
        ("application/sparql-query", ("SELECT * WHERE { " + "<< " * 50_000 + "}").encode()),
        ("application/sparql-query", ("SELECT * WHERE { " + " FILTER(?x<1#>)\n" * 400 + "}").encode()),
        ("application/rdf+xml", b"<?xml version='1.0'?>" + b"<!ENTITY " * 100_000),
        ("application/rdf+xml", b"<!DOCTYPE " * 100_000),
    ]
    outcomes = []

    def send(ctype, body, source):
        path = "/validate" if ctype == "application/rdf+xml" else "/sparql"
        outcomes.append(request(port, "POST", path, body, {"Content-Type": ctype}, source=source)[0])

    threads = [threading.Thread(target=send, args=(*case, f"127.0.0.{20 + i}")) for i, case in enumerate(bodies)]
    for thread in threads:
        thread.start()
    health = [request(port, "GET", "/health")[0] for _ in range(5)]
    for thread in threads:
        thread.join()
    assert health == [200] * 5
    assert sorted(outcomes) == [400] * len(bodies), outcomes


# --- bounded service ----------------------------------------------------------------------------


def test_slow_clients_are_cut_off_and_cost_no_thread(live):
    _, port, _ = live
    slow = []
    for _ in range(40):  # more than the 8 threads
        sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    try:
        assert [request(port, "GET", "/health")[0] for _ in range(5)] == [200] * 5
        closed = 0
        for sock in slow:  # never finished: closed by the server after HEADER_TIMEOUT
            try:
                closed += sock.recv(1) == b""
            except (ConnectionResetError, TimeoutError):
                closed += 1
        assert closed == len(slow)
    finally:
        for sock in slow:
            sock.close()


def test_a_trickled_body_is_cut_off(live):
    _, port, _ = live
    sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER)
    try:
        sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: 1000000\r\n\r\n")
        for _ in range(3):
            sock.sendall(b"#" * 10)
            time.sleep(0.5)
        assert request(port, "GET", "/health")[0] == 200
        sock.settimeout(ANSWER)
        assert sock.recv(1) == b""  # closed after BODY_TIMEOUT, the body never complete
    finally:
        sock.close()


def test_one_client_with_runaway_queries_does_not_starve_another(live):
    _, port, _ = live
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(query(port, runaway, source="127.0.0.2")[0]))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    answers = [query(port, "ASK { ?s ?p ?o }", source="127.0.0.3")[0] for _ in range(3)]
    for thread in threads:
        thread.join()
    assert answers == [200, 200, 200]
    assert set(statuses) == {503}


# --- limits on memory ---------------------------------------------------------------------------


def test_row_limit_stops_a_huge_result(live):
    _, port, _ = live
    status, headers, body = query(port, "SELECT * WHERE { ?s a ?t . ?a a ?b } LIMIT 1000000")
    assert status == 200
    assert headers["KGServer-Results-Truncated"] == "1000"
    assert len(json.loads(body)["results"]["bindings"]) == 1000


def test_chunked_bodies_are_counted_like_declared_ones(live):
    _, port, _ = live
    chunk = b"#" * 65536
    # a chunked body past the limit (not terminated: the server must answer before its end)
    data = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(BODY_LIMIT // len(chunk) + 1))
    head = b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = raw(port, head + data)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    declared = (b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                b"Content-Length: %d\r\n\r\n" % (BODY_LIMIT + 10))  # refused on its headers alone
    answer = raw(port, declared)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]


# --- bad input: a 4xx with a message, never a 500 -----------------------------------------------


def test_bad_input_is_a_4xx_with_a_message(live):
    _, port, _ = live
    cases = [
        query(port, 'SELECT * WHERE { BIND("\\U00110000" AS ?x) }'),
        query(port, "SELECT * WHERE { ?s ?p \\uD800 }"),
        request(port, "GET", "/explain?" + urllib.parse.urlencode(
            {"s": "<<( <http://a> <http://b> <http://c> )>>", "p": "<http://b>", "o": "<http://c>"})),
        request(port, "GET", "/explain?s=%00&p=%3Chttp://b%3E&o=%22x"),
        request(port, "POST", "/validate", b"@prefix ex: <http://example.org/> .\nex:a ex:b <<( ex:c ex:d ex:e )>> .\n",
                {"Content-Type": "text/turtle"}),
        request(port, "POST", "/validate", b"<a> <b> <c> .", {"Content-Type": "text/n3"}),
        request(port, "GET", "/api/queries/" + "x" * 5000),
    ]
    for status, headers, body in cases:
        assert 400 <= status < 500, (status, body)
        assert body.strip(), status
        assert headers["X-Content-Type-Options"] == "nosniff"
    bad_chunk = raw(port, b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
    assert bad_chunk.startswith(b"HTTP/1.1 400"), bad_chunk[:200]
    assert b"nosniff" in bad_chunk


def test_protocol_edges(live):
    _, port, log_path = live
    no_host = raw(port, b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert no_host.startswith(b"HTTP/1.1 400"), no_host[:200]
    status, headers, _ = request(port, "TRACE", "/sparql")
    assert status == 405
    assert not {m.strip() for m in headers["Allow"].split(",")} & {"PUT", "PATCH", "DELETE", "TRACE"}
    status, headers, _ = request(port, "GET", "/id/", headers={"SCRIPT_NAME": "//evil.example",
                                                             "X-Forwarded-Host": "evil.example",
                                                             "X-Forwarded-Prefix": "//evil.example"})
    assert status < 500 and "evil" not in headers.get("Location", "")
    long_line = raw(port, b"GET /sparql?query=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert long_line.startswith(b"HTTP/1.1 414") and b"POST" in long_line
    request(port, "GET", "/health%0aGET%20/forged%20200%20%1b[31m")
    time.sleep(0.3)
    log = log_path.read_text(errors="replace")
    assert "\x1b" not in log
    assert not any(line.lstrip().startswith("GET /forged") for line in log.splitlines())


# --- load: 32 clients at once -------------------------------------------------------------------


def test_health_and_a_simple_query_answer_under_load(live):
    """20 slow clients, 4 runaway queries, a large /validate and 7 ordinary clients, at once."""
    _, port, _ = live
    stop = threading.Event()
    errors: list = []
    served = {"health": 0, "query": 0}

    def slow_client():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=ANSWER) as sock:
                for byte in b"GET /health HTTP/1.1\r\nHost: x\r\n":
                    if stop.is_set():
                        return
                    sock.send(bytes([byte]))
                    time.sleep(0.2)
        except OSError:
            pass  # closed by the server: that is its job

    def runaway():
        query(port, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", source="127.0.0.5")

    def large_validate():
        body = "".join(f"<http://example.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> \"x{i}\"@ca .\n"
                       for i in range(15_000)).encode()
        try:
            request(port, "POST", "/validate", body, {"Content-Type": "application/n-triples"}, source="127.0.0.6")
        except OSError:
            pass  # answered (503: validation busy) and closed before the whole body was sent: the server's choice

    def ordinary(kind):
        while not stop.is_set():
            try:
                if kind == "health":
                    status = request(port, "GET", "/health", source="127.0.0.7")[0]
                else:
                    status = query(port, "ASK { ?s ?p ?o }", source="127.0.0.8")[0]
            except OSError as err:
                errors.append((kind, repr(err)))
                continue
            if status != 200:
                errors.append((kind, status))
            served[kind] += 1

    threads = [threading.Thread(target=slow_client) for _ in range(20)]
    threads += [threading.Thread(target=runaway) for _ in range(4)]
    threads += [threading.Thread(target=large_validate)]
    threads += [threading.Thread(target=ordinary, args=("health",)) for _ in range(4)]
    threads += [threading.Thread(target=ordinary, args=("query",)) for _ in range(3)]
    assert len(threads) == 32
    for thread in threads:
        thread.start()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=ANSWER * 2)
    assert errors == []
    assert served["health"] >= 10 and served["query"] >= 3, served


# --- start-up: a broken named query stops the server --------------------------------------------


def test_a_broken_named_query_stops_serve_with_file_and_line(runner, tmp_path, monkeypatch):
    from kgserver import bundle
    from kgserver.cli import cli
    from kgserver.web import server as server_module

    good = bundle.query_files()[0]
    broken = tmp_path / "broken.rq"
    broken.write_text("#+ summary: broken\nSELECT ?x WHERE {\n  ?x ?y\n", encoding="utf-8")
    monkeypatch.setattr(bundle, "query_files", lambda subfolder=None: [good, broken])
    started = []
    monkeypatch.setattr(server_module, "run_server", lambda *a, **k: started.append(a))
    result = runner.invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert f"{broken}:3:" in result.output or f"{broken}:4:" in result.output, result.output
    assert started == []


def test_rdf12_triple_terms_are_refused_with_file_and_line(runner, tmp_path, monkeypatch):
    """In a contribution (``validate``) and in a data file (``serve``): exit 2, file:line, no traceback."""
    from kgserver import dataset
    from kgserver.cli import cli
    from kgserver.web import server as server_module

    starred = tmp_path / "starred.ttl"
    starred.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b <<( ex:c ex:d ex:e )>> .\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(starred)])
    assert result.exit_code == 2, result.output
    assert f"{starred}:3:" in result.output and "triple terms" in result.output
    assert "Traceback" not in result.output

    good = dataset.bundled_sources()[0]
    monkeypatch.setattr(
        dataset, "bundled_sources", lambda **_: [good, dataset.Source(starred, dataset.graph_iri_for(starred, "data"))]
    )
    monkeypatch.setenv("KGSERVER_BUILD_DIR", str(tmp_path / "build"))
    started = []
    monkeypatch.setattr(server_module, "run_server", lambda *a, **k: started.append(a))
    result = runner.invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert f"{starred}:3:" in result.output
    assert started == []
