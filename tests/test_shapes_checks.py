"""The whole-graph SPARQL checks (``shapes/checks/*.rq``), each with a valid and an invalid example.

``tests/shapes/checks/<check>/`` holds ``valid.ttl`` (the check returns no row), ``invalid.ttl``
and ``expected.json`` (exactly the rows the check must return, as focus, path and value).  The
examples join ``tests/shapes/base.ttl`` and the real ontology, in the layout the validator uses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgserver.rdfio import parse_file
from kgserver.validation.checks import bundled_checks, check_files, parse_check, run_check
from kgserver.validation.context import bundle_context
from kgserver.validation.engine import CONTRIBUTION_GRAPH, ONTOLOGY_GRAPH, data_graph
from kgserver.validation.oxterms import to_quads

FIXTURES = Path(__file__).parent / "shapes" / "checks"
CHECK_DIRS = sorted(p for p in FIXTURES.iterdir() if (p / "expected.json").exists())


@pytest.fixture(scope="session")
def base_quads():
    context = bundle_context()
    return to_quads(context.ontology, ONTOLOGY_GRAPH) + to_quads(parse_file(FIXTURES.parent / "base.ttl"), data_graph("base.ttl"))


def _rows(folder: Path, name: str, quads) -> set:
    store = ox.Store()
    store.bulk_extend(quads)
    store.bulk_extend(to_quads(parse_file(folder / name), CONTRIBUTION_GRAPH))
    check = parse_check(Path(check_files()[0]).parent / f"{folder.name}.rq")
    # blank nodes get a fresh label per parse: expected.json writes them as "BNODE"
    return {("BNODE" if f.focus.startswith("_:") else f.focus, f.path, f.value) for f in run_check(store, check)}


def test_every_check_has_examples():
    assert check_files(), "no checks found in shapes/checks"
    assert {p.stem for p in check_files()} == {p.name for p in CHECK_DIRS}


def test_checks_have_headers():
    for check in bundled_checks():
        assert set(check.messages) == {"ca", "es", "en"}, check.name
        assert check.severity in ("Violation", "Warning", "Info")
        select = re.search(r"^SELECT (DISTINCT )?(.*?) WHERE", check.query, re.M).group(2).split()
        assert select[:3] == ["?focus", "?path", "?value"], check.name
        for text in check.messages.values():
            assert {f"?{name}" for name in re.findall(r"{(\w+)}", text)} <= set(select), check.name


def test_base_passes_every_check(base_quads):
    store = ox.Store()
    store.bulk_extend(base_quads)
    for check in bundled_checks():
        assert run_check(store, check) == [], check.name


@pytest.mark.parametrize("folder", CHECK_DIRS, ids=[p.name for p in CHECK_DIRS])
def test_valid_example(folder, base_quads):
    assert _rows(folder, "valid.ttl", base_quads) == set()


@pytest.mark.parametrize("folder", CHECK_DIRS, ids=[p.name for p in CHECK_DIRS])
def test_invalid_example(folder, base_quads):
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert _rows(folder, "invalid.ttl", base_quads) == {(r["focus"], r["path"], r["value"]) for r in expected["results"]}


@pytest.mark.parametrize("folder", CHECK_DIRS, ids=[p.name for p in CHECK_DIRS])
def test_checks_bound_to_foci_keep_the_same_rows(folder, base_quads):
    """Every check but the cycle ones, bound to some foci (as a validation binds them to the IRIs its
    contribution names), returns exactly the rows of the whole query about those foci."""
    from rdflib import URIRef

    from kgserver.validation.checks import focus_scoped
    from kgserver.validation.terms import n3

    store = ox.Store()
    store.bulk_extend(base_quads)
    graph = parse_file(folder / "invalid.ttl")
    store.bulk_extend(to_quads(graph, CONTRIBUTION_GRAPH))
    named = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    compared = 0
    for check in bundled_checks():
        if check.cycle:
            with pytest.raises(ValueError):
                focus_scoped(check, named)
            continue
        everything = run_check(store, check)
        for foci in (named, {str(URIRef(f"https://w3id.org/esskg/id/{f.focus.removeprefix('esskg:')}"))
                             for f in everything[::2] if f.focus.startswith("esskg:")}):
            wanted = {n3(URIRef(iri)) for iri in foci}
            keys = lambda findings: sorted((f.focus, f.path, f.value, f.messages["en"]) for f in findings)  # noqa: E731
            bound = run_check(store, check, foci=foci)
            assert keys(bound) == keys(f for f in everything if f.focus in wanted), (check.name, len(foci))
            compared += len(bound)
    assert compared > 0 or folder.name.endswith("-cycle")  # the cycle examples set off only the cycle checks


# Worst cases (issue 14): inputs built so that a check comparing every pair, or following a path from
# every resource to itself, would do millions of steps.  The checks group or use linear-time cycle
# detection instead; these tests assert what they return on 4,000 resources (no wall-clock assert:
# a quadratic check would still pass them, slowly, and benchmarks/bench_validate.py prints the time).
WORST = 4000


def _store_with(base_quads, turtle: str) -> ox.Store:
    from rdflib import Graph

    store = ox.Store()
    store.bulk_extend(base_quads)
    store.bulk_extend(to_quads(Graph().parse(data=turtle, format="turtle"), CONTRIBUTION_GRAPH))
    return store


_HEAD = """@base <https://w3id.org/esskg/id/> .
@prefix ess: <https://w3id.org/esskg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def _check(name: str):
    return next(c for c in bundled_checks() if c.name == name)


