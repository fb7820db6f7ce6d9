"""The bundled SHACL shapes: the shapes graph and what the report needs to know of each shape."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .. import bundle
from ..rdfio import parse_file
from .terms import n3, render_path


@dataclass(frozen=True)
class ShapeInfo:
    """What a report shows of one shape: its name, severity, path and messages by language."""

    iri: str
    severity: str
    path: str
    names: dict[str, str]
    messages: dict[str, str]


def shape_files() -> list:
    """Return the bundled shapes files (``shapes/*.ttl``)."""
    return bundle.rdf_files("shapes")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Return the bundled shapes as one rdflib graph (parsed once per process)."""
    graph = Graph()
    for path in shape_files():
        graph += parse_file(path)
    return graph


@lru_cache(maxsize=1)
def shape_index() -> dict[URIRef, ShapeInfo]:
    """Return shape IRI -> :class:`ShapeInfo` for every bundled shape with a message or a path."""
    return index_shapes(shapes_graph())


def index_shapes(graph: Graph) -> dict[URIRef, ShapeInfo]:
    """Return shape -> :class:`ShapeInfo` for every shape of ``graph`` with a message or a path."""
    index = {}
    subjects = set(graph.subjects(SH.message, None)) | set(graph.subjects(SH.path, None))
    for shape in subjects:
        severity = graph.value(shape, SH.severity)
        index[shape] = ShapeInfo(
            iri=n3(shape),
            severity=severity.split("#")[-1] if severity is not None else "Violation",
            path=render_path(graph, graph.value(shape, SH.path)),
            names={lit.language or "": str(lit) for lit in graph.objects(shape, SH.name)},
            messages={lit.language or "": str(lit) for lit in graph.objects(shape, SH.message)},
        )
    return index
