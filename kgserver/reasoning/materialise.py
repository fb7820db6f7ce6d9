"""Compute the inferred named graph of an Oxigraph store holding the asserted named graphs."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH
from .engine import Inference, Reasoner
from .progress import Progress, silent
from .terms import split_ntriples_line

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


def asserted_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """Return the store's named graphs except the inferred one, sorted by IRI."""
    graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g != INFERRED]
    return sorted(graphs, key=lambda g: g.value)


def iter_store_triples(store: ox.Store, graphs: list[ox.NamedNode] | None = None) -> Iterator[tuple[str, str, str]]:
    """Yield the triples of the given named graphs (all asserted ones by default) as N-Triples strings."""
    for graph in asserted_graphs(store) if graphs is None else graphs:
        text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).decode("utf-8")
        for line in text.splitlines():
            if line:
                yield split_ntriples_line(line)


def ntriples_text(triples: list[tuple[str, str, str]]) -> bytes:
    """Return N-Triples text for term-string triples."""
    return "".join([f"{s} {p} {o} .\n" for s, p, o in triples]).encode("utf-8")


def write_inferred(store: ox.Store, inferred: Inference | list[tuple[str, str, str]]) -> None:
    """Replace the store's inferred graph with the inferred triples (an :class:`Inference` or term-string triples)."""
    store.clear_graph(INFERRED)
    chunks = inferred.ntriples_chunks() if isinstance(inferred, Inference) else [ntriples_text(inferred)]
    for text in chunks:  # one predicate at a time: the text of 2M triples would take ~300 MB at once
        if text:
            # lenient: the text is made of terms Oxigraph itself wrote; a plain load is faster
            # than bulk_load into a store that already holds data (measured, docs/reasoning.md)
            store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=INFERRED, lenient=True)


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
