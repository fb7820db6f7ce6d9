"""Run queries on an Oxigraph store (the default engine)."""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import islice

import pyoxigraph as ox

from .. import results
from . import Answer, QueryRequest, check_query
from .errors import NotAcceptable, QueryEvaluationError, QuerySyntaxError

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.\-]*)?:[\w.\-]*$")


_MERGE_NAMED_GRAPHS = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class OxigraphEngine:
    """Evaluate SPARQL queries with pyoxigraph over a store of named graphs.

    Without a dataset in the request or the query, the default graph is the RDF merge
    of every named graph: a *set* of triples.  Oxigraph's own union option repeats a
    triple once per graph holding it, so the engine writes the merge into the store's
    default graph once, at start-up; the store must therefore be the engine's own (a
    fresh store, or the private copy of a forked worker process).  ``FROM`` / ``FROM
    NAMED`` and the protocol's graph parameters only select among the store's own
    graphs: nothing is ever fetched.

    :param store: a store whose default graph is empty; the engine fills it.
    """

    name = "oxigraph"

    def __init__(self, store: ox.Store):
        store.update(_MERGE_NAMED_GRAPHS)
        self.store = store

    def execute(self, request: QueryRequest) -> Answer:
        """Run one query and serialise its answer.

        :raises QuerySyntaxError: when the text does not parse (with line and column).
        :raises NotAcceptable: when no requested format fits the query form.
        :raises QueryEvaluationError: when the store fails while evaluating.
        """
        check_query(request.text)
        kwargs: dict = {}
        if request.has_protocol_dataset:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs or ()]
        if request.bindings:
            kwargs["substitutions"] = {ox.Variable(name): term for name, term in request.bindings}
        try:
            result = self.store.query(request.text, **kwargs)
            return _serialise(result, request, lambda: self.store.query(request.text, **kwargs))
        except SyntaxError as err:
            raise syntax_error(str(err), request.text) from None
        except OSError as err:
            raise QueryEvaluationError(f"the query engine failed: {err}") from None


_NATIVE_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: The fewest bytes one solution takes in Oxigraph's output of each format.
_MIN_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


def _count_rows(fmt: str, body: bytes) -> int:
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return body.count(b"<result>")  # markup in values is escaped
    if fmt == "tsv":
        return body.count(b"\n") - 1  # newlines in values are escaped
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1


def _serialise(result, request: QueryRequest, rerun) -> Answer:
    if isinstance(result, ox.QuerySolutions):
        fmt = _require(request.result_format, "SELECT", results.RESULT_FORMATS)
        # Oxigraph's own writers are several times faster than Python; the row limit is
        # checked on their output, and only a result over the limit is written again, cut.
        body = result.serialize(format=_NATIVE_RESULT_FORMATS[fmt])
        if len(body) <= _MIN_ROW_BYTES[fmt] * request.max_rows or _count_rows(fmt, body) <= request.max_rows:
            return Answer(results.RESULT_FORMATS[fmt], body)
        result = rerun()
        variables = [v.value for v in result.variables]
        rows = [tuple(solution) for solution in islice(result, request.max_rows + 1)]
        truncated = len(rows) > request.max_rows
        del rows[request.max_rows :]
        return Answer(results.RESULT_FORMATS[fmt], results.write_select(fmt, variables, rows), truncated)
    if isinstance(result, ox.QueryBoolean):
        fmt = _require(request.result_format, "ASK", results.RESULT_FORMATS)
        return Answer(results.RESULT_FORMATS[fmt], results.write_ask(fmt, bool(result)))
    fmt = _require(request.graph_format, "CONSTRUCT or DESCRIBE", results.GRAPH_FORMATS)
    triples = list(islice(result, request.max_rows + 1))
    truncated = len(triples) > request.max_rows
    del triples[request.max_rows :]
    return Answer(results.GRAPH_FORMATS[fmt], results.write_graph(fmt, triples), truncated)


def _require(fmt: str | None, form: str, formats: dict[str, str]) -> str:
    if fmt is None:
        raise NotAcceptable(
            f"none of the accepted media types can carry a {form} result; available: {', '.join(formats.values())}"
        )
    return fmt


def syntax_error(message: str, text: str) -> QuerySyntaxError:
    """Turn Oxigraph's ``error at L:C: ...`` message into a :class:`QuerySyntaxError`."""
    match = _POSITION.match(message)
    if not match:
        return QuerySyntaxError(message)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.splitlines() or [""]
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    if "Prefix not found" in detail and source_line is not None:
        name = _PREFIXED_NAME_END.search(source_line[: column - 1])
        if name:
            prefix = name.group(1) or ""
            detail = f"unknown prefix '{prefix}:' (declare it with PREFIX {prefix}: <...>)"
    elif len(detail) > 300:
        detail = detail[:300] + "..."
    return QuerySyntaxError(detail, line, column, source_line)
