"""The served dataset as an Oxigraph store: asserted named graphs, the inferred graph, their merge.

The dataset is built once by :func:`kgserver.reasoning.build.build` (``kgserver build``) and
reused while its input files are unchanged (by SHA-256).  A build's store is exactly what is
served: its default graph holds the RDF merge of the asserted named graphs, which with the
inferred graph (disjoint from it) is the merge of every graph (:mod:`kgserver.engine.layout`),
and the figures the pages show were computed with it.  :func:`open_store` builds when needed and then only opens
the build read-only: no copy, no count, and any number of processes can share it.

Code that reads the store for pages, dumps or explanations sees the named graphs (their
quads, with the file each comes from) through :class:`ServedStore`; the query engine takes
the raw store (:attr:`ServedStore.store`) and queries it the same way.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pyoxigraph as ox

from . import dataset
from .engine.layout import MERGE_ASSERTED, query_served
from .errors import ConfigurationError
from .export import DumpFile
from .namespaces import BASE, ID_PATH, INFERRED_GRAPH
from .search_index import LabelIndex
from .storage import DatasetStore

_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_DEFAULT = ox.DefaultGraph


class ServedStore(DatasetStore):
    """A served store (see :mod:`kgserver.engine.layout`), seen as its named graphs.

    :meth:`quads_for_pattern` with no graph, iteration and ``len`` cover the named graphs only
    (each quad with the graph it comes from); :meth:`query` runs on the merge of the named
    graphs, a set of triples, when the query names no dataset (Oxigraph's own union option is
    a bag: a triple held by two graphs would be matched twice).

    :ivar store: the underlying ``pyoxigraph.Store`` (what the query engine runs on).
    :ivar figures: what the build computed once (see :func:`kgserver.reasoning.build.derive_figures`);
        empty when the store was merged here rather than built.
    :ivar label_index: the build's search index (:mod:`kgserver.search_index`); None when the store was
        merged here (search then reads the labels with a query).
    :ivar dumps: the build's dump files by name (:func:`build_dumps`); empty when the store was merged here.
    """

    def __init__(self, store: ox.Store, figures: dict | None = None, label_index: LabelIndex | None = None,
                 dumps: dict[str, DumpFile] | None = None):
        self.store = store
        self.figures = figures or {}
        self.label_index = label_index
        self.dumps = dumps or {}

    def dump_file(self, name: str) -> DumpFile | None:
        """Return the build's file of the dump ``name``, or None."""
        return self.dumps.get(name)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None):  # noqa: A002
        """Return the matching quads; with no ``graph_name``, those of the named graphs only."""
        quads = self.store.quads_for_pattern(subject, predicate, object, graph_name)
        if graph_name is not None:
            return quads
        return (quad for quad in quads if type(quad.graph_name) is not _DEFAULT)

    def statements_of(self, subject):
        """Return the named graphs' quads whose subject is ``subject`` (an IRI or one of the store's blank nodes)."""
        return list(self.quads_for_pattern(subject))

    def __iter__(self):
        return self.quads_for_pattern()

    def __len__(self) -> int:
        if "quads" in self.figures:
            return self.figures["quads"]
        return sum(1 for _ in self.quads_for_pattern())

    def query(self, sparql, *, timeout: float | None = None, use_default_graph_as_union: bool = False, **kwargs):
        """Evaluate a SPARQL query; without ``FROM`` its default graph is the merge of the named graphs.

        ``timeout`` is accepted for the interface and not enforced here: Oxigraph cannot stop a
        query from Python; the endpoint runs user queries in the worker pool, which can.
        """
        return query_served(self.store, sparql, **kwargs)

    def named_graphs(self):
        """Return the names of the published named graphs."""
        return self.store.named_graphs()

    def contains_named_graph(self, graph) -> bool:
        return self.store.contains_named_graph(graph)

    def dump(self, output=None, format=None, *, from_graph=None, **kwargs):  # noqa: A002
        """Serialise a named graph (``from_graph``), or every named graph as N-Quads or TriG."""
        if from_graph is not None:
            return self.store.dump(output, format, from_graph=from_graph, **kwargs)
        graphs = sorted(self.store.named_graphs(), key=str)  # graph by graph: the default graph is not read at all
        quads = (q for g in graphs for q in self.store.quads_for_pattern(None, None, None, g))
        return ox.serialize(quads, output, format, **kwargs)


def open_store(
    *,
    include_inferred: bool = True,
    sources: list[dataset.Source] | None = None,
    build_dir: Path | str | None = None,
    read_only: bool = True,
) -> ServedStore:
    """Return the served dataset: each source file in its own named graph, and the inferred graph.

    :param include_inferred: also hold the inferred graph (``kgserver.namespaces.INFERRED_GRAPH``);
        without it the store is a private in-memory copy of the asserted graphs and their merge.
    :param sources: files to load; the bundled ones by default.
    :param build_dir: where the build is kept; by default ``$KGSERVER_BUILD_DIR`` for the bundled
        sources, else a per-user cache directory named after the inputs' hash.
    :param read_only: open the on-disk build read-only (instant, shared by several processes);
        False gives a private in-memory copy (writable, for tests that change it).
    :raises RDFSyntaxError: if any file is broken; nothing is returned then.
    :raises InconsistentGraphError: if the graph contradicts the ontology.
    """
    from .reasoning.build import build

    bundled = sources is None
    sources = dataset.bundled_sources() if bundled else sources
    try:
        result = build(sources, build_dir, bundled=bundled)
    except ConfigurationError:  # the build cannot be written: build in memory
        return memory_build(sources, include_inferred=include_inferred)
    return open_build(result.path, result.manifest, include_inferred=include_inferred, read_only=read_only)


