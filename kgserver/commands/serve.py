"""``kgserver serve``: serve the graph, the SPARQL endpoint and the pages (waitress, :mod:`kgserver.web.server`).

:func:`run_gunicorn` is kept for the benchmarks, which measure the hardened server against gunicorn.
"""

from __future__ import annotations

import logging
import sys

import click

from ..engine import ENGINES


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_port(host: str, port: int) -> None:
    """Make sure ``host:port`` can be listened on, before anything is loaded or started.

    Binding later, after the build, would fail only then and with a traceback (gunicorn, before,
    retried for five seconds first).

    :raises ConfigurationError: "port N is in use; choose another with --port" (exit code 2),
        or what else the system said (an address this machine does not have, a port below 1024).
    """
    import errno
    import socket

    from ..errors import ConfigurationError

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise ConfigurationError(f"cannot listen on {host}: {err.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ConfigurationError(f"port {port} is in use; choose another with --port") from None
            raise ConfigurationError(f"cannot listen on {_bind_address(host, port)}: {err.strerror}") from None


#: The longest request line (method, URL, version) gunicorn accepts: its own maximum (any
#: larger value is lowered to this one; only 0, unlimited, goes past it).  Longer queries
#: go by POST, up to ``MAX_CONTENT_LENGTH``.
MAX_REQUEST_LINE = 8190


def uri_too_long_response(limit: int) -> bytes:
    """Return the whole HTTP answer to a request line longer than ``limit`` bytes (414)."""
    body = (
        f"414 URI Too Long: the request line is longer than {limit} bytes, this server's limit.\n"
        "Send a long SPARQL query by POST instead: Content-Type application/sparql-query with the "
        "query as the body, or application/x-www-form-urlencoded with query=...\n"
    ).encode()
    head = (
        "HTTP/1.1 414 URI Too Long\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Access-Control-Allow-Origin: *\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def worker_class():
    """Return gunicorn's threaded worker, answering an over-long request line with a clear 414."""
    from gunicorn.http.errors import LimitRequestLine
    from gunicorn.workers.gthread import ThreadWorker

    class QueryServerWorker(ThreadWorker):
        def handle_error(self, req, client, addr, exc):
            if not isinstance(exc, LimitRequestLine):
                return super().handle_error(req, client, addr, exc)
            self.log.warning("414 URI Too Long from %s: %s", (addr or ("",))[0], exc)
            try:
                client.sendall(uri_too_long_response(self.cfg.limit_request_line or MAX_REQUEST_LINE))
            except OSError:
                pass
            return None

    return QueryServerWorker


def run_gunicorn(app, *, host: str, port: int, workers: int, threads: int, timeout: float) -> None:
    """Serve a ready Flask app with gunicorn (threaded workers, forked after the graph is loaded).

    Each gunicorn worker starts its own query worker pool right after the fork, before
    its threads exist (see :mod:`kgserver.engine.pool`).
    """
    from gunicorn.app.base import BaseApplication

    def when_ready(server):
        for listener in server.LISTENERS:
            address = str(listener).removeprefix("http://")
            click.echo(f"kgserver: serving on http://{address}/ (SPARQL endpoint http://{address}/sparql)")
        sys.stdout.flush()

    def post_fork(server, worker):
        app.extensions["kgserver"].pool()

    def worker_exit(server, worker):
        app.extensions["kgserver"].close()

    options = {
        "bind": _bind_address(host, port),
        "workers": workers,
        "worker_class": worker_class(),
        "threads": threads,
        "timeout": int(timeout) + 30,  # gunicorn's heartbeat; queries are stopped by the pool first
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,  # kgserver logs one line per request itself
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": MAX_REQUEST_LINE,  # the longest GET query URL; longer queries go by POST
        "when_ready": when_ready,
        "post_fork": post_fork,
        "worker_exit": worker_exit,
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Web server processes.")
@click.option("--threads", default=32, show_default=True, type=click.IntRange(1), help="Threads per web process.")
@click.option(
    "--query-workers",
    type=click.IntRange(1),
    default=None,
    help="Processes running queries, per web process [default: CPU count, at least 2].",
)
@click.option("--engine", type=click.Choice(ENGINES), default=None, help="Query engine [default: oxigraph].")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Query time limit in seconds [default: 30].",
)
@click.option("--max-rows", type=click.IntRange(1), default=None, help="Result rows kept at most [default: 100000].")
@click.option("--no-inferred", is_flag=True, help="Serve the asserted graphs only, without the inferred graph.")
@click.option("--store", envvar="KGSERVER_STORE", default=None, metavar="URL",
              help="Serve the release `kgserver publish` put in this external SPARQL store (Virtuoso's "
                   "http://HOST:8890/sparql, the Oxigraph server's http://HOST:7878/query) instead of the "
                   "embedded build [default: $KGSERVER_STORE].")
@click.option("--build-dir", "store_build", default=None, metavar="DIR", type=click.Path(file_okay=False),
              help="With --store: the folder of the build published there; its search index and dumps are "
                   "then used instead of queries over every label and dumps made on request.")
def serve(host, port, workers, threads, query_workers, engine, timeout, max_rows, no_inferred, store, store_build):
    """Serve the graph: front page at /, SPARQL endpoint at /sparql, query UI at /query, health at /health.

    The graph is built (or its build found) and checked before anything is served: a broken
    input file stops the command with its file, line and column (exit code 2), and so does a
    port already in use.  The build is opened read-only by each process that needs it: start-up
    copies and counts nothing.
    """
    from ..app import create_app

    check_port(host, port)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(name)s: %(message)s", stream=sys.stderr)
    config: dict = {}
    if engine:
        config["ENGINE"] = engine
    if timeout:
        config["QUERY_TIMEOUT"] = timeout
    if max_rows:
        config["MAX_RESULT_ROWS"] = max_rows
    if query_workers:
        config["QUERY_WORKERS"] = query_workers
    if no_inferred:
        config["INCLUDE_INFERRED"] = False
    if store:
        config["STORE"] = store
    if store_build:
        if not store:
            raise click.UsageError("--build-dir goes with --store (the embedded server finds its build itself)")
        config["STORE_BUILD"] = store_build
    app = create_app(config)  # builds (in a child) or finds the build; raises before any port is bound
    state = app.extensions["kgserver"]
    click.echo(
        f"kgserver: {state.triple_count} triples; engine {state.engine}; "
        f"query time limit {state.query_timeout:g} s; {state.query_workers} query "
        f"{'requests to the store at once' if store else 'workers'} per web process"
    )
    from ..web.server import run_server  # waitress, hardened against slow clients (see that module)

    def announce(address: str) -> None:
        click.echo(f"kgserver: serving on http://{address}/ (SPARQL endpoint http://{address}/sparql)")
        sys.stdout.flush()

    run_server(app, host=host, port=port, workers=workers, threads=threads, announce=announce)
