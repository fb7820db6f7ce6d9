"""Query execution: one request in, one serialised answer out, on Oxigraph or rdflib.

:class:`QueryRequest` and :class:`Answer` are small picklable records, so the same
engines run in-process (tests, the command line) or inside the worker processes of
:mod:`kgserver.engine.pool`, which enforce the time limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .errors import QueryRefused, QueryTooDeep, ServiceRefused
from .scan import MAX_CHAIN, MAX_NESTING, QueryInfo, scan
from .structure import SERVICE_REFUSED, refuse_service

ENGINES = ("oxigraph", "rdflib")


@dataclass(frozen=True)
class QueryRequest:
    """One query to run and how to answer it.

    :ivar text: the SPARQL query.
    :ivar default_graphs: IRIs whose union is the default graph (protocol ``default-graph-uri``);
        with ``named_graphs``, None means "no dataset given in the request".
    :ivar named_graphs: IRIs of the named graphs (protocol ``named-graph-uri``).
    :ivar result_format: key of :data:`kgserver.results.RESULT_FORMATS` for SELECT/ASK, None if unacceptable.
    :ivar graph_format: key of :data:`kgserver.results.GRAPH_FORMATS` for CONSTRUCT/DESCRIBE, None if unacceptable.
    :ivar max_rows: solutions (or triples) kept at most; the rest is cut off.
    :ivar bindings: (variable name, pyoxigraph term) pairs substituted before evaluation
        (named query parameters), never pasted into the text.
    :ivar base_iri: the IRI relative IRIs of the query resolve against (the endpoint's URL,
        as the protocol allows); None leaves them unresolved (a relative IRI is then an error).
    """

    text: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    result_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_rows: int = 100_000
    bindings: tuple[tuple[str, object], ...] = ()
    base_iri: str | None = None

    @property
    def has_protocol_dataset(self) -> bool:
        """Tell whether the request names its own dataset (which overrides FROM / FROM NAMED)."""
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class Answer:
    """A serialised query answer.

    :ivar media_type: the answer's media type (without charset).
    :ivar body: the serialised result.
    :ivar truncated: True when the result had more than ``max_rows`` rows and was cut.
    """

    media_type: str
    body: bytes
    truncated: bool = False


#: Query texts up to this length have their check remembered (the same lookups come again and again).
CHECKED_TEXT_MAX = 4096


def check_query(text: str) -> QueryInfo:
    """Refuse what the endpoint never runs; return what the scan found (remembered for short texts).

    :raises QueryRefused: for a SPARQL Update (the endpoint is read-only).
    :raises ServiceRefused: for a federated query (``SERVICE``).
    :raises QueryTooDeep: for brackets nested deeper than :data:`~kgserver.engine.scan.MAX_NESTING`, or
        more operators and group elements than :data:`~kgserver.engine.scan.MAX_CHAIN`.
    :raises QuerySyntaxError: for an escape that names no character.
    """
    if len(text) <= CHECKED_TEXT_MAX:
        return _check_remembered(text)
    return _check(text)


def _check(text: str) -> QueryInfo:
    """Refuse what the endpoint never runs; return what the scan found.

    The scan is linear in the text; a text that mentions ``service`` anywhere is also
    parsed, and its parse tree decides (:mod:`kgserver.engine.structure`).

    :raises QueryRefused: for a SPARQL Update (the endpoint is read-only).
    :raises ServiceRefused: for a federated query (``SERVICE``).
    :raises QueryTooDeep: for brackets nested deeper than :data:`~kgserver.engine.scan.MAX_NESTING`, or
        more operators and group elements than :data:`~kgserver.engine.scan.MAX_CHAIN`.
    :raises QuerySyntaxError: for an escape that names no character.
    """
    info = scan(text)
    if info.too_deep:
        raise QueryTooDeep(
            f"the query nests {{ }}, ( ), [ ] or << >> more than {MAX_NESTING} levels deep, "
            "more than this endpoint parses; simplify it"
        )
    if info.too_long_chain:
        raise QueryTooDeep(
            f"the query chains more than {MAX_CHAIN} operators and group elements (BIND, UNION, FILTER, "
            "+, &&, ...), more than this endpoint evaluates; simplify it (VALUES lists and IN lists are not counted)"
        )
    if info.form == "UPDATE":
        raise QueryRefused(
            "SPARQL Update is not allowed: this endpoint is read-only (INSERT, DELETE, LOAD, CLEAR, ... are refused)"
        )
    if info.uses_service:
        raise ServiceRefused(SERVICE_REFUSED)
    if info.mentions_service:
        refuse_service(text)
    return info


_check_remembered = lru_cache(maxsize=512)(_check)  # refusals raise: only accepted texts are kept


def make_engine(name: str, store, quads: int | None = None):
    """Return the engine ``name`` (``oxigraph`` or ``rdflib``) over an Oxigraph store.

    The Oxigraph engine takes the store over (into an empty default graph it writes the merge of
    the asserted named graphs, :mod:`.layout`): pass a fresh store, or call this in a forked process.

    :param quads: how many quads a built (on-disk, read-only) store holds, if known: the
        Oxigraph engine then works on a copy in memory when they are few enough
        (:data:`~kgserver.engine.oxigraph.MEMORY_COPY_MAX_QUADS`).
    :raises ValueError: for an unknown engine name.
    """
    if name == "oxigraph":
        from .oxigraph import OxigraphEngine, memory_copy

        return OxigraphEngine(memory_copy(store, quads))
    if name == "rdflib":
        from .rdflib_engine import RdflibEngine

        return RdflibEngine.from_store(store)
    raise ValueError(f"unknown query engine {name!r}; expected one of {', '.join(ENGINES)}")
