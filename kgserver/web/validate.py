"""``POST /validate``: validate an RDF document sent in the request body, as ``kgserver validate`` does.

The body is the document; its media type is the ``Content-Type`` (Turtle, N-Triples, N-Quads,
TriG, JSON-LD, RDF/XML).  The answer is the same report as ``kgserver validate --format json``,
or an HTML page when the client prefers ``text/html`` (a browser).  ``GET /validate`` shows a
form to paste a document.  Errors: 400 for a document that does not parse (with the parser's
line and column) or asks for a network fetch, 413 over ``MAX_CONTENT_LENGTH``, 415 for a media
type that is not RDF.  The report's own verdict (conforms or not) is in the body, with status 200.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..engine import Answer
from ..errors import KGError, RDFSyntaxError
from ..rdfio import MEDIA_TYPES, format_for_media_type
from .hardening import client_of
from .state import get_state
from .ui import request_languages

bp = Blueprint("validate", __name__)

_FORM_FORMATS = {"turtle": "text/turtle", "nt": "application/n-triples", "json-ld": "application/ld+json",
                 "xml": "application/rdf+xml", "trig": "application/trig"}


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes[best] > request.accept_mimetypes["application/json"]


def _error(status: int, message: str, **extra) -> Response:
    body = {"error": message, **{k: v for k, v in extra.items() if v is not None}}
    if _wants_html():
        page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>kgserver validate: error</title>'
                f"</head><body><h1>Error {status}</h1><p>{html.escape(message)}</p></body></html>")
        return Response(page, status=status, mimetype="text/html")
    response = jsonify(body)
    response.status_code = status
    return response


def _options() -> tuple[str, bool]:
    lang = request.values.get("lang") or (request_languages()[0] if request.accept_languages else "en")
    if lang not in ("ca", "es", "en"):
        lang = "en"
    strict = request.values.get("strict", "").lower() in ("1", "true", "yes", "on")
    return lang, strict


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_err):
    """Answer 413 with the limit, in the same shape as the other errors."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return _error(413, f"the document is larger than the limit of {limit} bytes")


@bp.get("/validate")
def form():
    """Show a form where a document can be pasted and validated."""
    return render_template("pages/validate.html", formats=_FORM_FORMATS, url_root=request.url_root)


@bp.post("/validate")
def validate_document():
    """Validate the RDF document in the body and answer with the report (JSON or HTML)."""
    lang, strict = _options()
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fmt = request.form.get("format", "turtle")
        if fmt not in _FORM_FORMATS:
            return _error(415, f"unsupported format {fmt!r}; expected one of {', '.join(_FORM_FORMATS)}")
        data = request.form.get("document", "").encode("utf-8")
    else:
        fmt = format_for_media_type(request.content_type)
        if fmt is None:
            accepted = ", ".join(sorted(MEDIA_TYPES))
            return _error(415, f"unsupported media type {request.mimetype or '(none)'!r}; send RDF as one of: {accepted}")
        data = request.get_data(cache=False)
    if not data.strip():
        return _error(400, "the request body is empty; send the RDF document to validate")
    job = ValidateJob(data, fmt, lang, strict, _wants_html())
    try:  # in a query worker: the endpoint's time limit, its concurrency, no network
        answer = get_state().run_query(job, timeout=_time_limit(), **client_of(request))
    except RDFSyntaxError as err:
        return _error(400, str(err), line=err.line, column=err.column, source=err.source, detail=err.detail)
    except KGError as err:
        return _error(err.http_status, str(err))
    return Response(answer.body, mimetype=answer.media_type)


def _time_limit() -> float:
    """Return the seconds a validation may take (``VALIDATE_TIMEOUT``, else the query time limit)."""
    limit = current_app.config.get("VALIDATE_TIMEOUT")
    return float(limit) if limit else get_state().query_timeout


@dataclass(frozen=True)
class ValidateJob:
    """One validation, run in a query worker process (picklable; see :meth:`WorkerPool.run`)."""

    data: bytes
    fmt: str
    lang: str
    strict: bool
    html: bool

    def run(self, engine=None) -> Answer:
        """Parse and validate the document; return the report (HTML or JSON)."""
        from ..validation.contribution import load_document

        contribution = load_document(self.data, self.fmt, name="<request>")  # a bad document fails fast
        from ..validation.engine import validate_graphs
        from ..validation.render import to_html, to_json

        report = validate_graphs(contribution, context=_context(engine))
        if self.html:
            return Answer("text/html", to_html(report, self.lang, self.strict).encode("utf-8"))
        return Answer("application/json", to_json(report, self.lang, self.strict).encode("utf-8"))


def _context(engine):
    """Return the bundle context of an external store's release (over ``--store``), else None (the bundle's files).

    Over an external store the job runs in the web process with a :class:`kgserver.remote.engine.RemoteEngine`:
    the graphs a contribution joins are the published release's, read through the store interface.
    """
    if getattr(engine, "name", None) != "remote":
        return None
    from ..validation.context import served_context

    return served_context(engine.store)
