"""The layout of a served store: which of its graphs make the default graph a query sees.

A served store (``kgserver build``'s on disk, or one merged in memory) holds one named graph per
source file, the inferred graph (:data:`INFERRED`), and in its own default graph the RDF merge (a
set) of the *asserted* named graphs only.  The inferred graph holds no triple of any asserted
graph (the reasoner keeps only triples it did not start from, and checks it: see
:class:`kgserver.reasoning.engine.Reasoner`), so the merge of every named graph, which is what a
query naming no dataset sees, is the union of the store's default graph and the inferred graph:
two disjoint sets, which Oxigraph's bag union of default graphs (``default_graph=[...]``) returns
each triple once.  The inferred triples are thus written once, not twice (at 1M synthetic
triples: 6.3M quads bulk-loaded instead of 10.6M).

Oxigraph's ``default_graph=`` replaces the query's own ``FROM`` clauses, so it is passed only when
neither the query nor the request names a dataset (:func:`names_dataset`).
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH
from .scan import scan

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
#: The graphs whose union is the served default graph (the merge of every named graph).
SERVED_DEFAULT_GRAPH = (ox.DefaultGraph(), INFERRED)

#: Writes the merge of the asserted named graphs into an empty default graph (a store merged in memory),
#: leaving out what the inferred graph holds: the two stay disjoint whatever the inferred graph holds.
MERGE_ASSERTED = (
    f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED.value}>) "
    f"MINUS {{ GRAPH <{INFERRED.value}> {{ ?s ?p ?o }} }} }}"
)


def served_default_graph() -> list:
    """Return what to pass as pyoxigraph's ``default_graph`` for the served default graph."""
    return list(SERVED_DEFAULT_GRAPH)


def names_dataset(text: str) -> bool:
    """Return True if the query ``text`` has a ``FROM`` or ``FROM NAMED`` clause (a lexical scan)."""
    if "from" not in text.casefold() and "\\u" not in text and "\\U" not in text:  # nearly every query
        return False
    info = scan(text)
    return bool(info.from_default or info.from_named)


def query_served(store: ox.Store, text: str, **kwargs):
    """Run ``text`` on a served store, with the served default graph unless the query or ``kwargs`` names one.

    ``use_default_graph_as_union`` is accepted and ignored (the served default graph already is the merge).
    """
    kwargs.pop("use_default_graph_as_union", None)
    if "default_graph" not in kwargs and not names_dataset(text):
        kwargs["default_graph"] = served_default_graph()
    return store.query(text, **kwargs)
