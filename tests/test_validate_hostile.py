"""Hostile contributions: unusual but valid syntax, look-alike IRIs, two-file tricks, odd bytes, sizes.

Each ``tests/fixtures/hostile-contributions/<case>/`` holds one or more documents and ``expected.json``
(written by ``make_cases.py`` there): the exit code of ``kgserver validate``, and either the error
(exit 2, ``<file>`` standing for the path, with line and column where there is one) or the
violations with their file and line (``violations``: the exact set; ``"any"`` with ``must_include``
and ``must_exclude``: what must and must not be among the findings; ``violation_count``: how many).  Every case runs through the
command line, all the cases that parse together in one run per engine (pyshacl on rdflib graphs; the
fast engine on the files parsed straight into Oxigraph, as large inputs are), each case judged on
the findings in its own files; both engines must give the same findings.  The cases that do not
parse run alone, on both parse paths.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kgserver.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "hostile-contributions"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "expected.json").exists())
_BLANK = re.compile(r"_:\w+")


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name not in ("expected.json",) and p.suffix != ".py")


def _expected(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def _run(runner, folder: Path, *options: str):
    return runner.invoke(cli, ["validate", "--format", "json", *options, *map(str, _documents(folder))])


def _matches(finding: dict, wanted: dict, folder: Path) -> bool:
    """Return whether a finding has every field of ``wanted`` (file by name, blank nodes as ``_:BNODE``)."""
    for key, value in wanted.items():
        have = finding.get(key)
        if key == "file":
            have = Path(have).name if have else None
        elif isinstance(have, str):
            have = _BLANK.sub("_:BNODE", have)
        if have != value:
            return False
    return True


def test_cases_exist():
    assert len(CASES) >= 25
    codes = [_expected(folder)["exit_code"] for folder in CASES]
    assert codes.count(0) >= 4 and codes.count(1) >= 12 and codes.count(2) >= 5
    suffixes = {d.suffix for folder in CASES for d in _documents(folder)}
    assert suffixes >= {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"}


PARSED = [p for p in CASES if _expected(p)["exit_code"] != 2]
BROKEN = [p for p in CASES if _expected(p)["exit_code"] == 2]


@pytest.fixture(scope="module")
def reports():
    """Validate every case that parses, in one run per engine (a run per case would cost a minute)."""
    from click.testing import CliRunner

    documents = [str(d) for folder in PARSED for d in _documents(folder)]
    found = {}
    for engine in ("pyshacl", "fast"):
        result = CliRunner().invoke(cli, ["validate", "--format", "json", "--shacl-engine", engine, *documents])
        assert result.exit_code == 1, result.output
        found[engine] = json.loads(result.output)["findings"]
    return found


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize("folder", PARSED, ids=[p.name for p in PARSED])
def test_hostile_contribution(folder, engine, reports):
    expected = _expected(folder)
    findings = [f for f in reports[engine] if f["file"] and Path(f["file"]).parent == folder]
    violations = [f for f in findings if f["severity"] == "Violation"]
    assert (1 if violations else 0) == expected["exit_code"], violations
    if "violation_count" in expected:
        assert len(violations) == expected["violation_count"], violations
    if expected["violations"] != "any":
        keys = ("focus", "path", "source", "line")
        assert {tuple(f[k] for k in keys) for f in violations} == {
            tuple(v[k] for k in keys) for v in expected["violations"]}
    for wanted in expected.get("must_include", []):
        assert any(_matches(f, wanted, folder) for f in findings), (wanted, findings)
    for unwanted in expected.get("must_exclude", []):
        assert not any(_matches(f, unwanted, folder) for f in findings), unwanted


@pytest.mark.parametrize("folder", [p for p in CASES if p.name.startswith(("h10", "h19", "h26"))],
                         ids=lambda p: p.name)
def test_alone_through_the_command_line(folder, runner):
    """A few cases on their own, with the engine ``auto`` picks: the same verdict and exit code."""
    result = _run(runner, folder)
    assert result.exit_code == _expected(folder)["exit_code"], result.output


@pytest.mark.parametrize("folder", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_input_exits_2_with_where(folder, runner):
    result = _run(runner, folder)
    assert result.exit_code == 2 and "Traceback" not in result.output
    (document,) = _documents(folder)
    assert _expected(folder)["error"] in result.output.replace(str(document), "<file>")


@pytest.mark.parametrize("folder", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_input_is_refused_the_same_when_parsed_into_oxigraph(folder, runner):
    result = _run(runner, folder, "--shacl-engine", "fast")
    assert result.exit_code == 2 and "Traceback" not in result.output
    (document,) = _documents(folder)
    assert _expected(folder)["error"] in result.output.replace(str(document), "<file>")


def test_both_engines_agree_on_the_hostile_cases(reports):
    """pyshacl (rdflib graphs) and the fast engine (files parsed straight into Oxigraph) find the same, down to the
    constraint component."""
    keys = ("focus", "path", "value", "component", "severity", "source", "file", "line")
    found = {engine: {tuple(_BLANK.sub("_:B", str(f[k] or "")) for k in keys) for f in findings}
             for engine, findings in reports.items()}
    assert len(found["fast"]) > 20
    assert found["fast"] == found["pyshacl"]
