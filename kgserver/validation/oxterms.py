"""Move rdflib graphs into the validation store and write Oxigraph terms as reports do."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..terms import to_ox, to_rdflib
from .terms import n3


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
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return n3(to_rdflib(term))
    return str(term)


def from_n3(text: str):
    """Return the Oxigraph IRI or blank node that :func:`ox_n3` wrote as ``text``, or None (a literal)."""
    from ..namespaces import PREFIXES, SHAPES

    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    prefix, colon, local = text.partition(":")
    namespace = str(SHAPES) if prefix == "shapes" else PREFIXES.get(prefix)
    if not colon or namespace is None or text.startswith('"'):
        return None
    return ox.NamedNode(namespace + local)
