"""Shared fixtures: the bundled graph (session-scoped), the app, its client and a CLI runner."""

from __future__ import annotations

import socket
import threading

import pytest
from click.testing import CliRunner

from kgserver import dataset


@pytest.fixture(scope="session")
def bundled_graphs():
    """Named graph IRI -> rdflib graph, for every bundled ontology, import and data file."""
    graphs = dataset.load_graphs(dataset.bundled_sources())
    assert graphs, "no bundled RDF files were found"
    return graphs


@pytest.fixture(scope="session")
def bundled_graph(bundled_graphs):
    """The union of every bundled file as one rdflib graph (asserted facts only)."""
    return dataset.union_graph(bundled_graphs)


@pytest.fixture(scope="session")
def bundled_owlrl_closure(bundled_graph):
    """owlrl's OWL 2 RL closure of every bundled file, computed once (the slowest thing the suite does).

    Tests that use it carry ``@pytest.mark.xdist_group("owlrl")`` so that one worker computes it.
    """
    from kgserver.ontodoc.quality import owl_rl_closure

    return owl_rl_closure(bundled_graph)


@pytest.fixture(scope="session")
def app():
    """The web application on the bundled graph, created once for the test session."""
    from kgserver.app import create_app

    return create_app({"TESTING": True})


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the session app over real HTTP on a free loopback port (the OS picks it: safe under xdist)."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


#: Debian's Chromium, headless and offline, for the browser tests.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, for one test module (stopped before the next one starts:
    a Playwright kept to the end of an xdist worker's session hung in its teardown)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def listener():
    """A loopback TCP server that records every connection made to it: yields (its URL, the connections).

    Put its URL in an input that must never make kgserver fetch anything, then assert the list is empty.
    """
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    connections: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            connections.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", connections
    stop.set()
    thread.join(timeout=2)
    server.close()
