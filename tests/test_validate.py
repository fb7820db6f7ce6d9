"""``kgserver validate``: exit codes, reports, formats, and contributions broken in typical ways."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kgserver.cli import cli
from kgserver.validation import engine
from kgserver.validation.engine import validate_paths

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "plan-template.ttl"


def run(runner, *args):
    return runner.invoke(cli, ["validate", *map(str, args)])


# a file validated by several tests here (or the bundle) is validated once: the tests only read its report
pytestmark = pytest.mark.usefixtures("shared_validations")


def write(tmp_path: Path, text: str, name: str = "contribution.ttl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_graph_conforms():
    report = engine.validate_paths()  # the bundle's report, shared with test_no_path_validates_the_bundle
    violations = [f"{f.file}: {f.focus} {f.path} {f.value}: {f.message()}" for f in report.findings if f.severity == "Violation"]
    assert violations == []
    assert report.triples > 0


def test_no_path_validates_the_bundle(runner):
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert "Conforms." in result.output


def test_template_validates_as_it_stands(runner):
    result = run(runner, "--strict", TEMPLATE)
    assert result.exit_code == 0, result.output


def test_syntax_error_reports_file_line_column_and_exit_2(runner, tmp_path):
    good = write(tmp_path, TEMPLATE.read_text(encoding="utf-8"), "a-good.ttl")
    bad = write(tmp_path, '@prefix ess: <https://w3id.org/esskg/ontology#> .\n\n<https://w3id.org/esskg/id/plan/x> a ess:Plan ;\n    ess:startYear "2020 .\n', "b-bad.ttl")
    result = run(runner, good, bad)
    assert result.exit_code == 2
    assert f"{bad}:4:" in result.output
    assert "violation" not in result.output.lower()


def test_folder_with_a_broken_file_loads_nothing(runner, tmp_path):
    write(tmp_path, TEMPLATE.read_text(encoding="utf-8"), "a.ttl")
    write(tmp_path, "<a> <b> .", "b.nt")
    result = run(runner, tmp_path)
    assert result.exit_code == 2
    assert "b.nt:1:" in result.output


@pytest.mark.parametrize("args", [["/no/such/file.ttl"], ["--format", "yaml"]], ids=["missing-file", "bad-option"])
def test_could_not_run_is_exit_2(runner, args):
    assert run(runner, *args).exit_code == 2


def test_folder_without_rdf_is_exit_2(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    result = run(runner, tmp_path)
    assert result.exit_code == 2
    assert "no RDF file" in result.output


def test_help_documents_exit_codes(runner):
    result = run(runner, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "0 the data conforms" in text and "1 it does not conform" in text
    assert "2 the validation could not run" in text


BROKEN = TEMPLATE.read_text(encoding="utf-8").replace(
    '<action/pla-exemple-ess-2025-2027-1-1>\n    a ess:Action ;', '<action/pla-exemple-ess-2025-2027-1-1>\n    a ess:Action ;\n    ess:activeYear "2031"^^xsd:gYear ;'
)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """BROKEN written once for the module: the tests below read one report of it in each format."""
    return write(tmp_path_factory.mktemp("broken"), BROKEN)


def test_report_names_file_resource_property_and_message(runner, broken):
    path = broken
    result = run(runner, path)
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "esskg:action/pla-exemple-ess-2025-2027-1-1" in result.output
    assert 'ess:activeYear = "2031"^^xsd:gYear' in result.output
    assert "outside the period" in result.output
    assert "Does not conform." in result.output


@pytest.mark.parametrize(("lang", "words"), [("ca", "fora del període"), ("es", "fuera del período"), ("en", "outside the period")])
def test_messages_in_the_asked_language(runner, broken, lang, words):
    result = run(runner, "--lang", lang, broken)
    assert words in result.output


def test_json_report(runner, broken):
    path = broken
    result = run(runner, "--format", "json", path)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["conforms"] is False and data["files"] == [str(path)]
    finding = next(f for f in data["findings"] if f["source"] == "checks/year-within-period.rq")
    assert finding["file"] == str(path)
    assert finding["focus"] == "esskg:action/pla-exemple-ess-2025-2027-1-1"
    assert finding["path"] == "ess:activeYear" and finding["severity"] == "Violation"
    assert "2025–2027" in finding["message"] and PLAN in finding["message"]
    assert data["prefixes"]["esskg"] == "https://w3id.org/esskg/id/"


def test_junit_report(runner, broken):
    result = run(runner, "--format", "junit", broken)
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites" and int(root.get("failures")) == 1
    failure = root.find(".//testcase/failure")
    assert "outside the period" in failure.text


def test_junit_report_of_a_conforming_file(runner):
    result = run(runner, "--format", "junit", TEMPLATE)
    assert result.exit_code == 0
    assert ET.fromstring(result.output).get("failures") == "0"


def test_warnings_fail_only_when_strict(runner, tmp_path):
    text = TEMPLATE.read_text(encoding="utf-8").replace('        "Example measure to strengthen ethical finance"@en ;\n', "")
    text = text.replace('        "Medida de ejemplo para reforzar las finanzas éticas"@es ,\n', '        "Medida de ejemplo para reforzar las finanzas éticas"@es ;\n')
    path = write(tmp_path, text)
    assert run(runner, path).exit_code == 0
    result = run(runner, "--strict", path)
    assert result.exit_code == 1
    assert "shapes:Resource-label-en" in result.output


def test_text_is_coloured_on_a_terminal(broken, runner):
    result = runner.invoke(cli, ["validate", str(broken)], color=True)
    assert "\x1b[" in result.output
    assert "\x1b[" not in run(runner, broken).output


def test_links_to_existing_resources_count(tmp_path, bundled_graph):
    """A contribution may link to any bundled resource, and is only judged on what it describes."""
    from rdflib.namespace import RDF

    from kgserver.namespaces import ESS

    territory = next(iter(bundled_graph.subjects(RDF.type, ESS.Municipality)))
    text = TEMPLATE.read_text(encoding="utf-8").replace("<territory/barcelona>", f"<{territory}>")
    report = validate_paths([write(tmp_path, text)])
    assert report.findings == []


# Contributions broken the way a contributor breaks them: (mutation of the template, focus, path, source).
def _mutate(old: str, new: str) -> str:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


MEASURE = "esskg:measure/pla-exemple-ess-2025-2027-1"
ACTION = "esskg:action/pla-exemple-ess-2025-2027-1-1"
PLAN = "esskg:plan/pla-exemple-ess-2025-2027"
CASES = {
    "year-as-plain-string": (_mutate('"2025"^^xsd:gYear , "2027"', '"2025" , "2027"'), ACTION, "ess:activeYear", "shapes:activeYear-datatype"),
    "year-as-integer": (_mutate('ess:startYear "2025"^^xsd:gYear', 'ess:startYear 2025'), PLAN, "ess:startYear", "shapes:startYear-datatype"),
    "missing-catalan-label": (_mutate('"Mesura d\'exemple per enfortir les finances ètiques"@ca ,\n', ""), MEASURE, "rdfs:label", "shapes:Resource-label-ca"),
    "wrong-language-tag": (_mutate('"Mesura d\'exemple per enfortir les finances ètiques"@ca', '"Mesura d\'exemple per enfortir les finances ètiques"@cat'), MEASURE, "rdfs:label", "shapes:Resource-label-language"),
    "plain-string-label": (_mutate('"Mesura d\'exemple per enfortir les finances ètiques"@ca', '"Mesura d\'exemple per enfortir les finances ètiques"'), MEASURE, "rdfs:label", "shapes:Resource-label-datatype"),
    "link-to-undescribed-iri": (_mutate("ess:ledBy <entity/ajuntament-de-barcelona>", "ess:ledBy <entity/ajuntament-barcelona>"), ACTION, "ess:ledBy", "checks/dangling-link.rq"),
    "year-outside-plan": (_mutate('"2025"^^xsd:gYear , "2027"', '"2025"^^xsd:gYear , "2029"'), ACTION, "ess:activeYear", "checks/year-within-period.rq"),
    "period-reversed": (_mutate('ess:endYear "2027"', 'ess:endYear "2024"'), PLAN, "ess:endYear", "checks/period-order.rq"),
    "duplicate-measure-number": (_mutate("ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> ;", "ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> , <measure/pla-exemple-ess-2025-2027-2> ;")
                                 + '<measure/pla-exemple-ess-2025-2027-2> a ess:Measure ;\n    rdfs:label "Una altra mesura"@ca ;\n    skos:notation "1" .\n',
                                 MEASURE, "skos:notation", "checks/measure-number-unique.rq"),
    "typo-in-class": (_mutate("a ess:Measure ;", "a ess:Mesure ;"), MEASURE, "rdf:type", "checks/undeclared-term.rq"),
    "typo-in-property": (_mutate("ess:hasAction\n", "ess:hasActions\n"), MEASURE, "ess:hasActions", "checks/undeclared-term.rq"),
    "typo-in-rdfs-property": (_mutate("    skos:notation \"1\" ;", "    skos:notation \"1\" ;\n    rdfs:lable \"x\"@ca ;"), MEASURE, "rdfs:lable", "vocabulary-terms"),
    "literal-instead-of-iri": (_mutate("ess:appliesTo <territory/barcelona> ;", 'ess:appliesTo "Barcelona" ;'), PLAN, "ess:appliesTo", "shapes:appliesTo-class"),
    "link-to-wrong-class": (_mutate("ess:appliesTo <territory/barcelona> ;", "ess:appliesTo <entity/ajuntament-de-barcelona> ;"), PLAN, "ess:appliesTo", "shapes:appliesTo-class"),
    "orphan-action": (_mutate("        <action/pla-exemple-ess-2025-2027-1-1> ,\n", ""), ACTION, "^ess:hasAction|ess:isActionOf|^ess:hasSubComponent|ess:isSubComponentOf|^ess:hasSubItem|ess:isSubItemOf", "shapes:Action-parent"),
    "duplicate-of-existing-entity": (TEMPLATE.read_text(encoding="utf-8") + '<entity/ajuntament-bcn> a ess:PublicAdministration ;\n    rdfs:label "Ajuntament de Barcelona"@ca .\n',
                                     "esskg:entity/ajuntament-bcn", "rdfs:label", "checks/duplicate-label.rq"),
    "notation-with-language": (_mutate('skos:notation "1" ;', 'skos:notation "1"@ca ;'), MEASURE, "skos:notation", "shapes:notation-datatype"),
    "no-class": (_mutate("<measure/pla-exemple-ess-2025-2027-1>\n    a ess:Measure ;", "<measure/pla-exemple-ess-2025-2027-1>"), MEASURE, "rdf:type", "checks/untyped-resource.rq"),
    "wrong-ontology-namespace": (_mutate("<measure/pla-exemple-ess-2025-2027-1>\n    a ess:Measure ;", "<measure/pla-exemple-ess-2025-2027-1>\n    a <https://w3id.org/esskg/ontology/Measure> ;"),
                                 MEASURE, "rdf:type", "checks/undeclared-term.rq"),
    "iri-in-wrong-folder": (_mutate("ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> ;", "ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> , <action/pla-exemple-ess-2025-2027-m2> ;")
                            + '<action/pla-exemple-ess-2025-2027-m2> a ess:Measure ;\n    rdfs:label "Mesura mal anomenada"@ca ;\n    skos:notation "2" .\n',
                            "esskg:action/pla-exemple-ess-2025-2027-m2", "rdf:type", "checks/iri-pattern.rq"),
    "label-with-trailing-space": (_mutate('"Mesura d\'exemple per enfortir les finances ètiques"@ca', '"Mesura d\'exemple per enfortir les finances ètiques "@ca'), MEASURE, "rdfs:label", "shapes:Resource-label-format"),
    "two-parents": (_mutate("ess:hasSection <section/pla-exemple-ess-2025-2027-finances-etiques> ;", "ess:hasSection <section/pla-exemple-ess-2025-2027-finances-etiques> ;\n    ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> ;"),
                    MEASURE, "^ess:hasMeasure|ess:isMeasureOf", "shapes:Measure-parent"),
    "territory-cycle": (TEMPLATE.read_text(encoding="utf-8") + "<territory/barcelona> ess:withinTerritory <territory/barcelona> .\n",
                        "esskg:territory/barcelona", "ess:withinTerritory", "checks/territory-cycle.rq"),
}


@pytest.mark.parametrize("case", sorted(CASES), ids=sorted(CASES))
def test_broken_contribution_is_pointed_at(runner, tmp_path, case):
    text, focus, path, source = CASES[case]
    contribution = write(tmp_path, text)
    result = run(runner, "--format", "json", contribution)
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    assert any(f["focus"] == focus and f["path"] == path and f["source"] == source and f["file"] == str(contribution)
               for f in findings), [(f["focus"], f["path"], f["source"]) for f in findings]


def test_broken_cases_exist():
    assert len(CASES) >= 10


def test_other_rdf_syntaxes(runner, tmp_path):
    """N-Triples, JSON-LD and RDF/XML contributions are read and judged the same way."""
    iri = "https://w3id.org/esskg/id/project/prova"
    ess = "https://w3id.org/esskg/ontology#"
    nt = write(tmp_path, f'<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ess}Project> .\n', "p.nt")
    jsonld = write(tmp_path, json.dumps({"@id": iri + "2", "@type": ess + "Project"}), "p.jsonld")
    rdfxml = write(tmp_path, f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                   f'<rdf:Description rdf:about="{iri}3"><rdf:type rdf:resource="{ess}Project"/></rdf:Description>\n</rdf:RDF>\n', "p.rdf")
    result = run(runner, "--format", "json", nt, jsonld, rdfxml)
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    missing_label = {f["file"] for f in findings if f["source"] == "shapes:Resource-label-ca"}
    assert missing_label == {str(nt), str(jsonld), str(rdfxml)}


def test_blank_node_resources_are_reported(runner, tmp_path):
    """A JSON-LD resource without "@id" is a blank node: it is judged, and told to get an IRI."""
    doc = {"@context": {"ess": "https://w3id.org/esskg/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
           "@type": "ess:Project", "rdfs:label": {"@value": "Projecte sense IRI", "@language": "ca"}}
    path = write(tmp_path, json.dumps(doc), "p.jsonld")
    result = run(runner, "--format", "json", path)
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert any(f["source"] == "checks/iri-pattern.rq" and f["focus"].startswith("_:") and f["file"] == str(path) for f in findings)


def test_property_from_an_unknown_namespace_is_a_warning(runner, tmp_path):
    text = _mutate('skos:notation "1" ;', '<http://www.w3.org/2004/02/skos/core/notation> "1" ;')
    result = run(runner, "--format", "json", write(tmp_path, text))
    findings = json.loads(result.output)["findings"]
    assert any(f["source"] == "vocabulary-terms" and f["severity"] == "Warning" and f["focus"] == MEASURE for f in findings)


def test_text_report_groups_by_file_and_resource(runner, tmp_path):
    result = run(runner, write(tmp_path, CASES["typo-in-class"][0]))
    lines = result.output.splitlines()
    assert lines[0] == str(tmp_path / "contribution.ttl")
    # the resource, with the line its description starts on
    assert any(re.fullmatch(r"  esskg:measure/pla-exemple-ess-2025-2027-1  \(.*contribution\.ttl:\d+\)", line)
               for line in lines)
    # findings under their resource; those that follow from the typo one step further in
    assert all(re.match(r"^(  \S|    \S|      \S|        \S|          \S)", line) for line in lines[1:-2] if line)


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_engine_option(runner, tmp_path, engine):
    result = run(runner, "--engine", engine, "--format", "json", write(tmp_path, CASES["missing-catalan-label"][0]))
    assert result.exit_code == 1
    assert any(f["source"] == "shapes:Resource-label-ca" for f in json.loads(result.output)["findings"])


def test_empty_document_is_exit_2(runner, tmp_path):
    result = run(runner, write(tmp_path, "# nothing yet\n"))
    assert result.exit_code == 2 and "holds no triple" in result.output


def test_jsonld_relative_ids_are_not_dropped(runner, tmp_path):
    path = write(tmp_path, json.dumps({"@id": "plan/x", "@type": "https://w3id.org/esskg/ontology#Plan"}), "p.jsonld")
    result = run(runner, "--format", "json", path)
    assert result.exit_code == 1
    assert any(f["source"] == "checks/iri-pattern.rq" for f in json.loads(result.output)["findings"])


def test_owl_contradictions_are_reported(runner, tmp_path):
    """The reasoner's consistency check runs too: a measure of two sections breaks a functional property."""
    text = _mutate("ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> ;",
                   "ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> ;\n    ess:hasSubItem <section/pla-exemple-ess-2025-2027-b> ;")
    text += ('<section/pla-exemple-ess-2025-2027-b> a ess:PlanSection ;\n    rdfs:label "Secció B"@ca ;\n'
             "    ess:hasMeasure <measure/pla-exemple-ess-2025-2027-1> .\n")
    result = run(runner, "--format", "json", write(tmp_path, text))
    findings = json.loads(result.output)["findings"]
    assert result.exit_code == 1
    assert any(f["source"] == "reasoning/prp-fp" and f["focus"] == MEASURE and f["path"] == "ess:isMeasureOf" for f in findings)


def test_validations_in_one_process_do_not_see_each_other(tmp_path):
    """The store holding the bundle is reused between validations, never a contribution's triples:
    a contribution describing the territory b09 misspells does not make b09's link resolve later."""
    typo = ROOT / "tests" / "contributions" / "b09-dangling-typo" / "contribution.ttl"
    fix = tmp_path / "sabadel.ttl"
    fix.write_text("@prefix ess: <https://w3id.org/esskg/ontology#> .\n"
                   "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                   "<https://w3id.org/esskg/id/territory/sabadel> a ess:Municipality ;\n"
                   '    rdfs:label "Sabadel"@ca , "Sabadel"@es , "Sabadel"@en .\n', encoding="utf-8")

    def dangling(report):
        return [(f.focus, f.value) for f in report.findings if f.source == "checks/dangling-link.rq"]

    before = validate_paths([typo])
    assert dangling(before) == [("esskg:plan/pla-ess-sabadell-2022-2025", "esskg:territory/sabadel")]
    assert dangling(validate_paths([typo, fix])) == []  # together, the link resolves
    after = validate_paths([typo])
    assert dangling(after) == dangling(before)
    assert [f.key() for f in after.findings] == [f.key() for f in before.findings]
