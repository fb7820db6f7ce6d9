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


def outside_vocabularies(graph: Graph, declared: set) -> list[Finding]:
    """Return a warning for each use of a property from no namespace the graph knows.

    Known: the project's prefixes (``kgserver.namespaces.PREFIXES``), the vocabularies above, and
    any term the ontology or its imports declare.  ``https://w3id.org/esskg/`` terms are left to
    ``checks/undeclared-term.rq``.
    """
    known = _known_namespaces()
    findings = []
    for predicate in graph.predicates(unique=True):
        text = str(predicate)
        if predicate in declared or text.startswith(known) or text.startswith("https://w3id.org/esskg/"):
            continue
        seen = set()
        for subject, _, value in graph.triples((None, predicate, None)):
            if subject in seen:
                continue
            seen.add(subject)
            findings.append(Finding("Warning", n3(subject), n3(predicate), n3(value), OUTSIDE, "vocabulary-terms"))
    return findings


def unknown_terms(graph: Graph, declared: set, focus_filter=None) -> list[Finding]:
    """Return a finding for each property or class of ``graph`` unknown to its vocabulary.

    :param declared: terms declared by the ontology and its local imports (accepted as known).
    :param focus_filter: if given, a callable ``focus -> bool`` choosing which subjects to report.
    """
    findings = []
    bad_predicates = [p for p in graph.predicates(unique=True) if _unknown(p, declared)]
    bad_classes = [o for o in set(graph.objects(None, RDF.type)) if isinstance(o, URIRef) and _unknown(o, declared)]
    uses = [((s, p, o), p) for p in bad_predicates for s, _, o in graph.triples((None, p, None))]
    uses += [((s, RDF.type, c), c) for c in bad_classes for s in graph.subjects(RDF.type, c)]
    seen: set[tuple] = set()
    for (s, p, _), term in uses:
        focus = n3(s)
        key = (focus, p, term)
        if key in seen or (focus_filter is not None and not focus_filter(focus)):
            continue
        seen.add(key)
        findings.append(Finding("Violation", focus, n3(p), n3(term), MESSAGES, "vocabulary-terms"))
    return findings + outside_vocabularies(graph, declared)
