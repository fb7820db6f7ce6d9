"""Build the served dataset once and reuse it while its inputs are unchanged.

A build directory holds:

- ``store/``: an on-disk Oxigraph store (RocksDB) exactly as it is served: one named graph
  per source file, the inferred graph, and in the default graph the RDF merge (a set) of the
  asserted graphs, which with the inferred graph (disjoint from it) makes the merge of them all
  (:mod:`kgserver.engine.layout`), so that ``serve`` only opens it (``Store.read_only``, several
  processes at once) and copies or counts nothing;
- ``labels.sqlite``: the label index of site search, read from the store's named graphs
  (:mod:`kgserver.search_index`), so that no web process reads every label, and the members of each
  class, so that ``/browse`` and the 404 page read a page of them (:mod:`kgserver.browse_index`);
- ``dumps/``: the eight gzipped dumps served at ``/dumps/`` (:func:`kgserver.export.write_dumps`, graph by
  graph in bounded memory, from the named graphs' N-Triples as they were loaded, kept in files meanwhile),
  named with their sizes and SHA-256 in the manifest's ``dumps`` (none with ``dumps=False``);
- ``manifest.json``: the kgserver version, the rule-set version, the SHA-256 of every input
  file and its named graph, counts, the phases' times, the figures derived once from the
  store (distinct triples, triples per graph, the VoID counts: see :func:`derive_figures`;
  the members of each class browse lists, ``browse``), the search index's size (``search_index``) and each
  named graph's fingerprint (``fingerprints``, as ``kgserver publish`` compares releases, counted while the
  dumps are written).

The store is written by Oxigraph's bulk loader from the asserted graphs as the in-memory
reasoning store dumps them and the inferred triples as the reasoner writes them, in slices of
under a million quads (one loader batch each), each spooled to a file in the work directory
first so that the Python copies are freed before the loader takes its memory
(:func:`.loading.load_served`); the files are removed as they are loaded.

Where builds live and when one is reused: :mod:`.builddir`; reading the sources and the bulk
load: :mod:`.loading`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from .. import dataset
from ..engine.layout import query_served
from ..errors import ConfigurationError, InconsistentGraphError
from ..export import GraphTexts, write_dumps
from ..namespaces import BASE, ID_PATH
from ..search_index import write_index
from .builddir import (  # noqa: F401 - the build directory's names, also read from here
    DUMPS_DIR, LAYOUT_VERSION, MANIFEST, RULESET_VERSION, SEARCH_INDEX, STORE_DIR, BuildResult, cache_root,
    default_build_dir, file_sha256, find_build, input_manifest, not_a_build, prune_cache, read_manifest, replace_dir,
)
from .consistency import CHECK_ONLY_TYPES, check_triples, reason_for_checks
from .engine import Inference
from .loading import describe_sources, load_asserted, load_served
from .materialise import INFERRED, asserted_graphs, iter_store_triples, report, split_ntriples, write_inferred
from .never import ensure_sound
from .progress import Progress, silent


def build_store(store: ox.Store, sources: list[dataset.Source], progress: Progress | None = None) -> dict:
    """Load ``sources`` into ``store``, check consistency and materialise the inferred graph.

    :returns: counts (``asserted``, ``inferred``, ``derived``, ``rounds``).
    :raises RDFSyntaxError: if a file is broken.
    :raises InconsistentGraphError: naming the contradictions, their resources and files.
    :raises UnsoundGraphError: naming the never-checks that found rows.
    """
    progress = progress or silent()
    counts, useful = reason_and_check(store, sources, progress)
    write_inferred(store, useful)
    ensure_sound(store)
    return counts


def reason_and_check(store: ox.Store | None, sources: list[dataset.Source], progress: Progress,
                     phases: dict | None = None, texts: list | None = None) -> tuple[dict, Inference]:
    """Load ``sources`` into ``store`` and return the counts and the useful inferences (not written).

    :param store: receives the asserted graphs; None to parse into a store of its own, freed before
        reasoning (at 1M synthetic triples it holds 400 MB, more than the graphs' text), whose graphs
        are then put in ``texts``.
    :param phases: if given, receives the seconds of ``parse``, ``reason`` and ``check``.
    :param texts: with ``store`` None, receives each asserted graph and its N-Triples text, as
        :func:`.loading.load_served` takes them.
    :raises RDFSyntaxError: if a file is broken.
    :raises InconsistentGraphError: naming the contradictions, their resources and files.
    """
    phases = {} if phases is None else phases
    mark = time.perf_counter()
    own = store is None
    store = ox.Store() if own else store
    asserted = load_asserted(store, sources, progress)
    phases["parse"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if own:
        texts += [(g, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)) for g in asserted_graphs(store)]
        store = None  # freed: the texts are all the build needs from it now
        triples = [triple for _, text in texts for triple in split_ntriples(text)]
    else:
        triples = list(iter_store_triples(store))
    inference = reason_for_checks(triples)
    phases["reason"] = time.perf_counter() - mark
    report(progress, inference)
    mark = time.perf_counter()
    problems = check_triples(triples, inference)
    phases["check"] = time.perf_counter() - mark
    if not problems:
        mark = time.perf_counter()
        phases["asserted_figures"] = _asserted_counts(triples)
        phases["figures"] = time.perf_counter() - mark
    del triples
    if problems:
        if store is None:  # parsed again from the texts, to name the files describing the resources
            store = ox.Store()
            for graph, text in texts:
                store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        describe_sources(problems, store, sources)
        lines = "\n".join(f"  - {p}" for p in problems)
        err = InconsistentGraphError(f"the graph is inconsistent ({len(problems)} contradictions):\n{lines}")
        err.inconsistencies = problems
        raise err
    progress("consistency", "no contradiction")
    useful = inference.without_types(CHECK_ONLY_TYPES)
    if "asserted_figures" in phases:
        phases["inferred_figures"] = _inferred_counts(useful)
    counts = {"asserted": asserted, "inferred": len(useful), "derived": inference.derived,
              "rounds": inference.rounds}
    return counts, useful


def _asserted_counts(triples: list[list[str]]):
    """Return the VoID counts of the asserted triples (term strings, repeated once per graph holding them)."""
    from .. import void

    by_property: dict[str, list] = {}
    for s, p, o in triples:
        pairs = by_property.get(p)
        if pairs is None:
            pairs = by_property[p] = []
        pairs.append((s, o))
    return void.count_terms(by_property, distinct=True)


def _inferred_counts(inference: Inference):
    """Return the VoID counts of the inferred graph, from the reasoner's own term tables."""
    from .. import void

    terms = inference.terms
    by_property = {terms[p]: [(terms[s], terms[o]) for s, o in pairs] for p, pairs in inference.kept.items()}
    return void.count_terms(by_property)


class _MergedView:
    """A built store seen as the never-checks expect: the union of the graphs, as a set (the merge)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, text: str, **kwargs):
        return query_served(self.store, text, **kwargs)


def derive_figures(phases: dict, graphs: dict[str, int]) -> dict:
    """Gather, once, the figures ``serve`` and the dataset pages show (Oxigraph keeps no statistics).

    :param phases: what :func:`reason_and_check` measured (it holds the VoID counts it computed).
    :param graphs: named graph IRI -> triples, as loaded.
    :returns: ``distinct_triples`` (the default graph: the merge), ``quads`` (in named graphs),
        ``graphs`` and ``void`` (:func:`kgserver.void.count` of the asserted part and of the
        inferred graph, as dictionaries).
    """
    from dataclasses import asdict

    asserted, inferred = phases.pop("asserted_figures"), phases.pop("inferred_figures")
    counts = {"asserted": asdict(asserted)}
    if inferred.triples:
        counts["inferred"] = asdict(inferred)
    # the useful inferences are new triples: none is asserted, so the merge is their disjoint union
    return {"distinct_triples": asserted.triples + inferred.triples, "quads": sum(graphs.values()),
            "graphs": dict(sorted(graphs.items())), "void": counts}


def build(sources: list[dataset.Source] | None = None, out: Path | str | None = None, *,
          force: bool = False, progress: Progress | None = None, bundled: bool | None = None,
          dumps: bool = True) -> BuildResult:
    """Build the served dataset into a directory, or reuse the build already there.

    :param sources: the input files; the bundled ones by default.
    :param out: the build directory; :func:`default_build_dir` by default.
    :param force: rebuild even if a matching build exists.
    :param bundled: whether ``sources`` are the bundled files (decides if ``$KGSERVER_BUILD_DIR`` applies);
        by default, whether ``sources`` was None.
    :param dumps: write the dumps (and the graphs' fingerprints, counted on the way); without them the server
        makes a dump when it is asked for, up to ``DUMPS_MAX_QUADS``, and ``publish`` reads the fingerprints
        from the store.  A build without dumps is not reused by one that wants them.
    :raises RDFSyntaxError: if a file is broken (nothing is written).
    :raises InconsistentGraphError: if the graph is inconsistent (nothing is written).
    :raises UnsoundGraphError: if a never-check (``ontology/checks/never/``) finds rows (nothing is written).
    :raises ConfigurationError: if the build directory cannot be written.
    """
    progress = progress or silent()
    if bundled is None:
        bundled = sources is None
    sources = dataset.bundled_sources() if sources is None else sources
    identity = input_manifest(sources)
    target = Path(out) if out is not None else default_build_dir(identity["key"], bundled=bundled)
    if target.exists() and not target.is_dir():  # a file, /dev/null: never replaced by a build
        raise ConfigurationError(f"cannot write the build directory {target}: it is not a directory")
    if not_a_build(target):  # said before the work, not after it (replace_dir checks again)
        raise ConfigurationError(f"{target} exists and is not a kgserver build; refusing to replace it")
    if not force:
        manifest = find_build(target, identity["key"], dumps=dumps)
        if manifest:
            progress("reused", str(target))
            return BuildResult(target, manifest, reused=True)
    started = time.perf_counter()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as err:
        raise ConfigurationError(f"cannot write the build directory {target}: {err.strerror}") from None
    try:
        phases, asserted = {}, []
        # parse into memory (the store freed once the graphs are text), reason, then bulk-load the disk store once
        counts, inferred = reason_and_check(None, sources, progress, phases, texts=asserted)
        mark = time.perf_counter()
        # the slices go through files, so that the loader's memory is not added to the triples' in Python
        texts = GraphTexts(work / "graphs") if dumps else None  # each named graph's N-Triples, for the dumps
        sizes = load_served(work / STORE_DIR, asserted, inferred, spool=work / "slices", tee=texts)
        shutil.rmtree(work / "slices", ignore_errors=True)
        del inferred
        phases["load"] = time.perf_counter() - mark
        progress("load", f"{STORE_DIR}/ written ({phases['load']:.1f} s)")
        mark = time.perf_counter()
        view = _MergedView(ox.Store.read_only(str(work / STORE_DIR)))
        ensure_sound(view)  # an unsound build is never written
        phases["never_checks"] = time.perf_counter() - mark
        progress("never-checks", "none holds")
        figures = derive_figures(phases, sizes)
        from .. import void

        figures["instances"] = void.instance_counts(view)  # the front page's figures, counted once here
        progress("figures", f"{figures['distinct_triples']} distinct triples ({phases['figures']:.1f} s)")
        search = write_index(view.store, work / SEARCH_INDEX, base=BASE, key=identity["key"])
        phases["search_index"] = search.pop("seconds")
        figures["browse"] = {"under": BASE + ID_PATH, "classes": search.pop("classes")}  # /browse's counts
        del view
        progress("search index", f"{search['resources']} resources, {search['bytes'] // 1024} KiB "
                                 f"({phases['search_index']:.1f} s)")
        mark, prints, written = time.perf_counter(), {}, None
        if texts is not None:
            (work / DUMPS_DIR).mkdir()
            files = write_dumps(texts, work / DUMPS_DIR, fingerprints=prints)
            shutil.rmtree(work / "graphs", ignore_errors=True)
            phases["dumps"] = time.perf_counter() - mark
            progress("dumps", f"{len(files)} files, {sum(f['bytes'] for f in files.values()) // 1024} KiB "
                              f"({phases['dumps']:.1f} s)")
            written = {"dir": DUMPS_DIR, "files": files}
        manifest = {**identity, "counts": counts, "inferred_graph": INFERRED.value, "figures": figures,
                    "search_index": {**search, "base": BASE}, "dumps": written,
                    "fingerprints": prints or None,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "phases": {name: round(value, 3) for name, value in phases.items()},
                    "build_seconds": round(time.perf_counter() - started, 3)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        replace_dir(work, target, None if force else identity["key"], dumps=dumps)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    prune_cache(target)
    progress("written", f"{target} ({counts['asserted']} asserted, {counts['inferred']} inferred)")
    return BuildResult(target, manifest, reused=False)
