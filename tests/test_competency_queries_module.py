"""kgserver.queries (named-query files: header, lookup, parameters, running) and the ``kgserver query`` verb."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kgserver.cli import cli
from kgserver.errors import InputError
from kgserver.queries import (
    NamedQuery,
    QueryNotFoundError,
    QuerySyntaxError,
    bind_params,
    find_query,
    parse_header,
    read_query,
    run_named_query,
    run_query,
    serialize,
)

EX = "http://example.org/"


@pytest.fixture(scope="module")
def small_store():
    store = ox.Store()
    for i, year in enumerate(("2016", "2017", "2018")):
        action = ox.NamedNode(f"{EX}a{i}")
        store.add(ox.Quad(action, ox.NamedNode(f"{EX}year"),
                          ox.Literal(year, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                          ox.NamedNode(f"{EX}g")))
        store.add(ox.Quad(action, ox.NamedNode(f"{EX}label"), ox.Literal(f"acció {i}", language="ca"),
                          ox.NamedNode(f"{EX}g")))
    return store


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_header_reads_grlc_yaml():
    text = ("#+ summary: Which actions run in a year?\n#+ tags:\n#+   - competency\n#+   - time\n"
            "#+ params:\n#+   year: {type: gYear, example: '2017'}\nSELECT * WHERE { ?s ?p ?o }\n")
    header = parse_header(text)
    assert header["summary"] == "Which actions run in a year?"
    assert header["tags"] == ["competency", "time"]
    assert header["params"]["year"]["type"] == "gYear"


def test_parse_header_without_header_is_empty():
    assert parse_header("SELECT * WHERE { ?s ?p ?o }") == {}


def test_parse_header_reports_the_line_of_a_yaml_error():
    with pytest.raises(QuerySyntaxError) as info:
        parse_header("#+ summary: ok\n#+ tags: [a, b\n#+ description: x\nSELECT * {}", "bad.rq")
    assert info.value.line is not None and info.value.line >= 2
    assert "bad.rq" in str(info.value) and "header" in str(info.value)


def test_parse_header_must_be_a_mapping():
    with pytest.raises(QuerySyntaxError):
        parse_header("#+ - just\n#+ - a list\nASK {}")


def test_find_query_by_exact_name_prefix_and_path():
    by_prefix = find_query("cq05")
    assert by_prefix.name.startswith("cq05-")
    assert find_query(by_prefix.name).path == by_prefix.path
    assert find_query(str(by_prefix.path)).text == by_prefix.text
    assert isinstance(by_prefix, NamedQuery)


def test_find_query_unknown_lists_the_known_names():
    with pytest.raises(QueryNotFoundError) as info:
        find_query("no-such-query")
    assert "cq01-" in str(info.value)
    assert info.value.exit_code == 2 and info.value.http_status == 404


def test_find_query_ambiguous_prefix_names_the_candidates():
    with pytest.raises(QueryNotFoundError) as info:
        find_query("cq1")
    assert "ambiguous" in str(info.value) and "cq11-" in str(info.value)


def test_find_query_missing_file_path(tmp_path):
    with pytest.raises(QueryNotFoundError):
        find_query(str(tmp_path / "missing.rq"))


def test_run_query_select_rows_are_terms(small_store):
    result = run_query(f"SELECT ?a ?y WHERE {{ ?a <{EX}year> ?y }} ORDER BY ?y", small_store)
    assert result.kind == "select" and result.variables == ["a", "y"]
    assert [row[1].value for row in result.rows] == ["2016", "2017", "2018"]


def test_run_query_ask(small_store):
    assert run_query(f"ASK {{ ?a <{EX}year> ?y }}", small_store).boolean is True


def test_run_query_syntax_error_has_line_and_column(small_store):
    with pytest.raises(QuerySyntaxError) as info:
        run_query("SELECT *\nWHERE {\n  ?s ?p \n}", small_store, source="q.rq")
    assert info.value.line is not None and info.value.column is not None
    assert str(info.value).startswith(f"q.rq:{info.value.line}:{info.value.column}:")
    assert isinstance(info.value, InputError)


def test_parameters_are_bound_as_typed_terms(tmp_path, small_store):
    path = write(tmp_path, "by-year.rq", (
        "#+ summary: Actions of a year\n#+ params:\n#+   year: {type: gYear, example: '2017'}\n"
        f"SELECT ?a WHERE {{ ?a <{EX}year> ?year }}\n"))
    query = read_query(path)
    assert [r[0].value for r in run_named_query(query, small_store, {"year": "2017"}).rows] == [f"{EX}a1"]
    terms = bind_params(query, {"year": "2018"})
    assert terms["year"].datatype.value.endswith("#gYear")


@pytest.mark.parametrize("values", [{"year": "twenty"}, {"month": "5"}])
def test_bad_or_undeclared_parameters_are_input_errors(tmp_path, values):
    path = write(tmp_path, "by-year.rq", "#+ params:\n#+   year: {type: gYear}\nSELECT * WHERE { ?a ?p ?year }\n")
    with pytest.raises(InputError):
        bind_params(read_query(path), values)


def test_parameters_bind_like_the_web_api(tmp_path):
    """The command line binds with the API's one type table: aliases, prefixed names, language tags."""
    from kgserver.namespaces import ID
    from kgserver.web.api import _normalise
    from kgserver.web.api import bind as api_bind

    path = write(tmp_path, "typed.rq", (
        "#+ params:\n#+   plan: {type: uri}\n#+   label: {type: langString}\n#+   n: {type: int}\n"
        "SELECT * WHERE { ?plan ?label ?n }\n"))
    query = read_query(path)
    values = {"plan": "esskg:plan/x", "label": "pla@ca", "n": "7"}
    terms = bind_params(query, values)
    assert terms == {"plan": ox.NamedNode(f"{ID}plan/x"), "label": ox.Literal("pla", language="ca"),
                     "n": ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    assert {p.name: api_bind(p, values[p.name]) for p in _normalise(query).params} == terms
    with pytest.raises(InputError, match="'plan': 'plan/x' is not an absolute IRI"):
        bind_params(query, {"plan": "plan/x"})


def test_serialize_json_and_csv(small_store):
    result = run_query(f"SELECT ?l WHERE {{ ?a <{EX}label> ?l }} ORDER BY ?l", small_store)
    data = json.loads(serialize(result, "json"))
    assert data["results"]["bindings"][0]["l"] == {"type": "literal", "value": "acció 0", "xml:lang": "ca"}
    rows = list(csv.reader(io.StringIO(serialize(result, "csv").decode("utf-8"))))
    assert rows[0] == ["l"] and rows[1] == ["acció 0"]
    with pytest.raises(InputError):
        serialize(result, "turtle")


def test_cli_table_is_aligned_with_a_row_count(runner):
    outcome = runner.invoke(cli, ["query", "cq06"])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert lines[0].strip() == "notation" and set(lines[1].strip()) == {"-"}
    assert lines[2:5] == ["L1", "L7", "L8"]
    assert lines[-1] == "(3 rows)"


def test_cli_csv(runner):
    outcome = runner.invoke(cli, ["query", "cq12", "--format", "csv"])
    assert outcome.exit_code == 0, outcome.output
    rows = list(csv.reader(io.StringIO(outcome.output)))
    assert rows[0] == ["year", "count"] and rows[1] == ["2016", "19"]


def test_cli_unknown_query_exits_2(runner):
    outcome = runner.invoke(cli, ["query", "cq99-nothing"])
    assert outcome.exit_code == 2
    assert "unknown query" in outcome.output and "Traceback" not in outcome.output


def test_cli_syntax_error_exits_2_with_position(runner, tmp_path):
    path = write(tmp_path, "broken.rq", "#+ summary: broken\nSELECT * WHERE {\n  ?s ?p\n")
    outcome = runner.invoke(cli, ["query", str(path)])
    assert outcome.exit_code == 2
    assert f"{path}:" in outcome.output and "Traceback" not in outcome.output


def test_cli_bad_param_syntax_exits_2(runner):
    outcome = runner.invoke(cli, ["query", "cq01", "--param", "novalue"])
    assert outcome.exit_code == 2 and "NAME=VALUE" in outcome.output


def test_a_parameter_value_cannot_inject_sparql(tmp_path, small_store):
    path = write(tmp_path, "by-label.rq", (
        "#+ params:\n#+   label: {type: string, lang: ca}\n"
        f"SELECT ?a WHERE {{ ?a <{EX}label> ?label }}\n"))
    query = read_query(path)
    assert len(run_named_query(query, small_store, {"label": "acció 1"}).rows) == 1
    hostile = 'x"@ca) } ?a ?p ?o . VALUES (?label) { ("y'
    assert run_named_query(query, small_store, {"label": hostile}).rows == []
