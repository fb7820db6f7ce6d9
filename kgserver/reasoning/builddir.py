"""Build directories: the inputs' identity, where builds live, and putting a finished build in place.

A build is reused when its manifest's ``key`` (a hash of the kgserver, rule-set and layout versions
and of every input file's SHA-256) matches the inputs.  Builds are written to a temporary sibling
directory and renamed into place (:func:`replace_dir`), so a reader never sees a half-written build
and two processes building at once do not clash.
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

from .. import __version__, dataset
from ..errors import ConfigurationError
from ..search_index import INDEX_FILE

#: Bumped whenever the rules or the junk filter change, so old builds are not reused.
RULESET_VERSION = "3"
#: Bumped whenever the layout of a build changes (3: merged default graph and figures, no dataset.nq;
#: 4: the front page's instance counts in the figures; 5: the default graph holds the merge of the asserted
#: graphs only, served with the inferred graph: see kgserver.engine.layout; 6: the search index, SEARCH_INDEX;
#: 7: the index lists each class's members for browse, and the figures count them: kgserver.browse_index).
LAYOUT_VERSION = "7"
MANIFEST = "manifest.json"
STORE_DIR = "store"
#: The label index of site search (:mod:`kgserver.search_index`), named in the manifest's ``search_index``.
SEARCH_INDEX = INDEX_FILE
#: The dumps served at ``/dumps/`` (:func:`kgserver.export.write_dumps`), named in the manifest's ``dumps``.
DUMPS_DIR = "dumps"


@dataclass
class BuildResult:
    """Where a build is and what it holds."""

    path: Path
    manifest: dict
    reused: bool


#: The per-user record of the inputs' digests (in :func:`cache_root`), keyed by path.
DIGESTS = "digests.json"
#: Digests known to this process: (path, device, inode, size, mtime in ns) -> SHA-256.
_known: dict[tuple, str] = {}


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex (hashed once per process while the file is unchanged)."""
    stamp = _stamp(path)
    if stamp in _known:
        return _known[stamp]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if _settled(stamp):
        _known[stamp] = digest.hexdigest()
    return digest.hexdigest()


#: A file modified less than this long ago (ns) is hashed every time: a second write within the file
#: system's timestamp granularity could keep its size and mtime (git's "racy clean" rule).
_SETTLE_NS = 2_000_000_000


def _settled(stamp: tuple) -> bool:
    """Return True if the file of ``stamp`` was last modified long enough ago to trust its stamp."""
    return time.time_ns() - stamp[4] > _SETTLE_NS


def _stamp(path: Path) -> tuple:
    """Return what identifies a file's version without reading it: path, device, inode, size, mtime (ns).

    :raises OSError: if the file cannot be read.
    """
    info = os.stat(path)
    return str(Path(path).resolve()), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def input_digests(paths: list[Path]) -> list[str]:
    """Return the SHA-256 of each file, reading only the files changed since a previous process hashed them.

    The digests are recorded per user, with each file's device, inode, size and modification time
    (as ``make`` and git's index trust them): ``serve`` starts without reading the inputs again (at 1M
    synthetic triples, hashing their 140 MB twice was 2 s of its 3.6 s in-process start-up).

    :raises OSError: if a file cannot be read.
    """
    record = cache_root() / DIGESTS
    try:
        known = {tuple(k): v for k, v in json.loads(record.read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError):
        known = {}
    stamps = [_stamp(path) for path in paths]
    _known.update((stamp, known[stamp]) for stamp in stamps if stamp in known and stamp not in _known)
    digests = [file_sha256(path) for path in paths]
    fresh = [(stamp, digest) for stamp, digest in zip(stamps, digests) if stamp not in known and _settled(stamp)]
    if fresh:
        renewed = {stamp[0] for stamp, _ in fresh}  # one entry per path: the older versions go
        known = {stamp: digest for stamp, digest in known.items() if stamp[0] not in renewed}
        known.update(fresh)
        _write_record(record, [[list(k), v] for k, v in known.items() if Path(k[0]).exists()])
    return digests


def _write_record(record: Path, entries: list) -> None:
    """Replace the digest record atomically; a record that cannot be written is only a cache missed."""
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{DIGESTS}-", dir=record.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entries, out)
        os.replace(temporary, record)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def input_manifest(sources: list[dataset.Source]) -> dict:
    """Return the part of the manifest that identifies the inputs, with its ``key``.

    :raises RDFSyntaxError: if a source file cannot be read.
    """
    from ..errors import RDFSyntaxError

    try:
        digests = input_digests([source.path for source in sources])
    except OSError:
        digests = []
        for source in sources:  # find the file that cannot be read, and say which
            try:
                digests.append(file_sha256(source.path))
            except OSError as err:
                raise RDFSyntaxError(str(source.path), f"cannot read file: {err.strerror}") from None
    inputs = [{"path": str(source.path), "graph": str(source.graph_iri), "sha256": sha}
              for source, sha in zip(sources, digests)]
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
    if not (path / STORE_DIR).is_dir() or "figures" not in manifest or not (path / SEARCH_INDEX).is_file():
        return None
    if manifest.get("dumps") and not (path / manifest["dumps"]["dir"]).is_dir():
        return None
    return manifest


def find_build(path: Path, key: str, *, dumps: bool = False) -> dict | None:
    """Return the manifest at ``path`` if it is a complete build for inputs ``key`` (with its dumps, if ``dumps``)."""
    manifest = read_manifest(path)
    if not manifest or manifest.get("key") != key or (dumps and not manifest.get("dumps")):
        return None
    return manifest


def not_a_build(target: Path) -> bool:
    """Whether ``target`` is a folder holding something that is not a build (which a build never replaces)."""
    try:
        return target.is_dir() and not (target / MANIFEST).exists() and any(target.iterdir())
    except OSError:
        return False


def replace_dir(work: Path, target: Path, key: str | None, *, dumps: bool = False) -> None:
    """Move a finished build into place, replacing an older build at ``target``.

    If another process has meanwhile put a build of the same inputs (``key``) there, keep that one, unless it
    lacks the dumps this one has (``dumps``).
    """
    if key is not None and find_build(target, key, dumps=dumps):
        shutil.rmtree(work, ignore_errors=True)
        return
    if target.exists():
        if not_a_build(target):
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
