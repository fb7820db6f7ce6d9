"""The SPARQL 1.1 Protocol endpoint (query part, read-only), the query UI and ``/health``.

``/sparql`` answers GET and POST queries; with no query it returns the service
description (to RDF clients) or the YASGUI page (to browsers).  Every answer carries
``Content-Type`` with ``charset=utf-8``, ``Vary: Accept`` and CORS headers.
"""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from .. import __version__
from ..engine.errors import NotAcceptable
from ..errors import InputError, KGError
from ..namespaces import PREFIXES
from .conneg import negotiate_query as negotiate
from . import service_description
from .access_log import init_access_log
from .caching import add_vary
from .hardening import client_of, init_hardening
from .protocol import read_request
from .query_errors import describe_error
from .sparql_fast import CORS, TRUNCATED_HEADER, FastQueries, endpoint_url, valid_host
from .state import get_state

bp = Blueprint("sparql", __name__)

ALLOWED = "GET, HEAD, POST, OPTIONS"
_CORS = dict(CORS)
_HTML = ("text/html", "application/xhtml+xml")


def init_app(app: Flask) -> None:
    """Install the request log, the query fast path and the hardening (headers, proxy trust) on the application.

    The fast path (:mod:`kgserver.web.sparql_fast`) sits inside the hardening's proxy and prefix
    guard: it sees the same ``SCRIPT_NAME`` and client address as the Flask views.
    """
    init_access_log(app)
    app.wsgi_app = FastQueries(app, app.wsgi_app)
    init_hardening(app)
    _remember_sync(app)


def _remember_sync(app: Flask) -> None:
    """Ask Flask once per view or hook function, not on every request, whether it is a coroutine.

    Flask calls ``ensure_sync`` for the view and each request hook of every request; the
    answer never changes for a plain function (the only kind remembered, so the memory is bounded).
    """
    import inspect

    ensure_sync, known = app.ensure_sync, {}

    def remembered(func):
        sync = known.get(func)
        if sync is None:
            sync = ensure_sync(func)
            if inspect.isfunction(func):
                known[func] = sync
        return sync

    app.ensure_sync = remembered


def _text(message: str, status: int, **headers) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers)
    return response


@bp.app_errorhandler(KGError)
def _kgerror(err: KGError) -> Response:
    """Answer kgserver's own errors, from any blueprint, with their HTTP status (logging the server's faults)."""
    if err.http_status == 500:
        current_app.logger.error("%s on %s %s: %s", type(err).__name__, request.method, request.path, err)
    elif err.http_status > 500:
        current_app.logger.warning("%s on %s %s: %s", type(err).__name__, request.method, request.path, err)
    return _text(describe_error(err), err.http_status)


@bp.after_request
def _common_headers(response: Response) -> Response:
    if request.endpoint == "sparql.endpoint":
        response.headers.update(_CORS)
        add_vary(response, ("Accept",))
    return response


_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]


@bp.route("/sparql/", methods=_METHODS)  # the W3C protocol tests write the endpoint with a slash
@bp.route("/sparql", methods=_METHODS)  # registered first: url_for builds this one
def endpoint() -> Response:
    """Answer a SPARQL query, or describe the service when the request has none."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD", "POST"):
        return _text(
            f"method {request.method} is not allowed on the SPARQL endpoint; use GET or POST",
            405,
            Allow=ALLOWED,
        )
    params = read_request(request, current_app.config.get("MAX_CONTENT_LENGTH"))
    if params.query is None:
        return _describe(params.format)
    formats = negotiate(request.headers.get("Accept"), params.format)
    # The query worker checks the text (updates, SERVICE, nesting) within the time limit: the
    # web process does no work proportional to the query's size or shape.
    config = current_app.config
    answer = get_state().run_query(
        params.query_request(formats, int(config.get("MAX_RESULT_ROWS", 100_000)), endpoint_url(request)),
        **client_of(request),
    )
    response = Response(answer.body, content_type=f"{answer.media_type}; charset=utf-8")
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = str(config.get("MAX_RESULT_ROWS"))
    return response


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Allow"] = ALLOWED
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = (
        request.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _describe(format_param: str | None) -> Response:
    offers = ["text/turtle", *_HTML, *[m for m in service_description.SD_MEDIA_TYPES if m != "text/turtle"]]
    if format_param:
        wanted = {"turtle": "text/turtle", "ttl": "text/turtle", "ntriples": "application/n-triples",
                  "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml", "html": "text/html"}
        media = wanted.get(format_param.lower(), format_param.lower())
    elif request.accept_mimetypes:
        media = request.accept_mimetypes.best_match(offers)
    else:
        media = "text/turtle"
    if media in _HTML:
        return query_ui()
    if media not in service_description.SD_MEDIA_TYPES:
        raise NotAcceptable(f"the service description is available as {', '.join(offers)}")
    return Response(_description(media), content_type=f"{media}; charset=utf-8")


def _description(media: str) -> bytes:
    try:
        if not valid_host(request):
            raise ValueError("no host")
        endpoint_url, host_url = request.base_url, request.host_url  # /sparql or /sparql/, as asked
    except ValueError:  # a Host header that is no host (a port out of range, ...)
        raise InputError(f"the Host header {request.headers.get('Host')!r} is not a valid host") from None
    sizes = _cached("sizes", lambda: service_description.graph_sizes(get_state().store))
    cache = current_app.extensions.setdefault("kgserver.sd", {})
    key = (endpoint_url, media)
    if key not in cache:
        if len(cache) >= 64:  # the URL comes from the Host header: keep the cache bounded
            cache.clear()
        void_url = host_url.rstrip("/") + "/.well-known/void"
        graph = service_description.describe(endpoint_url, void_url, sizes, "ESS Knowledge Graph SPARQL endpoint")
        cache[key] = graph.serialize(format=service_description.SD_MEDIA_TYPES[media], encoding="utf-8")
    return cache[key]


def _cached(name: str, compute):
    """Return a value computed once per application (graph sizes, example queries)."""
    values = current_app.extensions.setdefault("kgserver.sparql", {})
    if name not in values:
        values[name] = compute()
    return values[name]


@bp.route("/query")  # the front page is kgserver.web.site
def query_ui() -> Response:
    """Serve the YASGUI query page (vendored files, no CDN), with the named queries as examples."""
    from .examples import example_queries

    html = render_template(
        "sparql.html",
        endpoint=url_for("sparql.endpoint", _external=True),
        prefixes=PREFIXES,
        examples=_cached("examples", example_queries),
        version=__version__,
    )
    return Response(html, content_type="text/html; charset=utf-8")


@bp.route("/health")
def health() -> Response:
    """Report liveness and the size of the served graph."""
    state = get_state()
    body = {
        "status": "ok",
        "triples": state.triple_count,
        "quads": state.quad_count,
        "engine": state.engine,
        "version": __version__,
    }
    return Response(json.dumps(body), content_type="application/json; charset=utf-8")
