"""The named-query API: each file of ``queries/`` as ``GET /api/queries/<name>``, described in OpenAPI.

Parameters are declared in the query's grlc-style ``#+`` header (``params``: name, type,
description, example, required, enum).  Every value is checked against its type and bound
to the query's variable of the same name as a typed RDF term (Oxigraph ``substitutions``):
it is never pasted into the query text, so no value can change the query.  A bad value is a
400 that names the parameter and says why.

Also here: ``/api/openapi.json`` (OpenAPI 3.1), the browsable ``/api/`` page, and the same
queries as SPARQL examples at ``/.well-known/sparql-examples`` (the SIB ``sparql-examples``
pattern: ``sh:SPARQLExecutable`` with ``schema:target`` and ``rdfs:comment``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, render_template, request

from .. import __version__
from ..namespaces import PREFIXES
from ..params import PARAM_TYPES, Param, ParamError, bind, param_from_spec
from ..queries import NamedQuery as BundledQuery
from ..queries import QuerySyntaxError, check_parses, load_queries, values_clause
from ..results import RESULT_FORMATS
from ..terms import to_rdflib
from ..engine import Answer
from .conneg import FORMATS
from .hardening import client_of
from .state import get_state

bp = Blueprint("api", __name__)

_EXT = "kgserver.api"
XSD = PREFIXES["xsd"]
RDF = PREFIXES["rdf"]
SH = PREFIXES["sh"]
SCHEMA = PREFIXES["schema"]
RDFS = PREFIXES["rdfs"]

RESERVED = {"format"}

#: Result formats the API offers -> media type (the endpoint's table, reduced).
RESULT_TYPES = {key: RESULT_FORMATS[key] for key in ("json", "csv")}


@dataclass
class NamedQuery:
    """A named query as the API serves it."""

    name: str
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)

    @property
    def body(self) -> str:
        """Return the SPARQL text without the ``#+`` header lines."""
        return "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#+")).strip() + "\n"


def _normalise(query: BundledQuery) -> NamedQuery:
    """Return the API's view of a bundled named query, its parameters typed as :class:`Param`."""
    params = query.header.get("params") or []
    if isinstance(params, dict):
        params = [param_from_spec(spec or {}, name) for name, spec in params.items()]
    else:
        params = [param_from_spec(spec) for spec in params]
    return NamedQuery(name=query.name, text=query.text, summary=query.summary,
                      description=query.description, tags=query.tags, params=params)


def load_named_queries() -> dict[str, NamedQuery]:
    """Return the bundled named queries by name.

    :raises QuerySyntaxError: (file:line:column) for a query whose header or SPARQL is broken.
    """
    queries = []
    for bundled in load_queries():
        check_parses(bundled, PREFIXES)
        try:
            queries.append(_normalise(bundled))
        except ParamError as err:
            raise QuerySyntaxError(str(bundled.path), f"invalid #+ params: {err}", 1, 1) from None
    return {q.name: q for q in sorted(queries, key=lambda q: q.name)}


def init_app(app) -> None:
    """Load the named queries once, at start-up: a broken query file stops the server with its file:line."""
    app.extensions[_EXT] = {"lock": threading.Lock(), "queries": load_named_queries()}


def named_queries() -> dict[str, NamedQuery]:
    """Return the named queries, loaded once per application."""
    cache = current_app.extensions[_EXT]
    if cache["queries"] is None:
        with cache["lock"]:
            if cache["queries"] is None:
                cache["queries"] = load_named_queries()
    return cache["queries"]


def bindings(query: NamedQuery, args) -> dict[ox.Variable, object]:
    """Validate the request's arguments against the query's parameters; return the substitutions.

    :raises ParamError: for an undeclared, missing, repeated or invalid parameter.
    """
    declared = {p.name: p for p in query.params}
    for name in args:
        if name not in declared and name not in RESERVED:
            known = ", ".join(sorted(declared)) or "none"
            raise ParamError(name, f"not a parameter of query {query.name!r} (its parameters: {known})")
    out = {}
    for param in query.params:
        values = args.getlist(param.name)
        if len(values) > 1:
            raise ParamError(param.name, "given more than once")
        if not values or values[0] == "":
            if param.required:
                raise ParamError(param.name, f"required ({param.type}: {PARAM_TYPES.get(param.type, ('', ''))[1]})")
            continue
        out[ox.Variable(param.name)] = bind(param, values[0])
    return out


def _problem(status: int, title: str, detail: str, **extra) -> Response:
    response = jsonify({"status": status, "title": title, "detail": detail, **extra})
    response.status_code = status
    response.content_type = "application/problem+json"
    return response


def _result_format() -> str | None:
    requested = request.args.get("format")
    if requested is not None:
        return requested if requested in RESULT_TYPES else None
    accept = request.accept_mimetypes
    if not accept:
        return "json"
    best = accept.best_match(["application/sparql-results+json", "application/json", "text/csv"])
    return None if best is None else ("csv" if best == "text/csv" else "json")


