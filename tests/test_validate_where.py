"""Findings that say where and why: file:line in every format, "did you mean", causes before effects,
and ``validate --shapes --no-bundle`` (plain SHACL of any data against any shapes)."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kgserver.cli import cli

# each contribution is validated once for test_validate_contributions.py and test_validate_where.py together
# (the tests read its JSON, JUnit and Catalan reports): both modules run on one worker
pytestmark = [pytest.mark.usefixtures("shared_validations"), pytest.mark.xdist_group("contributions")]

ROOT = Path(__file__).parent.parent
CASES = Path(__file__).parent / "contributions"
W3C = Path(__file__).parent / "w3c-shacl" / "core"


def _json(runner, *args) -> dict:
    result = runner.invoke(cli, ["validate", "--format", "json", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@pytest.mark.parametrize("case, focus, line", [
    ("b40-property-typo/contribution.ttl", "esskg:measure/pla-impuls-ess-2016-2019-11", 4),
    ("b37-year-int/contribution.nt", "esskg:action/pla-impuls-ess-2016-2019-11-3", 1),
    ("b42-dangling/contribution.rdf", "esskg:entity/cooperativa-la-fageda-bcn", 6),
    ("b59-label-plain/contribution.jsonld", "esskg:entity/coop-del-mar", 4),
    ("b74-plan-and-superclass/contribution.ttl", "esskg:plan/estrategia-ess-terrassa-2030", 8),
    ("b75-goal-number-twice-n3/contribution.n3", "esskg:goal/estrategia-ess-terrassa-2030-8-1-bis", 23),
], ids=lambda v: str(v).split("/")[0])
def test_findings_name_the_line(runner, case, focus, line):
    report = _json(runner, CASES / case)
    lines = {f["line"] for f in report["findings"] if f["focus"] == focus and f["severity"] == "Violation"}
    assert lines == {line}
    text = (CASES / case).read_text(encoding="utf-8").splitlines()[line - 1]
    assert focus.split("/", 1)[1] in text  # the line is where the resource's description starts


def test_nquads_lines(runner, tmp_path):
    document = tmp_path / "c.nq"
    document.write_text(
        "<https://w3id.org/esskg/id/entity/x> <http://www.w3.org/2000/01/rdf-schema#label> \"X\"@ca <urn:g> .\n"
        "<https://w3id.org/esskg/id/entity/y> <https://w3id.org/esskg/ontology#memberOf> "
        "<https://w3id.org/esskg/id/entity/x> <urn:g> .\n", encoding="utf-8")
    report = _json(runner, document)
    assert {f["focus"]: f["line"] for f in report["findings"]} == {"esskg:entity/x": 1, "esskg:entity/y": 2}


def test_junit_carries_file_and_line(runner):
    document = CASES / "b74-plan-and-superclass" / "contribution.ttl"
    result = runner.invoke(cli, ["validate", "--format", "junit", str(document)])
    assert result.exit_code == 1
    (case,) = [c for c in ET.fromstring(result.output).iter("testcase") if c.find("failure") is not None]
    assert case.get("file") == str(document) and case.get("line") == "8"
    assert case.find("failure").get("message").startswith(f"{document}:8: ")


@pytest.mark.parametrize("case, hint", [
    ("b40-property-typo/contribution.ttl", "Did you mean ess:hasAction?"),
    ("b57-class-case/contribution.ttl", "Did you mean ess:Organization?"),
    ("b42-dangling/contribution.rdf", "Did you mean esskg:entity/"),
], ids=lambda v: str(v).split("/")[0])
def test_did_you_mean(runner, case, hint):
    messages = [f["message"] for f in _json(runner, CASES / case)["findings"] if f["severity"] == "Violation"]
    assert any(hint in m for m in messages), messages


def test_a_typo_in_a_class_comes_first_and_the_rest_follows_from_it(runner, tmp_path):
    template = (ROOT / "templates" / "plan-template.ttl").read_text(encoding="utf-8")
    document = tmp_path / "plan.ttl"
    document.write_text(template.replace("a ess:Measure", "a ess:Mesure", 1), encoding="utf-8")
    findings = [f for f in _json(runner, document)["findings"] if f["severity"] == "Violation"]
    assert findings[0]["value"] == "ess:Mesure" and findings[0]["cause"] is None
    assert "Did you mean ess:Measure?" in findings[0]["message"]
    assert len(findings) > 3
    assert all(f["cause"] and "ess:Mesure" in f["cause"] for f in findings[1:] if f["value"] != "ess:Mesure")


def test_shapes_and_no_bundle_go_together(runner):
    data = W3C / "node" / "class-001.ttl"
    result = runner.invoke(cli, ["validate", str(data), "--shapes", str(data)])
    assert result.exit_code == 2 and "--no-bundle" in result.output


def test_no_bundle_refuses_what_the_fast_engine_does_not_support_by_name(runner, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { }" ] .""")
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> a <http://example.org/C> .")
    result = runner.invoke(cli, ["validate", str(data), "--shapes", str(shapes), "--no-bundle", "--shacl-engine", "fast"])
    assert result.exit_code == 2 and "sh:sparql" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["validate", str(data), "--shapes", str(shapes), "--no-bundle", "--shacl-engine", "pyshacl"])
    assert result.exit_code == 1, result.output  # pyshacl runs SHACL-SPARQL: every row is a result


