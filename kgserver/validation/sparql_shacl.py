"""Evaluate the bundled shapes as SPARQL queries on Oxigraph: the fast SHACL engine for large graphs.

pyshacl evaluates shapes node by node in Python (about 11 s for the mandatory shapes alone on a
100k-triple graph here); the same constraints written as one SPARQL query per property shape run
on Oxigraph in a fraction of that.  This module compiles the SHACL Core subset the bundled shapes
use (listed in :data:`SUPPORTED`) and refuses anything else with a :class:`ConfigurationError`,
so a new kind of constraint can never be silently skipped.  pyshacl stays the reference: the test
suite checks that both engines give the same results on every fixture and on the bundled graph.

Targets: ``sh:targetClass`` (instances of the class or a subclass, through ``rdfs:subClassOf*``)
and ``sh:targetSubjectsOf``.  Paths: a predicate, ``sh:inversePath``, ``sh:alternativePath``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from ..errors import ConfigurationError
from .oxterms import ox_n3
from .report import Finding
from .shapes import shape_index, shapes_graph

SUPPORTED = {
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.pattern, SH.flags, SH.languageIn, SH.uniqueLang,
    SH.nodeKind, SH.qualifiedValueShape, SH.qualifiedMinCount, SH["or"], SH["not"], SH["in"],
}
_IGNORED = {RDF.type, SH.path, SH.severity, SH.name, SH.message, SH.description, SH.targetSubjectsOf,
            SH.targetClass, SH.order, SH.group, SH.deactivated}

#: Lexical forms checked with sh:datatype, as pyshacl does for ill-typed literals.
_LEXICAL = {
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.boolean: r"^(true|false|0|1)$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}


def _iri(term) -> str:
    if not isinstance(term, URIRef):
        raise ConfigurationError(f"expected an IRI in the shapes, found {term!r}")
    return f"<{term}>"


def _literal(term: Literal) -> str:
    text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _path(graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return _iri(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path(graph, inverse)}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, p) for p in Collection(graph, alternatives)) + ")"
    raise ConfigurationError(f"unsupported SHACL path {path!r} (supported: predicate, inverse, alternative)")


def _is_instance(var: str, cls) -> str:
    return f"EXISTS {{ {var} <{RDF.type}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {_iri(cls)} }}"


def _lang_in(graph: Graph, node, var: str) -> str:
    langs = [str(x).lower() for x in Collection(graph, graph.value(node, SH.languageIn))]
    tests = " || ".join(f'langMatches(LANG({var}), "{lang}")' for lang in langs)
    return f'(isLiteral({var}) && LANG({var}) != "" && ({tests}))'


def _conforms(graph: Graph, shape, var: str) -> str:
    """Return a SPARQL expression true when ``var`` conforms to the (value-level) ``shape``."""
    parts = []
    for predicate in set(graph.predicates(shape, None)):
        if predicate in (RDF.type, SH.name, SH.message, SH.description):
            continue
        value = graph.value(shape, predicate)
        if predicate == SH["class"]:
            parts.append(_is_instance(var, value))
        elif predicate == SH.languageIn:
            parts.append(_lang_in(graph, shape, var))
        elif predicate == SH["in"]:
            members = ", ".join(_iri(m) if isinstance(m, URIRef) else _literal(m) for m in Collection(graph, value))
            parts.append(f"({var} IN ({members}))")
        elif predicate == SH["or"]:
            parts.append("(" + " || ".join(_conforms(graph, s, var) for s in Collection(graph, value)) + ")")
        elif predicate == SH["not"]:
            parts.append(f"!({_conforms(graph, value, var)})")
        elif predicate == SH.datatype:
            parts.append(f"(isLiteral({var}) && DATATYPE({var}) = {_iri(value)})")
        elif predicate == SH.nodeKind:
            parts.append(_node_kind(value, var))
        else:
            raise ConfigurationError(f"unsupported constraint {predicate} in a nested shape")
    return "(" + " && ".join(parts or ["true"]) + ")"


def _node_kind(kind, var: str) -> str:
    tests = {SH.IRI: f"isIRI({var})", SH.Literal: f"isLiteral({var})", SH.BlankNode: f"isBlank({var})",
             SH.BlankNodeOrIRI: f"!isLiteral({var})", SH.IRIOrLiteral: f"!isBlank({var})",
             SH.BlankNodeOrLiteral: f"!isIRI({var})"}
    return f"({tests[kind]})"


@dataclass(frozen=True)
class CompiledShape:
    """One property shape as SPARQL queries, each returning ``?focus`` (and ``?value`` when it has one)."""

    shape: URIRef
    queries: tuple[str, ...]


def _targets(graph: Graph, shape) -> str:
    """Return the SPARQL pattern binding ``?focus`` to the focus nodes of a property shape."""
    classes = set(graph.objects(shape, SH.targetClass))
    subjects_of = set(graph.objects(shape, SH.targetSubjectsOf))
    for node_shape in graph.subjects(SH.property, shape):
        classes |= set(graph.objects(node_shape, SH.targetClass))
        subjects_of |= set(graph.objects(node_shape, SH.targetSubjectsOf))
        for predicate in graph.predicates(node_shape, None):
            if predicate not in (RDF.type, SH.targetClass, SH.targetSubjectsOf, SH.property):
                raise ConfigurationError(f"unsupported node-shape constraint {predicate} on {node_shape}")
    patterns = []
    if classes:
        values = " ".join(_iri(c) for c in sorted(classes))
        patterns.append(
            f"{{ SELECT DISTINCT ?focus WHERE {{ VALUES ?targetClass {{ {values} }} "
            f"?focus <{RDF.type}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?targetClass }} }}"
        )
    for predicate in sorted(subjects_of):
        patterns.append(f"{{ SELECT DISTINCT ?focus WHERE {{ ?focus {_iri(predicate)} [] }} }}")
    if not patterns:
        return ""
    return " UNION ".join(patterns)


def compile_shape(graph: Graph, shape) -> CompiledShape | None:
    """Compile one property shape; None if nothing targets it."""
    targets = _targets(graph, shape)
    if not targets:
        return None
    path = _path(graph, graph.value(shape, SH.path))
    predicates = set(graph.predicates(shape, None))
    unsupported = predicates - SUPPORTED - _IGNORED
    if unsupported:
        raise ConfigurationError(f"unsupported constraint(s) {sorted(map(str, unsupported))} on {shape}")
    queries = []

    def values(condition: str) -> str:
        return f"SELECT DISTINCT ?focus ?value WHERE {{ {{ {targets} }} ?focus {path} ?value . FILTER({condition}) }}"

    def counted(test: str, condition: str | None = None) -> str:
        inner = f"?focus {path} ?value ." + (f" FILTER({condition})" if condition else "")
        return (f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?count) WHERE {{ {{ {targets} }} "
                f"OPTIONAL {{ {inner} }} }} GROUP BY ?focus }} FILTER(?count {test}) }}")

    min_count = graph.value(shape, SH.minCount)
    if min_count is not None:
        queries.append(counted(f"< {int(min_count)}"))
    max_count = graph.value(shape, SH.maxCount)
    if max_count is not None:
        queries.append(counted(f"> {int(max_count)}"))
    cls = graph.value(shape, SH["class"])
    if cls is not None:
        queries.append(values(f"!{_is_instance('?value', cls)}"))
    datatype = graph.value(shape, SH.datatype)
    if datatype is not None:
        condition = f"!isLiteral(?value) || DATATYPE(?value) != {_iri(datatype)}"
        if datatype in _LEXICAL:
            condition += f' || !REGEX(STR(?value), "{_LEXICAL[datatype]}")'
        queries.append(values(condition))
    pattern = graph.value(shape, SH.pattern)
    if pattern is not None:
        flags = graph.value(shape, SH.flags)
        regex = _literal(pattern) + (f", {_literal(flags)}" if flags is not None else "")
        queries.append(values(f"isBlank(?value) || !REGEX(STR(?value), {regex})"))
    if graph.value(shape, SH.languageIn) is not None:
        queries.append(values(f"!{_lang_in(graph, shape, '?value')}"))
    if graph.value(shape, SH.uniqueLang) == Literal(True):
        queries.append(
            f"SELECT DISTINCT ?focus WHERE {{ {{ {targets} }} ?focus {path} ?value , ?other . "
            f'FILTER(?value != ?other && LANG(?value) != "" && LANG(?value) = LANG(?other)) }}'
        )
    kind = graph.value(shape, SH.nodeKind)
    if kind is not None:
        queries.append(values(f"!{_node_kind(kind, '?value')}"))
    qualified = graph.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        minimum = graph.value(shape, SH.qualifiedMinCount)
        if minimum is None or graph.value(shape, SH.qualifiedMaxCount) is not None:
            raise ConfigurationError(f"{shape}: only sh:qualifiedMinCount is supported with sh:qualifiedValueShape")
        queries.append(counted(f"< {int(minimum)}", _conforms(graph, qualified, "?value")))
    alternatives = graph.value(shape, SH["or"])
    if alternatives is not None:
        any_of = " || ".join(_conforms(graph, s, "?value") for s in Collection(graph, alternatives))
        queries.append(values(f"!({any_of})"))
    negated = graph.value(shape, SH["not"])
    if negated is not None:
        queries.append(values(_conforms(graph, negated, "?value")))
    return CompiledShape(shape, tuple(queries))


@lru_cache(maxsize=1)
def compiled_shapes() -> tuple[CompiledShape, ...]:
    """Return every bundled property shape, compiled (once per process)."""
    graph = shapes_graph()
    shapes = {s for s in graph.subjects(SH.path, None) if not isinstance(s, BNode)}
    return tuple(c for c in (compile_shape(graph, s) for s in sorted(shapes)) if c is not None)


def run_compiled(store: ox.Store, default_graph: list) -> list[Finding]:
    """Evaluate every compiled shape on ``store`` (whose default graph is ``default_graph``)."""
    index = shape_index()
    findings = []
    for compiled in compiled_shapes():
        info = index[compiled.shape]
        for query in compiled.queries:
            for row in store.query(query, default_graph=default_graph):
                value = row["value"] if "?value" in query.split("WHERE")[0] else None
                findings.append(Finding(info.severity, ox_n3(row["focus"]), info.path, ox_n3(value),
                                        dict(info.messages), info.iri))
    return findings
