"""Run queries on an Oxigraph store (the default engine)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import OrderedDict
from functools import lru_cache
from itertools import islice

import pyoxigraph as ox

from .. import results
from . import Answer, QueryRequest, check_query
from .errors import InvalidQuery, NotAcceptable, QueryEvaluationError, QuerySyntaxError
from .layout import MERGE_ASSERTED, names_dataset, served_default_graph

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.\-]*)?:[\w.\-]*$")


#: Name of the private graphs holding the merge of several requested default graphs.
_MERGE_GRAPH = "urn:x-kgserver:merge:"
#: How Oxigraph refuses a call to a function it does not implement (an extension function, an unknown cast).
_UNSUPPORTED_FUNCTION = re.compile(r"The custom function <[^>]*> is not supported")
#: Merged default graphs one engine keeps (least recently used dropped first).
MAX_MERGED_GRAPHS = 16


#: A built store with at most this many quads (named graphs and merged default graph) is
#: queried from a copy in memory, made once in a query workers' zygote and shared by the
#: workers (copy-on-write): a lookup there costs about a third of one on the read-only
#: RocksDB store.  Larger stores are queried on disk: a copy holds about 340 bytes per quad
#: (1.12M quads: 381 MB, 585 MB at its peak while it is made, 16 s of CPU), and a worker's
#: peak RSS, the shared pages it reads included, must stay under ``zygote.MAX_WORKER_RSS``.
MEMORY_COPY_MAX_QUADS = 1_500_000
#: Stores up to this many quads are copied before the first worker starts (a fraction of a
#: second); larger ones (up to :data:`MEMORY_COPY_MAX_QUADS`) while the disk store answers,
#: by a second zygote whose workers then take over (:class:`kgserver.engine.pool.WorkerPool`).
MEMORY_COPY_AT_START_QUADS = 200_000


def copied_later(quads: int | None) -> bool:
    """Tell whether a built store of ``quads`` quads gets its memory copy in the background."""
    return quads is not None and MEMORY_COPY_AT_START_QUADS < quads <= MEMORY_COPY_MAX_QUADS


def memory_copy(store: ox.Store, quads: int | None) -> ox.Store:
    """Return an in-memory copy of the on-disk ``store`` if it holds ``quads`` <= :data:`MEMORY_COPY_MAX_QUADS`.

    :param quads: the quads of a built (on-disk) store; None for a store already in memory
        or of unknown size, which is returned as it is.
    """
    if quads is None or quads > MEMORY_COPY_MAX_QUADS:
        return store
    copy = ox.Store()
    copy.bulk_extend(store.quads_for_pattern(None, None, None, None))  # blank nodes keep their identity
    return copy


class OxigraphEngine:
    """Evaluate SPARQL queries with pyoxigraph over a store of named graphs.

    Without a dataset in the request or the query, the default graph is the RDF merge
    of every named graph: a *set* of triples.  Oxigraph's own union option repeats a
    triple once per graph holding it, so the store's default graph holds the merge of the
    asserted graphs, and queries naming no dataset run on it and the inferred graph, which
    holds none of its triples (:mod:`.layout`): ``kgserver build`` writes it so (the store is
    then used as it is, even read-only); a store with an empty default graph gets it written
    once, here, and must then be the engine's own (a fresh store, or the private copy of a
    forked worker process).  ``FROM`` / ``FROM NAMED`` and the protocol's graph parameters
    only select among the store's own graphs: nothing is ever fetched.

    :param store: a built store (see :mod:`.layout`), or one whose default graph is empty.
    """

    name = "oxigraph"

    def __init__(self, store: ox.Store):
        self._built = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
        if not self._built:
            store.update(MERGE_ASSERTED)
        self.store = store
        self._graphs = list(store.named_graphs())
        self._merges: OrderedDict[tuple, tuple[ox.NamedNode, int, ox.Store | None]] = OrderedDict()
        self._merged_quads = 0
        self._budget: int | None = None  # merges hold at most as many quads as the store (counted when first needed)

    def execute(self, request: QueryRequest) -> Answer:
        """Run one query and serialise its answer.

        :raises QuerySyntaxError: when the text does not parse (with line and column).
        :raises NotAcceptable: when no requested format fits the query form.
        :raises QueryEvaluationError: when the store fails while evaluating.
        """
        info = check_query(request.text)
        kwargs: dict = {"base_iri": request.base_iri}
        store = self.store
        if request.has_protocol_dataset:
            kwargs["default_graph"], store = self._default_graph(request.default_graphs or (), request.named_graphs or ())
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs or ()]
        elif info.from_default > 1:
            graphs = _from_graphs(request.text, request.base_iri)
            if graphs is not None:
                kwargs["default_graph"], store = self._default_graph(*graphs)
        elif not info.from_named and not info.from_default:
            kwargs["default_graph"] = served_default_graph()
            if self._merges and not self._built:
                kwargs["named_graphs"] = self._graphs  # keep the merge graphs out of GRAPH ?g
        if request.bindings:
            kwargs["substitutions"] = {ox.Variable(name): term for name, term in request.bindings}
        try:
            result = store.query(request.text, **kwargs)
            return _serialise(result, request, lambda: store.query(request.text, **kwargs))
        except SyntaxError as err:
            raise syntax_error(str(err), request.text) from None
        except OSError as err:
            raise QueryEvaluationError(f"the query engine failed: {err}") from None
        except RuntimeError as err:  # Oxigraph's word for a function it does not know: the query's fault
            if _UNSUPPORTED_FUNCTION.fullmatch(str(err)):
                raise InvalidQuery(f"{err}: only the SPARQL 1.1 functions and XSD casts Oxigraph implements "
                                   "can be called") from None
            raise

    def query(self, text: str, **kwargs):
        """Run ``text`` with pyoxigraph's own options over the served dataset (default graph: the merge).

        For callers that need what :meth:`execute` does not offer (``prefixes``, raw results);
        the engine's private merge graphs stay out of ``GRAPH ?g``.  A text with ``FROM`` or
        ``FROM NAMED`` runs on the dataset it names.
        """
        if names_dataset(text):
            return self.store.query(text, **kwargs)
        kwargs.setdefault("default_graph", served_default_graph())
        if self._merges and not self._built:
            kwargs.setdefault("named_graphs", self._graphs)
        return self.store.query(text, **kwargs)

    def _default_graph(self, iris, named=()) -> tuple[list[ox.NamedNode], ox.Store]:
        """Return the default graph for ``iris`` (one graph, or the RDF merge of several) and the store to query.

        Oxigraph takes a list of default graphs as their bag union (a triple held by two
        graphs is matched twice).  The merge is written once into a private graph and kept
        for later requests (the served data never changes): in this engine's store, or, for
        a built store (shared, read-only), in a small in-memory store of its own that also
        holds copies of the ``named`` graphs the query may name.
        """
        unique = tuple(sorted(set(iris)))
        if len(unique) < 2:
            return [ox.NamedNode(g) for g in unique], self.store
        key = (unique, tuple(sorted(set(named)))) if self._built else unique
        if key in self._merges:
            self._merges.move_to_end(key)
            name, _, side = self._merges[key]
            return [name], self.store if side is None else side
        name = ox.NamedNode(_MERGE_GRAPH + hashlib.sha256("\n".join(unique).encode()).hexdigest())
        quads = [
            ox.Quad(quad.subject, quad.predicate, quad.object, name)
            for graph in unique
            for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ]
        side = None
        if self._built:
            side = ox.Store()
            quads += [q for graph in key[1] for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
        if self._budget is None:  # len() walks every quad: not at start-up (seconds on a built store of 1M)
            self._budget = len(self.store)
        # keep at most MAX_MERGED_GRAPHS merges, holding together no more quads than the dataset
        while self._merges and (
            len(self._merges) >= MAX_MERGED_GRAPHS or self._merged_quads + len(quads) > self._budget
        ):
            _, (old, size, old_side) = self._merges.popitem(last=False)
            if old_side is None:
                self.store.remove_graph(old)
            self._merged_quads -= size
        target = self.store if side is None else side  # an empty store is falsy: no `or` here
        target.extend(quads)
        self._merges[key] = (name, len(quads), side)
        self._merged_quads += len(quads)
        return [name], target


@lru_cache(maxsize=256)
def _from_graphs(text: str, base_iri: str | None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Return the IRIs of the query's ``FROM`` and ``FROM NAMED`` clauses (None when rdflib cannot tell).

    Only queries with several ``FROM`` clauses come here; their text is parsed once by rdflib
    (a millisecond or two) and remembered.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        query = translateQuery(parseQuery(text), base=base_iri)
    except Exception:  # Oxigraph reports the error, with its position, when it parses the text
        return None
    clauses = query.algebra.get("datasetClause") or []
    graphs = [str(clause["default"]) for clause in clauses if "default" in clause]
    named = [str(clause["named"]) for clause in clauses if "named" in clause]
    try:
        for graph in graphs + named:
            ox.NamedNode(graph)
    except ValueError:  # an IRI rdflib takes and Oxigraph does not: Oxigraph reports it
        return None
    return tuple(graphs), tuple(named)


_NATIVE_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: The fewest bytes one solution takes in Oxigraph's output of each format.
_MIN_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


#: Bytes per row the native writers may fill before a result counts as over the row limit.
MAX_ROW_BYTES = 512


class _OverBudget(Exception):
    """Raised into Oxigraph's writer to stop an evaluation whose output outgrew its budget."""


