"""Dumps of the dataset: asserted and inferred facts, each in Turtle, N-Triples, N-Quads and JSON-LD, gzipped.

``kgserver build`` writes them once into the build directory (:func:`write_dumps`); the server
publishes those files at ``/dumps/<name>`` and ``kgserver export`` copies them, so all three are
byte-identical.  Output is sorted and gzipped with a zero timestamp, and blank nodes get labels
computed from their surroundings (the store names them at random on every load), hence
reproducible.  JSON-LD is written in expanded form, with no ``@context`` at all, so no reader
ever needs to fetch one.

Memory stays bounded whatever the size (:func:`write_dumps`): the dataset is read graph by graph
(each named graph as N-Triples, by the store's own serialiser, into a temporary file), only the
triples naming a blank node are held (to label them), and the rest is sorted by an external sort:
sorted runs of ``run_lines`` lines spilled to files and merged with :func:`heapq.merge`
(:mod:`kgserver.streaming`).  The
sort keys are the N-Quads texts of the terms, ``g s p o``: sorting these byte strings sorts by each
term's text in turn (no term's text is a proper prefix of another's followed by a byte below the
space), which is the order the dumps always had.  Turtle and JSON-LD come from the sorted,
deduplicated N-Triples through pyoxigraph's serialisers, which write as they read.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import INFERRED_GRAPH, PREFIXES
from .streaming import BLANK, Fingerprint, GzipWriter, lines_file, merged

#: Dump format key -> (Oxigraph format, media type of the uncompressed content, keeps named graphs).
DUMP_FORMATS: dict[str, tuple[ox.RdfFormat, str, bool]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", False),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", True),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", False),
}
#: Lines an external sort holds before it sorts them and spills them to a file (about 50 MB of lines).
RUN_LINES = 250_000

_INFERRED = f"<{INFERRED_GRAPH}>".encode()
#: Lines joined into one write to a dump.
_BATCH = 4096


@dataclass(frozen=True)
class DumpFile:
    """A dump written by the build: where it is, its size and the SHA-256 of its bytes (its ``ETag``)."""

    path: Path
    bytes: int
    sha256: str


def dump_name(fmt: str, *, inferred: bool) -> str:
    """Return the file name of a dump: ``esskg.ttl.gz`` or ``esskg-inferred.ttl.gz``."""
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown dump format {fmt!r}; expected one of {', '.join(DUMP_FORMATS)}")
    return f"esskg{'-inferred' if inferred else ''}.{fmt}.gz"


def dump_names() -> list[str]:
    """Return every dump file name, asserted first."""
    return [dump_name(fmt, inferred=inferred) for inferred in (False, True) for fmt in DUMP_FORMATS]


def parse_dump_name(name: str) -> tuple[str, bool] | None:
    """Return (format, inferred) for a dump file name, or None if it names no dump."""
    for inferred in (False, True):
        for fmt in DUMP_FORMATS:
            if name == dump_name(fmt, inferred=inferred):
                return fmt, inferred
    return None


def export(store, out_dir: Path | str) -> list[Path]:
    """Write every dump of ``store`` into ``out_dir`` (created if needed); return the paths written.

    The build's files are copied when the store has them (:meth:`DatasetStore.dump_file`), else written
    from the store by :func:`write_dumps`; either way streaming, in bounded memory.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made = {name: store.dump_file(name) for name in dump_names()}
    if None in made.values():
        write_dumps(store, out)
    else:
        for name, file in made.items():
            shutil.copyfile(file.path, out / name)
    return [out / name for name in dump_names()]


def render_dumps(store) -> dict[str, bytes]:
    """Return every dump by file name, written by :func:`write_dumps` into a temporary folder and read back."""
    with tempfile.TemporaryDirectory(prefix="kgserver-dumps-") as folder:
        write_dumps(store, Path(folder))
        return {name: (Path(folder) / name).read_bytes() for name in dump_names()}


