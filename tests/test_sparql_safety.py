"""Read-only, no outbound requests, time/row/size limits, and other clients served meanwhile."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from kgserver.app import create_app

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
#: A cross product of the whole graph with itself three times: hours of work.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIMEOUT = 1.0


@pytest.fixture(scope="module")
def limited_app():
    """An app with a short time limit, a small row limit and a small request size limit."""
    app = create_app(
        {"TESTING": True, "QUERY_TIMEOUT": TIMEOUT, "MAX_RESULT_ROWS": 5, "MAX_CONTENT_LENGTH": 2048, "QUERY_WORKERS": 2}
    )
    yield app
    app.extensions["kgserver"].close()


@pytest.fixture()
def limited(limited_app):
    return limited_app.test_client()


def triple_count(client) -> int:
    response = client.get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


# --- read-only --------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP ALL",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "PREFIX ex: <http://example.org/>\nWITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda u: u.split()[0] if not u.startswith("PREFIX") else "WITH")
def test_update_is_refused_every_way(client, update):
    before = triple_count(client)
    answers = [
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data=update.encode(), content_type="application/sparql-update"),
        client.get("/sparql", query_string={"update": update}),
        client.get("/sparql", query_string={"query": update}),
        client.post("/sparql", data=update.encode(), content_type="application/sparql-query"),
    ]
    for response in answers:
        assert response.status_code == 403, (response.status_code, response.data)
        assert b"read-only" in response.data
    assert triple_count(client) == before


# --- no outbound requests --------------------------------------------------------------------


def _service_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?x ?y ?z . service<{url}/sparql>{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",  # escapes apply to the whole text
        f"SELECT * WHERE {{ BIND(<{url}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_without_any_connection(client, listener):
    url, connections = listener
    for query in _service_queries(url):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 400, query
        assert b"SERVICE is not allowed" in response.data
    time.sleep(0.3)
    assert connections == []


def test_service_in_strings_iris_and_names_is_fine(client):
    query = (
        'PREFIX service: <http://example.org/service#>\n'
        'SELECT ?service WHERE { BIND("SERVICE <http://x>" AS ?service) } # SERVICE <http://x>'
    )
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_from_and_graph_parameters_never_fetch(client, listener):
    url, connections = listener
    requests = [
        {"query": f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{url}/data.ttl"},
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}/data.ttl"},
    ]
    for params in requests:
        response = client.get("/sparql", query_string=params)
        assert response.status_code == 200
        assert json.loads(response.data)["results"]["bindings"] == []
    time.sleep(0.3)
    assert connections == []


def test_rdflib_engine_never_connects(listener, monkeypatch):
    """In-process, with every socket connection made to fail the test."""
    from kgserver.engine import QueryRequest, make_engine
    from kgserver.engine.errors import ServiceRefused
    from kgserver.store import open_store

    url, _ = listener
    engine = make_engine("rdflib", open_store())
    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempts.append(address))
    for query in _service_queries(url):
        with pytest.raises(ServiceRefused):
            engine.execute(QueryRequest(query))
    answer = engine.execute(QueryRequest(f"SELECT * FROM <{url}/data.ttl> FROM NAMED <{url}/g.ttl> WHERE {{ ?s ?p ?o }}"))
    assert json.loads(answer.body)["results"]["bindings"] == []
    assert attempts == []


# --- limits ------------------------------------------------------------------------------------


def test_row_limit_truncates_and_says_so(limited):
    response = limited.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert len(json.loads(response.data)["results"]["bindings"]) == 5
    assert response.headers["KGServer-Results-Truncated"] == "5"
    small = limited.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert "KGServer-Results-Truncated" not in small.headers


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_limit_in_every_format(limited, fmt):
    import pyoxigraph as ox

    response = limited.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "format": fmt})
    assert response.headers["KGServer-Results-Truncated"] == "5"
    if fmt == "csv":
        assert len(response.data.decode().strip().split("\r\n")) == 6
    else:
        parsed = ox.parse_query_results(response.data, format=getattr(ox.QueryResultsFormat, fmt.upper()))
        assert len(list(parsed)) == 5
    under = limited.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "format": fmt})
    assert "KGServer-Results-Truncated" not in under.headers


def test_row_limit_applies_to_graphs(limited):
    response = limited.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    assert len(response.data.strip().splitlines()) == 5
    assert response.headers["KGServer-Results-Truncated"] == "5"


def test_request_size_limit(limited):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 4096
    for response in (
        limited.post("/sparql", data={"query": query}),
        limited.post("/sparql", data=query.encode(), content_type="application/sparql-query"),
    ):
        assert response.status_code == 413
        assert b"MAX_CONTENT_LENGTH" in response.data


def test_timeout_stops_the_query_and_others_are_served(limited_app):
    """A pathological query is stopped at the limit; meanwhile other clients get answers."""
    slow_result = {}

    def slow():
        started = time.monotonic()
        response = limited_app.test_client().get("/sparql", query_string={"query": PATHOLOGICAL})
        slow_result.update(status=response.status_code, body=response.data, took=time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    fast = limited_app.test_client()
    fast.environ_base["REMOTE_ADDR"] = "127.0.0.2"  # another client: the slow one holds its own share only
    answered = 0
    while thread.is_alive():
        started = time.monotonic()
        response = fast.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert response.status_code == 200
        assert time.monotonic() - started < TIMEOUT / 2  # not queued behind the slow query
        answered += 1
        time.sleep(0.02)
    thread.join()
    assert answered >= 5
    assert slow_result["status"] == 503
    assert b"stopped after 1 s" in slow_result["body"]
    assert TIMEOUT <= slow_result["took"] < TIMEOUT + 1.5


def test_worker_is_replaced_after_a_timeout(limited_app):
    pool = limited_app.extensions["kgserver"].pool()
    before = pool.replaced
    client = limited_app.test_client()
    assert client.get("/sparql", query_string={"query": PATHOLOGICAL}).status_code == 503
    assert pool.replaced == before + 1
    for _ in range(pool.size * 2):  # every worker, old and new, answers
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_busy_pool_answers_503(limited_app):
    """With every worker stuck, a query that cannot get one within its limit gets a clear 503."""
    from kgserver.engine import QueryRequest
    from kgserver.engine.errors import EndpointBusy

    pool = limited_app.extensions["kgserver"].pool()
    threads = [threading.Thread(target=lambda i=i: limited_app.test_client().get(  # one client each
        "/sparql", query_string={"query": PATHOLOGICAL}, environ_base={"REMOTE_ADDR": f"127.0.0.{10 + i}"}))
        for i in range(pool.size)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    with pytest.raises(EndpointBusy) as raised:
        pool.run(QueryRequest("ASK {}"), timeout=0.3)
    for thread in threads:
        thread.join()
    assert raised.value.http_status == 503
    assert "busy" in str(raised.value)


def test_a_worker_killed_while_idle_is_replaced(limited_app):
    """A worker that died between queries (OOM killer, an operator) costs no failed query."""
    import os
    import signal

    pool = limited_app.extensions["kgserver"].pool()
    client = limited_app.test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    victims = []
    while len(victims) < pool.size:  # take every idle worker out, kill it, put it back
        victims.append(pool._idle.get(timeout=5))
    for worker in victims:
        os.kill(worker.pid, signal.SIGKILL)
        pool._idle.put(worker)
    time.sleep(0.2)
    for _ in range(pool.size + 1):
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_query_workers_default(app):
    from kgserver.app import DEFAULTS
    from kgserver.web.state import default_query_workers

    assert DEFAULTS["QUERY_WORKERS"] is None
    assert app.extensions["kgserver"].query_workers == default_query_workers() >= 2


def test_bad_limits_are_a_configuration_error():
    from kgserver.errors import ConfigurationError

    for config in ({"QUERY_WORKERS": 0}, {"QUERY_TIMEOUT": -1}, {"QUERY_WORKERS": "many"}):
        with pytest.raises(ConfigurationError):
            create_app({"TESTING": True, **config})


# --- the worker pool: a worker's death is always seen ------------------------------------------


class _EchoEngine:
    """A stand-in engine: answers every query at once."""

    def execute(self, request):
        from kgserver.engine import Answer

        return Answer("text/plain", request.text.encode())


def test_a_pool_starting_meanwhile_never_hides_a_dead_worker(monkeypatch):
    """Another pool's zygote forked while a worker is being spawned must not keep its socket open.

    Otherwise the worker's death shows no end-of-file, the next query is sent to a dead worker
    and waits for the whole time limit: a 503 for a trivial query (the start-up flake).
    """
    import os
    import signal

    from kgserver.engine import QueryRequest
    from kgserver.engine import pool as pool_module

    first = pool_module.WorkerPool(_EchoEngine, 1, 2.0).start()
    second = pool_module.WorkerPool(_EchoEngine, 1, 2.0)
    sending, real_send_fds = threading.Event(), socket.send_fds

    def slow_send_fds(sock, buffers, fds, *args):
        sending.set()
        time.sleep(0.3)  # the other pool forks its zygote now, if it can
        return real_send_fds(sock, buffers, fds, *args)

    try:
        monkeypatch.setattr(pool_module.socket, "send_fds", slow_send_fds)
        spawned = []
        spawner = threading.Thread(target=lambda: spawned.append(first._spawn()))
        spawner.start()
        assert sending.wait(5)
        second.start()
        spawner.join()
        monkeypatch.setattr(pool_module.socket, "send_fds", real_send_fds)
        worker = spawned[0]
        os.kill(worker.pid, signal.SIGKILL)
        time.sleep(0.2)
        assert not pool_module._alive(worker)  # end-of-file seen: no other process holds its socket
        first._idle.put(worker)
        started = time.monotonic()
        assert first.run(QueryRequest("ASK {}")).body == b"ASK {}"
        assert time.monotonic() - started < 1.0
    finally:
        first.close()
        second.close()


# --- SERVICE decided by structure, and no network in the query workers -------------------------


def _bypasses(url: str) -> list[str]:
    """Texts a lexical scan can misread: ``<`` taken for an IRI, ``#`` for a comment, escapes."""
    return [
        f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}/x>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ FILTER(1<2)\\u0053ERVICE#>\n<{url}/x>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ FILTER(?x<'a')SERVICE #'>\n<{url}/x>{{?s ?p ?o}} }}",
    ]


