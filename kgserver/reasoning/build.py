"""Build the served dataset once and reuse it while its inputs are unchanged.

A build directory holds:

- ``store/``: an on-disk Oxigraph store (RocksDB) with one named graph per source file and
  the inferred graph; several processes (gunicorn workers) can open it with
  ``Store.read_only`` at the same time;
- ``dataset.nq``: the same quads as N-Quads (the asserted ones, then the inferred graph), loaded
  into memory by :func:`kgserver.store.open_store`;
- ``manifest.json``: the kgserver version, the rule-set version, the SHA-256 of every input
  file and its named graph, and counts.

A build is reused when its manifest's ``key`` (a hash of all that) matches the inputs.
Builds are written to a temporary sibling directory and renamed into place, so a reader
never sees a half-written build and two processes building at once do not clash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import __version__, dataset
from ..errors import ConfigurationError, InconsistentGraphError
from .consistency import CHECK_ONLY_TYPES, Inconsistency, check_triples, reason_for_checks
from .engine import Inference
from .materialise import INFERRED, iter_store_triples, report, write_inferred
from .never import ensure_sound
from .progress import Progress, silent
from .terms import to_ox

#: Bumped whenever the rules or the junk filter change, so old builds are not reused.
RULESET_VERSION = "3"
MANIFEST = "manifest.json"
STORE_DIR = "store"
DUMP_FILE = "dataset.nq"


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
    if not (path / STORE_DIR).is_dir() or not (path / DUMP_FILE).is_file():
        return None
    return manifest


def find_build(path: Path, key: str) -> dict | None:
    """Return the manifest at ``path`` if it is a complete build for inputs ``key``."""
    manifest = read_manifest(path)
    return manifest if manifest and manifest.get("key") == key else None


def load_asserted(store: ox.Store, sources: list[dataset.Source], progress: Progress) -> int:
    """Parse every source (all or nothing) and add each to its named graph; return the quad count.

    :raises RDFSyntaxError: for the first broken file; the store is left untouched then.
    """
    graphs = dataset.load_graphs(sources)
    progress("parsing", f"{len(graphs)} files, {sum(len(g) for g in graphs.values())} triples")
    count = 0
    for graph_iri, graph in graphs.items():
        target = ox.NamedNode(str(graph_iri))
        store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in graph)
        count += len(graph)
    return count


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
                     progress: Progress) -> tuple[dict, Inference]:
    """Load ``sources`` into ``store`` and return the counts and the useful inferences (not written).

    :raises RDFSyntaxError: if a file is broken.
    :raises InconsistentGraphError: naming the contradictions, their resources and files.
    """
    asserted = load_asserted(store, sources, progress)
    triples = list(iter_store_triples(store))
    inference = reason_for_checks(triples)
    report(progress, inference)
    problems = check_triples(triples, inference)
    if problems:
        describe_sources(problems, store, sources)
        lines = "\n".join(f"  - {p}" for p in problems)
        err = InconsistentGraphError(f"the graph is inconsistent ({len(problems)} contradictions):\n{lines}")
        err.inconsistencies = problems
        raise err
    progress("consistency", "no contradiction")
    useful = inference.without_types(CHECK_ONLY_TYPES)
    counts = {"asserted": asserted, "inferred": len(useful), "derived": inference.derived,
              "rounds": inference.rounds}
    return counts, useful


def write_dump(path: Path, store: ox.Store, inferred: Inference) -> None:
    """Write the asserted quads of ``store`` and the inferred triples (in the inferred graph) as N-Quads.

    The inferred triples go straight from the reasoner to the file: loading them into the
    in-memory store first, only to dump them again, cost more than the reasoning at 1M triples.
    One file, one document: a blank node keeps one label in the asserted and the inferred quads.
    """
    store.dump(str(path), format=ox.RdfFormat.N_QUADS)
    with open(path, "ab") as handle:
        for chunk in inferred.ntriples_chunks(graph=INFERRED.value):
            handle.write(chunk)


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
        memory = ox.Store()  # reason in memory, then bulk-load the disk store from the dump:
        counts, inferred = reason_and_check(memory, sources, progress)  # much faster than RocksDB transactions
        write_dump(work / DUMP_FILE, memory, inferred)
        del memory, inferred
        progress("dump", f"{DUMP_FILE} written")
        disk = ox.Store(str(work / STORE_DIR))
        disk.bulk_load(path=str(work / DUMP_FILE), format=ox.RdfFormat.N_QUADS)
        disk.flush()
        ensure_sound(disk)  # the served graph, asserted + inferred: an unsound build is never written
        progress("never-checks", "none holds")
        del disk
        manifest = {**identity, "counts": counts, "inferred_graph": INFERRED.value,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
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
