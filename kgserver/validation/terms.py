"""Write RDF terms and SHACL paths the way a reader expects them: short, in Turtle syntax."""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ..namespaces import PREFIXES, SHAPES


@lru_cache(maxsize=1)
def _prefixes() -> tuple[re.Pattern, dict[str, str]]:
    """Return a regex matching any project namespace (longest first) and namespace -> prefix."""
    pairs = dict(PREFIXES)
    pairs["shapes"] = str(SHAPES)
    by_namespace = {iri: prefix for prefix, iri in pairs.items()}
    alternatives = "|".join(re.escape(iri) for iri in sorted(by_namespace, key=len, reverse=True))
    return re.compile(f"({alternatives})([A-Za-z0-9_./-]*)$"), by_namespace


def _short(text: str) -> str:
    pattern, by_namespace = _prefixes()
    match = pattern.match(text)
    if match:
        local = match.group(2)
        if local and not local.endswith((".", "/")):
            return f"{by_namespace[match.group(1)]}:{local}"
    return f"<{text}>"


def n3(term) -> str:
    """Return ``term`` for a reader: Turtle syntax, IRIs shortened with the project prefixes.

    Local names may contain ``/`` (``esskg:plan/estrategia-ess-2030``): easier to read than the
    full IRI, although Turtle would need a backslash before each ``/`` there.
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _short(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        if term.datatype is not None:
            return f'"{_escape(str(term))}"^^{n3(term.datatype)}'
        if term.language:
            return f'"{_escape(str(term))}"@{term.language}'
        return f'"{_escape(str(term))}"'
    return str(term)


#: Characters a report shows escaped: controls, and the bidirectional ones that would reorder the line.
_INVISIBLE = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
_INVISIBLE[ord("\n")] = "\\n"


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').translate(_INVISIBLE)
    return text if len(text) <= 120 else text[:117] + "..."


def render_path(graph: Graph, path) -> str:
    """Return a SHACL property path in SPARQL property-path syntax (``^ess:hasAction|ess:isActionOf``)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return n3(path)
    if graph.value(path, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")) is not None:
        return "/".join(_group(graph, p) for p in Collection(graph, path))  # a list is a sequence, first
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _group(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_group(graph, p) for p in Collection(graph, alternatives))
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return _group(graph, inner) + suffix
    return n3(path)


def _group(graph: Graph, path) -> str:
    text = render_path(graph, path)
    compound = graph.value(path, SH.alternativePath) is not None or (
        graph.value(path, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")) is not None
    )
    return f"({text})" if compound else text