def test_service_is_refused_by_its_parsed_form(client, listener):
    url, connections = listener
    for query in _bypasses(url):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 400, (query, response.data)
        assert b"SERVICE" in response.data
    time.sleep(0.3)
    assert connections == []


class _UncheckedEngine:
    """An engine that runs any text on Oxigraph without the endpoint's checks (the worst parser gap)."""

    def __init__(self, store):
        self.store = store

    def execute(self, request):
        from kgserver.engine import Answer

        try:
            result = self.store.query(request.text)
            return Answer("text/plain", repr(list(result)).encode())
        except Exception as err:  # what Oxigraph says when SERVICE cannot connect
            return Answer("text/plain", f"{type(err).__name__}: {err}".encode())


def test_query_workers_cannot_reach_the_network(listener):
    """Even a SERVICE clause that reaches Oxigraph unchecked makes no connection."""
    import pyoxigraph as ox

    from kgserver.engine import QueryRequest
    from kgserver.engine.pool import WorkerPool

    url, connections = listener
    pool = WorkerPool(lambda: _UncheckedEngine(ox.Store()), 1, 10.0).start()
    try:
        assert pool.isolated
        answer = pool.run(QueryRequest(f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"))
    finally:
        pool.close()
    assert b"ermission" in answer.body or b"not permitted" in answer.body, answer.body
    time.sleep(0.3)
    assert connections == []


def test_isolation_blocks_inet_sockets_and_keeps_unix_ones():
    from kgserver.engine import isolation

    assert isolation.supported() is None
    assert isolation.probe() is None


def test_pool_without_isolation_only_when_asked(monkeypatch):
    import pyoxigraph as ox

    from kgserver.engine import isolation
    from kgserver.engine.pool import WorkerPool
    from kgserver.errors import ConfigurationError

    monkeypatch.setattr(isolation, "supported", lambda: "no seccomp here (test)")
    with pytest.raises(ConfigurationError, match="QUERY_ISOLATION=off"):
        WorkerPool(lambda: _UncheckedEngine(ox.Store()), 1, 5.0).start()
    pool = WorkerPool(lambda: _UncheckedEngine(ox.Store()), 1, 5.0, isolation="off").start()
    try:
        assert not pool.isolated
    finally:
        pool.close()


# --- no quadratic work on input ------------------------------------------------------------------

#: Inputs built to make a backtracking scan go over the text again from every position.
_WORST_QUERIES = [
    "SELECT * WHERE { FILTER(?o = '" + "\\'" * 150_000,
    'SELECT * WHERE { FILTER(?o = """' + '\\"' * 150_000,
    "SELECT * WHERE { " + "<a" * 150_000,
    "SELECT * WHERE { " + "(" * 100_000 + "<a#" * 20_000,
    "SELECT * WHERE { " + "'" + "<" * 200_000,
]
_WORST_XML = [
    b"<?xml version='1.0'?>" + b"<!ENTITY " * 400_000,
    b"<!DOCTYPE " * 400_000,
    b"<!DOCTYPE r [" + b"<!ENTITY a 'x'>" * 200_000,
]

_RUN_WORST = """
import sys
from kgserver.engine.scan import scan
from kgserver.errors import KGError
from kgserver.rdfio import parse_bytes
import tests.test_sparql_safety as cases
for text in cases._WORST_QUERIES:
    info = scan(text)
    print("scan", len(text), info.too_deep, flush=True)
for body in cases._WORST_XML:
    try:
        parse_bytes(body, "xml")
        print("xml accepted", len(body), flush=True)
    except KGError as err:
        print("xml refused", len(body), type(err).__name__, flush=True)
"""


def test_worst_case_inputs_take_linear_work():
    """Scan and RDF/XML check finish on worst-case texts of a few hundred KB (quadratic: hours)."""
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", _RUN_WORST], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(_WORST_QUERIES) + len(_WORST_XML), lines
    assert lines[3].endswith("True")  # 100,000 nested brackets are seen, IRI-looking text or not
    assert all(line.startswith("xml refused") for line in lines[len(_WORST_QUERIES):]), lines


def test_nesting_hidden_from_a_lexical_scan_is_counted(client):
    hidden = "SELECT * WHERE { " + " FILTER(?x<1#>)\n" * 300 + "}"  # '#>' is a comment to the engine
    quoted = "SELECT * WHERE { " + "<< " * 300 + "}"
    for query in (hidden, quoted):
        response = client.get("/sparql", query_string={"query": query}) if len(query) < 6000 else client.post(
            "/sparql", data=query.encode(), content_type="application/sparql-query"
        )
        assert response.status_code == 400, response.data
        assert b"levels deep" in response.data


def test_escape_past_the_last_code_point_is_a_400(client):
    response = client.get("/sparql", query_string={"query": 'SELECT * WHERE { BIND("\\U00110000" AS ?x) }'})
    assert response.status_code == 400
    assert b"names no Unicode character" in response.data


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_row_limit_stops_the_evaluation(limited, fmt):
    """A result of 100 million rows (cross product) is cut at the limit instead of being built: 200, not 503."""
    query = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } GRAPH ?h { ?a ?b ?c } }"
    response = limited.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200, response.data
    assert response.headers["KGServer-Results-Truncated"] == "5"
