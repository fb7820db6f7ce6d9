"""Read a SPARQL 1.1 Protocol query request (GET, form POST, direct POST) strictly.

Werkzeug decodes forms and query strings leniently (bad UTF-8 becomes U+FFFD);
the protocol wants such requests refused, so the raw bytes are decoded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

from ..engine import QueryRequest
from ..engine.errors import QueryRefused
from ..errors import InputError

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

_GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri")
_BAD_IRI_CHARS = set('<>"{}|^`\\ \t\r\n')


class RequestTooLarge(InputError):
    """The request body is larger than ``MAX_CONTENT_LENGTH``."""

    http_status = 413


@dataclass(frozen=True)
class ProtocolRequest:
    """The protocol parameters of one request.

    :ivar query: the query text, or None when the request carries none.
    :ivar default_graphs: ``default-graph-uri`` values (None when absent).
    :ivar named_graphs: ``named-graph-uri`` values (None when absent).
    :ivar format: the ``format`` parameter, if any.
    """

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    format: str | None

    def query_request(self, formats: tuple[str, str], max_rows: int, base_iri: str) -> QueryRequest:
        """Return the engine's request for this query, with the negotiated (result, graph) ``formats``."""
        return QueryRequest(
            text=self.query,
            default_graphs=self.default_graphs,
            named_graphs=self.named_graphs,
            result_format=formats[0],
            graph_format=formats[1],
            max_rows=max_rows,
            base_iri=base_iri,  # relative IRIs in the query resolve against the endpoint
        )


def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InputError(f"the {where} is not valid UTF-8 (the SPARQL protocol requires UTF-8)") from None


def _check_charset(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
        raise InputError(f"unsupported charset {charset!r}: the SPARQL protocol requires UTF-8")


def _body(request: Request, max_length: int | None) -> bytes:
    if max_length is not None and request.content_length is not None and request.content_length > max_length:
        raise RequestTooLarge(f"the request body is larger than the limit of {max_length} bytes (MAX_CONTENT_LENGTH)")
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise RequestTooLarge(
            f"the request body is larger than the limit of {max_length} bytes (MAX_CONTENT_LENGTH)"
        ) from None


def read_request(request: Request, max_length: int | None) -> ProtocolRequest:
    """Return the protocol parameters of a GET or POST request.

    :raises QueryRefused: for an update (``update`` parameter, ``application/sparql-update`` body).
    :raises InputError: for every malformed request (400), with what is wrong.
    :raises RequestTooLarge: for a body over ``max_length`` bytes (413).
    """
    url_params = _decode_params(request.query_string, "query string")
    if request.method == "POST":
        mimetype = request.mimetype
        if not mimetype:
            raise InputError(
                f"a POST request needs a Content-Type: {FORM} (query=...) or {QUERY} (the query as the body)"
            )
        if mimetype == UPDATE:
            raise _update_refused()
        if mimetype == FORM:
            _check_charset(request)
            body_params = _decode_params(_body(request, max_length), "request body")
            if any(name == "query" for name, _ in url_params) and any(name == "query" for name, _ in body_params):
                raise InputError("the query is given both in the URL and in the request body; send it once")
            params = body_params + url_params
        elif mimetype == QUERY:
            _check_charset(request)
            if any(name in ("query", "update") for name, _ in url_params):
                raise InputError(
                    "the query is given both in the URL and in the request body; with "
                    f"{QUERY} the body is the query"
                )
            data = _body(request, max_length)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                raise InputError(
                    f"the request body is not valid UTF-8 (byte {err.start}); the SPARQL protocol requires UTF-8"
                ) from None
            params = [("query", text.removeprefix("\ufeff"))] + url_params
        else:
            raise InputError(
                f"unsupported Content-Type {mimetype!r} for a query; use {FORM} or {QUERY}"
            )
    else:
        params = url_params

    names = [name for name, _ in params]
    if "update" in names:
        raise _update_refused()
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise InputError(f"the request has {len(queries)} 'query' parameters; send exactly one")
    graphs = {}
    for param in _GRAPH_PARAMS:
        values = tuple(value for name, value in params if name == param)
        for value in values:
            if not value or ":" not in value or _BAD_IRI_CHARS.intersection(value):
                raise InputError(f"{param} {value!r} is not an absolute IRI")
        graphs[param] = values if param in names else None
    formats = [value for name, value in params if name == "format"]
    query = queries[0] if queries else None
    if query is None and request.method == "POST":
        raise InputError("the request has no 'query' parameter")
    return ProtocolRequest(
        query, graphs["default-graph-uri"], graphs["named-graph-uri"], formats[0] if formats else None
    )


def _update_refused() -> QueryRefused:
    return QueryRefused("SPARQL Update is not allowed: this endpoint is read-only")
