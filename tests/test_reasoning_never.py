"""The "must never hold" checks (ontology/checks/never/*.rq): none holds on the served graph, each one fires
on a tiny bad graph (tests/never/<check>.ttl), and a build that makes one hold is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgserver import dataset
from kgserver.namespaces import GRAPH
from kgserver.reasoning.build import build
from kgserver.reasoning.never import UnsoundGraphError, check_files, run_check, violations
from kgserver.store import open_store

FIXTURES = Path(__file__).parent / "never"
CHECKS = check_files()


@pytest.fixture(scope="module")
def served():
    """The bundled dataset as served: asserted named graphs and the inferred graph (the shared build, read-only)."""
    return open_store()


def _fixture_graph(fixture: Path) -> str:
    """Return the graph a fixture is loaded into: ``# graph: <name>`` on its first line, else ``extra/<stem>``."""
    first = fixture.read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# graph:").strip() if first.startswith("# graph:") else f"extra/{fixture.stem}"


def test_there_are_never_checks():
    assert len(CHECKS) >= 5


@pytest.mark.parametrize("path", CHECKS, ids=[p.stem for p in CHECKS])
def test_check_says_what_must_never_hold_and_why(path):
    header = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert header and header[0].startswith("# NEVER:"), "the first line says what must never hold"
    assert any(line.startswith("# Why:") for line in header), "the header says why"
    assert "SELECT" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CHECKS, ids=[p.stem for p in CHECKS])
def test_check_holds_on_the_served_graph(path, served):
    assert run_check(path, served) == []


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """Build the bundle with every check's tiny bad graph added, once: return the error and the build folder.

    One build instead of one per check (each costs a full reasoning run); each test below asserts that
    its check fires on resources its own fixture names, and ``test_build_command_exits_1_naming_the_check``
    builds with one fixture alone.
    """
    fixtures = [FIXTURES / f"{path.stem}.ttl" for path in CHECKS]
    missing = [f for f in fixtures if not f.is_file()]
    assert not missing, f"write a tiny graph that breaks each check at {missing}"
    sources = dataset.bundled_sources() + [dataset.Source(f, GRAPH[_fixture_graph(f)]) for f in fixtures]
    out = tmp_path_factory.mktemp("never") / "build"
    with pytest.raises(UnsoundGraphError) as raised:
        build(sources, out=out, force=True)
    return raised.value, out


@pytest.mark.parametrize("path", CHECKS, ids=[p.stem for p in CHECKS])
def test_check_fires_and_the_build_is_refused(path, refused):
    from rdflib import URIRef

    from kgserver.rdfio import parse_file

    error, out = refused
    fixture = FIXTURES / f"{path.stem}.ttl"
    named = {str(s) for s in parse_file(fixture).subjects(unique=True) if isinstance(s, URIRef)}
    assert named, f"{fixture.name} describes no IRI"
    fired = {v.check: v for v in error.violations}
    assert path.stem in fired
    # the check fires on what its own fixture describes (not only on another check's fixture)
    assert any(value in named for row in fired[path.stem].rows for value in row.values()), fired[path.stem]
    assert f"[{path.stem}]" in str(error) and "row(s): " in str(error)
    assert not out.exists(), "nothing is written for an unsound build"


def test_every_file_in_the_folder_is_run(tmp_path, served):
    (tmp_path / "anything.rq").write_text("# NEVER: a plan\n# Why: a test\n"
                                          "SELECT ?x WHERE { ?x a <https://w3id.org/esskg/ontology#Plan> }\n")
    found = violations(served, check_files(tmp_path))
    assert [v.check for v in found] == ["anything"] and found[0].rows
    assert found[0].summary == "a plan"


def test_build_command_exits_1_naming_the_check(runner, tmp_path, monkeypatch):
    """``--add`` to the ontology and its imports (the check fires on the fixture and the ontology's classes; the
    bundle's data made the build that stops at the checks cost twice as much)."""
    from kgserver.cli import cli

    from fresh_build import ontology_sources

    ontology = ontology_sources()
    monkeypatch.setattr(dataset, "bundled_sources", lambda: list(ontology))
    fixture = FIXTURES / "territory-as-agent.ttl"
    result = runner.invoke(cli, ["build", "--add", str(fixture), "--out", str(tmp_path / "b"), "-q"])
    assert result.exit_code == 1, result.output
    assert "[territory-as-agent]" in result.output and "never-town" in result.output
