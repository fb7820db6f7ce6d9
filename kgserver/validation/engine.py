"""Run a validation: SHACL shapes (pyshacl), whole-graph SPARQL checks (Oxigraph), consistency.

A contribution is validated *together with the graph it joins* (the ontology and the bundled
data), so links to existing resources count; only findings about what the contribution
describes are reported.  Performance choices (measured in ``benchmarks/bench_validate.py``):

- up to :data:`PYSHACL_LIMIT` triples the shapes run on pyshacl, beyond on Oxigraph, compiled to
  SPARQL (:mod:`.sparql_shacl`; the tests check both engines agree);
- pyshacl runs with ``inference="none"`` and no ``ont_graph`` (which would copy the data graph);
  the ontology's ``rdfs:subClassOf`` triples are added to the data graph instead, which is all
  ``sh:targetClass`` and ``sh:class`` need to see subclass instances;
- pyshacl sees only the contribution and its one-link neighbourhood in the bundle (pyshacl's own
  ``focus_nodes`` option is not used: it also filters the value nodes of nested shapes such as
  ``sh:qualifiedValueShape`` and ``sh:or``, which then silently conform);
- pyshacl judges only the resources the contribution describes and the IRIs it links to (the rest
  of the neighbourhood is read, not judged: its findings would be dropped, and cost ten times more);
- the store holding the bundle is filled once per context and lent to one validation at a time
  (:func:`.graphs.lent_store`); the consistency check reads the bundled graphs written out once;
- cross-resource rules are single SPARQL queries on Oxigraph rather than SHACL-SPARQL constraints,
  bound to the IRIs a small contribution names (:func:`.checks.focus_scoped`: the same rows about them,
  without reading the whole bundle).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from .checks import bundled_checks, run_check
from .context import BundleContext, bundle_context
from .contradictions import contradictions
from .graphs import CONTRIBUTION_GRAPH, ONTOLOGY_GRAPH, SHACL_VIEW_GRAPH, SUBCLASS_GRAPH, data_graph, lent_store
from .contribution import ContributedFile
from .oxterms import to_quads
from .report import Report
from .scope import Scope, describe
from .shapes import shape_index, shapes_graph
from .terms import n3
from .vocabulary import unknown_terms

log = logging.getLogger(__name__)

#: Above this many triples to validate, the shapes run compiled to SPARQL on Oxigraph (pyshacl
#: takes about 11 s on 100k triples with the mandatory shapes alone, 32 s with all of them).
PYSHACL_LIMIT = 20_000

#: Contributions larger than this (bytes of files) are parsed straight into Oxigraph, with no rdflib
#: graph (several times faster and smaller): those are past :data:`PYSHACL_LIMIT` in any usual syntax.
DIRECT_BYTES = 1_000_000


def _neighbourhood(contribution: list[ContributedFile], base: list[tuple], context: BundleContext) -> Graph:
    """Return what the shapes need to judge the contribution's resources, and no more.

    That is: the contribution; every bundled triple whose subject or object is a resource the
    contribution describes or links to (its properties, and the links pointing at it, which
    inverse paths follow); the ``rdf:type`` of every resource those triples mention (which
    ``sh:class`` looks at); the ontology's ``rdfs:subClassOf`` triples.  The shapes look no
    further than one link away, so their findings on those resources are the same as on the
    whole graph, at a fraction of the cost.

    :param base: the bundled files taking part, as (path, graph): each graph's triples are looked up by
        node in an index made once per context (:func:`_by_node`).
    """
    graph = Graph()
    nodes = set()
    for item in contribution:
        graph += item.graph
        nodes.update(item.graph.subjects(unique=True))
        nodes.update(o for o in item.graph.objects(unique=True) if not isinstance(o, Literal))
    add = graph.add
    indexes = [context.kept(("by node", path), lambda bundled=bundled: _by_node(bundled)) for path, bundled in base]
    for about, _ in indexes:
        for node in nodes:
            for triple in about.get(node, ()):
                add(triple)
    mentioned = {s for s in graph.subjects(unique=True)} | {
        o for o in graph.objects(unique=True) if not isinstance(o, Literal)
    }
    for _, types in indexes:
        for node in mentioned - nodes:
            for triple in types.get(node, ()):
                add(triple)
    graph += context.subclass
    return graph


def _by_node(graph: Graph) -> tuple[dict, dict]:
    """Return node -> the triples of ``graph`` whose subject or object it is, and node -> its ``rdf:type`` triples."""
    about: dict = {}
    types: dict = {}
    for triple in graph:
        s, p, o = triple
        about.setdefault(s, []).append(triple)
        if o != s:
            about.setdefault(o, []).append(triple)
        if p == RDF.type:
            types.setdefault(s, []).append(triple)
    return about, types


def run_shacl(data: Graph, only_focus=None) -> list[Finding]:
    """Validate ``data`` with the bundled shapes on pyshacl and return one finding per SHACL result.

    :param only_focus: if given, the only nodes to judge (see :func:`.standalone.run_pyshacl`).
    """
    from .standalone import run_pyshacl

    return run_pyshacl(data, _pyshacl_shapes(), shape_index(), only_focus)


@lru_cache(maxsize=1)
def _pyshacl_shapes():
    """Return the bundled shapes as pyshacl reads them (:func:`.standalone.prepare_shapes`), once per process."""
    from .standalone import prepare_shapes

    return prepare_shapes(shapes_graph())


def _judged(contribution: list[ContributedFile]) -> set:
    """Return the nodes whose shape results a contribution's report can keep (:meth:`.scope.Scope.keeps`).

    That is the resources it describes and the IRIs it links to; the rest of the neighbourhood is
    there for the shapes to look at, and judging it (ten times the work) only makes findings dropped.
    """
    nodes = set()
    for item in contribution:
        nodes.update(item.graph.subjects(unique=True))
        nodes.update(o for o in item.graph.objects(unique=True) if isinstance(o, URIRef))
    return nodes


#: What SPARQL takes between ``<`` and ``>`` (IRIREF, without escapes); :func:`_foci` also has Oxigraph check the IRI.
_WRITABLE_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')

#: Up to this many resources described or linked to, the shapes and the whole-graph checks are bound to them (:func:`_foci`).
SCOPED_FOCI = 5_000


def _foci(contribution: list[ContributedFile]) -> set[str] | None:
    """Return the IRIs a contribution describes or links to (the foci its report can keep), or None.

    None when it describes a blank node (a query cannot name one), names an IRI a query cannot write
    as it is (relative, or with a character SPARQL refuses in ``<...>``), or more than :data:`SCOPED_FOCI`
    resources (a long ``VALUES`` list costs more than the whole-graph query it saves).
    """
    foci: set[str] = set()
    for item in contribution:
        for subject in item.graph.subjects(unique=True):
            if not isinstance(subject, URIRef):
                return None
            foci.add(str(subject))
        foci.update(str(o) for o in item.graph.objects(unique=True) if isinstance(o, URIRef))
        if len(foci) > SCOPED_FOCI:
            return None
    for iri in foci:
        if not _WRITABLE_IRI.fullmatch(iri):
            return None
        try:
            ox.NamedNode(iri)
        except ValueError:
            return None
    return foci


def validate_graphs(
    contribution: list[ContributedFile] | None = None,
    *,
    context: BundleContext | None = None,
    consistency: bool = True,
    shacl_engine: str = "auto",
    progress=None,
    store: ox.Store | None = None,
    checks: bool = True,
) -> Report:
    """Validate a contribution with the graph it joins, or the bundled graph alone.

    :param contribution: parsed documents (see :mod:`.contribution`); ``None`` validates the
        bundled data itself and reports every finding.
    :param context: the ontology and bundled data (the cached bundle by default).
    :param consistency: also run the reasoner's consistency check, when it is available.
    :param shacl_engine: ``pyshacl``, ``fast`` (the shapes compiled to SPARQL, see
        :mod:`.sparql_shacl`; ``sparql`` is its former name), or ``auto``: pyshacl up to
        :data:`PYSHACL_LIMIT` triples.
    :param progress: called with (done, total) as the run goes, if given: one step per compiled
        shape query (one for pyshacl), per whole-graph check, and for the vocabulary, the consistency
        check and the lines (a large contribution spends half its time after the shapes).
    :param store: a new store holding the contribution, parsed straight into :data:`CONTRIBUTION_GRAPH`
        (:func:`.contribution.load_into`; its files have no rdflib graph): the fast engine only.
    :param checks: run the whole-graph checks (``shapes/checks``); False gives the shapes, vocabulary and
        consistency findings only (to compare the two SHACL engines, whose checks are the same queries).
    """
    started = time.perf_counter()
    context = context or bundle_context()
    elapsed = time.perf_counter() - started
    replaced = {c.path for c in contribution or [] if c.path is not None}
    if store is None and not replaced & context.data.keys():
        with lent_store(context, contribution) as lent:
            return _validate(contribution, context, consistency, shacl_engine, progress, lent, True, elapsed, checks)
    return _validate(contribution, context, consistency, shacl_engine, progress, store, False, elapsed, checks)


def _validate(contribution, context, consistency, shacl_engine, progress, store, lent, elapsed,
              run_checks=True) -> Report:
    """Run :func:`validate_graphs`; ``lent``: ``store`` is a :func:`.graphs.lent_store`, holding everything."""
    timings: dict[str, float] = {"context": elapsed}
    preloaded = store is not None and not lent
    scope = Scope(store, contribution) if preloaded else Scope()
    replaced = {c.path for c in contribution or [] if c.path is not None}
    base = [(path, graph) for path, graph in context.data.items() if path not in replaced]
    report = Report(files=[c.name for c in contribution or []])

    t = time.perf_counter()
    data = None
    if contribution is None:
        scope.everything = True
        data = Graph()
        for path, graph in base:
            data += graph
            describe(scope.described, graph, context.display_name(path))
        report.triples = len(data)
        data += context.subclass
    else:
        for item in contribution if not preloaded else ():
            describe(scope.described, item.graph, item.name)
            for obj in item.graph.objects(unique=True):
                if isinstance(obj, URIRef):
                    scope.referenced.setdefault(n3(obj), item.name)
        report.triples = sum(c.size() for c in contribution)
    timings["merge"] = time.perf_counter() - t

    # the validation store: ontology, bundled data, contribution, each in its own graph
    t = time.perf_counter()
    if not lent:
        store = store if preloaded else ox.Store()
        store.bulk_extend(context.quads("ontology", context.ontology, ONTOLOGY_GRAPH))
        store.bulk_extend(context.quads("subclass", context.subclass, SUBCLASS_GRAPH))
        # one graph per bundled file, so a check can ask what one file says (one-class.rq)
        data_graphs = [data_graph(context.display_name(path)) for path, _ in base]
        for (path, graph), graph_name in zip(base, data_graphs):
            store.bulk_extend(context.quads(path, graph, graph_name))
        for item in contribution if contribution and not preloaded else []:
            store.bulk_extend(to_quads(item.graph, CONTRIBUTION_GRAPH))
    timings["store"] = time.perf_counter() - t

    # the IRIs whose findings the report can keep, when a query can name them all: the shapes and the checks
    # are bound to them
    foci = None if scope.everything or preloaded else _foci(contribution)

    # 1. SHACL shapes: pyshacl on the contribution and its neighbourhood, or, for large inputs,
    #    the same shapes compiled to SPARQL and run on the store
    t = time.perf_counter()
    if shacl_engine == "auto":
        shacl_engine = "pyshacl" if report.triples <= PYSHACL_LIMIT else "fast"
    shacl_engine = "fast" if shacl_engine == "sparql" else shacl_engine
    if shacl_engine == "fast":
        from .sparql_shacl import compiled_shapes

        shape_steps = len(compiled_shapes())
    else:
        shape_steps = 1
    checks = bundled_checks() if run_checks else []
    total_steps = shape_steps + len(checks) + 3

    def step(done: int) -> None:
        if progress is not None:
            progress(done, total_steps)

    view = ox.NamedNode(str(SHACL_VIEW_GRAPH))

    def with_view():  # what the compiled shapes read (pyshacl too may fall back on them)
        for path, graph in base:
            store.bulk_extend(context.quads(("view", path), graph, SHACL_VIEW_GRAPH))
        store.bulk_extend(context.quads(("view", "subclass"), context.subclass, SHACL_VIEW_GRAPH))
        return [ox.NamedNode(str(CONTRIBUTION_GRAPH)), view]
    if shacl_engine == "pyshacl" and preloaded:
        raise ValueError("the pyshacl engine needs the contribution as rdflib graphs, not parsed into the store")
    if shacl_engine == "pyshacl":
        shacl_data = data if contribution is None else _neighbourhood(contribution, base, context)
        try:
            raw = run_shacl(shacl_data, None if contribution is None else _judged(contribution))
        except Exception as err:  # noqa: BLE001 - a pyshacl fault on odd input: the compiled shapes say the same
            from .sparql_shacl import run_compiled

            log.warning("pyshacl failed (%s: %s); using the shapes compiled to SPARQL", type(err).__name__, err)
            raw, shacl_engine = run_compiled(store, with_view()), "fast"
    elif shacl_engine == "fast":
        from .sparql_shacl import run_compiled

        raw = run_compiled(store, with_view(), progress=lambda done, _: step(done), foci=foci)
    else:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}; expected auto, pyshacl or fast")
    if store.contains_named_graph(view):
        store.remove_graph(view)
    step(shape_steps)
    shacl_findings = [f for f in raw if scope.keeps(f)]
    timings[f"shacl ({shacl_engine})"] = time.perf_counter() - t

    t = time.perf_counter()
    check_findings = []
    keep_focus = (lambda focus: True) if scope.everything else (
        lambda focus: scope.is_described(focus) or scope.is_referenced(focus)
    )
    for done, check in enumerate(checks, shape_steps + 1):
        check_findings += [f for f in run_check(store, check, keep_focus, foci) if scope.keeps(f)]
        step(done)
    timings["checks"] = time.perf_counter() - t

    # 3. terms of reused vocabularies; 4. OWL consistency
    t = time.perf_counter()
    declared = context.declared()
    vocab_findings = []
    if preloaded:
        from .vocabulary import StoreTerms

        vocab_findings = unknown_terms(StoreTerms(store, str(CONTRIBUTION_GRAPH)), declared)
    for graph in [g for _, g in base] if contribution is None else [c.graph for c in contribution if not preloaded]:
        vocab_findings += unknown_terms(graph, declared)
    timings["vocabulary"] = time.perf_counter() - t
    step(total_steps - 2)
    t = time.perf_counter()
    # the store holds the context's graphs as a lent one does (and the contribution): their triples, numbered
    # and compiled once per context, are reused
    as_lent = lent or preloaded and not replaced & context.data.keys()
    reasoning_findings = ([f for f in contradictions(store, keep_focus, context if as_lent else None)
                           if scope.keeps(f)] if consistency else [])
    timings["consistency"] = time.perf_counter() - t
    step(total_steps - 1)

    # a contradiction on a resource the contribution only links to (an existing plan made a territory
    # by ess:withinTerritory's range) is a consequence of a wrong link that a finding already names
    linked_wrongly = {f.value for f in shacl_findings + check_findings if f.severity == "Violation"}
    reasoning_findings = [
        f for f in reasoning_findings
        if scope.everything or scope.is_described(f.focus) or f.focus not in linked_wrongly
    ]
    # a fallback check (generic, from the ontology's ranges) repeating what a shape said adds nothing
    said = {(f.severity, f.focus, f.path, f.value) for f in shacl_findings}
    extra = [f for f in check_findings + vocab_findings + reasoning_findings
             if not (f.fallback and (f.severity, f.focus, f.path, f.value) in said)]
    t = time.perf_counter()
    if contribution is not None:
        scope.locate(contribution, shacl_findings + extra)
    located = [scope.with_file(f) for f in shacl_findings + extra]
    del raw, shacl_findings, extra, check_findings, vocab_findings, reasoning_findings, said, linked_wrongly  # held once
    timings["lines"] = time.perf_counter() - t
    step(total_steps)
    from .hints import did_you_mean, group_by_cause

    report.add(group_by_cause(did_you_mean(located, store, context)))
    report.timings = timings
    return report


def validate_paths(paths: Iterable | None = None, **options) -> Report:
    """Validate files or folders (or, with no path, the bundled graph) and return the report.

    :raises RDFSyntaxError: if a file does not parse (nothing is validated then).
    :raises InputError: if a path does not exist or a folder holds no RDF file.
    """
    from .contribution import load_files, load_into, total_bytes

    paths = list(paths or [])
    engine = options.get("shacl_engine", "auto")
    store = None
    if paths and (engine in ("fast", "sparql") or engine == "auto" and total_bytes(paths) > DIRECT_BYTES):
        store = ox.Store()
        contribution = load_into(paths, store, str(CONTRIBUTION_GRAPH))
        if engine == "auto" and sum(c.size() for c in contribution) <= PYSHACL_LIMIT:
            store, contribution = None, load_files(paths)  # large files, few triples: pyshacl's turn
    else:
        contribution = load_files(paths) if paths else None
    t = time.perf_counter()
    report = validate_graphs(contribution, store=store, **options)
    report.timings["total"] = time.perf_counter() - t
    return report
