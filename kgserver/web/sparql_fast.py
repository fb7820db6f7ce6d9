"""The SPARQL query path without Flask's per-request machinery, same rules, same answers.

A lookup spent more CPU in Flask (request context, URL matching, six request hooks, the
response object) than in the query.  :class:`FastQueries` sits in front of the Flask app (inside
the proxy and prefix guard of :mod:`kgserver.web.hardening`) and answers the common case
itself: a GET or POST to ``/sparql`` (or ``/sparql/``) that carries a query, with a ``Host``
and no ``If-None-Match``.  It uses the same pieces as the Flask view, in the same order: the
protocol reader (:func:`~kgserver.web.protocol.read_request`), the one content negotiator
(:func:`~kgserver.web.conneg.negotiate_query`), the worker pool with the client's share and
the client-gone signal, the error texts of :mod:`kgserver.web.query_errors`, and it writes the
same headers (CORS, ``Vary``, ``nosniff``, ``ETag`` and ``Cache-Control`` on GET) and the same
access log line.  Everything else (no query, HEAD, OPTIONS, other methods, conditional
requests, other paths) goes to Flask unchanged; a POST body read here is handed on intact.
"""

from __future__ import annotations

import io
import logging
import time

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from ..errors import KGError
from . import caching
from .access_log import log as access_log
from .access_log import escape
from .conneg import negotiate_query
from .protocol import read_request
from .query_errors import describe_error

PATHS = ("/sparql", "/sparql/")
TRUNCATED_HEADER = "KGServer-Results-Truncated"
CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", f"Content-Type, {TRUNCATED_HEADER}"),
)
_NOSNIFF = ("X-Content-Type-Options", "nosniff")
_CACHE_CONTROL = ("Cache-Control", f"public, max-age={caching.MAX_AGE}")
_VARY_GET = ("Vary", ", ".join(["Accept", *(name for name in caching.VARY if name != "Accept")]))


class FastQueries:
    """WSGI middleware answering SPARQL queries to ``/sparql`` (see the module docstring), else Flask.

    :param app: the Flask application (its config, extensions and logger are read per request).
    :param inner: the WSGI callable that serves everything else (Flask's ``wsgi_app``).
    """

    def __init__(self, app, inner):
        self.app, self.inner = app, inner

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if (environ.get("PATH_INFO") not in PATHS or method not in ("GET", "POST")
                or not environ.get("HTTP_HOST") or environ.get("HTTP_IF_NONE_MATCH") is not None):
            return self.inner(environ, start_response)
        try:
            return self._answer(environ, start_response, method)
        except Exception as err:  # a bug: answered and logged as Flask answers a view's (a 500)
            with self.app.request_context(environ):
                return self.app.handle_exception(err)(environ, start_response)

    def _answer(self, environ, start_response, method: str):
        started = time.perf_counter()
        if method == "POST" and not _body_in_memory(environ, self.app.config.get("MAX_CONTENT_LENGTH")):
            return self.inner(environ, start_response)
        request = Request(environ)
        config = self.app.config
        try:
            params = read_request(request, config.get("MAX_CONTENT_LENGTH"))
        except KGError as err:
            return self._error(err, request, started, start_response)
        if params.query is None:  # the service description or the query page: Flask's
            _rewind(environ, request)
            return self.inner(environ, start_response)
        try:
            formats = negotiate_query(environ.get("HTTP_ACCEPT"), params.format)
            max_rows = int(config.get("MAX_RESULT_ROWS", 100_000))
            answer = self.app.extensions["kgserver"].run_query(
                params.query_request(formats, max_rows, endpoint_url(request)),
                client=request.remote_addr,
                gone=environ.get("waitress.client_disconnected"),
            )
        except KGError as err:
            return self._error(err, request, started, start_response, params.query)
        body = answer.body
        headers = [("Content-Type", f"{answer.media_type}; charset=utf-8"), ("Content-Length", str(len(body)))]
        if answer.truncated:
            headers.append((TRUNCATED_HEADER, str(config.get("MAX_RESULT_ROWS"))))
        headers += CORS
        if method == "GET":
            headers += [("ETag", f'W/"{caching.etag_of(self.app, environ)}"'), _CACHE_CONTROL, _VARY_GET]
        else:
            headers.append(("Vary", "Accept"))
        headers.append(_NOSNIFF)
        _log(method, request.path, 200, started, len(body))
        start_response("200 OK", headers)
        return [body]

    def _error(self, err: KGError, request: Request, started: float, start_response, query: str | None = None):
        """Answer one of kgserver's errors as the Flask error handler does (and log a server fault)."""
        status = err.http_status
        if status == 500:
            self.app.logger.error("%s on %s %s: %s", type(err).__name__, request.method, request.path, err)
        elif status > 500:
            self.app.logger.warning("%s on %s %s: %s", type(err).__name__, request.method, request.path, err)
        body = (describe_error(err, query).rstrip("\n") + "\n").encode()
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *CORS,
                   ("Vary", "Accept"), _NOSNIFF]
        _log(request.method, request.path, status, started, len(body))
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}", headers)
        return [body]


def _body_in_memory(environ, max_length: int | None) -> bool:
    """Read a POST body of a declared length (at most ``max_length``) into memory; False leaves it to Flask.

    Bodies without a length (chunked, read by Flask to their end) or over the limit (a 413 from
    Flask) are not touched.
    """
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return False
    if length < 0 or (max_length is not None and length > max_length):
        return False
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return True


def _rewind(environ, request: Request) -> None:
    """Give Flask the body this request read (Werkzeug kept it)."""
    if environ.get("REQUEST_METHOD") == "POST":
        environ["wsgi.input"] = io.BytesIO(request.get_data(cache=True))


def endpoint_url(request: Request) -> str | None:
    """Return the URL the query was sent to (None if the ``Host`` header makes it no URL).

    Remembered per (scheme, host, prefix, path): Werkzeug builds it by quoting and decoding
    again, a noticeable part of a small query's cost.  The host comes from the client, so
    the memory is bounded.
    """
    environ = request.environ
    key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))
    urls = _ENDPOINT_URLS
    if key in urls:
        return urls[key]
    try:
        url = request.base_url if valid_host(request) else None
    except ValueError:  # e.g. a port out of range: relative IRIs in the query then stay errors
        url = None
    if len(urls) >= 64:
        urls.clear()
    urls[key] = url
    return url


_ENDPOINT_URLS: dict[tuple, str | None] = {}


def valid_host(request: Request) -> bool:
    """Tell whether the request's ``Host`` makes a URL.

    Werkzeug up to 3.1.8 raises ``ValueError`` for a host such as ``x:99999999``; 3.1.9 and later
    answer an empty host instead.  Both mean the same here.
    """
    return bool(request.host)


def _log(method: str, path: str, status: int, started: float, size: int) -> None:
    if access_log.isEnabledFor(logging.INFO):
        access_log.info("%s %s %d %.2f ms %s B", escape(method), escape(path), status,
                        (time.perf_counter() - started) * 1000, size)
