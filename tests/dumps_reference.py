"""The dumps as the first implementation made them (in memory, the whole dataset as Python objects): the reference
the streaming writer (:mod:`kgserver.dumpwriter`) is checked against, byte for byte, on the bundle.

Copied from ``kgserver/export.py`` as it was before the dumps were written at build time; kept only for the tests.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter

import pyoxigraph as ox

from kgserver.export import DUMP_FORMATS, dump_names, parse_dump_name
from kgserver.namespaces import INFERRED_GRAPH, PREFIXES

_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


def reference_dumps(store) -> dict[str, bytes]:
    """Return every dump by file name, made the old way from ``store`` (a :class:`DatasetStore`)."""
    labelled = stable_blank_nodes(list(ox.parse(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)))
    parts = {}
    for inferred in (False, True):
        quads = [q for q in labelled if (q.graph_name == _INFERRED) is inferred]
        parts[inferred] = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate),
                                                       str(q.object)))
    return {name: _render(parts[inferred], fmt)
            for name, (fmt, inferred) in ((name, parse_dump_name(name)) for name in dump_names())}


def stable_blank_nodes(quads: list[ox.Quad], max_rounds: int = 64) -> list[ox.Quad]:
    blank = ox.BlankNode
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


def _render(quads: list[ox.Quad], fmt: str) -> bytes:
    rdf_format, _media, keeps_graphs = DUMP_FORMATS[fmt]
    if keeps_graphs:
        data = ox.serialize(quads, format=rdf_format)
    else:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                         key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        data = ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    return gzip.compress(data, compresslevel=9, mtime=0)
