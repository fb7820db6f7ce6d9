"""The validation store's named graphs, and the store holding the bundle that validations borrow."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import GRAPH
from .context import BundleContext
from .contribution import ContributedFile
from .oxterms import to_quads

#: Named graphs of the validation store: the ontology and its imports (the checks refer to it),
#: the ontology's rdfs:subClassOf triples, the bundled data, the contribution.
ONTOLOGY_GRAPH = GRAPH["ontology"]
SUBCLASS_GRAPH = GRAPH["validation/subclass"]
CONTRIBUTION_GRAPH = GRAPH["validation/contribution"]
#: What the compiled SHACL shapes see besides the contribution, copied into one graph while they run: the
#: bundled data and the subclass triples (Oxigraph's queries cost about 2.4 times more over the
#: dozen graphs of the bundled files than over one).  Removed before the whole-graph checks run.
SHACL_VIEW_GRAPH = GRAPH["validation/shacl-view"]


def data_graph(name: str):
    """Return the validation store's graph for one bundled file (``data/plans.ttl``)."""
    return GRAPH[f"validation/file/{quote(name)}"]


def base_store(context: BundleContext) -> ox.Store:
    """Return a new store with the ontology, the subclass triples and each bundled file in its graph
    (so a check can ask what one file says: one-class.rq)."""
    store = ox.Store()
    store.bulk_extend(context.quads("ontology", context.ontology, ONTOLOGY_GRAPH))
    store.bulk_extend(context.quads("subclass", context.subclass, SUBCLASS_GRAPH))
    for path, graph in context.data.items():
        store.bulk_extend(context.quads(path, graph, data_graph(context.display_name(path))))
    return store


@contextmanager
def lent_store(context: BundleContext, contribution: list[ContributedFile] | None):
    """Lend a store holding the bundle (:func:`base_store`, filled once per context and kept between
    validations) with the contribution added in :data:`CONTRIBUTION_GRAPH`.  Afterwards the graphs a
    validation adds are removed, and the store is kept for the next one only if it is back to its
    size: no validation sees another's triples."""
    store, size = context.take_store(lambda: base_store(context))
    try:
        for item in contribution or ():
            store.bulk_extend(to_quads(item.graph, CONTRIBUTION_GRAPH))
        yield store
    finally:
        for graph in (CONTRIBUTION_GRAPH, SHACL_VIEW_GRAPH):
            if store.contains_named_graph(ox.NamedNode(str(graph))):
                store.remove_graph(ox.NamedNode(str(graph)))
        context.give_back(store, size)
