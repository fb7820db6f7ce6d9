"""The served dataset in an external SPARQL store, read over the SPARQL 1.1 Protocol.

:class:`RemoteStore` answers :meth:`query` with the same pyoxigraph objects as the embedded
store: results are asked for as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT,
DESCRIBE) and parsed by pyoxigraph as they arrive.  A query is first parsed here, on an
empty in-memory Oxigraph store, so a syntax error is reported exactly as the embedded
server reports it (line, column) and nothing is sent for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ..engine.errors import QueryEvaluationError
from ..engine.oxigraph import syntax_error
from ..errors import ConfigurationError, KGError
from ..storage import DatasetStore
from . import DEFAULT_GRAPHS, FIGURES, RELEASE, RELEASE_GRAPH
from .client import CHUNK, SparqlClient

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


class RemoteStore(DatasetStore):
    """A release published by ``kgserver publish`` in an external SPARQL store.

    The figures are read once, here; named graphs come from them (no request).

    :param url: the store's query endpoint (``http://host:8890/sparql``, ``http://host:7878/query``).
    :param timeout: the default time limit of a query, in seconds.
    :raises StoreUnavailable: when the store cannot be reached.
    :raises ConfigurationError: when no release was published there.
    """

    def __init__(self, url: str, *, timeout: float = 30.0, client: SparqlClient | None = None):
        self.client = client or SparqlClient(url)
        self.timeout = float(timeout)
        self.figures = read_figures(self.client, self.timeout)
        self.graphs: tuple[str, ...] = tuple(self.figures.get("graphs", {}))
        self.default_graphs: tuple[str, ...] = tuple(self.figures.get("default_graphs", DEFAULT_GRAPHS))
        self.dumps: dict = {}

    def use_build(self, path: Path) -> None:
        """Search, browse and serve dumps from the build at ``path``, the one published as this release.

        Its label index and dump files hold what the store holds (the release records the build's key), so
        search, browse and the 404 page read the index instead of sending queries over every label or typed
        resource, and the dumps are the build's files instead of being made from the store on request.

        :raises ConfigurationError: when ``path`` holds no build, or another build than the published one.
        """
        from ..reasoning.builddir import read_manifest
        from ..store import build_dumps, build_label_index

        manifest = read_manifest(Path(path))
        if manifest is None:
            raise ConfigurationError(f"{path} holds no complete kgserver build")
        published = self.figures.get("build_key")
        if manifest.get("key") != published:
            raise ConfigurationError(
                f"the build in {path} ({manifest.get('key')}) is not the release published in the store "
                f"({published or 'published before releases named their build'}): publish that build, or give "
                f"the build that was published")
        self.label_index = build_label_index(Path(path), manifest)
        self.dumps = build_dumps(Path(path), manifest)

    def dump_file(self, name: str):
        """Return the dump file of the build given to :meth:`use_build`, or None."""
        return self.dumps.get(name)

    def __repr__(self) -> str:
        return f"RemoteStore({self.client.endpoints.display!r})"

    def named_graphs(self) -> Iterable[ox.NamedNode]:
        return [ox.NamedNode(g) for g in self.graphs]

    def query(self, sparql: str, *, timeout: float | None = None, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None, bindings: Sequence[tuple[str, object]] = (),
              default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
              max_rows: int | None = None):
        """Evaluate ``sparql`` in the store over the served dataset (see :mod:`kgserver.remote`).

        :param base_iri: the IRI relative IRIs resolve against (sent as a ``BASE`` line).
        :param prefixes: prefixes the query may use without declaring them (sent as ``PREFIX`` lines).
        :param bindings: (variable, term) pairs bound before evaluation (see :func:`upstream_text`).
        :param default_graphs: the protocol's ``default-graph-uri`` (with ``named_graphs``, a dataset of
            the request's own, as the embedded engine takes it).
        :param max_rows: rows the caller will read at most (see :meth:`SparqlClient.query`).
        :returns: ``ox.QuerySolutions`` or an iterator of ``ox.Triple`` read from the open answer, or ``ox.QueryBoolean``.
        :raises QuerySyntaxError: when the text does not parse (nothing is sent).
        :raises QueryTimeout: when the store did not answer within ``timeout`` (the request is abandoned).
        """
        limit = self.timeout if timeout is None else timeout
        form = probe(sparql, base_iri, prefixes, bindings)
        text = upstream_text(sparql, base_iri, prefixes, bindings)
        if default_graphs is None and named_graphs is None and not _has_dataset_clause(sparql):
            default_graphs, named_graphs = self.default_graphs, self.graphs
        response = self.client.query(text, N_TRIPLES if form == "graph" else JSON_RESULTS, timeout=limit,
                                     default_graphs=default_graphs or (), named_graphs=named_graphs or (),
                                     max_rows=max_rows)
        try:
            if form == "graph":
                return _triples(ox.parse(response, ox.RdfFormat.N_TRIPLES), response)
            stream = _VirtuosoJson(response) if self.client.endpoints.kind == "virtuoso" else response
            result = ox.parse_query_results(stream, ox.QueryResultsFormat.JSON)
            if form == "ask" and isinstance(result, ox.QuerySolutions):  # Virtuoso: one row, __ASK_RETVAL 1 or 0
                row = next(iter(result), None)
                value = row is not None and row[0] is not None and row[0].value not in ("0", "false")
                result = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if value else b"false"),
                                                ox.QueryResultsFormat.JSON)
        except SyntaxError as err:
            response.close()
            raise QueryEvaluationError(f"the store answered with results pyoxigraph cannot read: {err}") from None
        if isinstance(result, ox.QueryBoolean):
            response.close()
        return result

    def blank_node_iri(self, node: ox.BlankNode) -> str | None:
        """Virtuoso names its blank nodes ``nodeID://<label>`` in queries (read back as ``<label>``)."""
        return f"nodeID://{node.value}" if self.client.endpoints.kind == "virtuoso" else None

    def dump(self, output: IO[bytes] | None = None, format: ox.RdfFormat | None = None, *,  # noqa: A002
             from_graph: ox.NamedNode | None = None):
        """Serialise one named graph, or every named graph as N-Quads or TriG (one query per graph).

        Every graph is read to its end before anything is written (a store failing half-way writes nothing).
        """
        if from_graph is not None:
            return ox.serialize(list(self._graph_triples(from_graph.value)), output, format)
        quads = []
        for graph in self.graphs:
            name = ox.NamedNode(graph)
            quads += (ox.Quad(t.subject, t.predicate, t.object, name) for t in self._graph_triples(graph))
        return ox.serialize(quads, output, format)

    def _graph_triples(self, graph: str):
        return self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                          default_graphs=(), named_graphs=(graph,))


