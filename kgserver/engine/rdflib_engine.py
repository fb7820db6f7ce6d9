"""Run queries with rdflib's SPARQL engine (``--engine rdflib``), over the same graphs.

rdflib's SPARQL evaluator can fetch the graphs named in ``FROM`` and can call
``SERVICE`` endpoints; both are off here: ``SPARQL_LOAD_GRAPHS`` is False and
``SERVICE`` is refused by :func:`kgserver.engine.check_query` before evaluation.
"""

from __future__ import annotations

from itertools import islice

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from .. import results
from . import Answer, QueryRequest, check_query
from .errors import NotAcceptable, QueryEvaluationError, QuerySyntaxError
from .oxigraph import _require


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: A graph name that never exists: an empty dataset clause still means "no graphs".
_NO_GRAPH = URIRef("urn:x-kgserver:no-graph")


def _safe_settings() -> None:
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches
    rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = True  # default graph = union of the named graphs


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)  # rdflib tells "x" and "x"^^xsd:string apart; RDF 1.1 does not
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _to_ox(term):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


class RdflibEngine:
    """Evaluate SPARQL queries with rdflib over an in-memory :class:`rdflib.Dataset`."""

    name = "rdflib"

    def __init__(self, dataset: Dataset):
        _safe_settings()
        self.dataset = dataset

    @classmethod
    def from_store(cls, store: ox.Store) -> RdflibEngine:
        """Copy every named graph of an Oxigraph store into a new rdflib dataset."""
        dataset = Dataset(default_union=True)
        graphs: dict = {}
        for quad in store.quads_for_pattern(None, None, None, None):
            graph_name = quad.graph_name
            if isinstance(graph_name, ox.DefaultGraph):
                continue  # the default graph is the union of the named graphs
            key = graph_name.value
            if key not in graphs:
                graphs[key] = dataset.graph(URIRef(key))
            graphs[key].add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)))
        return cls(dataset)

    def execute(self, request: QueryRequest) -> Answer:
        """Run one query and serialise its answer (see :meth:`OxigraphEngine.execute`)."""
        check_query(request.text)
        _safe_settings()
        try:
            query = translateQuery(parseQuery(request.text))
        except ParseException as err:
            raise QuerySyntaxError(str(err.msg), err.lineno, err.col, err.line) from None
        except Exception as err:  # rdflib reports an unknown prefix, bad IRI, ... as plain exceptions
            raise QuerySyntaxError(str(err)) from None
        if request.has_protocol_dataset:
            query.algebra["datasetClause"] = [
                CompValue("DatasetClause", default=URIRef(g)) for g in request.default_graphs or (_NO_GRAPH,)
            ] + [CompValue("DatasetClause", named=URIRef(g)) for g in request.named_graphs or ()]
        try:
            bindings = {name: _to_rdflib(term) for name, term in request.bindings}
            result = self.dataset.query(query, initBindings=bindings)
            return _serialise(result, request)
        except (NotAcceptable, QuerySyntaxError):
            raise
        except Exception as err:  # an evaluation fault inside rdflib: the server's side
            raise QueryEvaluationError(f"the query engine failed: {type(err).__name__}: {err}") from None


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
    triples = [ox.Triple(*(_to_ox(t) for t in triple)) for triple in islice(result.graph, request.max_rows + 1)]
    truncated = len(triples) > request.max_rows
    del triples[request.max_rows :]
    return Answer(results.GRAPH_FORMATS[fmt], results.write_graph(fmt, triples), truncated)