def open_build(path: Path, manifest: dict, *, include_inferred: bool = True, read_only: bool = True) -> ServedStore:
    """Open a finished build (see :func:`kgserver.reasoning.build.build`) as a :class:`ServedStore`.

    Read-only with the inferred graph, the store searches with the build's label index (opened when first
    searched) and offers the build's dumps; a private copy, which may change or lack the inferred graph, searches
    with a query and has no dump files.
    """
    from .reasoning.build import STORE_DIR

    disk = ox.Store.read_only(str(Path(path) / STORE_DIR))
    if include_inferred and read_only:
        return ServedStore(disk, manifest.get("figures"), build_label_index(Path(path), manifest),
                           build_dumps(Path(path), manifest))
    copy = ox.Store()
    for graph in disk.named_graphs():
        if include_inferred or graph != _INFERRED:
            copy.load(disk.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph), format=ox.RdfFormat.N_TRIPLES,
                      to_graph=graph, lenient=True)
    del disk
    return _merged_copy(copy, True)


def build_label_index(path: Path, manifest: dict) -> LabelIndex:
    """Return the search (and browse) index of the build at ``path`` (opened when first read)."""
    search = manifest["search_index"]
    return LabelIndex(Path(path) / search["file"], base=search["base"], key=manifest["key"])


def build_dumps(path: Path, manifest: dict) -> dict[str, DumpFile]:
    """Return the dump files a build wrote (none for a build made before the builds wrote them)."""
    dumps = manifest.get("dumps")
    if not dumps:
        return {}
    return {name: DumpFile(path / dumps["dir"] / name, file["bytes"], file["sha256"])
            for name, file in dumps["files"].items()}


def memory_build(sources: list[dataset.Source] | None = None, *, include_inferred: bool = True) -> ServedStore:
    """Build the served dataset into a private in-memory store (when no build can be written)."""
    from .reasoning.build import build_store

    store = ox.Store()
    build_store(store, dataset.bundled_sources() if sources is None else sources)
    return _merged_copy(store, include_inferred)


def _merged_copy(store: ox.Store, include_inferred: bool) -> ServedStore:
    """Return an in-memory store (named graphs only) as served: the asserted graphs' merge in its default graph."""
    if not include_inferred:
        store.remove_graph(_INFERRED)
    store.update(MERGE_ASSERTED)
    return ServedStore(store, compute_figures(store))


def compute_figures(store: ox.Store) -> dict:
    """Count, once, what a build's manifest holds (see :func:`kgserver.reasoning.build.derive_figures`),
    for a store merged in memory rather than built (laid out as served: see :func:`_merged_copy`)."""
    from dataclasses import asdict

    from . import void

    served = ServedStore(store)
    graphs = {row["g"].value: int(row["n"].value)
              for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    counts = {"asserted": asdict(void.count(served))}
    if str(INFERRED_GRAPH) in graphs:
        counts["inferred"] = asdict(void.count(served, inferred=True))
    distinct = next(iter(served.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"]
    under = BASE + ID_PATH
    return {"distinct_triples": int(distinct.value), "quads": sum(graphs.values()), "graphs": dict(sorted(graphs.items())),
            "void": counts, "instances": void.instance_counts(served),
            "browse": {"under": under, "classes": served.class_counts(under)}}


def prepare_build(sources: list[dataset.Source] | None = None, build_dir: Path | str | None = None):
    """Build (or find) the served dataset in a child process and return its ``BuildResult``.

    The calling process never opens RocksDB: a process that has, and forks, leaves children
    that crash when they exit (RocksDB's threads do not survive a fork), which is what
    ``serve`` does next (its web processes, the query pool).  Errors (a broken file, an inconsistent graph, a
    directory that cannot be written) are raised here, as the child raised them.
    """
    from .reasoning.build import BuildResult, build, default_build_dir, find_build, input_manifest

    bundled = sources is None
    sources = dataset.bundled_sources() if bundled else sources
    identity = input_manifest(sources)
    target = Path(build_dir) if build_dir is not None else default_build_dir(identity["key"], bundled=bundled)
    manifest = find_build(target, identity["key"])
    if manifest:  # reading a manifest needs no RocksDB
        return BuildResult(target, manifest, reused=True)
    return _in_child(build, sources, target, bundled=bundled)


def _in_child(function, *args, **kwargs):
    """Run ``function`` in a forked child and return its result or raise its exception."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(reader)
            try:
                outcome = (True, function(*args, **kwargs))
            except BaseException as err:  # noqa: BLE001 - handed to the parent
                outcome = (False, (type(err), str(err), dict(vars(err))))
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(outcome, pipe)
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # skip atexit and RocksDB's destructors
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise ConfigurationError("building the dataset failed (the build process died)")
    ok, value = pickle.loads(data)
    if ok:
        return value
    cls, message, attributes = value  # rebuilt without calling __init__, whatever its signature
    err = cls.__new__(cls)
    BaseException.__init__(err, message)
    err.__dict__.update(attributes)
    raise err
