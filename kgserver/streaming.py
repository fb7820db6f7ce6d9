"""Streaming helpers of the dumps (:mod:`kgserver.export`): an external sort's runs and merge, a reproducible gzip
writer, and a graph's fingerprint (what ``kgserver publish`` compares releases with)."""

from __future__ import annotations

import gzip
import hashlib
import heapq
import os
import struct
import tempfile
import zlib
from contextlib import ExitStack
from pathlib import Path

#: Sorted files merged at once (more are merged in rounds).
FAN_IN = 64
#: How a blank node's N-Triples text starts.
BLANK = b"_:"


def lines_file(work: Path, lines) -> Path:
    """Write ``lines`` (bytes, each ending with a newline) to a new file in ``work``; return its path."""
    handle, name = tempfile.mkstemp(dir=work, suffix=".run")
    with os.fdopen(handle, "wb") as out:
        out.writelines(lines)
    return Path(name)


def merged(paths: list[Path], work: Path):
    """Yield the lines of the sorted files ``paths`` in order (merged :data:`FAN_IN` at a time), removing them."""
    paths = list(paths)
    while len(paths) > FAN_IN:
        group, paths = paths[:FAN_IN], paths[FAN_IN:]
        paths.append(lines_file(work, merged(group, work)))
    with ExitStack() as files:
        yield from heapq.merge(*(files.enter_context(open(path, "rb")) for path in paths))
    for path in paths:
        path.unlink()


class Fingerprint:
    """A graph's fingerprint, as ``kgserver publish`` compares releases: [triples, triples naming a blank node,
    hash of the other triples].

    The hash is the sum of the triples' own hashes (BLAKE2b, 128 bits, of the N-Triples text ``s p o``), so it
    does not depend on their order; blank node triples are left out of it, since each release names its blank
    nodes afresh.
    """

    def __init__(self):
        self.count = self.blank = self.total = 0

    def add(self, triple: bytes) -> None:
        """Count one triple, given as its N-Triples text without the final `` .``."""
        self.count += 1
        if BLANK in triple and _names_blank(triple):
            self.blank += 1
        else:
            self.total += int.from_bytes(hashlib.blake2b(triple, digest_size=16).digest(), "big")

    def value(self) -> list:
        """Return ``[triples, blank node triples, hash in hex]``."""
        return [self.count, self.blank, f"{self.total % (1 << 128):032x}"]


def _names_blank(triple: bytes) -> bool:
    s, _, o = triple.split(b" ", 2)
    return s.startswith(BLANK) or o.startswith(BLANK)


class GzipWriter:
    """Write a file as ``gzip.compress(data, compresslevel=9, mtime=0)`` would write ``data``, but streaming.

    Hashes the bytes it writes: :meth:`close` returns ``{"bytes": ..., "sha256": ...}``.
    """

    _CHUNK = 1 << 20

    def __init__(self, path: Path):
        self._file = open(path, "wb")
        self._deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 8, 0)  # gzip.compress's raw deflate
        self._crc = self._size = self._written = self._held = 0
        self._pending: list[bytes] = []
        self._sha256 = hashlib.sha256()
        self._out(gzip.compress(b"", compresslevel=9, mtime=0)[:10])  # the same header, whatever the Python

    def write(self, data: bytes) -> int:
        self._pending.append(data if type(data) is bytes else bytes(data))
        self._held += len(data)
        if self._held >= self._CHUNK:
            self._deflate_pending()
        return len(data)

    def flush(self) -> None:
        """Do nothing: a flush of the deflate stream would change the bytes."""

    def close(self) -> dict:
        self._deflate_pending()
        self._out(self._deflate.flush())
        self._out(struct.pack("<LL", self._crc, self._size & 0xFFFFFFFF))
        self._file.close()
        return {"bytes": self._written, "sha256": self._sha256.hexdigest()}

    def _deflate_pending(self) -> None:
        data = b"".join(self._pending)
        self._pending, self._held = [], 0
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        self._out(self._deflate.compress(data))

    def _out(self, data: bytes) -> None:
        if data:
            self._file.write(data)
            self._sha256.update(data)
            self._written += len(data)
