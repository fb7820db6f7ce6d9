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

import datetime
import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, render_template, request

from .. import __version__
from ..namespaces import PREFIXES
from .conneg import FORMATS
from .state import get_state

bp = Blueprint("api", __name__)

_EXT = "kgserver.api"
XSD = PREFIXES["xsd"]
RDF = PREFIXES["rdf"]
SH = PREFIXES["sh"]
SCHEMA = PREFIXES["schema"]
RDFS = PREFIXES["rdfs"]

#: Parameter type -> (JSON Schema for OpenAPI, what a valid value looks like).
PARAM_TYPES: dict[str, tuple[dict, str]] = {
    "iri": ({"type": "string", "format": "iri"}, "an absolute IRI, or a prefixed name such as esskg:plan/x"),
    "string": ({"type": "string"}, "any text"),
    "langString": ({"type": "string"}, "text, optionally with a language tag: text@ca"),
    "integer": ({"type": "integer"}, "an integer such as 42"),
    "decimal": ({"type": "number"}, "a decimal number such as 3.5"),
    "double": ({"type": "number"}, "a number such as 3.5e2"),
    "boolean": ({"type": "boolean"}, "true or false"),
    "date": ({"type": "string", "format": "date"}, "a date YYYY-MM-DD"),
    "gYear": ({"type": "string", "pattern": "^-?[0-9]{4}$"}, "a year of four digits such as 2018"),
}
#: Aliases seen in grlc-style headers -> our type names.
TYPE_ALIASES = {"uri": "iri", "str": "string", "literal": "string", "int": "integer", "number": "decimal",
                "float": "double", "bool": "boolean", "year": "gYear", "xsd:gyear": "gYear",
                "xsd:integer": "integer", "xsd:string": "string", "xsd:date": "date", "rdf:langstring": "langString",
                "langstring": "langString", "gyear": "gYear"}
MAX_VALUE_LENGTH = 2000
RESERVED = {"format"}

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
}


class ParamError(Exception):
    """A request parameter is missing or not valid; the message names it and says why."""

    def __init__(self, param: str, reason: str):
        super().__init__(f"parameter {param!r}: {reason}")
        self.param = param
        self.reason = reason


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str = "string"
    description: str = ""
    example: str | None = None
    required: bool = True
    enum: tuple[str, ...] = ()
    lang: str | None = None


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


def _get(obj, *names, default=None):
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if not isinstance(obj, dict) and hasattr(obj, name):
            return getattr(obj, name)
    return default


def _param(spec, fallback_name: str | None = None) -> Param:
    name = str(_get(spec, "name", default=fallback_name) or "").lstrip("?$")
    raw_type = str(_get(spec, "type", "datatype", default="string") or "string")
    kind = raw_type if raw_type in PARAM_TYPES else TYPE_ALIASES.get(raw_type.lower(), TYPE_ALIASES.get(raw_type, raw_type))
    if kind.startswith(XSD):
        kind = TYPE_ALIASES.get("xsd:" + kind[len(XSD):].lower(), "string")
    enum = _get(spec, "enum", default=()) or ()
    example = _get(spec, "example", default=None)
    return Param(name=name, type=kind, description=str(_get(spec, "description", default="") or ""),
                 example=None if example is None else str(example),
                 required=bool(_get(spec, "required", default=_get(spec, "default", default=None) is None)),
                 enum=tuple(str(v) for v in enum), lang=_get(spec, "lang", "language", default=None))


def _normalise(item, fallback_name: str | None = None) -> NamedQuery:
    """Turn whatever :func:`kgserver.queries.load_queries` gives for a query into a :class:`NamedQuery`."""
    params = _get(item, "params", "parameters", default=None) or []
    if isinstance(params, dict):
        params = [_param(spec, name) for name, spec in params.items()]
    else:
        params = [_param(spec) for spec in params]
    tags = _get(item, "tags", default=[]) or []
    return NamedQuery(
        name=str(_get(item, "name", "id", default=fallback_name)),
        text=str(_get(item, "text", "sparql", "query", "body", default="")),
        summary=str(_get(item, "summary", "title", default="") or ""),
        description=str(_get(item, "description", default="") or ""),
        tags=[str(t) for t in tags],
        params=params,
    )


def load_named_queries() -> dict[str, NamedQuery]:
    """Return the bundled named queries by name (empty until ``kgserver.queries`` exists)."""
    try:
        from ..queries import load_queries
    except ImportError:
        return {}
    loaded = load_queries()
    items = loaded.items() if isinstance(loaded, dict) else ((None, q) for q in loaded)
    queries = [_normalise(item, name) for name, item in items]
    return {q.name: q for q in sorted(queries, key=lambda q: q.name)}


def init_app(app) -> None:
    """Give the application its lazily filled cache of named queries."""
    app.extensions[_EXT] = {"lock": threading.Lock(), "queries": None, "rdflib": None}


