"""Shared fixtures: the bundled graph (session-scoped), the app, its client, a CLI runner, shared validations."""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgserver import dataset


#: Test modules whose module- or session-scoped fixtures are expensive: a build, a server or Chromium
#: started, the rdflib engine loaded, every case validated.  Each runs on one worker (an ``xdist_group``
#: named after the module, ``--dist loadgroup``) so that its fixtures are made once, not once on each
#: worker that gets some of its tests.  (Modules sharing a group set theirs in the module: ``live-server``
#: for those using the ``live`` server, below; ``browser`` for the other Chromium modules.)
ONE_WORKER_MODULES = {
    "test_build.py",  # a full build of the bundle
    "test_clients.py",  # npm ci when Comunica is missing: never twice at once in one folder
    "test_ontology.py", "test_ontology_docs.py",  # the check store; every page of the docs rendered
    "test_reasoning_never.py",  # a build with every check's bad graph
    "test_sparql_engines.py", "test_sparql_safety.py",  # the rdflib engine, apps with their own worker pools
    "test_validate_hostile.py", "test_validate_store_context.py",  # every case validated; the store context
}


def pytest_configure(config):
    """Run the tests under the garbage collector's threshold of the ``kgserver`` command (``kgserver.collector``):
    they call the same code in this process and in the processes it forks."""
    from kgserver.collector import tune

    tune()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in ONE_WORKER_MODULES and not any(item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


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


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright, started once per test process (its driver and browser cost
    about as much CPU to start as a module's pages to render).  A Playwright kept to the end of an xdist
    worker's session once hung in its teardown: the query pool's zygote held the driver's stdin (it now
    closes the pipes it inherits, :mod:`kgserver.engine.zygote`)."""
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


#: (files and their contents, options) -> the Report validate_paths gave, for :func:`shared_validations`.
_REPORTS: dict = {}


@pytest.fixture()
def shared_validations(monkeypatch):
    """Make ``validate_paths`` (what ``kgserver validate`` calls) validate the same files once per session.

    A contribution validated by several tests (its JSON report, its JUnit report, the lines it names)
    is validated with the bundle once; the report is only read after that (rendered, asserted on).
    Keyed by each file's path and content and by the options; folders, runs that report progress and
    runs that raise (a syntax error) are not kept.  Opt in per test (or per module with usefixtures).
    """
    from kgserver.validation import engine

    original = engine.validate_paths

    def validate_paths(paths=None, **options):
        paths = list(paths or [])
        files = [Path(p) for p in paths]
        if (options.get("progress") is not None or not set(options) <= {"progress", "shacl_engine", "consistency"}
                or not all(f.is_file() for f in files)):
            return original(paths, **options)
        settings = {"shacl_engine": "auto", "consistency": True, **options, "progress": None}
        contents = tuple((str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files)
        key = (contents, tuple(sorted(settings.items())))
        if key not in _REPORTS:
            _REPORTS[key] = original(paths, **options)
        return _REPORTS[key]

    monkeypatch.setattr(engine, "validate_paths", validate_paths)


# --- a live ``kgserver serve`` for the hostile-client tests (tests/test_hostile*.py) -----------------

HOSTILE_TIMEOUT = 2  # the server's query time limit (s)
BODY_LIMIT = 1024 * 1024  # the server's MAX_CONTENT_LENGTH (bytes)
HEADER_TIMEOUT = 2  # seconds a request's headers may take
ANSWER = 20  # seconds a client waits for an answer before the test fails (never a speed assert)


def _health(port) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status
    finally:
        conn.close()


class Canary:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.connections.append(addr)
            conn.close()

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="session")
def canary():
    canary = Canary()
    yield canary
    canary.close()
    assert canary.connections == [], "the server connected to the canary"


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    """Start ``kgserver serve`` with short limits; yield (host, port, log path).

    Shared by the modules that need a real server but not a fresh one (``test_hostile*.py``, ``test_serve.py``,
    ``test_browser_ui.py``; one xdist group, ``live-server``): one start-up for them all.
    """
    from test_serve import free_port, stop_server

    port = free_port()
    log_path = tmp_path_factory.mktemp("hostile") / "server.log"
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "KGSERVER_MAX_CONTENT_LENGTH": str(BODY_LIMIT),
        "KGSERVER_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "KGSERVER_BODY_TIMEOUT": "4",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kgserver", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--timeout", str(HOSTILE_TIMEOUT), "--query-workers", "3", "--threads", "8", "--max-rows", "1000"],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"kgserver serve exited: {log_path.read_text()}")
        try:
            if _health(port) == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"kgserver serve did not start: {log_path.read_text()}")
        time.sleep(0.2)
    yield "127.0.0.1", port, log_path
    stop_server(process)