class GraphTexts:
    """Named graphs' N-Triples (one triple a line, as Oxigraph writes them), appended piece by piece to one file a
    graph in ``folder``: what the build hands :func:`write_dumps` while it loads the store, so that the dumps are
    written without reading the store back (about 13 µs of CPU a quad)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, Path] = {}

    def __call__(self, graph: str, text: bytes) -> None:
        path = self.files.setdefault(graph, self.folder / f"graph-{len(self.files)}.nt")
        with open(path, "ab") as out:
            out.write(text)

    def graphs(self) -> list[tuple[bytes, Path]]:
        """Return (graph as N-Quads text, file) for every graph, by name."""
        return [(f"<{graph}>".encode(), self.files[graph]) for graph in sorted(self.files)]


def write_dumps(store, out_dir: Path, *, run_lines: int = RUN_LINES, fingerprints: dict | None = None) -> dict:
    """Write the eight dumps of ``store``'s named graphs into ``out_dir`` (which must exist), in bounded memory.

    :param store: anything with ``named_graphs()`` and ``dump(output, format, from_graph=...)`` writing one
        triple a line as pyoxigraph does (a :class:`kgserver.storage.DatasetStore`, a ``pyoxigraph.Store``), or
        the named graphs' texts already in files (:class:`GraphTexts`; the files are removed).
    :param run_lines: lines of the external sort held at once (the writer's memory is about 200 bytes each,
        plus the triples naming a blank node).
    :param fingerprints: if given, receives ``graphs`` (each named graph's :class:`Fingerprint` value) and
        ``merge`` (the asserted graphs' merge's), as ``kgserver publish`` compares them.
    :returns: file name -> ``{"bytes": ..., "sha256": ...}``.
    """
    with tempfile.TemporaryDirectory(prefix=".dumps-", dir=out_dir) as folder:
        work = Path(folder)
        graphs = store.graphs() if isinstance(store, GraphTexts) else _dump_graphs(store, work)
        names = blank_node_names(_touching(graphs))
        runs = _sorted_runs(graphs, names, work, run_lines)
        written, prints = {}, {}
        for inferred in (False, True):
            written.update(_write_part(runs[inferred], out_dir, work, inferred, prints))
        if fingerprints is not None:
            merge = prints.pop("merge")
            fingerprints.update(graphs={g: prints[g] for g in sorted(prints)}, merge=merge)
    return {name: written[name] for name in dump_names()}


def _dump_graphs(store, work: Path) -> list[tuple[bytes, Path]]:
    """Write each named graph as N-Triples into ``work``; return (graph as N-Quads text, file), by graph name."""
    graphs = []
    for index, graph in enumerate(sorted(store.named_graphs(), key=str)):
        path = work / f"graph-{index}.nt"
        with open(path, "wb") as out:
            store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        graphs.append((str(graph).encode(), path))
    return graphs


def _split(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Return the subject, predicate and object texts of one N-Triples line ``s p o .\\n``."""
    if not line.endswith(b" .\n"):
        raise ValueError(f"not a line of pyoxigraph's N-Triples: {line[:200]!r}")
    s, p, o = line[:-3].split(b" ", 2)  # subjects and predicates hold no space; objects may
    return s, p, o


def _touching(graphs) -> list[tuple[str, str, str, str]]:
    """Return (s, p, o, g) texts of the triples naming a blank node (the only ones held at once)."""
    touching = []
    for graph, path in graphs:
        with open(path, "rb") as lines:
            for line in lines:
                if BLANK in line:
                    s, p, o = _split(line)
                    if s.startswith(BLANK) or o.startswith(BLANK):
                        touching.append((s.decode(), p.decode(), o.decode(), graph.decode()))
    return touching


def blank_node_names(touching: list[tuple[str, str, str, str]], max_rounds: int = 64) -> dict[str, str]:
    """Return new texts for the blank nodes of ``touching``, after a hash of their neighbourhood.

    Colour refinement (Weisfeiler-Lehman, until the partition stops changing): each blank node's
    label hashes the triples around it, transitively, so the same data gives the same labels whatever
    the store called them.  Blank nodes that stay indistinguishable are numbered in turn (if they are
    truly symmetric, any numbering gives the same output).

    :param touching: (subject, predicate, object, graph) N-Quads texts of every quad naming a blank node.
    :returns: the store's text of each blank node (``_:x``) -> its label's (``_:b<hash>``).
    """
    rows = [(s if s.startswith("_:") else None, s, p, o if o.startswith("_:") else None, o, g)
            for s, p, o, g in touching]
    bnodes = {t for s, _, _, o, _, _ in rows for t in (s, o) if t is not None}
    colour = {b: "" for b in bnodes}
    classes = 1
    for _ in range(max_rounds if bnodes else 0):
        signature: dict = {b: [colour[b]] for b in bnodes}
        for s, s_text, p, o, o_text, g in rows:
            if s is not None:
                signature[s].append(("out", p, o_text if o is None else "_:" + colour[o], g))
            if o is not None:
                signature[o].append(("in", s_text if s is None else "_:" + colour[s], p, g))
        colour = {b: hashlib.sha256(repr(sorted(map(repr, signature[b]))).encode()).hexdigest()[:16] for b in bnodes}
        refined = len(set(colour.values()))
        if refined == classes:
            break
        classes = refined
    ties = Counter(colour.values())
    seen: Counter = Counter()
    names = {}
    for b in sorted(bnodes, key=lambda b: colour[b]):
        c = colour[b]
        names[b] = f"_:b{c}" if ties[c] == 1 else f"_:b{c}n{seen[c]}"
        seen[c] += 1
    return names


def _sorted_runs(graphs, names: dict[str, str], work: Path, run_lines: int) -> dict[bool, list[Path]]:
    """Spill every quad, blank nodes renamed, as ``g s p o`` lines in sorted runs; return each part's runs."""
    renamed = {old.encode(): new.encode() for old, new in names.items()}
    runs: dict[bool, list[Path]] = {False: [], True: []}
    buffers: dict[bool, list[bytes]] = {False: [], True: []}
    held = 0
    for graph, path in graphs:
        buffer, prefix = buffers[graph == _INFERRED], graph + b" "
        with open(path, "rb") as lines:
            for line in lines:
                s, p, o = _split(line)
                if renamed and BLANK in line:
                    s, o = renamed.get(s, s), renamed.get(o, o)
                buffer.append(b"%s%s %s %s\n" % (prefix, s, p, o))
                held += 1
                if held >= run_lines:
                    _spill(buffers, runs, work)
                    held = 0
        path.unlink()
    _spill(buffers, runs, work)
    return runs


def _spill(buffers: dict[bool, list[bytes]], runs: dict[bool, list[Path]], work: Path) -> None:
    for part, lines in buffers.items():
        if lines:
            lines.sort()
            runs[part].append(lines_file(work, lines))
            lines.clear()


def _write_part(runs: list[Path], out_dir: Path, work: Path, inferred: bool, prints: dict) -> dict:
    """Write the four dumps of one part (asserted or inferred) from its sorted runs; put the fingerprints of its
    graphs in ``prints`` (and of the asserted part's merge, as ``merge``)."""
    written = {}
    quads = GzipWriter(out_dir / dump_name("nq", inferred=inferred))
    graph_files: list[Path] = []
    current, triples, fingerprint = None, None, None
    batch = []
    for line in merged(runs, work):
        graph, rest = line.split(b" ", 1)  # a graph name is an IRI: no space
        if graph != current:
            if triples is not None:
                triples.close()
                prints[current.decode()[1:-1]] = fingerprint.value()
            current, fingerprint = graph, Fingerprint()
            graph_files.append(work / f"part-{len(graph_files)}.nt")
            triples = open(graph_files[-1], "wb")
        batch.append(b"%s %s .\n" % (rest[:-1], graph))
        if len(batch) >= _BATCH:
            quads.write(b"".join(batch))
            batch.clear()
        triples.write(rest)
        fingerprint.add(rest[:-1])
    if triples is not None:
        triples.close()
        prints[current.decode()[1:-1]] = fingerprint.value()
    quads.write(b"".join(batch))
    written[dump_name("nq", inferred=inferred)] = quads.close()
    merged_path = work / "merged.nt"
    merge = Fingerprint() if len(graph_files) > 1 else None  # one graph is its own merge
    n_triples = GzipWriter(out_dir / dump_name("nt", inferred=inferred))
    with open(merged_path, "wb") as plain:
        previous, batch = None, []
        for line in merged(graph_files, work):  # each graph sorted: their merge, each triple once
            if line != previous:
                previous = line
                batch.append(line[:-1] + b" .\n")
                if merge is not None:
                    merge.add(line[:-1])
                if len(batch) >= _BATCH:
                    n_triples.write(b"".join(batch))
                    plain.writelines(batch)
                    batch.clear()
        n_triples.write(b"".join(batch))
        plain.writelines(batch)
    written[dump_name("nt", inferred=inferred)] = n_triples.close()
    for fmt in ("ttl", "jsonld"):
        out = GzipWriter(out_dir / dump_name(fmt, inferred=inferred))
        ox.serialize(ox.parse(path=str(merged_path), format=ox.RdfFormat.N_TRIPLES, lenient=True), out,
                     DUMP_FORMATS[fmt][0], prefixes=PREFIXES)
        written[dump_name(fmt, inferred=inferred)] = out.close()
    merged_path.unlink()
    if not inferred:
        prints["merge"] = (merge or fingerprint or Fingerprint()).value()
    return written
