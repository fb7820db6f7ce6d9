"""HTTP caching for everything the graph decides: ``ETag``, ``Cache-Control`` and ``304 Not Modified``.

The served data changes only when it is rebuilt, so a response is fixed by the build (the hash
of its input files, :func:`kgserver.reasoning.build.input_manifest`, which includes the kgserver
version), the URL and the headers it varies on.  The ``ETag`` is a digest of exactly that: a
conditional request (``If-None-Match``) is answered ``304`` *before* the page is rendered or the
query is run.  Installed once for the whole application (pages, resource documents, query
answers, the API, dumps) by :func:`init_app`.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, request

_EXT = "kgserver.caching"
#: Endpoints (``blueprint.view``) or blueprint prefixes whose GET answers depend on the build alone.
CACHEABLE_PREFIXES = ("pages.", "site.", "api.", "dumps.", "sparql.endpoint", "sparql.query_ui")
#: Request headers a cacheable answer may vary on.
VARY = ("Accept", "Accept-Language")
MAX_AGE = 300  # seconds a cache may reuse an answer without asking again


def build_key(app: Flask) -> str:
    """Return what identifies the served data: the build's input hash and the serving options."""
    from .. import dataset
    from ..reasoning.build import input_manifest

    key = input_manifest(dataset.bundled_sources())["key"]
    options = f"{app.config.get('ENGINE')}|{app.config.get('INCLUDE_INFERRED')}|{app.config.get('BASE_IRI')}"
    return hashlib.sha256(f"{key}|{options}".encode()).hexdigest()


def _cacheable() -> bool:
    endpoint = request.endpoint or ""
    return request.method in ("GET", "HEAD") and endpoint.startswith(CACHEABLE_PREFIXES)


def _etag() -> str:
    """Return the entity tag of the current request's answer (weak: equal answers, not equal bytes)."""
    return etag_of(current_app, request.environ)


def etag_of(app: Flask, environ: dict) -> str:
    """Return the entity tag of the answer to the request ``environ`` (without quotes or ``W/``).

    Made of the raw WSGI values (what the client sent), not of Werkzeug's decoded URL: the
    same request gives the same tag, at a fraction of the cost.
    """
    parts = [app.extensions[_EXT], environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
             environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_ACCEPT_LANGUAGE", "")]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _not_modified() -> Response | None:
    if not _cacheable() or not request.if_none_match:
        return None
    etag = _etag()
    if not request.if_none_match.contains_weak(etag):
        return None
    response = Response(status=304)
    response.set_etag(etag, weak=True)
    _cache_headers(response)
    return response


_CACHE_CONTROL = f"public, max-age={MAX_AGE}"


def _cache_headers(response: Response) -> None:
    if "Cache-Control" in response.headers:  # the view set its own: complete it
        response.cache_control.public = True
        if response.cache_control.max_age is None:
            response.cache_control.max_age = MAX_AGE
    else:  # the usual case, as one header (Werkzeug's parsed header objects cost more than the rest)
        response.headers["Cache-Control"] = _CACHE_CONTROL
    add_vary(response, VARY)


def add_vary(response: Response, names) -> None:
    """Add ``names`` to the answer's ``Vary`` header (once each, case-insensitively, in order)."""
    current = response.headers.get("Vary")
    if not current:
        response.headers["Vary"] = ", ".join(names)
        return
    have = {value.strip().lower() for value in current.split(",")}
    missing = [name for name in names if name.lower() not in have]
    if missing:
        response.headers["Vary"] = ", ".join([current, *missing])


def _tag(response: Response) -> Response:
    if response.status_code != 200 or not _cacheable() or response.is_streamed:
        return response
    if response.get_etag()[0] is None:
        response.set_etag(_etag(), weak=True)
    _cache_headers(response)
    return response


def init_app(app: Flask) -> None:
    """Compute the build's key once and answer conditional requests for the whole application."""
    app.extensions[_EXT] = build_key(app)
    app.before_request(_not_modified)
    app.after_request(_tag)
