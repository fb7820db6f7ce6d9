"""Run SHACL shapes compiled to SPARQL (:mod:`.shacl_compiler`) on Oxigraph: the fast SHACL engine.

pyshacl stays the reference: the test suite checks that both engines give the same results on
every fixture, on the bundled graph and on the W3C SHACL Core test suite.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import count

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .oxterms import ox_n3
from .report import Finding
from .shacl_compiler import Query, compile_shapes
from .shacl_core import TYPE_PATH
from .shapes import ShapeInfo, index_shapes, shape_index, shapes_graph
from .terms import n3, render_path


@lru_cache(maxsize=1)
def compiled_shapes() -> tuple[Query, ...]:
    """Return the bundled shapes, compiled (once per process)."""
    return tuple(compile_shapes(shapes_graph()))


def run_compiled(store: ox.Store, default_graph: list, shapes: Graph | None = None, progress=None,
                 foci: set[str] | None = None) -> list[Finding]:
    """Evaluate compiled shapes on ``store`` (whose default graph is ``default_graph``).

    :param shapes: a shapes graph; the bundled shapes by default.
    :param progress: called with (done, total) after each query, if given.
    :param foci: if given, IRIs (strings): only the focus nodes among them are validated (:func:`focus_scoped`).
    :raises ConfigurationError: if the shapes use something the compiler refuses (before any query runs).
    """
    if shapes is None:
        queries, index, graph = compiled_shapes(), shape_index(), shapes_graph()
    else:
        queries, index, graph = compile_shapes(shapes), index_shapes(shapes), shapes
    findings = []
    classes = _Subclasses(store, default_graph)
    as_written = _literal_targets(store, graph)
    judged = None if foci is None else _binding(store, default_graph, classes, [q.focus for q in queries if q.focus], foci)
    if judged is not None:  # the class tests of the queries that run, looked up at once
        classes.prefetch(q.text for q in queries if not q.focus or q.focus in judged)
    for done, query in enumerate(queries, 1):
        if judged is not None and query.focus and query.focus not in judged:
            # no focus node among the foci: the query has no row about them
            if progress is not None:
                progress(done, len(queries))
            continue
        info = index.get(query.shape) or _anonymous(graph, query)
        component = _n3(query.component)
        # one dict for all the query's findings (findings never change it; 200k copies cost 100 MB)
        messages = info.messages or {"en": f"SHACL constraint not met ({component})"}
        text = classes.rewrite(query.text)
        for row in store.query(text if foci is None else focus_scoped(text, foci), default_graph=default_graph):
            value = ox_n3(row["value"]) if query.has_value else ""
            focus = ox_n3(row["focus"])
            path = ox_n3(row["rpath"]) if query.has_path else info.path if query.path is not None else ""
            findings.append(Finding(_severity(query), as_written.get(focus, focus), path, as_written.get(value, value),
                                    messages, info.iri, component=component))
        if progress is not None:
            progress(done, len(queries))
    return findings


#: How :meth:`.shacl_compiler.Compiler.targets` opens each part of a shape's targets (and nothing else does).
TARGET_OPENING = "{ SELECT DISTINCT ?focus WHERE { "


def focus_scoped(text: str, foci: set[str]) -> str:
    """Return the compiled query ``text`` validating only the focus nodes among the IRIs ``foci``.

    Each part of the shape's targets (``{ SELECT DISTINCT ?focus WHERE { <target> } }``) gets ``VALUES ?focus``
    first: the focus nodes become the targets' nodes among ``foci``, so the rows are exactly the whole query's
    rows about those nodes, and Oxigraph reads only their statements instead of every target in the store.
    Targets renamed for a nested shape (whose focus nodes are the value nodes) are left whole: more rows, not
    fewer.
    """
    values = "VALUES ?focus { " + " ".join(f"<{iri}>" for iri in sorted(foci)) + " } "
    return text.replace(TARGET_OPENING, TARGET_OPENING + values)


def _binding(store: ox.Store, default_graph: list, classes: _Subclasses, patterns: list[str], foci: set[str]) -> set[str]:
    """Return the focus patterns among ``patterns`` that bind a focus node among ``foci`` (bound as
    :func:`focus_scoped` binds them).

    Asked :data:`PATTERNS_PER_QUERY` at a time, one branch per pattern stopping at its first row as an ``ASK``
    would: on a small contribution a query per pattern costs more to parse than to run, and Oxigraph plans one
    long union slower than a few short ones.
    """
    patterns = list(dict.fromkeys(patterns))
    classes.prefetch(patterns)
    found = set()
    for start in range(0, len(patterns), PATTERNS_PER_QUERY):
        branches = " UNION ".join(f"{{ SELECT ?pattern WHERE {{ {focus_scoped(classes.rewrite(p), foci)} "
                                  f"BIND({i} AS ?pattern) }} LIMIT 1 }}"
                                  for i, p in enumerate(patterns[start:start + PATTERNS_PER_QUERY], start))
        rows = store.query(f"SELECT ?pattern WHERE {{ {branches} }}", default_graph=default_graph)
        found.update(patterns[int(row["pattern"].value)] for row in rows)
    return found


#: Focus patterns asked about in one query by :func:`_binding` (8: the fewest CPU seconds on the shape fixtures).
PATTERNS_PER_QUERY = 8


def _literal_targets(store: ox.Store, graph: Graph) -> dict[str, str]:
    """Return the literals named by ``sh:targetNode``, as Oxigraph returns them -> as the shapes write them.

    Oxigraph keeps numbers in canonical form (``4.0`` comes back as ``4``); a focus node that is a
    literal of the shapes is reported as they write it, as pyshacl does.
    """
    from rdflib import Literal

    found = {}
    for literal in {o for o in graph.objects(None, SH.targetNode) if isinstance(o, Literal)}:
        (row,) = store.query(f"SELECT ?x WHERE {{ BIND({literal.n3()} AS ?x) }}")
        found[ox_n3(row["x"])] = n3(literal)
    return found


_CLASS_TEST = re.compile(re.escape(TYPE_PATH) + r" <([^>]*)>")
_SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


class _Subclasses:
    """Replace ``rdf:type/rdfs:subClassOf* <C>`` in a query by ``rdf:type ?t VALUES ?t {C and its subclasses}``.

    Oxigraph evaluates the property path anew for every value node, walking the subclass tree each
    time (and once per graph of the default graph): most of the time of the class constraints and
    class targets on a large graph.  The subclasses are read from the same data, once per class and
    run, so the test is the same; a class with a blank-node subclass (which a query cannot name)
    keeps the path.
    """

    def __init__(self, store: ox.Store, default_graph: list):
        self.store, self.default_graph = store, default_graph
        self.subclasses: dict[str, tuple[str, ...] | None] = {}

    def of(self, iri: str) -> tuple[str, ...] | None:
        if iri not in self.subclasses:
            self._look_up([iri])
        return self.subclasses[iri]

    def prefetch(self, texts) -> None:
        """Look up, in one query, the subclasses of every class tested in ``texts`` not yet looked up."""
        wanted = {iri for text in texts for iri in _class_tests(text)} - self.subclasses.keys()
        if wanted:
            self._look_up(sorted(wanted))

    def _look_up(self, iris: list[str]) -> None:
        found: dict[str, set] = {iri: set() for iri in iris}
        rows = self.store.query(f"SELECT ?c ?of WHERE {{ VALUES ?of {{ {' '.join(f'<{iri}>' for iri in iris)} }} "
                                f"?c {_SUBCLASS_OF}* ?of }}", default_graph=self.default_graph)
        for row in rows:
            found[row["of"].value].add(row["c"])
        for iri, subclasses in found.items():
            self.subclasses[iri] = (None if any(not isinstance(c, ox.NamedNode) for c in subclasses)
                                    else tuple(sorted({str(c) for c in subclasses} | {f"<{iri}>"})))

    def rewrite(self, text: str) -> str:
        classes = _class_tests(text)
        return _rewritten(text, tuple(map(self.of, classes))) if classes else text


@lru_cache(maxsize=2048)
def _class_tests(text: str) -> tuple[str, ...]:
    """Return the classes of the class tests in a compiled query, in order (kept: the same queries run every time)."""
    return tuple(match.group(1) for match in _CLASS_TEST.finditer(text))


@lru_cache(maxsize=2048)
def _rewritten(text: str, subclasses: tuple) -> str:
    """Return ``text`` with its class tests replaced (:class:`_Subclasses`); ``subclasses``: those of each, in order,
    None where the path stays.  Kept: each run of the same shapes on the same ontology asks for the same texts."""
    found = iter(subclasses)
    fresh = count(1)

    def replace(match: re.Match) -> str:
        classes = next(found)
        if classes is None:
            return match.group(0)
        var = f"?class{next(fresh)}_"
        return f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {var} . VALUES {var} {{ {' '.join(classes)} }}"

    return _CLASS_TEST.sub(replace, text)


@lru_cache(maxsize=256)
def _n3(component: str) -> str:
    """Return :func:`.terms.n3` of a constraint component's IRI (a few dozen, asked for by every run)."""
    return n3(URIRef(component))


def _severity(query: Query) -> str:
    return str(query.severity).split("#")[-1]


def _anonymous(graph: Graph, query: Query) -> ShapeInfo:
    return ShapeInfo(iri=n3(query.shape), severity=_severity(query),
                     path=render_path(graph, query.path) if query.path is not None else "", names={},
                     messages={lit.language or "en": str(lit) for lit in graph.objects(query.shape, SH.message)})
