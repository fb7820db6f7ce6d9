"""Validate any data against any shapes, without the bundle (``kgserver validate --shapes S --no-bundle``).

What pyshacl's command line does, with kgserver's reports and exit codes, and a choice of engine:
``pyshacl``, ``fast`` (the shapes compiled to SPARQL on Oxigraph, :mod:`.sparql_shacl`) or
``auto`` (pyshacl up to :data:`.engine.PYSHACL_LIMIT` triples).  No ontology, bundled data,
whole-graph checks or consistency check take part: only the given shapes.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH, XSD

from ..errors import ConfigurationError
from ..namespaces import GRAPH
from ..rdfio import format_for_path, parse_file
from .contribution import ContributedFile, expand_paths, load_files
from .oxterms import to_quads
from .report import Finding, Report
from .shapes import ShapeInfo
from .terms import n3, render_path

ENGINES = ("auto", "pyshacl", "fast")
_DATA = GRAPH["validation/data"]


_ONLY_FOCUS: ContextVar[frozenset | None] = ContextVar("only_focus", default=None)


def _install_focus_filter() -> None:
    """Make pyshacl's target-finding step honour :data:`_ONLY_FOCUS` (once per process).

    pyshacl finds a shape's targets with ``Shape.focus_nodes`` only for the shapes it starts from;
    nested shapes (sh:node, sh:or, sh:qualifiedValueShape...) are given their value nodes.  So
    filtering there judges the chosen nodes exactly as a full run does, where pyshacl's own
    ``focus_nodes`` option also filters the nested shapes' value nodes (which then conform) and
    drops blank nodes.  Unset (every other caller), targets are as pyshacl finds them.
    """
    from pyshacl.shape import Shape

    if getattr(Shape.focus_nodes, "_kgserver_filter", False):
        return
    original = Shape.focus_nodes

    def focus_nodes(self, data_graph, debug=False):
        found = original(self, data_graph, debug=debug)
        only = _ONLY_FOCUS.get()
        return found if only is None else {node for node in found if node in only}

    focus_nodes._kgserver_filter = True
    Shape.focus_nodes = focus_nodes


def prepare_shapes(shapes: Graph):
    """Return pyshacl's ``ShapesGraph`` of ``shapes`` with its shapes read, to give :func:`run_pyshacl` again and again.

    ``pyshacl.validate`` reads every shape of the shapes graph anew on each call (8 ms for the bundled
    shapes, of a shape fixture's 30-40 ms pyshacl run); the shapes it reads depend on the shapes graph
    alone, and a run only reads them, so one ``ShapesGraph`` serves any number of runs (and threads).
    """
    from pyshacl.shapes_graph import ShapesGraph

    prepared = ShapesGraph(shapes)
    prepared.shapes  # read every shape now (pyshacl would on first use, in whichever run came first)
    return prepared


def run_pyshacl(data: Graph, shapes, index: dict[object, ShapeInfo], only_focus=None) -> list[Finding]:
    """Validate ``data`` with pyshacl (no inference) and return one finding per SHACL result.

    ``data`` is changed in place: its ill-typed Gregorian literals are marked so (:mod:`.xsd`).

    :param shapes: the shapes graph, or :func:`prepare_shapes` of it (the same results, without reading the
        shapes again).
    :param index: what the report shows of known shapes (messages in ca, es, en); shapes not in it
        are shown with pyshacl's own message.
    :param only_focus: if given, the nodes (rdflib terms) whose results are wanted: the others are
        not judged at all (the same results for these nodes, a fraction of the cost when ``data``
        holds a contribution's neighbourhood).
    """
    from pyshacl import Validator, validate
    from pyshacl.errors import ValidationFailure
    from pyshacl.graph_abstraction import DataGraph

    from .xsd import mark_ill_typed

    mark_ill_typed(data)  # rdflib leaves "+2022"^^xsd:gYear unchecked, and pyshacl then passes it
    _install_focus_filter()
    token = _ONLY_FOCUS.set(None if only_focus is None else frozenset(only_focus))
    try:
        if isinstance(shapes, Graph):  # shapes used once (--shapes): pyshacl reads them, as it always does
            _, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                     allow_warnings=True, allow_infos=True)
        else:  # what that call does with an rdflib graph, given the shapes already read
            validator = Validator(DataGraph.from_rdflib(data), shacl_graph=shapes.graph, options={
                "inference": "none", "advanced": False, "allow_warnings": True, "allow_infos": True})
            validator.shacl_graph = shapes
            _, results, _ = validator.run()
    except ValidationFailure as failure:
        results = failure
    finally:
        _ONLY_FOCUS.reset(token)
    if isinstance(results, Exception):  # pyshacl refused the shapes (a SERVICE in a SPARQL constraint, ...)
        from ..errors import InputError

        raise InputError(f"the shapes cannot be run: {results}")
    findings = []
    # the report's own results: not those nested under sh:detail (what made an sh:node fail)
    for result in results.objects(results.value(predicate=RDF.type, object=SH.ValidationReport), SH.result):
        shape = results.value(result, SH.sourceShape)
        info = index.get(shape)
        severity = results.value(result, SH.resultSeverity)
        messages = dict(info.messages) if info and info.messages else {}
        if not messages:
            messages = {"en": str(results.value(result, SH.resultMessage) or "SHACL constraint not met")}
        path = info.path if info and info.path else render_path(results, results.value(result, SH.resultPath))
        findings.append(Finding(
            severity=str(severity).split("#")[-1] if severity is not None else "Violation",
            focus=n3(results.value(result, SH.focusNode)),
            path=path,
            value=n3(results.value(result, SH.value)),
            messages=messages,
            source=info.iri if info else n3(shape),
            component=n3(results.value(result, SH.sourceConstraintComponent)),
        ))
    return findings


#: Boolean parameters that only the literal ``true`` turns on (SHACL: "1"^^xsd:boolean is not ``true``).
_SWITCHES = (SH.uniqueLang, SH.closed, SH.deactivated, SH.qualifiedValueShapesDisjoint)


def load_shapes(paths) -> Graph:
    """Parse the shapes files (all of them, or nothing), their literals as written.

    rdflib would rewrite ``"1"^^xsd:boolean`` as ``true`` (and pyshacl reads its value, true,
    anyway), which the SHACL test suite's uniqueLang-002 shows is wrong: such a switch stays off.
    Both engines see it as ``false``.

    :raises RDFSyntaxError: for the first file that does not parse.
    """
    import rdflib

    graph = Graph()
    normalise, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        for path in expand_paths(paths):
            graph += parse_file(path, format_for_path(path), base_iri=path.resolve().as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = normalise
    for switch in _SWITCHES:
        for shape, value in list(graph.subject_objects(switch)):
            if isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) not in ("true", "false"):
                graph.set((shape, switch, Literal(False)))
    return graph


def validate_standalone(paths, shapes_paths, *, shacl_engine: str = "auto", progress=None) -> Report:
    """Validate the files ``paths`` against the shapes in ``shapes_paths`` alone.

    :raises ConfigurationError: if the fast engine meets a shape it does not support (before running).
    """
    from .engine import PYSHACL_LIMIT

    started = time.perf_counter()
    contribution: list[ContributedFile] = load_files(paths, file_base=True)
    shapes = load_shapes(shapes_paths)
    report = Report(files=[c.name for c in contribution], triples=sum(len(c.graph) for c in contribution))
    if shacl_engine == "auto":
        shacl_engine = "pyshacl" if report.triples <= PYSHACL_LIMIT else "fast"
    described: dict[str, str] = {}
    for item in contribution:
        for subject in item.graph.subjects(unique=True):
            described.setdefault(n3(subject), item.name)
    if shacl_engine == "pyshacl":
        data = Graph()
        for item in contribution:
            data += item.graph
        findings = run_pyshacl(data, shapes, {})
    elif shacl_engine in ("fast", "sparql"):
        from .shacl_compiler import compile_shapes
        from .sparql_shacl import run_compiled

        compile_shapes(shapes)  # refuses what it does not support before any data is stored
        store = ox.Store()
        for item in contribution:
            store.bulk_extend(to_quads(item.graph, _DATA))
        findings = run_compiled(store, [ox.NamedNode(str(_DATA))], shapes=shapes, progress=progress)
    else:
        raise ConfigurationError(f"unknown SHACL engine {shacl_engine!r}; expected {', '.join(ENGINES)}")
    from dataclasses import replace

    report.add(replace(f, file=described.get(f.focus)) for f in findings)
    report.timings = {f"shacl ({shacl_engine})": time.perf_counter() - started}
    return report
