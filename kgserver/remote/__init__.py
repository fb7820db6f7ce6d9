"""The served dataset in an external SPARQL 1.1 store (Virtuoso 7, the Oxigraph server).

How a release sits in the store (written by :func:`kgserver.remote.publish.publish`):

- every named graph of the build under its own name (the asserted graphs, the inferred graph);
- the merge of the asserted graphs (a set) in :data:`MERGE_GRAPH`, which with the inferred graph makes
  the served default graph (:data:`DEFAULT_GRAPHS`);
- the build's figures, as one JSON literal, in :data:`RELEASE_GRAPH`.

Every query is sent with the SPARQL protocol's dataset parameters: ``default-graph-uri`` the
graphs the release names in its figures (``default_graphs``: :data:`DEFAULT_GRAPHS` when it
was published), ``named-graph-uri`` each published graph.  So the dataset a query sees is the one
:mod:`kgserver.storage` describes whatever the store's own defaults are (Virtuoso's default
graph is every graph; the Oxigraph server's is its real default graph), and neither the merge
graph nor the release graph is visible to ``GRAPH ?g``.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..engine.layout import SERVED_DEFAULT_GRAPH

#: The graph holding the merge of the asserted graphs (the build's own default graph).
MERGE_GRAPH = "urn:x-kgserver:published:merge"
#: The published graphs whose merge is the served default graph, sent as ``default-graph-uri`` with every
#: query: the parts of the embedded store's served default graph
#: (:data:`kgserver.engine.layout.SERVED_DEFAULT_GRAPH`), its default graph published as :data:`MERGE_GRAPH`
#: (the merge of the asserted graphs) and the inferred graph under its own name (disjoint from it), so the
#: inferred triples are published once.  Published with the release's figures.
DEFAULT_GRAPHS: tuple[str, ...] = tuple(MERGE_GRAPH if isinstance(part, ox.DefaultGraph) else part.value
                                        for part in SERVED_DEFAULT_GRAPH)
#: The graph holding the release's figures (one JSON literal).
RELEASE_GRAPH = "urn:x-kgserver:published:release"
#: Subject and predicate of the figures triple in :data:`RELEASE_GRAPH`.
RELEASE = "urn:x-kgserver:published:release"
FIGURES = "urn:x-kgserver:figures"
#: Prefix of the graphs a publication loads before it switches them in.
STAGING = "urn:x-kgserver:staging:"