def test_progress_only_on_a_terminal(monkeypatch):
    import sys

    from kgserver.commands.validate import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert _progress() is None


def test_trig_lines_inside_a_graph(runner, tmp_path):
    document = tmp_path / "c.trig"
    document.write_text("""@base <https://w3id.org/esskg/id/> .
@prefix ess: <https://w3id.org/esskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/esskg/graph/x> {
    <entity/a> a ess:Organization ;
        rdfs:label "Entitat A"@ca .

    <entity/b> a ess:Organisation ;
        rdfs:label "Entitat B"@ca .
}
""", encoding="utf-8")
    report = _json(runner, document)
    typo = [f for f in report["findings"] if f["value"] == "ess:Organisation"]
    assert typo and {f["line"] for f in typo} == {8}
    assert "Did you mean ess:Organization?" in typo[0]["message"]


def test_progress_on_a_terminal(monkeypatch):
    import io
    import sys

    from kgserver.commands.validate import _progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    show = _progress()
    show(1, 2)
    show(2, 2)
    assert terminal.getvalue() == "\rvalidating: 1/2 steps\rvalidating: 2/2 steps\n"


def test_progress_reaches_the_fast_engine(tmp_path):
    from kgserver.validation.engine import validate_paths

    calls = []
    document = CASES / "b74-plan-and-superclass" / "contribution.ttl"
    validate_paths([document], shacl_engine="fast", consistency=False, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] > 100
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)  # the checks and the rest count too
    assert len({total for _, total in calls}) == 1 and len(calls) > 120


#: Lexical forms of the Gregorian datatypes (XSD 1.1 part 2, 3.3.11-15): which are in the lexical space.
GREGORIAN_FORMS = [
    ("gYear", "2022", True), ("gYear", "+2022", False), ("gYear", "-0044", True), ("gYear", "12345", True),
    ("gYear", "022", False), ("gYear", "02022", False), ("gYear", "2022Z", True), ("gYear", "2022+14:00", True),
    ("gYear", "2022+14:30", False), ("gYear", "MMXXII", False), ("gYearMonth", "2022-02", True),
    ("gYearMonth", "2022-13", False), ("gMonthDay", "--02-29", True), ("gMonthDay", "--02-30", False),
    ("gMonthDay", "--04-31", False), ("gDay", "---31", True), ("gDay", "---32", False), ("gMonth", "--12", True),
    ("gMonth", "--12--", False),
]


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_both_engines_check_the_lexical_form_of_gregorian_datatypes(runner, tmp_path, engine):
    """rdflib leaves these literals unchecked; both engines must still find the ill-typed ones (sh:datatype)."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                      + "".join(f"<http://example.org/S-{dt}> a sh:NodeShape ; sh:targetSubjectsOf <http://example.org/{dt}> ;"
                                f" sh:property [ sh:path <http://example.org/{dt}> ; sh:datatype xsd:{dt} ] .\n"
                                for dt in {dt for dt, _, _ in GREGORIAN_FORMS}))
    data = tmp_path / "data.nt"
    data.write_text("".join(f'<http://example.org/n{i}> <http://example.org/{dt}> "{lexical}"'
                            f"^^<http://www.w3.org/2001/XMLSchema#{dt}> .\n"
                            for i, (dt, lexical, _) in enumerate(GREGORIAN_FORMS)))
    report = _json(runner, data, "--shapes", shapes, "--no-bundle", "--shacl-engine", engine)
    wrong = {f["focus"] for f in report["findings"] if f["component"] == "sh:DatatypeConstraintComponent"}
    assert wrong == {f"<http://example.org/n{i}>" for i, (_, _, valid) in enumerate(GREGORIAN_FORMS) if not valid}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_json_report_written_in_pieces_is_the_whole_document(count):
    """``iter_json`` (what the command writes, one finding at a time) gives the text of the report's dict."""
    from kgserver.namespaces import PREFIXES, SHAPES
    from kgserver.validation.render import iter_json
    from kgserver.validation.report import Finding, Report

    findings = [Finding("Violation", f"esskg:entity/x{i}", "rdfs:label", '"a\\nb"@ca', {"en": "línia\nsegona"},
                        "shapes:Resource-label-ca", file="c.ttl", line=i) for i in range(count)]
    report = Report(findings=findings, files=["c.ttl"], triples=5)
    whole = report.to_dict()
    whole["prefixes"] = {**PREFIXES, "shapes": str(SHAPES)}
    text = "".join(iter_json(report))
    assert text == json.dumps(whole, ensure_ascii=False, indent=2)
    assert len(json.loads(text)["findings"]) == count


@pytest.mark.parametrize("base", ["https://w3id.org/esskg/id/", "https://w3id.org/esskg/id/entity/x", "https://ex.org",
                                  "https://ex.org/a/b?q=1", "file:///tmp/a/c.jsonld", "https://ex.org/#top"])
def test_relative_iris_resolve_as_urljoin_does(base):
    """The shortcut for plain relative paths in lines.py gives what urljoin gives (and keeps an empty fragment)."""
    from urllib.parse import urljoin

    from kgserver.validation.lines import _resolve

    for iri in ["plan/x", "x", "a/b/c", "../x", "./x", "x/../y", "?q", "#f", "/abs", "a%20b", "é/ü", "ns#"]:
        expected = urljoin(base, iri)
        expected += "#" if iri.endswith("#") and not expected.endswith("#") else ""
        assert _resolve(base, iri) == expected, iri
