"""The served dataset as an Oxigraph store: asserted named graphs plus the inferred graph.

The dataset is built once by :func:`kgserver.reasoning.build.build` (``kgserver build``) and
reused while its input files are unchanged (by SHA-256): :func:`open_store` builds it when
needed and otherwise only loads the build, which takes milliseconds for the bundled graph.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import dataset
from .errors import ConfigurationError
from .namespaces import INFERRED_GRAPH


def open_store(
    *,
    include_inferred: bool = True,
    sources: list[dataset.Source] | None = None,
    build_dir: Path | str | None = None,
    read_only: bool = False,
) -> ox.Store:
    """Return a store holding each source file in its own named graph, and the inferred graph.

    The default graph is empty: query with ``use_default_graph_as_union=True`` (what the
    endpoint does) to see every graph, or name graphs to restrict the query.

    :param include_inferred: also hold the inferred graph (``kgserver.namespaces.INFERRED_GRAPH``).
    :param sources: files to load; the bundled ones by default.
    :param build_dir: where the build is kept; by default ``$KGSERVER_BUILD_DIR`` for the bundled
        sources, else a per-user cache directory named after the inputs' hash.
    :param read_only: open the on-disk build read-only (instant, shared by several processes)
        instead of loading it into a private in-memory store; needs ``include_inferred``.
    :raises RDFSyntaxError: if any file is broken; nothing is returned then.
    :raises InconsistentGraphError: if the graph contradicts the ontology.
    """
    from .reasoning.build import DUMP_FILE, STORE_DIR, build, build_store

    bundled = sources is None
    sources = dataset.bundled_sources() if bundled else sources
    try:
        result = build(sources, build_dir, bundled=bundled)
    except ConfigurationError:  # the build cannot be written: build in memory
        store = ox.Store()
        build_store(store, sources)
        if not include_inferred:
            store.remove_graph(ox.NamedNode(str(INFERRED_GRAPH)))
        return store
    if read_only and include_inferred:
        return ox.Store.read_only(str(result.path / STORE_DIR))
    try:
        store = _load_dump(result.path / DUMP_FILE)
    except (OSError, SyntaxError, ValueError):  # a damaged build: make it again
        result = build(sources, build_dir, bundled=bundled, force=True)
        store = _load_dump(result.path / DUMP_FILE)
    if not include_inferred:
        store.remove_graph(ox.NamedNode(str(INFERRED_GRAPH)))
    return store


def _load_dump(path: Path) -> ox.Store:
    """Load a build's N-Quads dump into a new in-memory store."""
    store = ox.Store()
    # our own dump: lenient parsing is safe, and a plain load is faster than bulk_load in memory
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)
    return store
