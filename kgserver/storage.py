"""The store interface: what the server reads the served dataset through.

Two implementations: the embedded Oxigraph store built by ``kgserver build``
(:class:`kgserver.store.ServedStore`) and any SPARQL 1.1 store reached over HTTP
(:mod:`kgserver.remote`).  Code above this layer (pages, diagrams, search, browse, VoID,
dumps, the named-query API, ``explain``, validation's bundle context) reads data only
through :meth:`DatasetStore.query` and the figures computed at build time; it never
iterates over every quad of the store.

The dataset seen by :meth:`DatasetStore.query` is the same on every implementation:

- the **default graph** is the RDF merge (a set, each triple once) of the named graphs (in the
  embedded store, the union of the graphs :data:`SERVED_DEFAULT_GRAPH` names: its own default
  graph, the merge of the asserted graphs, and the inferred graph, which holds none of their
  triples; see :mod:`kgserver.engine.layout`);
- ``GRAPH ?g`` ranges over the published named graphs: one per source file
  (``graph/source/<doc>``, ``graph/editorial/<kind>``, ``graph/dataset``, the ontology
  and its imports), the inferred graph (``kgserver.namespaces.INFERRED_GRAPH``) when it is
  served, and nothing else (no staging or bookkeeping graph of a store is visible).

Answers are pyoxigraph objects on every implementation (``QuerySolutions`` for SELECT,
``QueryBoolean`` for ASK, an iterable of ``Triple`` for CONSTRUCT/DESCRIBE), so callers
do not know which store they read.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import IO

import pyoxigraph as ox

from .browse_index import counts_query, members_query, near_query
from .engine.layout import SERVED_DEFAULT_GRAPH  # noqa: F401 - named here for the stores' readers
from .export import DumpFile
from .search_index import LABELS_QUERY, LabelIndex, fold, labels_text, matches


class DatasetStore(ABC):
    """The served dataset, read through SPARQL.

    :ivar figures: what the build computed once (triple counts, per-graph sizes, the VoID
        figures; see :func:`kgserver.reasoning.build.derive_figures`).
    :ivar label_index: the build's search index (:class:`kgserver.search_index.LabelIndex`), if the store has one.
    """

    figures: dict
    label_index: LabelIndex | None = None

    @abstractmethod
    def query(self, sparql: str, *, timeout: float | None = None):
        """Evaluate a SPARQL query over the dataset described in the module docstring.

        :param timeout: seconds the store may spend; ``None`` for the caller's default.
        :returns: ``ox.QuerySolutions``, ``ox.QueryBoolean`` or an iterable of ``ox.Triple``.
        :raises kgserver.engine.errors.QueryTimeout: when the store gave up at the limit.
        """

    @abstractmethod
    def named_graphs(self) -> Iterable[ox.NamedNode]:
        """Return the names of the published named graphs."""

    @abstractmethod
    def dump(self, output: IO[bytes] | None = None, format: ox.RdfFormat | None = None, *,  # noqa: A002
             from_graph: ox.NamedNode | None = None):
        """Serialise one named graph (``from_graph``) or every named graph (N-Quads or TriG)."""

    def dump_file(self, name: str) -> DumpFile | None:
        """Return the dump file ``name`` (:func:`kgserver.export.dump_names`) that the build wrote, or None.

        Only the embedded build has them; without one the server writes the dumps from :meth:`dump`.
        """
        return None

    def blank_node_iri(self, node: ox.BlankNode) -> str | None:
        """Return an IRI by which a query may name ``node`` (a blank node this store answered), else None.

        SPARQL cannot name a blank node; some stores can (Virtuoso: ``<nodeID://…>``).  Pages then
        follow blank nodes one query each instead of by a path from the resource.
        """
        return None

    def statements_of(self, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Quad] | None:
        """Return the named graphs' quads whose subject is ``subject`` (each with its graph), in one read.

        :returns: None when this store cannot name ``subject`` in a query (a blank node on a store
            without :meth:`blank_node_iri`); the caller then finds it another way.
        """
        name = subject.value if isinstance(subject, ox.NamedNode) else self.blank_node_iri(subject)
        if name is None:
            return None
        rows = self.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {ox.NamedNode(name)} ?p ?o }} }}")
        return [ox.Quad(subject, row["p"], row["o"], row["g"]) for row in rows]

    def search_labels(self, words: list[str], *, under: str, limit: int = 200) -> tuple[int, list[str]]:
        """Return how many resources under ``under`` have labels containing every word, and the first ``limit``.

        Matching is :func:`kgserver.search_index.matches` (each folded word a substring of the folded labels
        text); the IRIs come in order.  Read from the build's index when the store has one for ``under``;
        otherwise the labels are read with one query the first time in the process (every label under the
        base: on a store with millions of them it may run out of time) and kept.

        :param words: the words of the question, folded (:func:`kgserver.search_index.fold`).
        :raises QueryTimeout: when the label query ran out of time.
        :raises SearchIndexError: when the build's index is missing or another build's.
        """
        index = self.label_index
        if index is not None and index.covers(under):
            return index.search(words, limit)
        hits = [iri for iri, text in self._label_texts(under) if matches(words, text)]
        return len(hits), hits[:limit]

    def _label_texts(self, under: str) -> list[tuple[str, str]]:
        """Return (IRI, labels text) of the resources under ``under``, in IRI order, read once (one query)."""
        known = vars(self).setdefault("_labels_read", {})
        if under not in known:
            with vars(self).setdefault("_labels_lock", threading.Lock()):
                if under not in known:
                    texts: dict[str, list[str]] = {}
                    for row in self.query(LABELS_QUERY.format(base=ox.Literal(under))):
                        texts.setdefault(row["s"].value, []).append(fold(row["l"].value))
                    known[under] = sorted((iri, labels_text(folded)) for iri, folded in texts.items())
        return known[under]

    def class_counts(self, under: str) -> dict[str, int]:
        """Return class IRI -> how many resources under ``under`` have it as an asserted type (what browse lists).

        From the build's figures (``figures["browse"]``, published with a release) when they count ``under``;
        otherwise with one query (:func:`kgserver.browse_index.counts_query`, every typed resource: a release
        published before the figures had them) the first time in the process, kept.

        :raises QueryTimeout: when the count ran out of time.
        """
        figure = self.figures.get("browse") or {}
        if figure.get("under") == under:
            return figure["classes"]
        known = vars(self).setdefault("_class_counts", {})
        if under not in known:
            rows = self.query(counts_query(under))
            known[under] = dict(sorted((row["c"].value, int(row["n"].value)) for row in rows))
        return known[under]

    def class_members(self, cls: str, *, under: str, after: str | None = None, before: str | None = None,
                      limit: int) -> list[str]:
        """Return the first ``limit`` resources under ``under`` with ``cls`` as an asserted type after ``after`` in
        IRI order, or the last ``limit`` before ``before``; in IRI order either way.

        From the build's index when the store has one for ``under``; otherwise one query
        (:func:`kgserver.browse_index.members_query`: the store finds the class's members in the range, sorts
        them and returns ``limit``).

        :raises SearchIndexError: when the build's index is missing or another build's.
        """
        index = self.label_index
        if index is not None and index.covers_members(under):
            found = index.members(cls, after=after, before=before, limit=limit)
        else:
            text = members_query(cls, under=under, after=after, before=before, limit=limit)
            found = [row["s"].value for row in self.query(text)]
        return found[::-1] if before is not None and after is None else found

    def typed_near(self, iri: str, *, under: str, prefix: str, limit: int) -> list[str]:
        """Return the typed resources under ``under`` (as :meth:`class_members` lists them) that start with
        ``prefix``, among the ``limit`` just before ``iri`` in IRI order and the ``limit`` just after, sorted.

        ``iri`` starts with ``prefix``, or ``prefix`` is ``under``.  From the build's index when the store has one
        for ``under``; otherwise one query (:func:`kgserver.browse_index.near_query`, naming the classes of
        :meth:`class_counts`).

        :raises SearchIndexError: when the build's index is missing or another build's.
        """
        index = self.label_index
        if index is not None and index.covers_members(under):
            return sorted(index.near(iri, prefix=prefix, limit=limit))
        text = near_query(iri, under=under, prefix=prefix, limit=limit, classes=sorted(self.class_counts(under)))
        return sorted({row["s"].value for row in self.query(text)})
