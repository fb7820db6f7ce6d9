"""Convert between rdflib terms and Oxigraph terms (for the validation store)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .terms import n3

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term):
    """Return the Oxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None and str(term.datatype) != _XSD_STRING:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_quads(graph: Graph, graph_name) -> list:
    """Return the triples of ``graph`` as Oxigraph quads in the named graph ``graph_name``."""
    target = ox.NamedNode(str(graph_name))
    cache: dict = {}  # IRIs recur: convert each once

    def convert(term):
        if type(term) is URIRef:
            node = cache.get(term)
            if node is None:
                node = cache[term] = ox.NamedNode(str(term))
            return node
        return to_ox(term)

    return [ox.Quad(convert(s), convert(p), convert(o), target) for s, p, o in graph]


def ox_n3(term) -> str:
    """Return an Oxigraph term the way :func:`kgserver.validation.terms.n3` writes rdflib terms."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return n3(URIRef(term.value))
    if isinstance(term, ox.BlankNode):
        return n3(BNode(term.value))
    if isinstance(term, ox.Literal):
        if term.language:
            return n3(Literal(term.value, lang=term.language))
        if term.datatype.value == _XSD_STRING:
            return n3(Literal(term.value))
        return n3(Literal(term.value, datatype=URIRef(term.datatype.value)))
    return str(term)