def run(query: NamedQuery, substitutions: dict, fmt: str) -> tuple[bytes, str]:
    """Run a named query with its bound parameters; return the serialised results and media type.

    The query runs in a query worker, like every query of ``/sparql``: the same time limit,
    the same share of workers per client, no network.
    """
    job = NamedQueryJob(query.body, tuple((var.value, term) for var, term in substitutions.items()), fmt)
    answer = get_state().run_query(job, **client_of(request))
    return answer.body, answer.media_type


@dataclass(frozen=True)
class NamedQueryJob:
    """One named query call, run in a query worker (picklable; see :meth:`WorkerPool.run`).

    Oxigraph binds values (``substitutions``, SEP-0007) only for variables a SELECT projects;
    for a parameter the query does not project, the same typed terms are joined as a trailing
    ``VALUES`` clause (:func:`kgserver.queries.values_clause`: the terms in N-Triples form, written by
    pyoxigraph), on the same engine: the query text written by the publisher is not changed otherwise.
    """

    body: str
    substitutions: tuple[tuple[str, object], ...]
    fmt: str

    def run(self, engine) -> Answer:
        """Run the query on the worker's engine and serialise its results."""
        bound = {ox.Variable(name): term for name, term in self.substitutions}
        if not hasattr(engine, "store"):  # the rdflib engine
            return _run_rdflib(engine.dataset, self.body, bound, self.fmt)
        try:
            result = engine.query(self.body, substitutions=bound, prefixes=PREFIXES)
        except RuntimeError as err:
            if "projection" not in str(err):
                raise
            values = values_clause({var.value: term for var, term in bound.items()})
            result = engine.query(self.body.rstrip() + "\n" + values, prefixes=PREFIXES)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            if self.fmt == "csv" and isinstance(result, ox.QuerySolutions):
                return Answer("text/csv; charset=utf-8", result.serialize(format=ox.QueryResultsFormat.CSV))
            return Answer("application/sparql-results+json; charset=utf-8",
                          result.serialize(format=ox.QueryResultsFormat.JSON))
        return Answer(FORMATS["ttl"].content_type,
                      ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))


def _run_rdflib(graph, body: str, substitutions: dict, fmt: str) -> Answer:
    result = graph.query(body, initNs=PREFIXES,
                         initBindings={var.value: to_rdflib(term) for var, term in substitutions.items()})
    if fmt == "csv" and result.type == "SELECT":
        return Answer("text/csv; charset=utf-8", result.serialize(format="csv"))
    if result.type in ("SELECT", "ASK"):
        return Answer("application/sparql-results+json; charset=utf-8", result.serialize(format="json"))
    return Answer(FORMATS["ttl"].content_type, result.serialize(format="turtle"))