def test_measure_numbers_worst_case(base_quads):
    lines = [_HEAD, "<section/base> ess:hasMeasure " + " , ".join(f"<measure/w-{i}>" for i in range(WORST)) + " ."]
    lines += [f'<measure/w-{i}> a ess:Measure ; skos:notation "1" .' for i in range(WORST)]
    findings = run_check(_store_with(base_quads, "\n".join(lines)), _check("measure-number-unique"))
    # every measure numbered "1" (the 4,000 and the base's measure/base-1) is reported once, naming another
    assert len(findings) == WORST + 1
    assert len({f.focus for f in findings}) == WORST + 1
    for finding in findings:
        other = finding.messages["en"].split("), ")[1].split(",")[0]
        assert other != finding.focus and other.startswith("esskg:measure/")


def test_cycles_worst_case(base_quads):
    # a chain of 4,000 sub-items, closed into a cycle only over its last three links
    chain = [f"<action/w-{i}> ess:hasSubItem <action/w-{i + 1}> ." for i in range(WORST)]
    chain.append(f"<action/w-{WORST}> ess:hasSubItem <action/w-{WORST - 2}> .")
    territories = [f"<territory/w-{i}> ess:withinTerritory <territory/w-{i + 1}> ." for i in range(WORST)]
    store = _store_with(base_quads, _HEAD + "\n".join(chain + territories))
    structure = {(f.focus, f.value) for f in run_check(store, _check("structure-cycle"))}
    assert structure == {
        (f"esskg:action/w-{WORST - 2}", f"esskg:action/w-{WORST - 1}"),
        (f"esskg:action/w-{WORST - 1}", f"esskg:action/w-{WORST}"),
        (f"esskg:action/w-{WORST}", f"esskg:action/w-{WORST - 2}"),
    }
    assert run_check(store, _check("territory-cycle")) == []


def test_components_of_a_long_chain():
    from kgserver.validation.cycles import on_cycle

    edges = [(i, i + 1) for i in range(100_000)] + [(100_000, 50_000), (7, 7)]
    flags = on_cycle(edges)
    assert [e for e, kept in zip(edges, flags) if kept] == [(i, i + 1) for i in range(50_000, 100_000)] + [
        (100_000, 50_000), (7, 7)]
