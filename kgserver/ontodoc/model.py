"""Read the ESS ontology out of an rdflib graph into plain, sorted records for the documentation.

Only terms in the ``ess:`` namespace are documented; every other IRI is shown by its prefixed
name and linked to itself.  Everything is sorted, so the same graph always gives the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..namespaces import ESS, ONTOLOGY_IRI, PREFIXES, VANN

DCTERMS_NS = PREFIXES["dcterms"]
LANGUAGES = ("ca", "es", "en")
PROPERTY_KINDS = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}
CHARACTERISTICS = {
    OWL.TransitiveProperty: "transitive",
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.SymmetricProperty: "symmetric",
}


@dataclass(frozen=True)
class Ref:
    """A link to a term: its IRI, the text to show, and whether it is documented on the page."""

    iri: str
    text: str
    local: bool

    @property
    def anchor(self) -> str:
        """Return the page anchor of a local term (its local name)."""
        return self.iri.rsplit("#", 1)[-1]


@dataclass
class Term:
    """One documented class or property."""

    iri: str
    name: str
    kind: str  # "class", "object", "datatype", "annotation"
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    alt_labels: list[str] = field(default_factory=list)
    supers: list[list[Ref]] = field(default_factory=list)  # each entry: refs joined by "or"
    subs: list[Ref] = field(default_factory=list)
    #: named terms declared the same (owl:equivalentClass / owl:equivalentProperty, either side).
    equivalents: list[Ref] = field(default_factory=list)
    matches: list[tuple[str, Ref]] = field(default_factory=list)  # ("close"|"exact"|"see", ref)
    domain: list[Ref] = field(default_factory=list)
    range: list[Ref] = field(default_factory=list)
    inverse: list[Ref] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    disjoint: list[Ref] = field(default_factory=list)
    in_domain_of: list[Ref] = field(default_factory=list)
    in_range_of: list[Ref] = field(default_factory=list)
    #: False for the inverse side of a pair (``q`` in ``p owl:inverseOf q`` when ``q`` names no inverse).
    forward: bool = True

    @property
    def label(self) -> str:
        """Return the English label, or the name."""
        return self.labels.get("en") or self.name


@dataclass
class OntologyModel:
    """The documented ontology: its metadata and its terms, sorted by name within each kind."""

    iri: str
    metadata: dict[str, object]
    classes: list[Term]
    properties: dict[str, list[Term]]  # kind -> terms

    def term(self, name: str) -> Term:
        """Return the term with local name ``name``.

        :raises KeyError: when the ontology has no such term.
        """
        for term in self.all_terms():
            if term.name == name:
                return term
        raise KeyError(name)

    def all_terms(self) -> list[Term]:
        """Return every documented term: classes first, then properties by kind."""
        return self.classes + [t for kind in ("object", "datatype", "annotation") for t in self.properties[kind]]


def _is_local(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(ESS))


def _qname(iri: str) -> str:
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            if best is None or len(namespace) > len(PREFIXES[best]):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def ref(node) -> Ref:
    """Return a :class:`Ref` for an IRI."""
    iri = str(node)
    return Ref(iri, _qname(iri), _is_local(node))


def _expression(graph: Graph, node) -> list[Ref]:
    """Return the named classes of a class expression: the class itself, or the members of a union."""
    if isinstance(node, URIRef):
        return [ref(node)]
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return [ref(m) for m in Collection(graph, union) if isinstance(m, URIRef)]
    return []


def _by_lang(graph: Graph, subject, predicates) -> dict[str, str]:
    texts: dict[str, str] = {}
    for predicate in predicates:
        for value in sorted(graph.objects(subject, predicate), key=str):
            if isinstance(value, Literal):
                texts.setdefault(value.language or "", str(value))
    return texts


def _sorted_refs(refs) -> list[Ref]:
    return sorted(set(refs), key=lambda r: (not r.local, r.text))


def _metadata(graph: Graph) -> dict[str, object]:
    onto = URIRef(ONTOLOGY_IRI)
    dct = lambda name: URIRef(DCTERMS_NS + name)  # noqa: E731
    one = lambda p: graph.value(onto, p)  # noqa: E731
    return {
        "title": _by_lang(graph, onto, [dct("title")]),
        "description": _by_lang(graph, onto, [dct("description")]),
        "license": one(dct("license")),
        "creator": sorted(str(v) for v in graph.objects(onto, dct("creator"))),
        "created": one(dct("created")),
        "modified": one(dct("modified")),
        "version_iri": one(OWL.versionIRI),
        "version_info": one(OWL.versionInfo),
        "prefix": one(VANN.preferredNamespacePrefix),
        "namespace": one(VANN.preferredNamespaceUri),
        "citation": one(dct("bibliographicCitation")),
        "languages": sorted(str(v) for v in graph.objects(onto, dct("language"))),
    }


def build_model(graph: Graph) -> OntologyModel:
    """Read the ``ess:`` classes and properties of ``graph`` into an :class:`OntologyModel`."""
    terms: dict[URIRef, Term] = {}
    for subject in set(graph.subjects(RDF.type, OWL.Class)):
        if _is_local(subject):
            terms[subject] = Term(str(subject), str(subject)[len(str(ESS)):], "class")
    for rdf_type, kind in PROPERTY_KINDS.items():
        for subject in set(graph.subjects(RDF.type, rdf_type)):
            if _is_local(subject) and subject not in terms:
                terms[subject] = Term(str(subject), str(subject)[len(str(ESS)):], kind)

    for node, term in terms.items():
        term.labels = _by_lang(graph, node, [RDFS.label])
        term.definitions = _by_lang(graph, node, [SKOS.definition, RDFS.comment])
        term.alt_labels = sorted(f"{v} ({v.language})" if v.language else str(v) for v in graph.objects(node, SKOS.altLabel))
        super_property = RDFS.subClassOf if term.kind == "class" else RDFS.subPropertyOf
        supers = [_expression(graph, s) for s in graph.objects(node, super_property)]
        term.supers = sorted((s for s in supers if s), key=lambda refs: [(not r.local, r.text) for r in refs])
        term.subs = _sorted_refs(ref(s) for s in graph.subjects(super_property, node) if _is_local(s))
        same = OWL.equivalentClass if term.kind == "class" else OWL.equivalentProperty
        term.equivalents = _sorted_refs(
            [ref(o) for o in graph.objects(node, same) if isinstance(o, URIRef) and o != node]
            + [ref(s) for s in graph.subjects(same, node) if isinstance(s, URIRef) and s != node]
        )
        term.matches = sorted(
            [("exact", ref(o)) for o in graph.objects(node, SKOS.exactMatch) if isinstance(o, URIRef)]
            + [("close", ref(o)) for o in graph.objects(node, SKOS.closeMatch) if isinstance(o, URIRef)]
            + [("see", ref(o)) for o in graph.objects(node, RDFS.seeAlso) if isinstance(o, URIRef)],
            key=lambda m: (m[0], m[1].text),
        )
        if term.kind != "class":
            term.domain = [r for d in graph.objects(node, RDFS.domain) for r in _expression(graph, d)]
            term.range = [r for d in graph.objects(node, RDFS.range) for r in _expression(graph, d)]
            term.inverse = _sorted_refs(
                [ref(o) for o in graph.objects(node, OWL.inverseOf) if isinstance(o, URIRef)]
                + [ref(s) for s in graph.subjects(OWL.inverseOf, node) if isinstance(s, URIRef)]
            )
            term.characteristics = sorted(name for t, name in CHARACTERISTICS.items() if (node, RDF.type, t) in graph)
            term.forward = graph.value(node, OWL.inverseOf) is not None or graph.value(None, OWL.inverseOf, node) is None

    _add_disjointness(graph, terms)
    for node, term in terms.items():
        if term.kind == "class":
            continue
        for refs, target in ((term.domain, "in_domain_of"), (term.range, "in_range_of")):
            for r in refs:
                owner = terms.get(URIRef(r.iri))
                if owner is not None:
                    getattr(owner, target).append(ref(node))
    for term in terms.values():
        term.in_domain_of = _sorted_refs(term.in_domain_of)
        term.in_range_of = _sorted_refs(term.in_range_of)

    ordered = sorted(terms.values(), key=lambda t: t.name.lower())
    return OntologyModel(
        iri=ONTOLOGY_IRI,
        metadata=_metadata(graph),
        classes=[t for t in ordered if t.kind == "class"],
        properties={kind: [t for t in ordered if t.kind == kind] for kind in ("object", "datatype", "annotation")},
    )


def _add_disjointness(graph: Graph, terms: dict[URIRef, Term]) -> None:
    groups = []
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = graph.value(node, OWL.members)
        if members is not None:
            groups.append([m for m in Collection(graph, members) if isinstance(m, URIRef)])
    for a, b in graph.subject_objects(OWL.disjointWith):
        groups.append([a, b])
    for group in groups:
        for member in group:
            if member in terms:
                terms[member].disjoint.extend(ref(other) for other in group if other != member)
    for term in terms.values():
        term.disjoint = _sorted_refs(term.disjoint)
