"""The external-store client without a real store: a loopback canary that records every request.

The canary answers the start-up figures query like a store holding a release, and whatever
a test tells it to for the rest; it records every request, so a test can assert what was
(and what was never) sent upstream.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from kgserver.namespaces import INFERRED_GRAPH
from kgserver.remote import FIGURES, RELEASE
from kgserver.remote.client import SparqlClient, endpoints_for
from kgserver.remote.store import RemoteStore, upstream_text

FIGURES_JSON = json.dumps({"distinct_triples": 3, "quads": 3, "graphs": {"urn:g": 3}})


class Canary:
    """A loopback HTTP server standing in for a store: records requests, answers as told."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = None  # (status, content type, body bytes, seconds to wait first) for non-figures queries
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                canary.requests.append({"path": self.path, "form": form,
                                        "authorization": self.headers.get("Authorization")})
                text = form.get("query", [""])[0]
                if FIGURES in text:
                    body = json.dumps({"head": {"vars": ["figures"]}, "results": {"bindings": [
                        {"figures": {"type": "literal", "value": FIGURES_JSON}}]}}).encode()
                    self._send(200, "application/sparql-results+json", body)
                    return
                status, media, body, wait = canary.answer or (500, "text/plain", b"no answer set", 0)
                time.sleep(wait)
                self._send(status, media, body)

            def _send(self, status, media, body):
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/query"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def queries(self) -> list[str]:
        """Return the query texts sent, the start-up figures query left out."""
        return [r["form"].get("query", [""])[0] for r in self.requests if FIGURES not in str(r["form"])]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def canary():
    store = Canary()
    yield store
    store.close()


def _rows(count: int) -> bytes:
    return json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": f"urn:s{i}"}} for i in range(count)]}}).encode()


@pytest.fixture()
def remote_client(canary):
    from kgserver.app import create_app

    app = create_app({"TESTING": True, "STORE": canary.url, "MAX_RESULT_ROWS": 5, "QUERY_TIMEOUT": 1.0})
    return app.test_client()


def test_endpoints_follow_the_store_layout():
    virtuoso = endpoints_for("http://h:8890/sparql")
    assert (virtuoso.kind, virtuoso.update, virtuoso.graphs) == (
        "virtuoso", "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth")
    oxigraph = endpoints_for("http://h:7878/query")
    assert (oxigraph.kind, oxigraph.update, oxigraph.graphs) == ("oxigraph", "http://h:7878/update", "http://h:7878/store")


@pytest.mark.parametrize("url", ["ftp://h/sparql", "http://u:secret@h:8890/sparql", "http://h/somewhere"])
def test_bad_store_urls_are_refused_without_echoing_credentials(url):
    from kgserver.errors import ConfigurationError

    with pytest.raises(ConfigurationError) as caught:
        endpoints_for(url)
    assert "secret" not in str(caught.value)


def test_updates_service_and_load_are_refused_before_anything_is_sent(canary, remote_client):
    for text in ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "LOAD <http://example.org/x>",
                 "DROP ALL", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                 "SELECT * WHERE { ?s ?p ?o "]:
        response = remote_client.post("/sparql", data={"query": text})
        assert response.status_code in (400, 403), text
    assert canary.queries() == []


def test_the_row_limit_cuts_the_answer_and_says_so(canary, remote_client):
    canary.answer = (200, "application/sparql-results+json", _rows(50), 0)
    response = remote_client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"},
                                 headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.data.decode().split("\r\n")[1:-1] == [f"urn:s{i}" for i in range(5)]
    assert response.headers["KGServer-Results-Truncated"] == "5"


def test_the_time_limit_abandons_the_upstream_request(canary, remote_client):
    canary.answer = (200, "application/sparql-results+json", _rows(1), 3)
    started = time.monotonic()
    response = remote_client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert response.status_code == 503
    assert "time limit" in response.data.decode()
    assert time.monotonic() - started < 2.5  # abandoned at the 1 s limit, not after the 3 s answer


def test_a_store_fault_is_a_server_error_and_the_protocol_dataset_is_sent(canary, remote_client):
    canary.answer = (500, "text/plain", b"store exploded", 0)
    response = remote_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 500
    sent = [r["form"] for r in canary.requests if "ASK" in str(r["form"])][0]
    assert sent["default-graph-uri"] == ["urn:x-kgserver:published:merge", str(INFERRED_GRAPH)]  # disjoint parts
    assert sent["named-graph-uri"] == ["urn:g"]


