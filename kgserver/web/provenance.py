"""Show on a resource page where its sources quote it and which named graph holds each of its facts.

A template global, ``provenance(iri)``, read by ``templates/pages/provenance.html``: the passages of the
anchors graph (``data/editorial/anchors.ttl``: W3C Web Annotation selectors) whose body is the resource, and
the resource's asserted statements grouped by named graph (source document or editorial kind).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, g

from ..dataset import editorial_graph, is_source_graph
from ..namespaces import INFERRED_GRAPH, OA, PREFIXES
from ..storage import DatasetStore
from .sources import Sources
from .state import get_state

bp = Blueprint("provenance", __name__)

_ANCHORS = ox.NamedNode(str(editorial_graph("anchors")))
_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_EDITORIAL_NOTE = ox.NamedNode(PREFIXES["skos"] + "editorialNote")
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_RDF_VALUE = ox.NamedNode(PREFIXES["rdf"] + "value")
_OA = {name: ox.NamedNode(str(OA[name])) for name in (
    "hasBody", "hasTarget", "hasSource", "hasSelector", "exact", "start", "TextQuoteSelector", "FragmentSelector")}


@dataclass
class Passage:
    """A quote of the resource in one source document, with its 1-based line range."""

    document: str
    exact: str
    first_line: int
    last_line: int


@dataclass
class GraphFacts:
    """The statements about the resource that one named graph holds."""

    graph: str
    kind: str  # "source", "editorial" or "other"
    facts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Provenance:
    passages: list[Passage]
    graphs: list[GraphFacts]


def passages(store: DatasetStore, node: ox.NamedNode) -> list[Passage]:
    """Return the passages that quote ``node``, sorted by document and line (one query)."""
    oa = {name: str(term) for name, term in _OA.items()}
    query = f"""SELECT ?annotation ?document ?exact ?lines WHERE {{ GRAPH {_ANCHORS} {{
        ?annotation {oa['hasBody']} {node} ; {oa['hasTarget']} ?target .
        ?target {oa['hasSource']} ?document .
        ?target {oa['hasSelector']} ?quote . ?quote {_RDF_TYPE} {oa['TextQuoteSelector']} ; {oa['exact']} ?exact .
        ?target {oa['hasSelector']} ?fragment . ?fragment {_RDF_TYPE} {oa['FragmentSelector']} ; {_RDF_VALUE} ?lines .
    }} }}"""
    found, seen = [], set()
    for row in store.query(query):
        match = re.fullmatch(r"line=(\d+),(\d+)", row["lines"].value)
        if match is None or row["annotation"] in seen:
            continue
        seen.add(row["annotation"])
        found.append(Passage(row["document"].value, row["exact"].value, int(match.group(1)) + 1, int(match.group(2))))
    return sorted(found, key=lambda p: (p.document, p.first_line))


def graph_facts(sources: Sources, node: ox.NamedNode) -> list[GraphFacts]:
    """Return the asserted statements about ``node`` grouped by named graph (inferred ones and notes left out)."""
    by_graph: dict[str, GraphFacts] = {}
    for quad in sources.quads(node, None, None):
        if not isinstance(quad.graph_name, ox.NamedNode) or quad.graph_name == _INFERRED:
            continue
        if quad.predicate == _EDITORIAL_NOTE:  # shown once, under the page's editorial notes
            continue
        iri = quad.graph_name.value
        kind = "source" if is_source_graph(iri) else "editorial" if "/graph/editorial/" in iri else "other"
        entry = by_graph.setdefault(iri, GraphFacts(iri, kind))
        entry.facts.append((quad.predicate.value, quad.object.value))
    order = {"source": 0, "editorial": 1, "other": 2}
    for entry in by_graph.values():
        entry.facts.sort()
    return sorted(by_graph.values(), key=lambda g: (order[g.kind], g.graph))


@bp.app_template_global("provenance")
def provenance(iri: str) -> Provenance:
    """Return the passages and the per-graph statements of the resource ``iri`` (template global)."""
    store = get_state().query_store  # each query within the time limit
    node = ox.NamedNode(iri)
    sources = getattr(g, "kgserver_sources", None) or Sources(store)  # the page's, with what it fetched
    return Provenance(passages(store, node), graph_facts(sources, node))