@bp.get("/api/queries/<path:name>")
def call(name: str):
    """Run one named query with the parameters of the request."""
    query = named_queries().get(name)
    if query is None:
        return _problem(404, "unknown query", f"no named query {name!r}; see /api/ for the list",
                        queries=sorted(named_queries()))
    fmt = _result_format()
    if fmt is None:
        response = _problem(406, "not acceptable",
                            "results are offered as application/sparql-results+json or text/csv "
                            "(Accept header, or format=json|csv)")
        response.vary.add("Accept")
        return response
    try:
        substitutions = bindings(query, request.args)
    except ParamError as err:
        return _problem(400, "bad parameter", str(err), param=err.param, reason=err.reason)
    body, media_type = run(query, substitutions, fmt)  # a failing bundled query is a server fault: 500
    response = Response(body, content_type=media_type)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def openapi(server_url: str) -> dict:
    """Return the OpenAPI 3.1 description of the named-query API."""
    paths = {}
    for query in named_queries().values():
        parameters = []
        for param in query.params:
            schema = dict(PARAM_TYPES.get(param.type, ({"type": "string"}, ""))[0])
            if param.enum:
                schema["enum"] = list(param.enum)
            entry = {"name": param.name, "in": "query", "required": param.required, "schema": schema,
                     "description": (param.description + f" ({param.type}: {PARAM_TYPES.get(param.type, ('', ''))[1]})").strip()}
            if param.example is not None:
                entry["example"] = int(param.example) if param.type == "integer" and re.fullmatch(r"-?\d+", param.example) else param.example
            parameters.append(entry)
        parameters.append({"name": "format", "in": "query", "required": False,
                           "schema": {"type": "string", "enum": list(RESULT_TYPES)},
                           "description": "Result format; overrides the Accept header."})
        paths[f"/api/queries/{query.name}"] = {"get": {
            "operationId": re.sub(r"[^A-Za-z0-9_]", "_", query.name),
            "summary": query.summary or query.name,
            "description": query.description or query.summary or query.name,
            "tags": query.tags or ["queries"],
            "parameters": parameters,
            "responses": {
                "200": {"description": "Query results (SPARQL 1.1 Query Results JSON or CSV)",
                        "content": {"application/sparql-results+json": {"schema": {"type": "object"}},
                                    "text/csv": {"schema": {"type": "string"}}}},
                "400": {"description": "A parameter is missing or invalid; the body names it and says why",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                "406": {"description": "No acceptable result format",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            },
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ESS Knowledge Graph named queries", "version": __version__,
                 "description": "Ready-made SPARQL queries over the ESS policy graph, with typed parameters. "
                                "Generated from the #+ headers of the files in queries/."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {"Problem": {"type": "object", "properties": {
            "status": {"type": "integer"}, "title": {"type": "string"}, "detail": {"type": "string"},
            "param": {"type": "string"}, "reason": {"type": "string"}}}}},
    }


@bp.get("/api/openapi.json")
def openapi_json():
    """Serve the OpenAPI 3.1 description generated from the query headers."""
    response = jsonify(openapi(request.host_url.rstrip("/") + request.script_root))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/api/")
def index():
    """Show the named queries with a form to try each."""
    from . import api_texts
    from .pages import _common_context
    from .ui import request_languages

    html = render_template("pages/api.html", queries=list(named_queries().values()), param_types=PARAM_TYPES,
                           texts=api_texts,
                           **_common_context(request_languages(), title="API"))
    return Response(html, content_type="text/html; charset=utf-8")


def examples_triples(base: str) -> list[ox.Triple]:
    """Return the named queries as SPARQL examples (SIB ``sparql-examples`` pattern)."""
    doc = base + ".well-known/sparql-examples"
    a = ox.NamedNode(RDF + "type")
    prefixes_node = ox.NamedNode(doc + "#prefixes")
    triples = []
    for index, (prefix, namespace) in enumerate(sorted(PREFIXES.items())):
        declaration = ox.BlankNode(f"prefix{index}")
        triples += [ox.Triple(prefixes_node, ox.NamedNode(SH + "declare"), declaration),
                    ox.Triple(declaration, ox.NamedNode(SH + "prefix"), ox.Literal(prefix)),
                    ox.Triple(declaration, ox.NamedNode(SH + "namespace"),
                              ox.Literal(namespace, datatype=ox.NamedNode(XSD + "anyURI")))]
    for query in named_queries().values():
        node = ox.NamedNode(doc + "#" + re.sub(r"[^A-Za-z0-9_.-]", "-", query.name))
        form = _form(query.body)
        triples += [
            ox.Triple(node, a, ox.NamedNode(SH + "SPARQLExecutable")),
            ox.Triple(node, a, ox.NamedNode(SH + f"SPARQL{form.capitalize()}Executable")),
            ox.Triple(node, ox.NamedNode(RDFS + "label"), ox.Literal(query.summary or query.name)),
            ox.Triple(node, ox.NamedNode(RDFS + "comment"),
                      ox.Literal(query.description or query.summary or query.name, language="en")),
            ox.Triple(node, ox.NamedNode(SH + form), ox.Literal(query.body)),
            ox.Triple(node, ox.NamedNode(SH + "prefixes"), prefixes_node),
            ox.Triple(node, ox.NamedNode(SCHEMA + "target"), ox.NamedNode(base + "sparql")),
            ox.Triple(node, ox.NamedNode(SCHEMA + "url"), ox.NamedNode(base + "api/queries/" + query.name)),
        ]
        triples += [ox.Triple(node, ox.NamedNode(SCHEMA + "keywords"), ox.Literal(tag)) for tag in query.tags]
    return triples


def _form(text: str) -> str:
    """Return ``select``, ``ask``, ``construct`` or ``describe``: the query form, for ``sh:<form>``."""
    stripped = re.sub(r"#[^\n]*", "", text)
    stripped = re.sub(r"\b(PREFIX|BASE)\b[^\n]*", "", stripped, flags=re.IGNORECASE)
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", stripped, re.IGNORECASE)
    return match.group(1).lower() if match else "select"


@bp.get("/.well-known/sparql-examples")
def sparql_examples():
    """Publish the named queries as SPARQL examples, in Turtle (or another RDF format by Accept)."""
    from .conneg import RDF_FORMATS, negotiate
    from .resource import serialize

    fmt = negotiate(request.accept_mimetypes, RDF_FORMATS) if request.accept_mimetypes else FORMATS["ttl"]
    if fmt is None:
        from .pages import not_acceptable

        return not_acceptable(RDF_FORMATS)
    response = Response(serialize(examples_triples(current_app.config["BASE_IRI"]), fmt.rdf_format),
                        content_type=fmt.content_type)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
