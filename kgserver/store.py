"""The served dataset as an Oxigraph store.

First version: the asserted named graphs, loaded in memory.  The reasoning work
extends this module (inferred graph, ``kgserver build`` output reused at startup
by content hash) without changing :func:`open_store`'s contract.
"""

from __future__ import annotations

import pyoxigraph as ox

from . import dataset


def open_store(*, include_inferred: bool = True, sources: list[dataset.Source] | None = None) -> ox.Store:
    """Return a store holding each source file in its own named graph.

    The default graph is empty: query with ``use_default_graph_as_union=True`` (what the
    endpoint does) to see every graph.

    :param include_inferred: also load the inferred graph (once reasoning exists).
    :param sources: files to load; the bundled ones by default.
    :raises RDFSyntaxError: if any file is broken; nothing is returned then.
    """
    sources = dataset.bundled_sources() if sources is None else sources
    graphs = dataset.load_graphs(sources)  # all or nothing: parse every file before loading any
    store = ox.Store()
    for graph_iri, graph in graphs.items():
        target = ox.NamedNode(str(graph_iri))
        store.bulk_extend(ox.Quad(*_terms(t), target) for t in graph)
    return store


def _terms(triple):
    from rdflib import BNode, Literal, URIRef

    out = []
    for term in triple:
        if isinstance(term, URIRef):
            out.append(ox.NamedNode(str(term)))
        elif isinstance(term, BNode):
            out.append(ox.BlankNode(str(term)))
        elif isinstance(term, Literal):
            if term.language:
                out.append(ox.Literal(str(term), language=term.language))
            elif term.datatype:
                out.append(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
            else:
                out.append(ox.Literal(str(term)))
        else:
            raise TypeError(f"unsupported term {term!r}")
    return out
