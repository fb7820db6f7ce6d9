"""Convert single RDF terms between pyoxigraph and rdflib, the one way every module does it.

RDF 1.1 does not tell ``"x"`` and ``"x"^^xsd:string`` apart, Oxigraph does not either, but
rdflib does: a plain string always becomes an rdflib literal without datatype, so terms from
both libraries compare equal.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .namespaces import PREFIXES

_XSD_STRING = PREFIXES["xsd"] + "string"


def to_rdflib(term, bnode_prefix: str = ""):
    """Return the rdflib term for a pyoxigraph term.

    :param bnode_prefix: put before blank node labels, to keep the blank nodes of one
        document apart from another's.
    :raises TypeError: for anything that is not a pyoxigraph IRI, blank node or literal.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(bnode_prefix + term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term for an rdflib term.

    :raises TypeError: for anything that is not an rdflib IRI, blank node or literal.
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")
