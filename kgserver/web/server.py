"""Serve the application with waitress, hardened against slow and greedy clients.

Why waitress and not gunicorn's threaded worker: gunicorn hands a connection to a
thread as soon as its first byte arrives, and the thread then reads the headers and
the body blocking, with no deadline; 33 clients sending a byte per second held all 32
threads and ``/health`` stopped answering.  Waitress reads every request (headers *and*
body, chunked or not) in its event loop and gives a thread only a complete request, so
slow clients cost a socket, not a thread.  Measured on this machine, 40 such clients:
gunicorn gthread, ``/health`` timed out (5 s); waitress, ``/health`` median 1.1 ms.

On top of waitress this module adds what it lacks:

* a deadline for reading a request from its first byte: ``HEADER_TIMEOUT`` for the
  request line and headers, ``BODY_TIMEOUT`` for the whole request; past it the
  connection is closed (waitress's own ``channel_timeout`` only closes *idle* ones);
* a cap on the connections one client (address) holds at once (``MAX_CONNECTIONS_PER_CLIENT``);
  the next one is answered ``503`` and closed;
* ``414`` with a message for a request line over :data:`MAX_REQUEST_LINE` (use POST);
* bodies over ``MAX_CONTENT_LENGTH`` refused with ``413`` whether declared or chunked
  (waitress's ``max_request_body_size``), before the application sees them;
* ``waitress.client_disconnected`` in the environment, which the query pool polls to
  stop the work of a client that went away.

Several web processes (``workers``) share one listening socket, bound before the fork.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from dataclasses import dataclass

#: The longest request line (method, URL, version) accepted; longer queries go by POST.
MAX_REQUEST_LINE = 8190


@dataclass(frozen=True)
class ServerSettings:
    """Limits of the HTTP server (``KGSERVER_*`` settings of the same names, upper case).

    :ivar header_timeout: seconds to receive a request line and headers, from their first byte.
    :ivar body_timeout: seconds to receive a whole request (headers and body), from its first byte.
    :ivar idle_timeout: seconds a kept-alive connection may stay silent.
    :ivar max_connections_per_client: connections one address may hold at once.
    :ivar connection_limit: connections the process holds at most (all clients).
    :ivar max_body: the largest request body, declared or chunked (``MAX_CONTENT_LENGTH``).
    """

    header_timeout: float = 10.0
    body_timeout: float = 60.0
    idle_timeout: float = 30.0
    max_connections_per_client: int = 64
    connection_limit: int = 1000
    max_body: int = 10 * 1024 * 1024

    @classmethod
    def from_config(cls, config) -> ServerSettings:
        """Read the settings from a Flask config (defaults for those it lacks)."""
        from ..errors import ConfigurationError

        values = {}
        for name, kind in (("header_timeout", float), ("body_timeout", float), ("idle_timeout", float),
                           ("max_connections_per_client", int), ("connection_limit", int),
                           ("max_body", int)):
            key = "MAX_CONTENT_LENGTH" if name == "max_body" else name.upper()
            value = config.get(key)
            if value is None or (name == "max_body" and not value):
                continue
            try:  # a limit that is no positive number would silently turn the limit off, or every request away
                values[name] = kind(value)
                if not 0 < values[name] < float("inf"):
                    raise ValueError(value)
            except (TypeError, ValueError):
                raise ConfigurationError(f"{key} must be a positive {'whole ' if kind is int else ''}number, "
                                         f"not {value!r}") from None
        return cls(**values)


def _answer(status: str, message: str) -> bytes:
    body = (message.rstrip("\n") + "\n").encode()
    head = (
        f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def uri_too_long_response(limit: int = MAX_REQUEST_LINE) -> bytes:
    """Return the whole HTTP answer to a request line longer than ``limit`` bytes (414)."""
    return _answer(
        "414 URI Too Long",
        f"414 URI Too Long: the request line is longer than {limit} bytes, this server's limit.\n"
        "Send a long SPARQL query by POST instead: Content-Type application/sparql-query with the "
        "query as the body, or application/x-www-form-urlencoded with query=...",
    )


def make_server(app, settings: ServerSettings, *, threads: int, sock: socket.socket | None = None,
                host: str = "127.0.0.1", port: int = 0):
    """Return a waitress server for ``app`` with the limits of ``settings`` (not yet running).

    :param sock: a bound listening socket to serve (shared by several processes); else ``host``/``port``.
    """
    from waitress.adjustments import Adjustments
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser, ParsingError
    from waitress.server import TcpWSGIServer
    from waitress.task import ErrorTask, WSGITask

    class ServerErrorTask(ErrorTask):
        """Waitress's own answers (400 for a bad chunk size, 413, 431) with ``nosniff`` as well."""

        def execute(self):
            self.response_headers.append(("X-Content-Type-Options", "nosniff"))
            super().execute()

    class Task(WSGITask):
        """Send the status line and headers together with a body of known length up to 1 MB: one send.

        Waitress sends them apart: two system calls and, with ``TCP_NODELAY``, two packets the
        client reads separately, for every answer (a larger body is not copied to join them).
        """

        def write(self, data):
            if (self.wrote_header or not self.complete or not data or self.content_length is None
                    or len(data) > min(self.content_length - self.content_bytes_written, 1 << 20)):
                return super().write(data)
            head = self.build_response_header()
            self.wrote_header = True
            if not self.has_body or self.chunked_response:
                self.channel.write_soon(head)
                return super().write(data)
            self.content_bytes_written += len(data)
            self.channel.write_soon(head + data)

    class RequestParser(HTTPRequestParser):
        """Refuse a request whose body is framed twice (RFC 9112, 6.1: a smuggling attempt): 400, closed.

        Waitress lets ``Transfer-Encoding: chunked`` win over ``Content-Length`` and keeps the
        connection, so a proxy that reads the length instead sees another request than we do.
        """

        def parse_header(self, header_plus):
            super().parse_header(header_plus)
            if (self.chunked and "CONTENT_LENGTH" in self.headers) or "TRANSFER_ENCODING" in self.headers:
                raise ParsingError("a request may not carry both Content-Length and Transfer-Encoding "
                                   "(nor Transfer-Encoding in HTTP/1.0)")

    class Channel(HTTPChannel):
        error_task_class = ServerErrorTask
        task_class = Task
        parser_class = RequestParser
        request_started: float | None = None
        line_checked = False

        def received(self, data):
            if not data:
                return super().received(data)
            if self.request is None and self.request_started is None:
                self.request_started, self.line_checked = time.monotonic(), False
            if not self.line_checked and not self.requests and self._line_too_long(data):
                return False
            handled = super().received(data)
            if self.request is None:
                self.request_started, self.line_checked = None, False
            return handled

        def _line_too_long(self, data) -> bool:
            head = (self.request.header_plus if self.request is not None else b"") + data
            end = head.find(b"\n")
            if end == -1 and len(head) <= MAX_REQUEST_LINE:
                return False
            self.line_checked = True
            if end != -1 and end <= MAX_REQUEST_LINE + 1:
                return False
            self.write_soon(uri_too_long_response())
            self.close_when_flushed = True
            return True

    class Server(TcpWSGIServer):
        channel_class = Channel

        def handle_accept(self):
            try:
                accepted = self.accept()
                if accepted is None:
                    return
                conn, addr = accepted
                self.set_socket_options(conn)
            except OSError:
                return
            client = addr[0] if isinstance(addr, tuple) else addr
            held = sum(1 for channel in self.active_channels.values() if _client(channel) == client)
            if held >= settings.max_connections_per_client:
                try:
                    conn.setblocking(False)
                    conn.send(_answer(
                        "503 Service Unavailable",
                        f"this client already holds {held} connections, the most this server "
                        "accepts from one client; reuse or close them",
                    ))
                except OSError:
                    pass
                conn.close()
                return
            self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)

        def maintenance(self, now):
            super().maintenance(now)
            moment = time.monotonic()
            for channel in list(self.active_channels.values()):
                started, request = channel.request_started, channel.request
                if started is None or request is None:
                    continue
                limit = settings.body_timeout if request.headers_finished else settings.header_timeout
                if moment - started > limit:
                    channel.will_close = True  # the event loop closes it

    adjustments = dict(
        threads=threads,
        channel_timeout=settings.idle_timeout,
        cleanup_interval=1,
        connection_limit=settings.connection_limit,
        max_request_body_size=settings.max_body,
        max_request_header_size=max(MAX_REQUEST_LINE * 4, 65536),
        channel_request_lookahead=1,  # lets waitress tell the application when a client has gone
        expose_tracebacks=False,
        ident="kgserver",
        asyncore_use_poll=True,  # select() fails past 1024 descriptors
    )
    if sock is None:
        return Server(app, adj=Adjustments(host=host, port=port, **adjustments))
    return Server(app, _sock=sock, bind_socket=False, adj=Adjustments(**adjustments))


