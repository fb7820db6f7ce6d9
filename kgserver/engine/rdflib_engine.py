"""Run queries with rdflib's SPARQL engine (``--engine rdflib``), over the same graphs.

rdflib's SPARQL evaluator can fetch the graphs named in ``FROM`` and can call
``SERVICE`` endpoints; both are off here: ``SPARQL_LOAD_GRAPHS`` is False and
``SERVICE`` is refused by :func:`kgserver.engine.check_query` before evaluation.
"""

from __future__ import annotations

import re
import sys
from itertools import islice

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, URIRef
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from .. import results
from ..terms import to_ox, to_rdflib
from . import Answer, QueryRequest, check_query
from .errors import InvalidQuery, NotAcceptable, QueryEvaluationError, QuerySyntaxError
from .oxigraph import _require


#: A graph name that never exists: an empty dataset clause still means "no graphs".
_NO_GRAPH = URIRef("urn:x-kgserver:no-graph")


def _safe_settings() -> None:
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches
    rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = True  # default graph = union of the named graphs


def _to_ox(term):
    """Return the pyoxigraph term for an rdflib result term (None for an unbound variable)."""
    return None if term is None else to_ox(term)


class RdflibEngine:
    """Evaluate SPARQL queries with rdflib over an in-memory :class:`rdflib.Dataset`."""

    name = "rdflib"

    def __init__(self, dataset: Dataset):
        _safe_settings()
        self.dataset = dataset

    @classmethod
    def from_store(cls, store: ox.Store) -> RdflibEngine:
        """Copy every named graph of an Oxigraph store (or a :class:`~kgserver.storage.DatasetStore`) into a new
        rdflib dataset.

        Graph by graph: the store's default graph (the merge, in a built store) is not read at all, since the
        dataset's default graph is the union of the named graphs.  Each distinct term is converted once.
        """
        dataset = Dataset(default_union=True)
        terms: dict = {}

        def term(value):
            found = terms.get(value)
            if found is None:
                found = terms[value] = to_rdflib(value)
            return found

        for name in store.named_graphs():
            add = dataset.graph(URIRef(name.value)).add
            for quad in store.quads_for_pattern(None, None, None, name):
                add((term(quad.subject), term(quad.predicate), term(quad.object)))
        return cls(dataset)

    def execute(self, request: QueryRequest) -> Answer:
        """Run one query and serialise its answer (see :meth:`OxigraphEngine.execute`)."""
        check_query(request.text)
        _safe_settings()
        try:
            query = translateQuery(parseQuery(request.text), base=request.base_iri)
        except ParseException as err:
            raise QuerySyntaxError(str(err.msg), err.lineno, err.col, err.line) from None
        except Exception as err:
            if type(err) is Exception or isinstance(err, ValueError):  # rdflib's plain errors: an unknown prefix, ...
                raise QuerySyntaxError(str(err)) from None
            raise QueryEvaluationError(f"the query parser failed: {type(err).__name__}: {err}") from None
        _fill_short_construct_template(query.algebra)
        traverse(query.algebra, visitPost=_clamp_slice)
        query.algebra = traverse(query.algebra, visitPost=_unescape_local_name)
        if request.has_protocol_dataset:
            query.algebra["datasetClause"] = [
                CompValue("DatasetClause", default=URIRef(g)) for g in request.default_graphs or (_NO_GRAPH,)
            ] + [CompValue("DatasetClause", named=URIRef(g)) for g in request.named_graphs or ()]
        try:
            bindings = {name: to_rdflib(term) for name, term in request.bindings}
            result = self.dataset.query(query, initBindings=bindings)
            return _serialise(result, request)
        except (NotAcceptable, QuerySyntaxError):
            raise
        except re.error as err:  # rdflib compiles REGEX patterns with Python's re, unchecked
            raise InvalidQuery(f"invalid regular expression in the query: {err}") from None
        except Exception as err:  # an evaluation fault inside rdflib: the server's side
            raise QueryEvaluationError(f"the query engine failed: {type(err).__name__}: {err}") from None


#: A reserved character escaped in a prefixed name's local part (SPARQL 1.1 grammar, ``PN_LOCAL_ESC``).
_PN_LOCAL_ESC = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def _unescape_local_name(term):
    """Return the IRI a prefixed name such as ``ex:a\\/b`` stands for (``…a/b``), or None to keep ``term``.

    rdflib keeps the backslash of ``PN_LOCAL_ESC`` in the expanded IRI, so ``esskg:territory\\/x`` would
    match nothing where Oxigraph matches ``…territory/x``.  A backslash cannot appear in an ``<IRI>``
    (``IRIREF`` excludes it), so one found in an IRI of the parsed query came from such an escape.
    """
    if type(term) is URIRef and "\\" in term:
        return URIRef(_PN_LOCAL_ESC.sub(r"\1", str(term)))
    return None


def _fill_short_construct_template(algebra: CompValue) -> None:
    """Give a ``CONSTRUCT WHERE { ... }`` query its template (the triples of its WHERE).

    rdflib leaves the template of the short form empty and, at evaluation, looks for the
    triples right under the projection; with ``LIMIT``, ``OFFSET`` or ``ORDER BY`` they are
    deeper and it fails (TypeError).  The short form's WHERE is one basic graph pattern.
    """
    if algebra.name != "ConstructQuery" or algebra.get("template"):
        return
    node = algebra.get("p")
    while isinstance(node, CompValue) and node.name != "BGP":
        node = node.get("p")
    algebra["template"] = list(node.get("triples") or []) if isinstance(node, CompValue) else []


def _clamp_slice(node) -> None:
    """Bound ``LIMIT`` and ``OFFSET`` to what Python's ``islice`` takes (larger ones mean "all")."""
    if isinstance(node, CompValue) and node.name == "Slice":
        if node.get("length") is not None and node["length"] > sys.maxsize:
            node["length"] = None
        if node.get("start") is not None and node["start"] > sys.maxsize:
            node["start"] = sys.maxsize


def _well_formed(triple) -> bool:
    """Tell whether a CONSTRUCT triple is RDF (a template may bind a literal as subject: it is left out)."""
    subject, predicate, _ = triple
    return isinstance(subject, (URIRef, BNode)) and isinstance(predicate, URIRef)


def _serialise(result, request: QueryRequest) -> Answer:
    if result.type == "SELECT":
        fmt = _require(request.result_format, "SELECT", results.RESULT_FORMATS)
        variables = [str(v) for v in result.vars]
        rows = [tuple(_to_ox(t) for t in row) for row in islice(result, request.max_rows + 1)]
        truncated = len(rows) > request.max_rows
        del rows[request.max_rows :]
        return Answer(results.RESULT_FORMATS[fmt], results.write_select(fmt, variables, rows), truncated)
    if result.type == "ASK":
        fmt = _require(request.result_format, "ASK", results.RESULT_FORMATS)
        return Answer(results.RESULT_FORMATS[fmt], results.write_ask(fmt, bool(result.askAnswer)))
    fmt = _require(request.graph_format, "CONSTRUCT or DESCRIBE", results.GRAPH_FORMATS)
    well_formed = filter(_well_formed, result.graph)
    triples = [ox.Triple(*(_to_ox(t) for t in triple)) for triple in islice(well_formed, request.max_rows + 1)]
    truncated = len(triples) > request.max_rows
    del triples[request.max_rows :]
    return Answer(results.GRAPH_FORMATS[fmt], results.write_graph(fmt, triples), truncated)
