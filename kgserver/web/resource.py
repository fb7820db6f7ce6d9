"""Describe one resource from the store: its statements, incoming links, labels and RDF.

A resource's RDF description (what ``/id/...`` serves to RDF clients) is a *symmetric
concise bounded description*: every triple whose subject is the resource (with the blank
nodes it reaches, recursively), every triple whose object is the resource, and the labels
of the IRIs they link to, so a client can show names without another request.  Triples
from every named graph are merged; a statement is *inferred* when it occurs only in the
inferred graph.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox

from ..namespaces import BASE, INFERRED_GRAPH, PREFIXES
from ..search_index import fold
from .paging import LinkList
from .sources import Sources

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
SKOS_PREF = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
SKOS_NOTATION = ox.NamedNode(PREFIXES["skos"] + "notation")
SKOS_NOTE = ox.NamedNode(PREFIXES["skos"] + "editorialNote")
DCT_TITLE = ox.NamedNode(PREFIXES["dcterms"] + "title")
SCHEMA_NAME = ox.NamedNode(PREFIXES["schema"] + "name")
FOAF_NAME = ox.NamedNode(PREFIXES["foaf"] + "name")

#: Properties read as a resource's name, best first.
LABEL_PROPERTIES = (SKOS_PREF, RDFS_LABEL, DCT_TITLE, SCHEMA_NAME, FOAF_NAME)
#: What naming a resource reads: its names and its notation.
NAMING_PROPERTIES = (*LABEL_PROPERTIES, SKOS_NOTATION)
#: Fallback order of languages after the ones the client asks for.
DEFAULT_LANGUAGES = ("ca", "es", "en")

_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_OWN_NAMESPACE = BASE
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Statement:
    """One triple seen from a resource: the other end, and whether it is only inferred."""

    predicate: ox.NamedNode
    value: Term
    inferred: bool
    graphs: set[str] = field(default_factory=set)


def merge_quads(quads: Iterable[ox.Quad], *, incoming: bool) -> list[Statement]:
    merged: dict[tuple, Statement] = {}
    for quad in quads:
        other = quad.subject if incoming else quad.object
        key = (quad.predicate, other)
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        statement = merged.get(key)
        if statement is None:
            statement = merged[key] = Statement(quad.predicate, other, True)
        statement.graphs.add(graph)
    for statement in merged.values():
        statement.inferred = statement.graphs == {_INFERRED.value}
    return list(merged.values())


def outgoing(sources: Sources, node) -> list[Statement]:
    """Return the statements whose subject is ``node``, merged over graphs."""
    return merge_quads(sources.quads(node, None, None), incoming=False)


def incoming(sources: Sources, node) -> list[Statement]:
    """Return the statements whose object is ``node`` (the value is the subject), merged over graphs."""
    return merge_quads(sources.quads(None, None, node), incoming=True)


def description(sources: Sources, node: ox.NamedNode, *, with_incoming: bool = True, with_labels: bool = True) -> list[ox.Triple]:
    """Return the RDF description of ``node`` (symmetric CBD plus labels of linked IRIs), sorted.

    Within the bound of what a request reads (:class:`kgserver.web.sources.Bound`): for each property
    whose statements are not all there, the description says how many there are and where they are
    listed (:meth:`kgserver.web.paging.LinkList.collection_triples`).

    :param with_incoming: include the triples pointing at ``node``.
    :param with_labels: include the labels of the IRIs the description links to.
    """
    triples: set[ox.Triple] = set()
    queue = [node]
    seen = set()
    while queue:  # outgoing triples and the blank nodes they reach
        subject = queue.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for quad in sources.quads(subject, None, None):
            triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
            if isinstance(quad.object, ox.BlankNode):
                queue.append(quad.object)
    if with_incoming:
        for quad in sources.quads(None, None, node):
            triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    if with_labels:
        add_names(sources, triples, node)
    for (cut_node, direction), cut in sources.cut.items():
        if cut_node == node and (with_incoming or direction == "outgoing"):
            for predicate, total in cut.items():
                triples.update(LinkList(node, direction, predicate, sources.bound.per_property).collection_triples(total))
    return ordered(triples)


def add_names(sources: Sources, triples: set[ox.Triple], node: ox.NamedNode) -> None:
    """Add to ``triples`` the labels of the IRIs they link ``node`` to (one prefetch for them all)."""
    linked = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    linked.discard(node)
    sources.prefetch(sorted(linked, key=str), LABEL_PROPERTIES)
    for other in linked:
        for prop in LABEL_PROPERTIES:
            for quad in sources.quads(other, prop, None):
                triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))


def ordered(triples) -> list[ox.Triple]:
    """Return ``triples`` in the order every RDF document of a resource is written in."""
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """Return the project prefixes whose namespace some IRI of ``triples`` is in.

    ``esskg:`` is left out: resource IRIs have a ``/`` after it, which Turtle would have to escape.
    """
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal) and t.object.datatype}
    # an IRI has no "/" after a namespace it starts with exactly when both end their last "/" at the same place:
    # each namespace is compared with the IRIs of its folder only (not every prefix with every IRI)
    by_folder: dict[str, list[str]] = {}
    for iri in iris:
        by_folder.setdefault(iri[: iri.rfind("/") + 1], []).append(iri)
    return {prefix: ns for prefix, ns in PREFIXES.items()
            if prefix != "esskg" and any(iri.startswith(ns) for iri in by_folder.get(ns[: ns.rfind("/") + 1], ()))}


#: Formats with no prefixes: the IRIs are written whole.
_WITHOUT_PREFIXES = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


def serialize(triples: Iterable[ox.Triple], rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialize triples, with the project's prefixes they use (where the format has prefixes).

    :param prefixes: :func:`used_prefixes` of ``triples``, if known already (a document served in several formats).
    """
    triples = list(triples)
    if rdf_format in _WITHOUT_PREFIXES:
        return ox.serialize(triples, format=rdf_format)
    return ox.serialize(triples, format=rdf_format, prefixes=used_prefixes(triples) if prefixes is None else prefixes)