def _client(channel) -> str:
    addr = channel.addr
    return addr[0] if isinstance(addr, tuple) else addr


def bind(host: str, port: int) -> socket.socket:
    """Return a listening socket bound to ``host``/``port`` (IPv4 or IPv6)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def run_server(app, *, host: str, port: int, workers: int, threads: int, announce) -> None:
    """Serve ``app`` until SIGTERM/SIGINT: ``workers`` processes sharing one socket, each with ``threads``.

    Each process starts its own query worker pool right after the fork, before its threads exist.

    :param announce: called with the address (``host:port``) once the socket listens.
    """
    settings = ServerSettings.from_config(app.config)
    sock = bind(host, port)
    address = sock.getsockname()
    announce(f"[{address[0]}]:{address[1]}" if sock.family == socket.AF_INET6 else f"{address[0]}:{address[1]}")
    state = app.extensions["kgserver"]
    children = []
    for _ in range(workers - 1 if workers > 1 else 0):
        pid = os.fork()
        if pid == 0:
            _serve_one(app, state, settings, threads, sock)
            os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _serve_one(app, state, settings, threads, sock)


def _serve_one(app, state, settings: ServerSettings, threads: int, sock: socket.socket) -> None:
    state.pool()  # fork the query workers while this process has one thread
    server = make_server(app, settings, threads=threads, sock=sock)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        state.close()
        sys.stdout.flush()
