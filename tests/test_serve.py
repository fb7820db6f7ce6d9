"""``kgserver serve``: the real server on loopback, used by real SPARQL clients.

The clients talk to the session's ``live`` server (``tests/conftest.py``, shared with the hostile-client and
browser-UI modules: one start-up for them all); the tests about starting and stopping start their own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("live-server")]

QUERY_TIMEOUT = 2


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(log_path: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``kgserver serve`` on a free loopback port; return the process and its base URL."""
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "kgserver", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--timeout", str(QUERY_TIMEOUT), "--query-workers", "2", "--threads", "8", *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kgserver serve exited with {process.returncode}: {log_path.read_text()}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"kgserver serve did not answer within 60 s: {log_path.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server (gunicorn's graceful shutdown) and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture()
def server(live):
    """The session's live ``kgserver serve`` (its time limit is ``conftest.HOSTILE_TIMEOUT``): (base URL, log path)."""
    host, port, log_path = live
    return f"http://{host}:{port}", log_path


@pytest.fixture()
def endpoint(server):
    return server[0] + "/sparql"


def test_serve_prints_its_url(server):
    base, log_path = server
    assert f"serving on {base}/" in log_path.read_text()


def test_sparqlwrapper_select_json(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> } LIMIT 3")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["head"]["vars"] == ["c"]
    assert len(result["results"]["bindings"]) == 3


def test_sparqlwrapper_select_xml_by_post(endpoint):
    from SPARQLWrapper import POST, XML, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery("SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> } LIMIT 2")
    client.setReturnFormat(XML)
    document = client.query().convert()  # an xml.dom.minidom document
    assert len(document.getElementsByTagName("result")) == 2


def test_sparqlwrapper_ask(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("ASK { ?c a <http://www.w3.org/2002/07/owl#Class> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_construct(endpoint):
    from SPARQLWrapper import TURTLE, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("CONSTRUCT { ?c a ?t } WHERE { ?c a ?t } LIMIT 4")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 4


def test_sparqlwrapper_syntax_error(endpoint):
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed) as raised:
        client.query()
    assert "line 1, column" in str(raised.value)


def test_rdflib_sparqlstore(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(graph.query("SELECT ?c WHERE { ?c a owl:Class FILTER isIRI(?c) } LIMIT 5", initNs={"owl": OWL}))
    assert len(rows) == 5
    assert all(isinstance(row[0], URIRef) for row in rows)
    classes = list(graph.triples((None, RDF.type, OWL.Class)))
    assert classes
    assert graph.query("ASK { ?c a owl:Class }", initNs={"owl": OWL}).askAnswer is True


def test_update_is_403_over_http(endpoint):
    request = urllib.request.Request(
        endpoint, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 403


def test_timeout_over_http_while_others_are_served(endpoint):
    import http.client
    import threading
    import urllib.parse

    from SPARQLWrapper import JSON, SPARQLWrapper

    outcome = {}

    def slow():
        data = b"query=" + urllib.request.quote(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        ).encode()
        # from another loopback address: another client (one client gets a share of the workers only)
        url = urllib.parse.urlsplit(endpoint)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=("127.0.0.2", 0))
        conn.request("POST", url.path, body=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
        answer = conn.getresponse()
        outcome["status"], outcome["body"] = answer.status, answer.read()
        conn.close()

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    answered = 0
    client = SPARQLWrapper(endpoint)
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    while thread.is_alive():
        assert client.query().convert()["boolean"] is True
        answered += 1
    thread.join()
    assert answered >= 3
    assert outcome["status"] == 503
    assert b"stopped" in outcome["body"]


def test_over_long_get_is_a_clear_414_and_post_works(endpoint):
    from urllib.parse import quote

    from kgserver.commands.serve import MAX_REQUEST_LINE

    query = "ASK { ?s ?p ?o } #" + "x" * (MAX_REQUEST_LINE + 100)
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(endpoint + "?query=" + quote(query), timeout=10)
    assert raised.value.code == 414
    assert raised.value.headers["Content-Type"] == "text/plain; charset=utf-8"
    body = raised.value.read().decode()
    assert str(MAX_REQUEST_LINE) in body and "POST" in body
    request = urllib.request.Request(
        endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b"true" in response.read()


def test_w3c_endpoint_path_with_a_slash(endpoint):
    with urllib.request.urlopen(endpoint + "/?query=ASK%20%7B%7D", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
        assert b"true" in response.read()


def test_trivial_queries_right_after_start_up(tmp_path):
    """The first queries after start-up are answered at once, however many arrive together."""
    import concurrent.futures

    process, base = start_server(tmp_path / "fresh.log")
    try:
        url = base + "/sparql?query=" + urllib.request.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

        def ask(_):
            started = time.monotonic()
            with urllib.request.urlopen(url, timeout=QUERY_TIMEOUT * 5) as response:
                return response.status, time.monotonic() - started

        with concurrent.futures.ThreadPoolExecutor(8) as executor:
            answers = list(executor.map(ask, range(16)))
        assert all(status == 200 for status, _ in answers)
        assert max(took for _, took in answers) < QUERY_TIMEOUT
    finally:
        stop_server(process)


def test_one_log_line_per_request(server, endpoint):
    base, log_path = server
    urllib.request.urlopen(base + "/health?marker=1", timeout=5).read()
    time.sleep(0.3)
    lines = [line for line in log_path.read_text().splitlines() if "GET /health " in line]
    assert lines
    assert lines[-1].split("kgserver.access: ")[1].split()[:3] == ["GET", "/health", "200"]
    assert lines[-1].endswith(" B") and " ms " in lines[-1]


# --- start-up refusal (in-process: the command is a thin shell over create_app) ------------


def test_serve_refuses_broken_input(runner, tmp_path, monkeypatch):
    from kgserver import dataset
    from kgserver.cli import cli

    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \n", encoding="utf-8")
    good = dataset.bundled_sources()[0]
    monkeypatch.setattr(
        dataset, "bundled_sources", lambda **_: [good, dataset.Source(broken, dataset.graph_iri_for(broken, "data"))]
    )
    monkeypatch.setenv("KGSERVER_BUILD_DIR", str(tmp_path / "build"))
    started = []
    from kgserver.web import server as server_module

    monkeypatch.setattr(server_module, "run_server", lambda *a, **k: started.append(a))
    result = runner.invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert "broken.ttl:" in result.output
    assert started == []


def test_serve_help_lists_the_options(runner):
    from kgserver.cli import cli

    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers", "--engine", "--timeout", "--no-inferred"):
        assert option in result.output


# --- starting and stopping -----------------------------------------------------------------


def test_taken_port_is_one_clear_line_and_exit_2_at_once(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "kgserver", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [f"Error: port {port} is in use; choose another with --port"]
    assert time.monotonic() - started < 20  # no gunicorn retries (five seconds of them)


def test_ctrl_c_after_a_fresh_build_stops_cleanly(tmp_path):
    """Serve builds the store itself (empty cache), answers, then gets Ctrl-C: no crash of any process."""
    import signal

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "KGSERVER_BUILD_DIR": str(tmp_path / "build"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kgserver", "serve", "--port", str(port), "--query-workers", "2", "--threads", "4"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
            while True:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        assert response.status == 200
                        break
                except OSError:
                    time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/void", timeout=30) as response:
                assert response.status == 200  # a page: the web process opens the store too
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    output = log_path.read_text()
    assert (tmp_path / "build" / "store").is_dir()
    for crash in ("terminate called", "std::system_error", "SIGABRT", "SIGSEGV", "Traceback", "was sent"):
        assert crash not in output, output
