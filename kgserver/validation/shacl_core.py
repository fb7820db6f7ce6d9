"""What SHACL Core is, for the compiler (:mod:`.shacl_compiler`): its parameters, the constraint
component each belongs to, and the SPARQL tests of node kinds, datatypes and terms."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..errors import ConfigurationError
from .xsd import GREGORIAN

#: The path that finds the instances of a class and of its subclasses.
TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"

#: Constraint parameters this compiler implements (SHACL Core, section 4).
CORE = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive, SH.minInclusive,
    SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn,
    SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH["not"], SH["and"], SH["or"],
    SH.xone, SH.node, SH.property, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.closed, SH.ignoredProperties, SH.hasValue, SH["in"],
}
#: Shape properties that are not constraints (targets, metadata, the path).
NOT_CONSTRAINTS = {
    RDF.type, SH.path, SH.severity, SH.name, SH.message, SH.description, SH.order, SH.group, SH.deactivated,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.defaultValue, RDFS.label,
    RDFS.comment, RDFS.subClassOf, RDFS.isDefinedBy, SH.shapesGraphWellFormed,
}
#: Parameters of SHACL beyond Core, refused by name.
REFUSED = {SH.sparql: "SHACL-SPARQL constraints (sh:sparql)", SH.target: "custom targets (sh:target)",
           SH.rule: "SHACL rules (sh:rule)", SH.expression: "node expressions (sh:expression)"}

#: The SPARQL test of each node kind.
NODE_KINDS = {SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
              SH.BlankNodeOrIRI: "!isLiteral({v})", SH.IRIOrLiteral: "!isBlank({v})",
              SH.BlankNodeOrLiteral: "!isIRI({v})"}
_COMPONENT = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.minCount: "MinCount",
    SH.maxCount: "MaxCount", SH.minExclusive: "MinExclusive", SH.minInclusive: "MinInclusive",
    SH.maxExclusive: "MaxExclusive", SH.maxInclusive: "MaxInclusive", SH.minLength: "MinLength",
    SH.maxLength: "MaxLength", SH.pattern: "Pattern", SH.languageIn: "LanguageIn", SH.uniqueLang: "UniqueLang",
    SH.equals: "Equals", SH.disjoint: "Disjoint", SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals",
    SH["not"]: "Not", SH["and"]: "And", SH["or"]: "Or", SH.xone: "Xone", SH.node: "Node",
    SH.closed: "Closed", SH.hasValue: "HasValue", SH["in"]: "In",
}
#: Datatypes whose lexical form SPARQL can check by casting (an ill-typed literal fails the cast).
_CASTABLE = {XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.boolean, XSD.dateTime, XSD.date, XSD.time,
             XSD.duration, XSD.dayTimeDuration, XSD.yearMonthDuration}
#: Integer types derived by range, which Oxigraph has no cast for: (minimum, maximum).
_INTEGER_RANGES = {
    XSD.long: (-2**63, 2**63 - 1), XSD.int: (-2**31, 2**31 - 1), XSD.short: (-2**15, 2**15 - 1),
    XSD.byte: (-128, 127), XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
    XSD.negativeInteger: (None, -1), XSD.nonPositiveInteger: (None, 0), XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1), XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 255),
}


def component(parameter) -> str:
    """Return the IRI of the constraint component a parameter belongs to."""
    name = _COMPONENT.get(parameter)
    if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
        name = "QualifiedMinCount" if parameter == SH.qualifiedMinCount else "QualifiedMaxCount"
    return f"{SH}{name}ConstraintComponent"


def term(node) -> str:
    """Return an rdflib term in SPARQL syntax (literals keep datatype and language)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise ConfigurationError(f"a blank node {node!r} where the shapes need an IRI or a literal")


def datatype_test(v: str, datatype) -> str:
    """Return a SPARQL expression true when the value ``v`` is a well-formed literal of ``datatype``."""
    test = f"isLiteral({v}) && DATATYPE({v}) = {term(datatype)}"
    if datatype == RDF.langString:
        return f'{test} && LANG({v}) != ""'
    if datatype in _CASTABLE:
        test += f" && COALESCE(sameTerm({term(datatype)}({v}), {v}) || {term(datatype)}({v}) = {v}, false)"
    elif datatype in GREGORIAN:  # the same patterns the pyshacl engine checks (.xsd)
        test += f" && REGEX(STR({v}), {term(Literal(GREGORIAN[datatype]))})"
    elif datatype in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[datatype]
        number = f"<{XSD.integer}>(STR({v}))"
        test += f' && REGEX(STR({v}), "^[+-]?[0-9]+$")'
        test += f" && {number} >= {low}" if low is not None else ""
        test += f" && {number} <= {high}" if high is not None else ""
    return test
