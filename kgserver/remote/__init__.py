"""The served dataset in an external SPARQL 1.1 store (Virtuoso 7, the Oxigraph server).

How a release sits in the store (written by :func:`kgserver.remote.publish.publish`):

- every named graph of the build under its own name (the asserted graphs, the inferred graph);
- the merge of them all (a set) in :data:`MERGE_GRAPH`;
- the build's figures, as one JSON literal, in :data:`RELEASE_GRAPH`.

Every query is sent with the SPARQL protocol's dataset parameters: ``default-graph-uri`` the
graphs the release names in its figures (``default_graphs``: :data:`DEFAULT_GRAPHS` when it
was published), ``named-graph-uri`` each published graph.  So the dataset a query sees is the one
:mod:`kgserver.storage` describes whatever the store's own defaults are (Virtuoso's default
graph is every graph; the Oxigraph server's is its real default graph), and neither the merge
graph nor the release graph is visible to ``GRAPH ?g``.
"""

from __future__ import annotations

#: The graph holding the merge of the published named graphs (the served default graph).
MERGE_GRAPH = "urn:x-kgserver:published:merge"
#: The published graphs whose merge is the served default graph, sent as ``default-graph-uri`` with every
#: query.  :data:`MERGE_GRAPH` is loaded from the build's default graph; any other name listed here must be a
#: named graph of the build (were the build's default graph to stop holding the inferred triples, adding
#: ``INFERRED_GRAPH`` here is all publishing and serving need).  Published with the release's figures.
DEFAULT_GRAPHS: tuple[str, ...] = (MERGE_GRAPH,)
#: The graph holding the release's figures (one JSON literal).
RELEASE_GRAPH = "urn:x-kgserver:published:release"
#: Subject and predicate of the figures triple in :data:`RELEASE_GRAPH`.
RELEASE = "urn:x-kgserver:published:release"
FIGURES = "urn:x-kgserver:figures"
#: Prefix of the graphs a publication loads before it switches them in.
STAGING = "urn:x-kgserver:staging:"
