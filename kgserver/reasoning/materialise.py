"""Compute the inferred named graph of an Oxigraph store holding the asserted named graphs."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ..engine.layout import INFERRED  # noqa: F401 - the inferred graph's name, also read from here
from .engine import Inference, Reasoner
from .nogc import paused_gc
from .progress import Progress, silent
from .terms import from_nt


def asserted_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """Return the store's named graphs except the inferred one, sorted by IRI."""
    graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g != INFERRED]
    return sorted(graphs, key=lambda g: g.value)


def iter_store_triples(store: ox.Store, graphs: list[ox.NamedNode] | None = None) -> Iterator[list[str]]:
    """Yield the triples of the given named graphs (all asserted ones by default) as N-Triples strings.

    Each triple is a ``[subject, predicate, object]`` list of term strings, as Oxigraph writes them.
    """
    for graph in asserted_graphs(store) if graphs is None else graphs:
        yield from split_ntriples(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph))


def split_ntriples(data: bytes) -> list[list[str]]:
    """Split Oxigraph's N-Triples output into ``[subject, predicate, object]`` term strings.

    Oxigraph writes one triple per line, terms separated by one space, each line ending with
    `` .``; a literal never holds a raw line feed (it is escaped), so `` .\n`` only ends lines
    and subjects and predicates hold no space. (``str.splitlines`` would also split at the
    U+2028 or U+0085 a literal may hold raw, so the split is on ``\n`` only.)
    """
    lines = data.decode("utf-8").split(" .\n")
    if lines and not lines[-1]:
        lines.pop()
    with paused_gc():  # a million small lists: see .nogc
        return [line.split(" ", 2) for line in lines]


def ntriples_text(triples: list[tuple[str, str, str]]) -> bytes:
    """Return N-Triples text for term-string triples."""
    return "".join([f"{s} {p} {o} .\n" for s, p, o in triples]).encode("utf-8")


def write_inferred(store: ox.Store, inferred: Inference | list[tuple[str, str, str]]) -> None:
    """Replace the store's inferred graph with the inferred triples (an :class:`Inference` or term-string triples)."""
    store.clear_graph(INFERRED)
    if isinstance(inferred, Inference):
        plain, blank = inferred.partition_blank()
        chunks = plain.ntriples_chunks()
    else:
        blank = [t for t in inferred if t[0][0] == "_" or t[2][0] == "_"]
        chunks = [ntriples_text([t for t in inferred if t[0][0] != "_" and t[2][0] != "_"])]
    for text in chunks:  # 200,000 triples at a time: the text of 2.5M triples would take ~350 MB at once
        if text:
            # lenient: the text is made of terms Oxigraph itself wrote; a plain load into an
            # in-memory store is faster than bulk_load (measured, docs/reasoning.md)
            store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=INFERRED, lenient=True)
    # loaded text would give these blank nodes new labels: add them as terms
    store.extend(ox.Quad(_term(s), _term(p), _term(o), INFERRED) for s, p, o in blank)


def _term(text: str):
    return ox.BlankNode(text[2:]) if text.startswith("_:") else from_nt(text)


def materialise(store: ox.Store, progress: Progress | None = None) -> Inference:
    """Replace the store's inferred graph with the useful entailments of its asserted graphs.

    :param store: a store with one named graph per source; its inferred graph is rewritten.
    :returns: the inferred triples and figures about the run.
    """
    progress = progress or silent()
    inference = Reasoner().run(iter_store_triples(store))
    report(progress, inference)
    write_inferred(store, inference)
    return inference


def report(progress: Progress, inference: Inference) -> None:
    """Report a reasoning run's figures."""
    progress("reasoning", f"{inference.asserted} asserted triples, {len(inference)} inferred "
             f"({inference.derived} derived before dropping junk, {inference.rounds} rounds)")
