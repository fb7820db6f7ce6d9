"""Check that the properties and classes a contribution uses exist in the vocabularies they come from.

The ``ess:`` terms are checked against the ontology by ``checks/undeclared-term.rq``; this
module does the same for the W3C and DCMI vocabularies the graph reuses (RDF, RDFS, OWL,
SKOS, DCTERMS, PROV, FOAF, ORG, DCAT, VoID, OWL-Time, VANN, SHACL), whose term lists rdflib
ships, so that ``rdfs:lable`` or ``skos:notaton`` are reported instead of silently ignored.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, VANN, VOID

from .report import Finding
from .terms import n3

_VOCABULARIES = (RDF, RDFS, OWL, SKOS, DCTERMS, PROV, FOAF, ORG, DCAT, VOID, TIME, VANN, SH)

OUTSIDE = {
    "ca": "Aquesta propietat no és de l'ontologia ni de cap vocabulari que el graf reutilitza; comproveu-ne l'espai de noms (p. ex. http://www.w3.org/2004/02/skos/core#notation).",
    "es": "Esta propiedad no es de la ontología ni de ningún vocabulario que el grafo reutiliza; comprobad su espacio de nombres (p. ej. http://www.w3.org/2004/02/skos/core#notation).",
    "en": "This property is neither in the ontology nor in a vocabulary the graph reuses; check its namespace (e.g. http://www.w3.org/2004/02/skos/core#notation).",
}

MESSAGES = {
    "ca": "Aquest terme no existeix al vocabulari del seu espai de noms; comproveu-ne l'ortografia (p. ex. rdfs:label, skos:notation).",
    "es": "Este término no existe en el vocabulario de su espacio de nombres; comprobad su ortografía (p. ej. rdfs:label, skos:notation).",
    "en": "This term does not exist in the vocabulary of its namespace; check its spelling (e.g. rdfs:label, skos:notation).",
}


@lru_cache(maxsize=1)
def _namespaces() -> tuple[tuple[str, object], ...]:
    return tuple(sorted(((str(ns._NS), ns) for ns in _VOCABULARIES), key=lambda p: -len(p[0])))


def _unknown(term: URIRef, declared: set) -> bool:
    text = str(term)
    for iri, namespace in _namespaces():
        if text.startswith(iri) and len(text) > len(iri):
            if term in declared:
                return False
            return term not in namespace
    return False


@lru_cache(maxsize=1)
def _known_namespaces() -> tuple[str, ...]:
    from ..namespaces import PREFIXES

    return tuple(PREFIXES.values()) + tuple(str(ns._NS) for ns in _VOCABULARIES)


class _GraphTerms:
    """The terms of an rdflib graph, as the checks below read them."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def predicates(self):
        return self.graph.predicates(unique=True)

    def classes(self):
        return {o for o in self.graph.objects(None, RDF.type) if isinstance(o, URIRef)}

    def uses(self, predicate):
        return ((s, o) for s, _, o in self.graph.triples((None, predicate, None)))

    def instances(self, cls):
        return self.graph.subjects(RDF.type, cls)


class StoreTerms:
    """The terms of one graph of an Oxigraph store (a contribution parsed straight into it)."""

    def __init__(self, store, graph_name: str):
        import pyoxigraph as ox

        self.store, self.graph, self.ox = store, f"<{graph_name}>", ox
        self.target = ox.NamedNode(str(graph_name))

    def _iris(self, query: str):
        from ..terms import to_rdflib

        return [to_rdflib(row[0]) for row in self.store.query(query) if isinstance(row[0], self.ox.NamedNode)]

    def predicates(self):
        return self._iris(f"SELECT DISTINCT ?p WHERE {{ GRAPH {self.graph} {{ ?s ?p ?o }} }}")

    def classes(self):
        return set(self._iris(f"SELECT DISTINCT ?c WHERE {{ GRAPH {self.graph} {{ ?s a ?c }} }}"))

    def uses(self, predicate):
        from ..terms import to_rdflib

        for quad in self.store.quads_for_pattern(None, self.ox.NamedNode(str(predicate)), None, self.target):
            yield to_rdflib(quad.subject), to_rdflib(quad.object)

    def instances(self, cls):
        return (s for s, o in self.uses(RDF.type) if o == cls)


def _terms(source):
    return _GraphTerms(source) if isinstance(source, Graph) else source


def outside_vocabularies(source, declared: set) -> list[Finding]:
    """Return a warning for each use of a property from no namespace the graph knows.

    Known: the project's prefixes (``kgserver.namespaces.PREFIXES``), the vocabularies above, and
    any term the ontology or its imports declare.  ``https://w3id.org/esskg/`` terms are left to
    ``checks/undeclared-term.rq``.

    :param source: an rdflib graph, or a :class:`StoreTerms`.
    """
    terms = _terms(source)
    known = _known_namespaces()
    findings = []
    for predicate in terms.predicates():
        text = str(predicate)
        if predicate in declared or text.startswith(known) or text.startswith("https://w3id.org/esskg/"):
            continue
        seen = set()
        for subject, value in terms.uses(predicate):
            if subject in seen:
                continue
            seen.add(subject)
            findings.append(Finding("Warning", n3(subject), n3(predicate), n3(value), OUTSIDE, "vocabulary-terms"))
    return findings


def unknown_terms(source, declared: set, focus_filter=None) -> list[Finding]:
    """Return a finding for each property or class of ``source`` unknown to its vocabulary.

    :param source: an rdflib graph, or a :class:`StoreTerms` (a graph of an Oxigraph store).
    :param declared: terms declared by the ontology and its local imports (accepted as known).
    :param focus_filter: if given, a callable ``focus -> bool`` choosing which subjects to report.
    """
    terms = _terms(source)
    findings = []
    bad_predicates = [p for p in terms.predicates() if _unknown(p, declared)]
    bad_classes = [c for c in terms.classes() if _unknown(c, declared)]
    uses = [((s, p, o), p) for p in bad_predicates for s, o in terms.uses(p)]
    uses += [((s, RDF.type, c), c) for c in bad_classes for s in terms.instances(c)]
    seen: set[tuple] = set()
    for (s, p, _), term in uses:
        focus = n3(s)
        key = (focus, p, term)
        if key in seen or (focus_filter is not None and not focus_filter(focus)):
            continue
        seen.add(key)
        findings.append(Finding("Violation", focus, n3(p), n3(term), MESSAGES, "vocabulary-terms"))
    return findings + outside_vocabularies(terms, declared)
