"""The graph a contribution joins: the ontology and the bundled data, parsed once per process.

:func:`bundle_context` parses the bundled files; :func:`store_context` reads the same graphs from the
served store (:class:`kgserver.storage.DatasetStore`: one ``dump`` per named graph), so a server
over another store validates against what that store publishes.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDFS

from .. import bundle
from ..dataset import bundled_sources, is_data_graph
from ..rdfio import parse_file


@dataclass
class BundleContext:
    """The ontology (with its local imports) and the bundled data files.

    :param ontology: the ontology and its imports as one graph.
    :param data: bundled data file (resolved path) -> its graph.
    :param subclass: the ``rdfs:subClassOf`` triples of the ontology: what pyshacl needs to find
        the instances of a class's subclasses (sh:targetClass, sh:class) without any inference run.
    """

    ontology: Graph
    data: dict[Path, Graph]
    subclass: Graph
    _quads: dict = field(default_factory=dict, repr=False, compare=False)
    _declared: set | None = field(default=None, repr=False, compare=False)
    _stores: list = field(default_factory=list, repr=False, compare=False)
    _written: dict = field(default_factory=dict, repr=False, compare=False)
    _kept: dict = field(default_factory=dict, repr=False, compare=False)
    _stores_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def take_store(self, fill):
        """Return a store holding this context's graphs and its size: a spare one, or ``fill()``'s.

        A store is lent to one validation at a time; :meth:`give_back` makes it spare again.
        """
        with self._stores_lock:
            spare = self._stores.pop() if self._stores else None
        if spare is not None:
            return spare
        store = fill()
        return store, len(store)

    def written_out(self, graph, write) -> list:
        """Return ``write()`` for the named graph ``graph`` (its triples as the reasoner reads them), kept."""
        cached = self._written.get(graph.value)
        if cached is None:
            cached = self._written[graph.value] = write()
        return cached

    def kept(self, key, make):
        """Return ``make()``, computed once for this context and kept under ``key``."""
        if key not in self._kept:
            self._kept[key] = make()
        return self._kept[key]

    def give_back(self, store, size: int) -> None:
        """Keep ``store`` for the next validation, if it holds exactly what it held when taken."""
        if len(store) == size:
            with self._stores_lock:
                self._stores.append((store, size))

    def quads(self, key, graph: Graph, graph_name) -> list:
        """Return ``graph`` as Oxigraph quads in ``graph_name``, converted once and kept under ``key``."""
        cached = self._quads.get(key)
        if cached is None:
            from .oxterms import to_quads

            cached = self._quads[key] = to_quads(graph, graph_name)
        return cached

    def declared(self) -> set:
        """Return the terms the ontology declares (its subjects), collected once."""
        if self._declared is None:
            self._declared = set(self.ontology.subjects(unique=True))
        return self._declared

    def display_name(self, path: Path) -> str:
        """Return a bundled file's name relative to the bundle (``data/plans.ttl``)."""
        try:
            return path.relative_to(bundle.bundle_root()).as_posix()
        except ValueError:
            return str(path)


def build_context() -> BundleContext:
    """Parse the bundled ontology and data (all or nothing).

    :raises RDFSyntaxError: if a bundled file is broken.
    """
    ontology = Graph()
    data: dict[Path, Graph] = {}
    for source in bundled_sources():
        graph = parse_file(source.path)
        if is_data_graph(source.graph_iri):
            data[source.path.resolve()] = graph
        else:
            ontology += graph
    return _context(ontology, data)


def store_context(store) -> BundleContext:
    """Read the ontology and the bundled data files' named graphs from ``store`` (a :class:`DatasetStore`).

    Each bundled file's graph is read whole with ``store.dump(from_graph=...)`` (N-Triples), once; a file
    whose graph the store does not publish joins as empty.  The context keys stay the bundled files'
    paths, so a contribution replacing a bundled file replaces its graph, as with :func:`bundle_context`.
    """
    import pyoxigraph as ox

    from ..rdfio import parse_bytes

    published = {g.value for g in store.named_graphs()}
    ontology = Graph()
    data: dict[Path, Graph] = {}
    for source in bundled_sources():
        iri = str(source.graph_iri)
        graph = Graph()
        if iri in published:
            text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
            graph = parse_bytes(text, "nt", source=f"<{iri}>")
        if is_data_graph(source.graph_iri):
            data[source.path.resolve()] = graph
        else:
            ontology += graph
    return _context(ontology, data)


def _context(ontology: Graph, data: dict[Path, Graph]) -> BundleContext:
    subclass = Graph()
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        subclass.add(triple)
    return BundleContext(ontology=ontology, data=data, subclass=subclass)


_STORE_CONTEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def served_context(store) -> BundleContext:
    """Return :func:`store_context` of ``store``, read on first use and kept while the store object lives.

    A server over an external store reads it at its first validation (one ``dump`` per bundled
    graph); a new release needs a restart, as the rest of the server does.
    """
    context = _STORE_CONTEXTS.get(store)
    if context is None:
        context = _STORE_CONTEXTS[store] = store_context(store)
    return context


@lru_cache(maxsize=1)
def bundle_context() -> BundleContext:
    """Return the bundled context, built on first use and kept for the process."""
    return build_context()
