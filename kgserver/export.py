"""Dumps of the dataset: asserted and inferred facts, each in Turtle, N-Triples, N-Quads and JSON-LD, gzipped.

The same function makes the files ``kgserver export`` writes and the ones the server
publishes at ``/dumps/<name>``, so both are byte-identical: output is sorted and gzipped
with a zero timestamp, and blank nodes get labels computed from their surroundings (the
store names them at random on every load), hence reproducible.  JSON-LD is written in expanded form, with no
``@context`` at all, so no reader ever needs to fetch one.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from .namespaces import INFERRED_GRAPH, PREFIXES
from .storage import DatasetStore

#: Dump format key -> (Oxigraph format, media type of the uncompressed content, keeps named graphs).
DUMP_FORMATS: dict[str, tuple[ox.RdfFormat, str, bool]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", False),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", True),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", False),
}

_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


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


def _labelled(store: DatasetStore) -> list[ox.Quad]:
    # the whole dataset, read once through the store interface (every named graph as N-Quads);
    # blank nodes are named from the whole dataset: inferred triples about the blank nodes of an
    # asserted graph (the editors of DCAT 3) are told apart by their asserted neighbourhood
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    return stable_blank_nodes(list(ox.parse(data, format=ox.RdfFormat.N_QUADS)))


def _quads(labelled: list[ox.Quad], inferred: bool) -> list[ox.Quad]:
    quads = [q for q in labelled if (q.graph_name == _INFERRED) is inferred]
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def stable_blank_nodes(quads: list[ox.Quad], max_rounds: int = 64) -> list[ox.Quad]:
    """Return the quads with blank nodes renamed after a hash of their neighbourhood.

    Colour refinement (Weisfeiler-Lehman, until the partition stops changing): each blank node's
    label hashes the triples around it, transitively, so the same data gives the same labels whatever the store called them.
    Blank nodes that stay indistinguishable are numbered in turn (if they are truly symmetric,
    any numbering gives the same output).
    """
    blank = ox.BlankNode
    # only the quads touching a blank node count, each read once: (subject if blank, else its text, predicate,
    # object if blank, else its text, graph)
    touching = [(q.subject if isinstance(q.subject, blank) else None, str(q.subject), str(q.predicate),
                 q.object if isinstance(q.object, blank) else None, str(q.object), str(q.graph_name))
                for q in quads if isinstance(q.subject, blank) or isinstance(q.object, blank)]
    bnodes = {t for s, _, _, o, _, _ in touching for t in (s, o) if t is not None}
    if not bnodes:
        return quads
    colour = {b: "" for b in bnodes}
    classes = 1
    for _ in range(max_rounds):
        signature: dict = {b: [colour[b]] for b in bnodes}
        for s, s_text, p, o, o_text, g in touching:
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
        names[b] = ox.BlankNode(f"b{c}" if ties[c] == 1 else f"b{c}n{seen[c]}")
        seen[c] += 1

    def rename(term):
        return names.get(term, term) if isinstance(term, ox.BlankNode) else term

    return [ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name) for q in quads]


def render_dump(store: DatasetStore, fmt: str, *, inferred: bool) -> bytes:
    """Return one dump, gzipped (reproducibly: the gzip header's time is zero).

    Graph formats (Turtle, N-Triples, JSON-LD) hold the distinct triples of the merged
    graphs; N-Quads keeps each triple in its named graph.
    """
    return _render(_quads(_labelled(store), inferred), fmt)


def render_dumps(store: DatasetStore) -> dict[str, bytes]:
    """Return every dump by file name (what :func:`render_dump` gives), reading and labelling the dataset once."""
    labelled = _labelled(store)
    parts = {inferred: _quads(labelled, inferred) for inferred in (False, True)}
    return {name: _render(parts[inferred], fmt)
            for name, (fmt, inferred) in ((name, parse_dump_name(name)) for name in dump_names())}


def _render(quads: list[ox.Quad], fmt: str) -> bytes:
    rdf_format, _media, keeps_graphs = DUMP_FORMATS[fmt]
    if keeps_graphs:
        data = ox.serialize(quads, format=rdf_format)
    else:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                         key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        data = ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    return gzip.compress(data, compresslevel=9, mtime=0)


def export(store: DatasetStore, out_dir: Path | str) -> list[Path]:
    """Write every dump of ``store`` into ``out_dir`` (created if needed); return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in render_dumps(store).items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written