class _BoundedWriter:
    """A file-like buffer that refuses to grow past ``budget`` bytes (stopping the evaluation)."""

    def __init__(self, budget: int):
        self.budget = budget
        self.buffer = bytearray()

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) > self.budget:
            raise _OverBudget
        return len(data)

    def flush(self) -> None:
        pass


def _most_rows(fmt: str, body: bytes) -> int:
    """Return at least the number of solutions in Oxigraph's output ``body``, by counting bytes only.

    Two JSON solutions always meet at ``},{`` and a CSV or TSV row ends with a newline; such bytes
    inside values only raise the bound.  Parsing a large answer to count it exactly cost more than
    writing it (58 MB of JSON at 100k triples).
    """
    if fmt == "json":
        return body.count(b"},{") + 1
    if fmt == "xml":
        return body.count(b"<result>")
    return body.count(b"\n") - 1


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
        # Oxigraph's own writers are several times faster than Python: they write into a
        # buffer that stops the evaluation (by raising) once it holds more bytes than the row
        # limit can need; the row limit is checked on their output, and only a result over
        # the limit is evaluated again, up to the limit only, and written cut.
        writer = _BoundedWriter(max(request.max_rows * MAX_ROW_BYTES, 1 << 16))
        try:
            result.serialize(writer, format=_NATIVE_RESULT_FORMATS[fmt])
            body = bytes(writer.buffer)
            if (len(body) <= _MIN_ROW_BYTES[fmt] * request.max_rows or _most_rows(fmt, body) <= request.max_rows
                    or _count_rows(fmt, body) <= request.max_rows):
                return Answer(results.RESULT_FORMATS[fmt], body)
        except _OverBudget:
            pass
        del writer
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