def language_preference(requested: Iterable[str]) -> list[str]:
    """Return primary language subtags, the client's first, then ca, es, en (no duplicates)."""
    order: list[str] = []
    for tag in list(requested) + list(DEFAULT_LANGUAGES):
        primary = tag.split("-")[0].lower()
        if primary and primary != "*" and primary not in order:
            order.append(primary)
    return order


def pick_literal(literals: Iterable[ox.Literal], languages: list[str]) -> ox.Literal | None:
    """Return the literal in the best language: the preferred ones in order, then untagged, then any."""

    def rank(lit: ox.Literal) -> tuple:
        lang = (lit.language or "").split("-")[0].lower()
        if lang in languages:
            return (languages.index(lang), lit.value)
        if not lang:
            return (len(languages), lit.value)
        return (len(languages) + 1, lang, lit.value)

    candidates = [lit for lit in literals if isinstance(lit, ox.Literal)]
    return min(candidates, key=rank) if candidates else None


def local_name(iri: str) -> str:
    """Return the last segment of an IRI (after ``#`` or ``/``)."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def compact(iri: str) -> str:
    """Return ``prefix:local`` for an IRI in a known namespace, else the IRI."""
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


class Labeller:
    """Find display names of resources in the client's languages, with a per-request cache."""

    def __init__(self, sources: Sources, languages: list[str]):
        self.sources = sources
        self.languages = languages
        self._cache: dict = {}  # node -> (label, language)
        self._sort_keys: dict = {}

    def label_literal(self, node) -> ox.Literal | None:
        """Return the best label literal of ``node``, or None when it has none.

        In the first language that has one: our own name of a reused vocabulary term
        (:mod:`kgserver.web.term_labels`), else ``skos:prefLabel``, else an *asserted* ``rdfs:label``
        (then the other name properties).  A label found only in the inferred graph is never used:
        there ``skos:altLabel`` is also an ``rdfs:label``.  Then an untagged label, then any.
        """
        from .term_labels import term_label

        found: list[tuple[int, ox.Literal]] = []
        for rank, prop in enumerate(LABEL_PROPERTIES):
            for quad in self.sources.quads(node, prop, None):
                if isinstance(quad.object, ox.Literal) and quad.graph_name != _INFERRED:
                    found.append((rank, quad.object))
        own = isinstance(node, ox.NamedNode) and node.value.startswith(_OWN_NAMESPACE)
        for lang in self.languages:
            if isinstance(node, ox.NamedNode) and not own and (name := term_label(node.value, lang)):
                return ox.Literal(name, language=lang)
            in_lang = [(rank, lit.value, lit) for rank, lit in found
                       if (lit.language or "").split("-")[0].lower() == lang]
            if in_lang:
                return min(in_lang, key=lambda item: item[:2])[2]
        untagged = [(rank, lit.value, lit) for rank, lit in found if not lit.language]
        anything = untagged or [(rank, lit.value, lit) for rank, lit in found]
        return min(anything, key=lambda item: item[:2])[2] if anything else None

    def prefetch(self, nodes: Iterable) -> None:
        """Fetch the names and notations of ``nodes`` in one query (before labelling many of them)."""
        self.sources.prefetch(nodes, NAMING_PROPERTIES)

    def label(self, node) -> str:
        """Return a display name: a label, else a compact IRI."""
        return self.label_and_language(node)[0]

    def label_and_language(self, node) -> tuple[str, str | None]:
        """Return a display name and its language tag (None for a made-up name)."""
        if isinstance(node, ox.Literal):
            return node.value, node.language
        key = node
        if key not in self._cache:
            literal = self.label_literal(node) if isinstance(node, ox.NamedNode) else None
            if literal is not None:
                self._cache[key] = (literal.value, literal.language)
            elif isinstance(node, ox.NamedNode):
                self._cache[key] = (compact(node.value), None)
            else:
                self._cache[key] = ("[ ]", None)
        return self._cache[key]

    def notation(self, node) -> str | None:
        """Return the ``skos:notation`` of a resource, if any."""
        for quad in self.sources.quads(node, SKOS_NOTATION, None):
            return quad.object.value
        return None

    def sort_key(self, node) -> tuple:
        """Return a key that orders resources by notation (naturally: 2 < 10), then IRI (source order), then label."""
        key = self._sort_keys.get(node)
        if key is None:
            notation = self.notation(node) if isinstance(node, ox.NamedNode) else None
            key = self._sort_keys[node] = (natural_key(notation or "~"), natural_key(str(node)),
                                           natural_key(self.label(node)))
        return key


@functools.lru_cache(maxsize=1 << 16)  # pages sort the same IRIs and labels over and over
def natural_key(text: str) -> tuple:
    """Return a sort key where runs of digits compare as numbers ("L2" < "L10")."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, fold(part)) for part in re.split(r"(\d+)", text) if part)