def read_figures(client: SparqlClient, timeout: float) -> dict:
    """Return the figures of the release published in the store (one small query, at start-up).

    :raises ConfigurationError: when the store holds no release of ``kgserver publish``.
    """
    text = f"SELECT ?figures WHERE {{ GRAPH <{RELEASE_GRAPH}> {{ <{RELEASE}> <{FIGURES}> ?figures }} }}"
    response = client.query(text, JSON_RESULTS, timeout=timeout, named_graphs=(RELEASE_GRAPH,))
    try:
        rows = list(ox.parse_query_results(response, ox.QueryResultsFormat.JSON))
    except SyntaxError as err:
        raise ConfigurationError(f"the store {client.endpoints.display} answered unreadable results: {err}") from None
    finally:
        response.close()
    if not rows:
        raise ConfigurationError(
            f"the store {client.endpoints.display} holds no kgserver release; "
            f"run `kgserver publish --store {client.endpoints.display}` first"
        )
    try:
        return json.loads(rows[0]["figures"].value)
    except (ValueError, AttributeError):
        raise ConfigurationError(f"the release figures in {client.endpoints.display} are not JSON") from None


_PROBE: ox.Store | None = None


def probe(sparql: str, base_iri=None, prefixes=None, bindings=()) -> str:
    """Parse the query on an empty store; return ``select``, ``ask`` or ``graph`` (its answer's kind).

    Oxigraph evaluates SELECT, CONSTRUCT and DESCRIBE lazily (nothing runs until the first
    answer is read, and none is), ASK over an empty dataset.

    :raises QuerySyntaxError: as the embedded engine raises it.
    """
    try:
        result = _probe_store().query(sparql, base_iri=base_iri, prefixes=prefixes or None)
    except SyntaxError as err:
        raise syntax_error(str(err), sparql) from None
    except (OSError, RuntimeError, ValueError) as err:
        raise KGError(f"the query cannot be run: {err}") from None
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "graph"


def probe_variables(sparql: str, base_iri=None) -> list[ox.Variable]:
    """Return the variables of a SELECT in the order the embedded engine lists them."""
    return list(_probe_store().query(sparql, base_iri=base_iri).variables)


