"""Convert RDF terms to and from N-Triples strings (the reasoner's currency).

The rdflib <-> pyoxigraph conversion itself is :mod:`kgserver.terms`; ``to_ox`` is re-exported here.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from ..terms import to_ox
from ..terms import to_rdflib as _to_rdflib

__all__ = ["from_nt", "to_nt", "to_ox", "to_rdflib"]


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
    return _to_rdflib(term)
