"""The shapes, one fixture folder each (as the W3C SHACL test suite keeps data and expected report together).

``tests/shapes/<Shape>/`` holds ``valid.ttl`` (no finding of the shape, no violation at all),
``invalid.ttl`` and ``expected.json`` (the focus nodes and property shapes the invalid example
must be reported for, and nothing else from those shapes).  Both are validated as contributions
joining ``tests/shapes/base.ttl`` (in place of the bundled data) with the real ontology.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF, SH

from kgserver.rdfio import parse_file
from kgserver.validation.context import BundleContext, bundle_context
from kgserver.validation.contribution import load_files
from kgserver.validation.engine import validate_graphs
from kgserver.validation.shapes import shapes_graph
from kgserver.validation.terms import n3

FIXTURES = Path(__file__).parent / "shapes"
SHAPE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / "expected.json").exists())


@pytest.fixture(scope="session")
def fixture_context():
    """The real ontology with tests/shapes/base.ttl as the only data."""
    bundled = bundle_context()
    base = FIXTURES / "base.ttl"
    return BundleContext(ontology=bundled.ontology, data={base.resolve(): parse_file(base)}, subclass=bundled.subclass)


ENGINES = ["pyshacl", "fast"]


def _run(path: Path, context, engine: str, checks: bool = True):
    return validate_graphs(load_files([path]), context=context, consistency=False, shacl_engine=engine, checks=checks)


def _shapes_only(report) -> set:
    return {f.key() for f in report.findings if not f.source.startswith("checks/")}


def _by_engine(path: Path, context) -> dict:
    """Validate ``path`` on both engines, check they agree down to the constraint component, return the reports.

    The fast engine runs the whole validation; pyshacl the shapes only, since the whole-graph checks are the
    same queries whichever engine runs the shapes (test_shapes_checks.py tests them).
    """
    reports = {"fast": _run(path, context, "fast"), "pyshacl": _run(path, context, "pyshacl", checks=False)}
    assert not any(f.source.startswith("checks/") for f in reports["pyshacl"].findings)
    assert _shapes_only(reports["fast"]) == _shapes_only(reports["pyshacl"])
    return reports


def test_fixture_folders_exist():
    assert len(SHAPE_DIRS) > 40


@pytest.mark.parametrize("engine", ENGINES)
def test_base_conforms(fixture_context, engine):
    report = validate_graphs(None, context=fixture_context, consistency=False, shacl_engine=engine)
    assert [f for f in report.findings if f.severity == "Violation"] == []


def test_engines_agree_on_the_bundled_graph():
    """The shapes compiled to SPARQL give exactly pyshacl's findings (warnings included)."""
    by_pyshacl = validate_graphs(None, consistency=False, shacl_engine="pyshacl")
    by_sparql = validate_graphs(None, consistency=False, shacl_engine="fast")
    assert {f.key() for f in by_sparql.findings} == {f.key() for f in by_pyshacl.findings}


@pytest.mark.parametrize("extra, named", [
    ("sh:sparql [ sh:select 'SELECT $this WHERE {}' ]", "sh:sparql"),
    ("sh:target [ a ex:CustomTarget ]", "sh:target"),
    ("sh:node ex:S", "refers to itself"),
    ("sh:uniqueLang 'yes'", "uniqueLang"),
    ("sh:someFutureConstraint 3", "someFutureConstraint"),
])
def test_compiler_refuses_what_is_not_shacl_core_by_name(extra, named):
    """Before anything runs: nothing outside SHACL Core is ever skipped."""
    from rdflib import Graph

    from kgserver.errors import ConfigurationError
    from kgserver.validation.shacl_compiler import compile_shapes

    graph = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ] ; {extra} .
    """, format="turtle")
    with pytest.raises(ConfigurationError, match=named):
        compile_shapes(graph)


@pytest.mark.parametrize("folder", SHAPE_DIRS, ids=[p.name for p in SHAPE_DIRS])
def test_valid_example(folder, fixture_context):
    """No finding of the shapes under test, no violation, on either engine (and the engines agree)."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    under_test = set(expected["shapes"])
    for engine, report in _by_engine(folder / "valid.ttl", fixture_context).items():
        assert [f for f in report.findings if f.source in under_test] == [], engine
        assert [f for f in report.findings if f.severity == "Violation"] == [], engine