def _probe_store() -> ox.Store:
    global _PROBE
    if _PROBE is None:
        _PROBE = ox.Store()
    return _PROBE


def upstream_text(sparql: str, base_iri=None, prefixes=None, bindings=()) -> str:
    """Return the text sent to the store: ``BASE`` and ``PREFIX`` lines, then the query with its bindings.

    The query's own ``BASE`` and ``PREFIX`` declarations come after ours, so they win, as
    they do on the embedded engine.  Bound terms go in a ``VALUES`` block at the start of the
    query's ``WHERE`` group (Virtuoso evaluates a trailing ``VALUES`` after property paths,
    wrongly), written by pyoxigraph (N-Triples syntax), never pasted from user text.
    """
    head = f"BASE <{base_iri}>\n" if base_iri else ""
    head += "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or {}).items())
    if not bindings:
        return head + sparql
    names = " ".join(f"?{name}" for name, _ in bindings)
    block = f" VALUES ({names}) {{ ({' '.join(str(term) for _, term in bindings)}) }} "
    where = _where_group(sparql)
    if where is None:
        return head + sparql + "\n" + block + "\n"
    return head + sparql[:where] + block + sparql[where:]


_WHERE = re.compile(r"(?<![\w?$:\-])WHERE(?![\w:\-])", re.IGNORECASE)


def _where_group(sparql: str) -> int | None:
    """Return the offset just inside the query's ``WHERE`` group (None when there is none).

    The group follows the first ``WHERE`` keyword outside brackets, or, without the keyword
    (``SELECT * { ... }``), is the first ``{`` outside brackets.  Strings, IRIs and comments are skipped.
    """
    from ..engine.scan import _tokens

    offset, depth, after_where, first_brace = 0, 0, False, None
    for is_code, token in _tokens(sparql):
        if is_code:
            for match in re.finditer(r"[{(\[]|[})\]]|" + _WHERE.pattern, token, re.IGNORECASE):
                char = match.group(0)
                if char in "{([":
                    if char == "{" and depth == 0:
                        if after_where:
                            return offset + match.end()
                        if first_brace is None:
                            first_brace = offset + match.end()
                    depth += 1
                elif char in "})]":
                    depth -= 1
                elif depth == 0:
                    after_where = True
        offset += len(token)
    return first_brace


def _has_dataset_clause(sparql: str) -> bool:
    from ..engine.scan import scan

    info = scan(sparql)
    return bool(info.from_default or info.from_named)


class _VirtuosoJson:
    """Read Virtuoso's SPARQL JSON in the form the embedded store answers.

    Its blank node labels ``nodeID://b1`` become ``b1``, and its ``xsd:boolean`` values, which it writes
    ``"1"``/``"0"`` (same value, another lexical form), become ``"true"``/``"false"`` as they were loaded.
    """

    _BOOLEAN = b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "'
    REPLACEMENTS = ((b'"bnode", "value": "nodeID://', b'"bnode", "value": "'),
                    (_BOOLEAN + b'1"', _BOOLEAN + b'true"'), (_BOOLEAN + b'0"', _BOOLEAN + b'false"'))
    #: bytes held back at a chunk's end, where a pattern may be cut
    KEEP = max(len(pattern) for pattern, _ in REPLACEMENTS) - 1

    def __init__(self, response):
        self._response, self._held, self._ready = response, b"", b""

    def read(self, size: int = -1) -> bytes:
        """Return at most ``size`` bytes (pyoxigraph's reader panics when given more)."""
        while not self._ready:
            chunk = self._response.read(CHUNK)
            data = self._held + chunk
            for pattern, replacement in self.REPLACEMENTS:
                data = data.replace(pattern, replacement)
            if not chunk:  # the end: nothing can complete a held pattern
                self._held = b""
                self._ready = data
                break
            self._held, self._ready = data[-self.KEEP:], data[:-self.KEEP]  # completed by the next chunk
        size = len(self._ready) if size is None or size < 0 else size
        out, self._ready = self._ready[:size], self._ready[size:]
        return out

    def readable(self) -> bool:
        return True


def _triples(quads, response):
    """Yield the parsed quads as triples; close the connection at the end."""
    try:
        for quad in quads:
            yield ox.Triple(quad.subject, quad.predicate, quad.object)
    except SyntaxError as err:
        raise QueryEvaluationError(f"the store answered with triples pyoxigraph cannot read: {err}") from None
    finally:
        response.close()