def test_select_star_lists_variables_as_the_embedded_engine_does(canary, remote_client):
    body = json.dumps({"head": {"vars": ["s", "o"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": "urn:s"}, "o": {"type": "literal", "value": "x"}}]}}).encode()
    canary.answer = (200, "application/sparql-results+json", body, 0)
    response = remote_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s <urn:p> ?o }"},
                                 headers={"Accept": "text/csv"})
    expected = ox.Store().query("SELECT * WHERE { ?s <urn:p> ?o }").variables
    assert response.data.decode().split("\r\n")[0] == ",".join(v.value for v in expected)


def test_bindings_go_into_the_where_group_as_terms():
    hostile = ox.Literal('x" } } INSERT DATA { <urn:a> <urn:b> <urn:c> } #')
    text = upstream_text("SELECT ?a WHERE { ?a ?b ?c }", bindings=[("c", hostile)])
    parsed = ox.Store().query(text)  # still one SELECT, the value one literal
    assert isinstance(parsed, ox.QuerySolutions)
    assert text.startswith("SELECT ?a WHERE { VALUES (?c) { (")


def test_credentials_are_sent_only_when_asked_and_never_shown(canary, monkeypatch):
    monkeypatch.setenv("KGSERVER_STORE_USER", "publisher")
    monkeypatch.setenv("KGSERVER_STORE_PASSWORD", "s3cret-value")
    client = SparqlClient(canary.url)
    assert "s3cret" not in repr(client)
    store = RemoteStore(canary.url, client=client)
    assert store.figures["distinct_triples"] == 3
    assert all(r["authorization"] is None for r in canary.requests)  # queries go unauthenticated
    from kgserver.remote.client import StoreUnavailable

    canary.answer = (401, "text/plain", b"no", 0)
    with pytest.raises(StoreUnavailable) as caught:
        client.update("CLEAR GRAPH <urn:x>", timeout=2)
    assert "s3cret" not in str(caught.value) and "publisher" not in str(caught.value)


def test_a_store_without_a_release_stops_serve_with_a_clear_message(runner):
    from kgserver.cli import cli

    result = runner.invoke(cli, ["serve", "--store", "http://127.0.0.1:1/sparql", "--port", "0"])
    assert result.exit_code == 2
    assert "cannot reach the store at http://127.0.0.1:1/sparql" in result.output


def test_publish_takes_a_build_directory_as_it_is(runner, canary, tmp_path):
    """``--build-dir`` names a build to publish (any inputs); an empty folder is refused before anything is sent."""
    from kgserver.cli import cli

    result = runner.invoke(cli, ["publish", "--store", canary.url, "--build-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "holds no complete build" in result.output
    assert not any(tmp_path.iterdir())  # nothing was built there
    assert not canary.requests


def test_a_fingerprint_ignores_order_and_blank_node_names_but_not_a_changed_triple():
    """What ``publish`` compares to skip loading a graph again (kgserver.remote.publish.fingerprint)."""
    from kgserver.remote.publish import fingerprint

    s, p, o = ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")
    graph = [ox.Triple(s, p, o), ox.Triple(s, p, ox.Literal("x", language="ca")), ox.Triple(ox.BlankNode("a"), p, s)]
    mark = fingerprint(graph)
    assert mark[:2] == [3, 1]
    assert fingerprint(reversed(graph)) == mark
    assert fingerprint(graph[:2] + [ox.Triple(ox.BlankNode("b"), p, s)]) == mark  # blank nodes named afresh
    assert fingerprint(graph[:1] + [ox.Triple(s, p, ox.Literal("x", language="es")), graph[2]]) != mark
    assert fingerprint(graph[:2]) != mark  # a blank node triple fewer


def test_build_dir_without_a_store_is_a_usage_error(runner):
    from kgserver.cli import cli

    result = runner.invoke(cli, ["serve", "--port", "0", "--build-dir", "/nonexistent"])
    assert result.exit_code == 2 and "--build-dir goes with --store" in result.output


def test_pages_keep_the_last_resources_only_over_the_embedded_build(remote_client, client):
    """A release switched into the external store is read at once (docs/store.md): no page keeps a resource's
    description or existence from before; the embedded build, which cannot change, keeps them."""
    from kgserver.web.page_cache import PagesCache

    assert remote_client.application.extensions["kgserver.pages"].keep_recent is False
    assert client.application.extensions["kgserver.pages"].keep_recent is True
    made = []
    for keep in (False, True):
        cache = PagesCache(keep_recent=keep)
        for _ in range(2):
            cache.recent(("exists", "x"), lambda: made.append(keep) or len(made))
    assert made == [False, False, True]
