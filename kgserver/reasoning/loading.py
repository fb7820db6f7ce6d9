"""Reading the sources into the reasoning store, and writing the served store in one bulk load."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from .. import dataset, rdfio
from ..namespaces import BASE
from .consistency import Inconsistency
from .engine import Inference
from .materialise import INFERRED
from .progress import Progress
from .terms import to_ox

#: rdflib format name -> Oxigraph format, for the files Oxigraph loads straight into the build
#: store (RDF/XML and JSON-LD go through :func:`kgserver.rdfio.parse_file` and its safety checks).
_DIRECT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
_OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")



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


#: Quads per call of Oxigraph's bulk loader: under its batch of a million quads, so that a call
#: holds one batch in memory.  One call of the whole dataset held three (the batch being read and
#: two being written by its two threads): 3.3 GB at 1M synthetic triples.
SLICE_QUADS = 900_000
_BLANK = b"_:"


def served_slices(asserted: list[tuple[ox.NamedNode, bytes]], inferred: Inference,
                  sizes: dict[str, int], slice_quads: int = SLICE_QUADS, tee=None) -> Iterator[list[bytes]]:
    """Yield the served dataset as N-Quads text, in slices of about ``slice_quads`` quads each.

    Every graph, and each asserted triple again in the default graph: the default graph of the
    served store is the RDF merge of the asserted graphs (:mod:`kgserver.engine.layout`); the bulk
    loader keeps one copy of a quad written twice, so a triple held by several graphs is one triple
    there.  The inferred triples are written once, in the inferred graph.  Each slice is loaded as a
    document of its own, which gives its blank nodes fresh labels: the first slice therefore holds
    every graph that names a blank node and every inferred triple about one (the reasoner writes
    the labels the in-memory store dumps), the others none.  ``sizes`` receives each graph's
    triple count.

    :param asserted: (graph, its N-Triples as the in-memory store dumped them), emptied as it goes.
    :param inferred: emptied as it goes (each predicate's triples dropped once written).
    :param tee: if given, called with (named graph IRI, N-Triples text) for every piece of every named graph
        (what the dumps are written from: :class:`kgserver.export.GraphTexts`).
    """
    tee = tee or (lambda graph, text: None)
    blank: list[bytes] = []
    for graph, text in asserted:
        sizes[graph.value] = text.count(b"\n")
    plain = [(g, t) for g, t in asserted if _BLANK not in t]
    blank_graphs = [(g, t) for g, t in asserted if _BLANK in t]
    asserted.clear()
    if len(inferred):
        sizes[INFERRED.value] = len(inferred)
    whole = inferred
    inferred, blank_triples = inferred.partition_blank()
    if inferred is not whole:
        whole.kept = {}  # the partition holds them now
    del whole
    for graph, text in blank_graphs:
        tee(graph.value, text)
        blank += _in_graph(text, graph.value)
    if blank_triples:
        text = "".join(f"{s} {p} {o} .\n" for s, p, o in blank_triples).encode("utf-8")
        tee(INFERRED.value, text)
        blank += _in_graph(text, INFERRED.value, merged=False)
    del blank_graphs, blank_triples
    if blank:
        yield blank
    del blank
    pieces, quads = [], 0
    for graph, text in _plain_pieces(plain, inferred, slice_quads // 2):
        merged = graph != INFERRED.value
        written = (2 if merged else 1) * text.count(b"\n")
        if pieces and quads + written > slice_quads:
            yield pieces
            pieces, quads = [], 0
        tee(graph, text)
        pieces += _in_graph(text, graph, merged=merged)
        quads += written
    if pieces:
        yield pieces


def _plain_pieces(plain: list[tuple[ox.NamedNode, bytes]], inferred: Inference,
                  lines: int) -> Iterator[tuple[str, bytes]]:
    """Yield (graph IRI, N-Triples text of at most about ``lines`` lines) for the graphs without blank nodes."""
    plain.reverse()
    while plain:
        graph, text = plain.pop()
        yield from ((graph.value, piece) for piece in _cut(text, lines))
        del text
    for text in inferred.ntriples_chunks(size=lines, consume=True):
        yield INFERRED.value, text


def _cut(text: bytes, lines: int) -> Iterator[bytes]:
    """Yield ``text`` (N-Triples) in pieces of about ``lines`` whole lines each."""
    total = text.count(b"\n")
    if total <= lines:
        yield text
        return
    step = max(1, len(text) * lines // total)  # bytes of about ``lines`` lines
    start = 0
    while start < len(text):
        end = text.find(b"\n", start + step)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _drained(pieces: list[bytes]) -> Iterator[bytes]:
    """Yield the items of ``pieces`` in order, dropping each from the list (its memory freed once read)."""
    pieces.reverse()
    while pieces:
        yield pieces.pop()


def _in_graph(text: bytes, graph: str, *, merged: bool = True) -> list[bytes]:
    """Return N-Triples ``text`` as N-Quads in ``graph``, and again in the default graph if ``merged``."""
    quads = text.replace(b" .\n", f" <{graph}> .\n".encode())  # " .\n" only ends lines
    return [quads, text] if merged else [quads]


def load_served(path: Path, asserted: list[tuple[ox.NamedNode, bytes]], inferred: Inference,
                slice_quads: int | None = None, spool: Path | None = None, tee=None) -> dict[str, int]:
    """Write the on-disk served store at ``path`` in a few bulk loads of :func:`served_slices`.

    :param asserted: each asserted graph and its N-Triples text (see :func:`served_slices`), emptied.
    :param inferred: the inferred triples, emptied.
    :param slice_quads: quads per bulk load (:data:`SLICE_QUADS` by default).
    :param spool: a folder to write the slices to first, so that the Python copies of the triples
        are freed before the loader needs its memory (at 1M synthetic triples the peak RSS went from
        2.1 to 1.7 GB); the files are removed as they are loaded.  Without it the slices are
        streamed from memory.
    :param tee: given every named graph's N-Triples, piece by piece (see :func:`served_slices`).
    :returns: named graph IRI -> triples loaded.
    """
    sizes: dict[str, int] = {}
    slices = served_slices(asserted, inferred, sizes, slice_quads or SLICE_QUADS, tee)
    if spool is not None:
        slices = _spooled(slices, spool)
    disk = ox.Store(str(path))
    for pieces in slices:
        if isinstance(pieces, Path):
            # lenient: every line was written by Oxigraph or by the reasoner from Oxigraph's terms
            disk.bulk_load(path=str(pieces), format=ox.RdfFormat.N_QUADS, lenient=True)
            pieces.unlink()
            continue
        stream = io.BufferedReader(_ChunkReader(_drained(pieces)), 1 << 20)
        del pieces
        disk.bulk_load(input=stream, format=ox.RdfFormat.N_QUADS, lenient=True)
    disk.flush()
    del disk
    return sizes


def _spooled(slices: Iterator[list[bytes]], folder: Path) -> list[Path]:
    """Write every slice to a file of its own in ``folder`` (the text freed as it is written); return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, pieces in enumerate(slices):
        files.append(folder / f"{number:04d}.nq")
        with open(files[-1], "wb") as out:
            for piece in _drained(pieces):
                out.write(piece)
        del pieces
    return files
