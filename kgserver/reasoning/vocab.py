"""The built-in vocabulary the rules read, as N-Triples term strings (``<iri>``).

The reasoner works on terms written the way Oxigraph writes N-Triples, so a term's
kind is its first character: ``<`` an IRI, ``_`` a blank node, ``"`` a literal.
"""

from __future__ import annotations

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

#: Namespaces of the built-in vocabulary: inferred triples about their terms are junk.
BUILTIN_NAMESPACES = (RDF_NS, RDFS_NS, OWL_NS, XSD_NS)
BUILTIN_PREFIXES = tuple("<" + ns for ns in BUILTIN_NAMESPACES)


def _rdf(name: str) -> str:
    return f"<{RDF_NS}{name}>"


def _rdfs(name: str) -> str:
    return f"<{RDFS_NS}{name}>"


def _owl(name: str) -> str:
    return f"<{OWL_NS}{name}>"


TYPE = _rdf("type")
FIRST = _rdf("first")
REST = _rdf("rest")
NIL = _rdf("nil")

SUB_CLASS_OF = _rdfs("subClassOf")
SUB_PROPERTY_OF = _rdfs("subPropertyOf")
DOMAIN = _rdfs("domain")
RANGE = _rdfs("range")
LABEL = _rdfs("label")
COMMENT = _rdfs("comment")
SEE_ALSO = _rdfs("seeAlso")
IS_DEFINED_BY = _rdfs("isDefinedBy")

THING = _owl("Thing")
NOTHING = _owl("Nothing")
SAME_AS = _owl("sameAs")
EQUIVALENT_CLASS = _owl("equivalentClass")
EQUIVALENT_PROPERTY = _owl("equivalentProperty")
INVERSE_OF = _owl("inverseOf")
INTERSECTION_OF = _owl("intersectionOf")
UNION_OF = _owl("unionOf")
ON_PROPERTY = _owl("onProperty")
HAS_VALUE = _owl("hasValue")
SOME_VALUES_FROM = _owl("someValuesFrom")
ALL_VALUES_FROM = _owl("allValuesFrom")
DISJOINT_WITH = _owl("disjointWith")
MEMBERS = _owl("members")
ALL_DISJOINT_CLASSES = _owl("AllDisjointClasses")
TRANSITIVE_PROPERTY = _owl("TransitiveProperty")
SYMMETRIC_PROPERTY = _owl("SymmetricProperty")
FUNCTIONAL_PROPERTY = _owl("FunctionalProperty")
INVERSE_FUNCTIONAL_PROPERTY = _owl("InverseFunctionalProperty")
IRREFLEXIVE_PROPERTY = _owl("IrreflexiveProperty")
ASYMMETRIC_PROPERTY = _owl("AsymmetricProperty")

#: Predicates of schema (TBox) triples: read to compile the rules, never inferred into the served graph.
SCHEMA_PREDICATES = frozenset({
    SUB_CLASS_OF, SUB_PROPERTY_OF, DOMAIN, RANGE, EQUIVALENT_CLASS, EQUIVALENT_PROPERTY, INVERSE_OF,
    INTERSECTION_OF, UNION_OF, ON_PROPERTY, HAS_VALUE, SOME_VALUES_FROM, ALL_VALUES_FROM, DISJOINT_WITH,
    MEMBERS, FIRST, REST,
})

#: ``rdf:type`` objects that declare a property characteristic or a disjointness axiom.
SCHEMA_TYPES = frozenset({
    TRANSITIVE_PROPERTY, SYMMETRIC_PROPERTY, FUNCTIONAL_PROPERTY, INVERSE_FUNCTIONAL_PROPERTY,
    IRREFLEXIVE_PROPERTY, ASYMMETRIC_PROPERTY, ALL_DISJOINT_CLASSES,
})

def is_schema_triple(triple) -> bool:
    """Return whether a triple (N-Triples term strings) is one the TBox is compiled from: a schema predicate,
    a property characteristic or disjointness declared by ``rdf:type``, or ``owl:sameAs`` (applied to the schema)."""
    _, p, o = triple
    return p in SCHEMA_PREDICATES or p == SAME_AS or (p == TYPE and o in SCHEMA_TYPES)


#: Built-in predicates whose inferred values are kept (they come from sub-properties such as skos:prefLabel).
KEPT_BUILTIN_PREDICATES = frozenset({LABEL, COMMENT, SEE_ALSO, IS_DEFINED_BY})


def is_literal(term: str) -> bool:
    """Return True if an N-Triples term string is a literal."""
    return term[0] == '"'


def is_iri(term: str) -> bool:
    """Return True if an N-Triples term string is an IRI."""
    return term[0] == "<"


def is_builtin(term: str) -> bool:
    """Return True if an N-Triples term is an IRI of the RDF, RDFS, OWL or XSD vocabulary."""
    return term.startswith(BUILTIN_PREFIXES)
