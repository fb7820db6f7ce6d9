"""Build the served dataset once and reuse it while its inputs are unchanged.

A build directory holds:

- ``store/``: an on-disk Oxigraph store (RocksDB) exactly as it is served: one named graph
  per source file, the inferred graph, and in the default graph the RDF merge (a set) of all of
  them, so that ``serve`` only opens it (``Store.read_only``, several processes at once) and
  copies or counts nothing;
- ``manifest.json``: the kgserver version, the rule-set version, the SHA-256 of every input
  file and its named graph, counts, the phases' times and the figures derived once from the
  store (distinct triples, triples per graph, the VoID counts: see :func:`derive_figures`).

The store is loaded in one pass of Oxigraph's bulk loader, fed from memory (the asserted
graphs as the in-memory reasoning store dumps them, the inferred triples as the reasoner
writes them): no intermediate N-Quads file.

A build is reused when its manifest's ``key`` (a hash of all that) matches the inputs.
Builds are written to a temporary sibling directory and renamed into place, so a reader
never sees a half-written build and two processes building at once do not clash.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import __version__, dataset, rdfio
from ..errors import ConfigurationError, InconsistentGraphError
from ..namespaces import BASE
from .consistency import CHECK_ONLY_TYPES, Inconsistency, check_triples, reason_for_checks
from .engine import Inference
from .materialise import INFERRED, asserted_graphs, iter_store_triples, report, write_inferred
from .never import ensure_sound
from .progress import Progress, silent
from .terms import to_ox

#: Bumped whenever the rules or the junk filter change, so old builds are not reused.
RULESET_VERSION = "3"
#: Bumped whenever the layout of a build changes (3: merged default graph and figures, no dataset.nq;
#: 4: the front page's instance counts in the figures).
LAYOUT_VERSION = "4"
MANIFEST = "manifest.json"
STORE_DIR = "store"

#: rdflib format name -> Oxigraph format, for the files Oxigraph loads straight into the build
#: store (RDF/XML and JSON-LD go through :func:`kgserver.rdfio.parse_file` and its safety checks).
_DIRECT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
_OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


@dataclass
class BuildResult:
    """Where a build is and what it holds."""

    path: Path
    manifest: dict
    reused: bool


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_manifest(sources: list[dataset.Source]) -> dict:
    """Return the part of the manifest that identifies the inputs, with its ``key``.

    :raises RDFSyntaxError: if a source file cannot be read.
    """
    from ..errors import RDFSyntaxError

    inputs = []
    for source in sources:
        try:
            sha = file_sha256(source.path)
        except OSError as err:
            raise RDFSyntaxError(str(source.path), f"cannot read file: {err.strerror}") from None
        inputs.append({"path": str(source.path), "graph": str(source.graph_iri), "sha256": sha})
    identity = {
        "kgserver_version": __version__,
        "ruleset_version": RULESET_VERSION,
        "layout_version": LAYOUT_VERSION,
        "inputs": [{"graph": i["graph"], "sha256": i["sha256"]} for i in inputs],
    }
    key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()
    return {**identity, "inputs": inputs, "key": key}


def default_build_dir(key: str, *, bundled: bool = True) -> Path:
    """Return where a build with this input key lives by default.

    ``$KGSERVER_BUILD_DIR`` if set and the inputs are the bundled files, else
    ``$XDG_CACHE_HOME/kgserver/<key prefix>`` (``~/.cache`` by default).
    """
    configured = os.environ.get("KGSERVER_BUILD_DIR")
    if configured and bundled:
        return Path(configured)
    return cache_root() / key[:16]


def cache_root() -> Path:
    """Return the per-user folder that holds cached builds (``$XDG_CACHE_HOME/kgserver``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kgserver"


def prune_cache(keep: Path, max_age: float = 3600.0) -> None:
    """Remove cached builds other than ``keep`` that were last built more than ``max_age`` seconds ago.

    Only folders directly in :func:`cache_root` that hold a kgserver manifest are removed; a
    process already serving an old build keeps its data (in memory, or open files).
    """
    root = cache_root()
    if keep.parent != root:
        return
    now = time.time()
    for folder in root.iterdir():
        manifest = folder / MANIFEST
        try:
            if folder != keep and folder.is_dir() and now - manifest.stat().st_mtime > max_age:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def read_manifest(path: Path) -> dict | None:
    """Return the manifest of a build directory, or None if there is no complete build there."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (path / STORE_DIR).is_dir() or "figures" not in manifest:
        return None
    return manifest


def find_build(path: Path, key: str) -> dict | None:
    """Return the manifest at ``path`` if it is a complete build for inputs ``key``."""
    manifest = read_manifest(path)
    return manifest if manifest and manifest.get("key") == key else None


def load_asserted(store: ox.Store, sources: list[dataset.Source], progress: Progress) -> int:
    """Parse every source into its named graph of ``store``; return the quad count.

    Turtle, N-Triples, N-Quads and TriG files go straight from Oxigraph's parser into the
    store; a file it refuses (or one with an ``owl:imports`` outside the base or an RDF 1.2 triple
    term, RDF/XML, JSON-LD) is read by :func:`kgserver.rdfio.parse_file`, which reports the error with its file, line
    and column, or applies its safety checks.

    :raises RDFSyntaxError: for the first broken file; the store must be dropped then.
    """
    for source in sources:
        _load_source(store, source)
    count = len(store)
    progress("parsing", f"{len(sources)} files, {count} triples")
    return count


def _load_source(store: ox.Store, source: dataset.Source) -> None:
    fmt = rdfio.format_for_path(source.path)
    target = ox.NamedNode(str(source.graph_iri))
    ox_format = _DIRECT_FORMATS.get(fmt)
    if ox_format is not None:
        try:  # Oxigraph's parser straight into the store (each load gives its blank nodes fresh labels)
            store.load(path=str(source.path), format=ox_format, to_graph=target)
        except (SyntaxError, ValueError, OSError):
            store.remove_graph(target)
        else:
            imports = store.quads_for_pattern(None, _OWL_IMPORTS, None, target)
            # RDF 1.2 triple terms, which Oxigraph reads and kgserver refuses: rdfio places the error
            starred = f"ASK {{ GRAPH <{target.value}> {{ ?s ?p ?o FILTER(isTRIPLE(?o)) }} }}"
            if all(q.object.value.startswith(BASE) for q in imports) and not bool(store.query(starred)):
                return
            store.remove_graph(target)
    graph = rdfio.parse_file(source.path)  # raises the located error, or the safety refusal
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in graph)


def describe_sources(inconsistencies: list[Inconsistency], store: ox.Store,
                     sources: list[dataset.Source]) -> None:
    """Fill each inconsistency's ``sources`` with the files that describe its resources."""
    path_of = {str(s.graph_iri): str(s.path) for s in sources}
    for item in inconsistencies:
        files: list[str] = []
        for resource in item.individuals or item.resources:
            if not resource.startswith("<"):
                continue
            node = ox.NamedNode(resource[1:-1])
            for quad in store.quads_for_pattern(node, None, None, None):
                path = path_of.get(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else None
                if path and path not in files:
                    files.append(path)
        item.sources = files


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


def reason_and_check(store: ox.Store, sources: list[dataset.Source],
                     progress: Progress, phases: dict | None = None) -> tuple[dict, Inference]:
    """Load ``sources`` into ``store`` and return the counts and the useful inferences (not written).

    :param phases: if given, receives the seconds of ``parse``, ``reason`` and ``check``.
    :raises RDFSyntaxError: if a file is broken.
    :raises InconsistentGraphError: naming the contradictions, their resources and files.
    """
    phases = {} if phases is None else phases
    mark = time.perf_counter()
    asserted = load_asserted(store, sources, progress)
    phases["parse"] = time.perf_counter() - mark
    mark = time.perf_counter()
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


class _ChunkReader(io.RawIOBase):
    """A binary stream reading an iterator of byte chunks, for Oxigraph's bulk loader."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def served_chunks(asserted: list[tuple[ox.NamedNode, bytes]], inferred: Inference,
                  sizes: dict[str, int]) -> Iterator[bytes]:
    """Yield the served dataset as N-Quads text: every graph, and each triple again in the default graph.

    The default graph of the served store is the RDF merge of the named graphs; the bulk loader
    keeps one copy of a quad written twice, so a triple held by several graphs is one triple there.
    One document: a blank node keeps one label across the asserted and the inferred quads (the
    reasoner writes the labels the in-memory store dumps).  ``sizes`` receives each graph's triple count.

    :param asserted: (graph, its N-Triples as the in-memory store dumped them), emptied as it goes.
    """
    asserted.reverse()
    while asserted:
        graph, text = asserted.pop()
        sizes[graph.value] = text.count(b"\n")
        yield text.replace(b" .\n", f" <{graph.value}> .\n".encode())  # " .\n" only ends lines
        yield text
        del text
    if len(inferred):
        sizes[INFERRED.value] = len(inferred)
    for text in inferred.ntriples_chunks():
        yield text.replace(b" .\n", f" <{INFERRED.value}> .\n".encode())
        yield text


def load_served(path: Path, asserted: list[tuple[ox.NamedNode, bytes]], inferred: Inference) -> dict[str, int]:
    """Write the on-disk served store at ``path`` in one bulk load streamed from memory.

    :param asserted: each asserted graph and its N-Triples text (see :func:`served_chunks`).
    :returns: named graph IRI -> triples loaded.
    """
    sizes: dict[str, int] = {}
    disk = ox.Store(str(path))
    stream = io.BufferedReader(_ChunkReader(served_chunks(asserted, inferred, sizes)), 1 << 20)
    # lenient: every line was written by Oxigraph or by the reasoner from Oxigraph's terms
    disk.bulk_load(input=stream, format=ox.RdfFormat.N_QUADS, lenient=True)
    disk.flush()
    del disk
    return sizes


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

    def query(self, text: str, *, use_default_graph_as_union: bool = False, **kwargs):
        return self.store.query(text, **kwargs)  # the default graph already is the merge


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
          force: bool = False, progress: Progress | None = None, bundled: bool | None = None) -> BuildResult:
    """Build the served dataset into a directory, or reuse the build already there.

    :param sources: the input files; the bundled ones by default.
    :param out: the build directory; :func:`default_build_dir` by default.
    :param force: rebuild even if a matching build exists.
    :param bundled: whether ``sources`` are the bundled files (decides if ``$KGSERVER_BUILD_DIR`` applies);
        by default, whether ``sources`` was None.
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
    if not force:
        manifest = find_build(target, identity["key"])
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
        phases = {}
        memory = ox.Store()  # parse and reason in memory, then bulk-load the disk store once
        counts, inferred = reason_and_check(memory, sources, progress, phases)
        mark = time.perf_counter()
        # the asserted graphs as text (half the in-memory store's size at 1M), then the store is freed
        asserted = [(g, memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)) for g in asserted_graphs(memory)]
        del memory
        sizes = load_served(work / STORE_DIR, asserted, inferred)
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
        del view
        progress("figures", f"{figures['distinct_triples']} distinct triples ({phases['figures']:.1f} s)")
        manifest = {**identity, "counts": counts, "inferred_graph": INFERRED.value, "figures": figures,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "phases": {name: round(value, 3) for name, value in phases.items()},
                    "build_seconds": round(time.perf_counter() - started, 3)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace_dir(work, target, None if force else identity["key"])
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    prune_cache(target)
    progress("written", f"{target} ({counts['asserted']} asserted, {counts['inferred']} inferred)")
    return BuildResult(target, manifest, reused=False)


def _replace_dir(work: Path, target: Path, key: str | None) -> None:
    """Move a finished build into place, replacing an older build at ``target``.

    If another process has meanwhile put a build of the same inputs (``key``) there, keep that one.
    """
    if key is not None and find_build(target, key):
        shutil.rmtree(work, ignore_errors=True)
        return
    if target.exists():
        if not (target / MANIFEST).exists() and any(target.iterdir()):
            raise ConfigurationError(f"{target} exists and is not a kgserver build; refusing to replace it")
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.replace(target, old / "build")
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(work, target)
    except OSError:  # another process finished the same build first
        if read_manifest(target) is None:
            raise
        shutil.rmtree(work, ignore_errors=True)