@pytest.mark.parametrize("folder", SHAPE_DIRS, ids=[p.name for p in SHAPE_DIRS])
def test_invalid_example(folder, fixture_context):
    """Exactly the expected results of the shapes under test, on either engine (and the engines agree)."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    under_test = set(expected["shapes"])
    for engine, report in _by_engine(folder / "invalid.ttl", fixture_context).items():
        found = {(f.focus, f.source, f.severity) for f in report.findings if f.source in under_test}
        assert found == {(r["focus"], r["shape"], r["severity"]) for r in expected["results"]}, engine
        assert all(f.file == str(folder / "invalid.ttl") for f in report.findings), engine


def test_shapes_bound_to_foci_keep_the_same_rows(fixture_context):
    """The compiled shapes bound to some IRIs (as a validation binds them to those its contribution names)
    return exactly the whole run's rows whose focus is one of them: on the ontology, the base and every
    invalid example at once, bound to the IRIs of every fifth example and to half of the whole run's foci."""
    from rdflib import URIRef

    from kgserver.validation.oxterms import from_n3, to_quads
    from kgserver.validation.sparql_shacl import run_compiled

    graph_name = "https://example.org/everything"
    store = ox.Store()
    store.bulk_extend(to_quads(fixture_context.ontology, graph_name))
    store.bulk_extend(to_quads(fixture_context.subclass, graph_name))
    for data in fixture_context.data.values():
        store.bulk_extend(to_quads(data, graph_name))
    named_by_folder = []
    for folder in SHAPE_DIRS:
        graph = parse_file(folder / "invalid.ttl")
        store.bulk_extend(to_quads(graph, graph_name))
        named_by_folder.append({str(t) for triple in graph for t in triple if isinstance(t, URIRef)})
    default_graph = [ox.NamedNode(graph_name)]
    everything = run_compiled(store, default_graph)
    iri_foci = sorted({term.value for term in (from_n3(f.focus) for f in everything) if isinstance(term, ox.NamedNode)})
    assert len(iri_foci) > 20
    for foci in [*named_by_folder[::5], set(iri_foci[::2])]:
        wanted = {n3(URIRef(iri)) for iri in foci}
        bound = run_compiled(store, default_graph, foci=foci)
        assert sorted(map(_row, bound)) == sorted(_row(f) for f in everything if f.focus in wanted), sorted(foci)[:3]


def _row(finding) -> tuple:
    return finding.focus, finding.path, finding.value, finding.source, finding.component, finding.severity


def _shapes_needing_fixtures():
    graph = shapes_graph()
    node_shapes = set(graph.subjects(RDF.type, SH.NodeShape))
    targeted = {s for s in graph.subjects(RDF.type, SH.PropertyShape) if graph.value(s, SH.targetSubjectsOf)}
    return {n3(s) for s in node_shapes | targeted}


def test_every_shape_has_a_fixture_folder():
    folders = {f"shapes:{p.name}" for p in SHAPE_DIRS}
    assert _shapes_needing_fixtures() - folders == set()


def test_every_class_of_the_ontology_has_a_shape():
    from rdflib.namespace import OWL

    from kgserver.namespaces import ESS

    ontology = bundle_context().ontology
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(ESS))}
    assert classes
    shaped = {shape for shape in shapes_graph().subjects(RDF.type, SH.NodeShape)}
    missing = {n3(c) for c in classes if n3(c).replace("ess:", "shapes:") + "Shape" not in {n3(s) for s in shaped}}
    assert missing == set()


def test_every_property_shape_is_shown_failing():
    graph = shapes_graph()
    property_shapes = {n3(s) for s in graph.subjects(SH.message, None)}
    shown = set()
    for folder in SHAPE_DIRS:
        shown |= {r["shape"] for r in json.loads((folder / "expected.json").read_text(encoding="utf-8"))["results"]}
    assert property_shapes - shown == set()


def test_every_shape_is_documented():
    """Every property shape has an IRI, an sh:name and an sh:message in ca, es and en."""
    graph = shapes_graph()
    property_shapes = set(graph.subjects(SH.path, None))
    assert property_shapes
    for shape in property_shapes:
        assert {lit.language for lit in graph.objects(shape, SH.message)} == {"ca", "es", "en"}, shape
        assert list(graph.objects(shape, SH.name)), shape
        assert n3(shape).startswith("shapes:"), shape
