"""Convert RDF terms between rdflib, pyoxigraph and N-Triples strings (the reasoner's currency)."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_nt(term) -> str:
    """Return the canonical N-Triples form of an rdflib or pyoxigraph term (as Oxigraph writes it)."""
    if not isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        term = to_ox(term)
    return str(term)


@lru_cache(maxsize=65536)
def from_nt(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term written as ``text`` in N-Triples.

    :raises ValueError: if ``text`` is not exactly one N-Triples term.
    """
    if "\n" in text or "\r" in text:
        raise ValueError(f"not an N-Triples term: {text!r}")
    try:
        quads = list(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise ValueError(f"not an N-Triples term: {text!r} ({err})") from None
    if len(quads) != 1:
        raise ValueError(f"not an N-Triples term: {text!r}")
    return quads[0].object


def to_rdflib(term):
    """Return the rdflib term for a pyoxigraph term or an N-Triples string."""
    if isinstance(term, str):
        term = from_nt(term)
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))