def named_queries() -> dict[str, NamedQuery]:
    """Return the named queries, loaded once per application."""
    cache = current_app.extensions[_EXT]
    if cache["queries"] is None:
        with cache["lock"]:
            if cache["queries"] is None:
                cache["queries"] = load_named_queries()
    return cache["queries"]


def bind(param: Param, value: str):
    """Return the RDF term for one parameter value.

    :raises ParamError: when the value does not fit the parameter's type or enumeration.
    """
    if len(value) > MAX_VALUE_LENGTH:
        raise ParamError(param.name, f"value longer than {MAX_VALUE_LENGTH} characters")
    if param.enum and value not in param.enum:
        raise ParamError(param.name, f"{value!r} is not one of {', '.join(param.enum)}")
    kind = param.type

    def typed(datatype: str) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    if kind == "iri":
        prefix, colon, rest = value.partition(":")
        if colon and prefix in PREFIXES and not rest.startswith("//"):
            value = PREFIXES[prefix] + rest
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", value):
            raise ParamError(param.name, f"{value!r} is not an absolute IRI (expected {PARAM_TYPES['iri'][1]})")
        try:
            return ox.NamedNode(value)
        except ValueError as err:
            raise ParamError(param.name, f"{value!r} is not a valid IRI: {err}") from None
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ParamError(param.name, f"{value!r} is not an integer")
        return typed("integer")
    if kind == "decimal":
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value):
            raise ParamError(param.name, f"{value!r} is not a decimal number")
        return typed("decimal")
    if kind == "double":
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF|-INF|NaN", value):
            raise ParamError(param.name, f"{value!r} is not a number")
        return typed("double")
    if kind == "boolean":
        if value not in ("true", "false", "1", "0"):
            raise ParamError(param.name, f"{value!r} is not a boolean (true or false)")
        return typed("boolean")
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ParamError(param.name, f"{value!r} is not a date YYYY-MM-DD") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ParamError(param.name, f"{value!r} is not a date YYYY-MM-DD")
        return typed("date")
    if kind == "gYear":
        if not re.fullmatch(r"-?[0-9]{4}", value):
            raise ParamError(param.name, f"{value!r} is not a year of four digits (xsd:gYear)")
        return typed("gYear")
    if kind == "langString":
        text, at, lang = value.rpartition("@")
        if at and re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            return ox.Literal(text, language=lang.lower())
        if param.lang:
            return ox.Literal(value, language=param.lang)
        raise ParamError(param.name, f"{value!r} has no language tag (expected text@ca)")
    if kind == "string":
        return ox.Literal(value, language=param.lang) if param.lang else ox.Literal(value)
    raise ParamError(param.name, f"the query declares an unknown type {kind!r}")


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

    Oxigraph binds values (``substitutions``, SEP-0007) only for variables a SELECT projects;
    for a parameter the query does not project, the same typed terms are bound with rdflib's
    ``initBindings`` instead.  Either way the query text is never changed.
    """
    try:
        result = get_state().store.query(query.body, substitutions=substitutions, use_default_graph_as_union=True,
                                         prefixes=PREFIXES)
    except RuntimeError as err:
        if "projection" not in str(err):
            raise
        return _run_rdflib(query, substitutions, fmt)
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        if fmt == "csv" and isinstance(result, ox.QuerySolutions):
            return result.serialize(format=ox.QueryResultsFormat.CSV), "text/csv; charset=utf-8"
        return result.serialize(format=ox.QueryResultsFormat.JSON), "application/sparql-results+json; charset=utf-8"
    return ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES), FORMATS["ttl"].content_type


def _rdflib_graph():
    """Return the served store as one rdflib graph (the union of its graphs), made once."""
    cache = current_app.extensions[_EXT]
    if cache.get("rdflib") is None:
        with cache["lock"]:
            if cache.get("rdflib") is None:
                from ..rdfio import parse_bytes

                store = get_state().store
                data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                                     for q in store.quads_for_pattern(None, None, None, None)),
                                    format=ox.RdfFormat.N_TRIPLES)
                cache["rdflib"] = parse_bytes(data, "nt", source="<store>")
    return cache["rdflib"]


def _rdflib_term(term):
    from rdflib import Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _run_rdflib(query: NamedQuery, substitutions: dict, fmt: str) -> tuple[bytes, str]:
    graph = _rdflib_graph()
    result = graph.query(query.body, initNs=PREFIXES,
                         initBindings={var.value: _rdflib_term(term) for var, term in substitutions.items()})
    if fmt == "csv" and result.type == "SELECT":
        return result.serialize(format="csv"), "text/csv; charset=utf-8"
    if result.type in ("SELECT", "ASK"):
        return result.serialize(format="json"), "application/sparql-results+json; charset=utf-8"
    return result.serialize(format="turtle"), FORMATS["ttl"].content_type


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
    from .pages import _common_context
    from .ui import request_languages

    html = render_template("pages/api.html", queries=list(named_queries().values()), param_types=PARAM_TYPES,
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
