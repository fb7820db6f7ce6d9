"""Run SHACL shapes compiled to SPARQL (:mod:`.shacl_compiler`) on Oxigraph: the fast SHACL engine.

pyshacl stays the reference: the test suite checks that both engines give the same results on
every fixture, on the bundled graph and on the W3C SHACL Core test suite.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from .oxterms import ox_n3
from .report import Finding
from .shacl_compiler import Query, compile_shapes
from .shapes import ShapeInfo, index_shapes, shape_index, shapes_graph
from .terms import n3, render_path


@lru_cache(maxsize=1)
def compiled_shapes() -> tuple[Query, ...]:
    """Return the bundled shapes, compiled (once per process)."""
    return tuple(compile_shapes(shapes_graph()))


def run_compiled(store: ox.Store, default_graph: list, shapes: Graph | None = None, progress=None) -> list[Finding]:
    """Evaluate compiled shapes on ``store`` (whose default graph is ``default_graph``).

    :param shapes: a shapes graph; the bundled shapes by default.
    :param progress: called with (done, total) after each query, if given.
    :raises ConfigurationError: if the shapes use something the compiler refuses (before any query runs).
    """
    if shapes is None:
        queries, index, graph = compiled_shapes(), shape_index(), shapes_graph()
    else:
        queries, index, graph = compile_shapes(shapes), index_shapes(shapes), shapes
    findings = []
    for done, query in enumerate(queries, 1):
        info = index.get(query.shape) or _anonymous(graph, query)
        component = n3(query.component_iri)
        for row in store.query(query.text, default_graph=default_graph):
            value = row["value"] if query.has_value else None
            path = ox_n3(row["rpath"]) if query.has_path else info.path if query.path is not None else ""
            messages = dict(info.messages) or {"en": f"SHACL constraint not met ({component})"}
            findings.append(Finding(_severity(query), ox_n3(row["focus"]), path, ox_n3(value), messages,
                                    info.iri, component=component))
        if progress is not None:
            progress(done, len(queries))
    return findings


def _severity(query: Query) -> str:
    return str(query.severity).split("#")[-1]


def _anonymous(graph: Graph, query: Query) -> ShapeInfo:
    return ShapeInfo(iri=n3(query.shape), severity=_severity(query),
                     path=render_path(graph, query.path) if query.path is not None else "", names={},
                     messages={lit.language or "en": str(lit) for lit in graph.objects(query.shape, SH.message)})
