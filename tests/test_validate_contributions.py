"""Contributions nobody here wrote: realistic files, valid and broken, with the report they must get.

``tests/contributions/<case>/`` holds one contributed document (``contribution.ttl``, ``.nt``,
``.nq``, ``.jsonld`` or ``.rdf``), written as a municipality or a researcher would, and
``expected.json``: the exit code of ``kgserver validate``, and either the error it prints (exit 2,
``<file>`` standing for the document's path) or the exact set of violations (focus, property,
value, shape or check).  The set is exact both ways: a missed problem fails, and so does a false
positive.  Cases whose name starts with ``v`` (or ``01``) are valid and must have no violation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kgserver.cli import cli

# each contribution is validated once for test_validate_contributions.py and test_validate_where.py together
# (the tests read its JSON, JUnit and Catalan reports): both modules run on one worker
pytestmark = [pytest.mark.usefixtures("shared_validations"), pytest.mark.xdist_group("contributions")]

FIXTURES = Path(__file__).parent / "contributions"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "expected.json").exists())


def _document(folder: Path) -> Path:
    (document,) = [p for p in folder.iterdir() if p.name.startswith("contribution.")]
    return document


def _expected(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def _normalise(text: str | None, folder: Path) -> str | None:
    """Replace what changes from run to run by placeholders: blank node labels (``_:BNODE``) and the
    case folder's file: IRI (JSON-LD relative @ids resolve against it, ``file://<folder>/``)."""
    if text is None:
        return None
    return re.sub(r"_:\w+", "_:BNODE", text.replace(folder.resolve().as_uri() + "/", "file://<folder>/"))


def test_cases_exist():
    assert len(CASES) >= 30
    codes = [_expected(folder)["exit_code"] for folder in CASES]
    assert codes.count(0) >= 10 and codes.count(1) >= 20 and codes.count(2) >= 5
    assert {_document(folder).suffix for folder in CASES} >= {".ttl", ".nt", ".jsonld", ".rdf", ".n3"}


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_contribution_gets_the_expected_report(folder, runner):
    expected = _expected(folder)
    document = _document(folder)
    result = runner.invoke(cli, ["validate", "--format", "json", str(document)])
    assert result.exit_code == expected["exit_code"], result.output
    if expected["exit_code"] == 2:
        assert "Traceback" not in result.output
        assert expected["error"] in result.output.replace(str(document), "<file>")
        return
    report = json.loads(result.output)
    violations = [f for f in report["findings"] if f["severity"] == "Violation"]
    found = {
        (_normalise(f["focus"], folder), f["path"], _normalise(f["value"], folder), f["source"]) for f in violations
    }
    assert found == {(v["focus"], v["path"], v["value"], v["source"]) for v in expected["violations"]}
    for finding in report["findings"]:
        assert finding["file"] == str(document)
        assert finding["message"] and finding["focus"]
    if folder.name.startswith(("v", "01")):
        assert report["conforms"] is True and expected["violations"] == []


BROKEN = [p for p in CASES if _expected(p)["exit_code"] == 1]


@pytest.mark.parametrize("folder", BROKEN[:6], ids=[p.name for p in BROKEN[:6]])
def test_junit_and_catalan_report_the_same_resources(folder, runner):
    document = _document(folder)
    result = runner.invoke(cli, ["validate", "--format", "junit", "--lang", "ca", str(document)])
    assert result.exit_code == 1
    suites = ET.fromstring(result.output)
    failing = {case.get("name") for case in suites.iter("testcase") if case.find("failure") is not None}
    assert {v["focus"] for v in _expected(folder)["violations"]} <= failing


_MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".nq": "application/n-quads",
                ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml", ".n3": "text/n3"}
OVER_HTTP = [p for p in CASES if p.name in {
    "01-valid-sabadell", "b04-year-outside", "b21-redefine-ontology", "b26-duplicate-label-entity",
    "b39-label-nolang", "b41-syntax-line", "b33-remote-context", "v32-neighbourhood",
    "b75-goal-number-twice-n3", "b77-control-characters"}]


def test_http_cases_exist():
    assert len(OVER_HTTP) == 10


@pytest.mark.parametrize("folder", OVER_HTTP, ids=[p.name for p in OVER_HTTP])
def test_post_validate_gives_the_same_violations(folder, client):
    expected = _expected(folder)
    document = _document(folder)
    response = client.post("/validate", data=document.read_bytes(), content_type=_MEDIA_TYPES[document.suffix])
    if expected["exit_code"] == 2:
        assert response.status_code == 400
        assert response.get_json()["error"]
        return
    assert response.status_code == 200
    data = response.get_json()
    found = {(f["focus"], f["path"], f["value"], f["source"]) for f in data["findings"] if f["severity"] == "Violation"}
    assert found == {(v["focus"], v["path"], v["value"], v["source"]) for v in expected["violations"]}
    assert data["conforms"] is (expected["exit_code"] == 0)


def test_both_shacl_engines_agree_on_every_contribution(runner):
    """pyshacl and the fast engine give the same findings (down to the constraint component) on all the contributions that parse, validated
    together in one run per engine (cases that overlap make more findings, the same for both)."""
    documents = [str(_document(folder)) for folder in CASES if _expected(folder)["exit_code"] != 2]
    reports = {}
    for engine in ("pyshacl", "fast"):
        result = runner.invoke(cli, ["validate", "--format", "json", "--shacl-engine", engine, *documents])
        assert result.exit_code == 1, result.output
        blank = re.compile(r"_:\w+")  # blank node labels change from parse to parse
        reports[engine] = {tuple(blank.sub("_:B", f[k] or "") for k in ("focus", "path", "value", "component", "severity", "source"))
                           for f in json.loads(result.output)["findings"]}
    assert len(reports["fast"]) > 50
    assert reports["fast"] == reports["pyshacl"]
