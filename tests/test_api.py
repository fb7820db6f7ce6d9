"""The named-query API: typed parameters, results as JSON or CSV, OpenAPI, SPARQL examples."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest
from openapi_spec_validator import validate
from rdflib import Graph, Namespace, URIRef

from kgserver import bundle
from kgserver.namespaces import ESS
from kgserver.web.api import NamedQuery, Param, ParamError, bind, load_named_queries

SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
QUERY_FILES = bundle.query_files()
BUNDLED = load_named_queries()

#: Synthetic queries whose parameters cover the types; used with the real store.
YEAR_QUERY = NamedQuery(
    name="test-actions-in-year",
    text=f"#+ summary: Actions in a year\nPREFIX ess: <{ESS}>\n"
         "SELECT ?action WHERE { ?action ess:activeYear ?year } ORDER BY ?action",
    summary="Actions active in a year", tags=["test"],
    params=[Param("year", "gYear", "the year", "2018")],
)
PARTS_QUERY = NamedQuery(
    name="test-parts",
    text=f"PREFIX ess: <{ESS}>\nSELECT ?part ?plan WHERE {{ ?part ess:isPartOfPlan ?plan }} ORDER BY ?part",
    params=[Param("plan", "iri", "a plan", "esskg:plan/pla-impuls-ess-2016-2019")],
)


@pytest.fixture()
def synthetic(app, monkeypatch):
    """Serve the synthetic queries (instead of the bundled ones) for one test."""
    monkeypatch.setitem(app.extensions["kgserver.api"], "queries",
                        {YEAR_QUERY.name: YEAR_QUERY, PARTS_QUERY.name: PARTS_QUERY})


def test_bundled_queries_are_served():
    assert QUERY_FILES, "no named queries in queries/"
    assert len(BUNDLED) == len(QUERY_FILES)


@pytest.mark.parametrize("name", sorted(BUNDLED), ids=sorted(BUNDLED))
def test_bundled_query_answers_with_its_examples(client, name):
    query = BUNDLED[name]
    args = {p.name: p.example for p in query.params if p.example is not None}
    missing = [p.name for p in query.params if p.required and p.example is None]
    assert not missing, f"{name}: required parameters without an example: {missing}"
    response = client.get(f"/api/queries/{name}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype in ("application/sparql-results+json", "text/turtle")
    if query.params and any(p.required for p in query.params):
        assert client.get(f"/api/queries/{name}").status_code == 400


def test_openapi_is_valid(client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    assert set(document["paths"]) == {f"/api/queries/{name}" for name in BUNDLED}


def test_openapi_documents_typed_parameters(client, synthetic):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    parameter = document["paths"]["/api/queries/test-actions-in-year"]["get"]["parameters"][0]
    assert parameter["name"] == "year" and parameter["required"] is True
    assert parameter["schema"]["pattern"] == "^-?[0-9]{4}$"


def test_typed_parameter_json(app, client, synthetic):
    response = client.get("/api/queries/test-actions-in-year", query_string={"year": "2018"})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    got = {b["action"]["value"] for b in response.get_json()["results"]["bindings"]}
    expected = {s["a"].value for s in app.extensions["kgserver"].store.query(
        f'SELECT DISTINCT ?a WHERE {{ ?a <{ESS.activeYear}> "2018"^^<http://www.w3.org/2001/XMLSchema#gYear> }}',
        use_default_graph_as_union=True)}
    assert got == expected and got


def test_csv_by_accept_and_by_format(client, synthetic):
    for kwargs in ({"headers": {"Accept": "text/csv"}}, {"query_string": {"year": "2018", "format": "csv"}}):
        kwargs.setdefault("query_string", {"year": "2018"})
        response = client.get("/api/queries/test-actions-in-year", **kwargs)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0] == ["action"] and len(rows) > 1


def test_iri_parameter_accepts_prefixed_names(client, synthetic):
    response = client.get("/api/queries/test-parts", query_string={"plan": "esskg:plan/pla-impuls-ess-2016-2019"})
    assert response.status_code == 200
    plans = {b["plan"]["value"] for b in response.get_json()["results"]["bindings"]}
    assert plans == {"https://w3id.org/esskg/id/plan/pla-impuls-ess-2016-2019"}


def test_string_parameter_the_select_does_not_project(app, client, monkeypatch):
    """A plain string bound through rdflib (Oxigraph cannot substitute it) matches the plain literal in the data."""
    query = NamedQuery(
        name="test-by-notation",
        text="SELECT ?thing WHERE { ?thing <http://www.w3.org/2004/02/skos/core#notation> ?notation }",
        params=[Param("notation", "string", "a notation", "08")],
    )
    monkeypatch.setitem(app.extensions["kgserver.api"], "queries", {query.name: query})
    response = client.get("/api/queries/test-by-notation", query_string={"notation": "08"})
    assert response.status_code == 200, response.data
    got = {b["thing"]["value"] for b in response.get_json()["results"]["bindings"]}
    expected = {s["t"].value for s in app.extensions["kgserver"].store.query(
        'SELECT ?t WHERE { ?t <http://www.w3.org/2004/02/skos/core#notation> "08" }', use_default_graph_as_union=True)}
    assert got == expected and len(got) == 2


@pytest.mark.parametrize("query_string,param", [
    ({"year": "18"}, "year"),
    ({"year": "2018x"}, "year"),
    ({}, "year"),
    ({"year": "2018", "extra": "1"}, "extra"),
    ({"year": ["2017", "2018"]}, "year"),
])
def test_bad_parameter_is_400_naming_it(client, synthetic, query_string, param):
    response = client.get("/api/queries/test-actions-in-year", query_string=query_string)
    assert response.status_code == 400
    body = response.get_json()
    assert body["param"] == param and body["reason"]


def test_injection_is_a_value_not_query_text(client, synthetic):
    evil = "https://w3id.org/esskg/id/plan/x> } UNION { ?part ?p ?plan"
    response = client.get("/api/queries/test-parts", query_string={"plan": evil})
    assert response.status_code == 400 and response.get_json()["param"] == "plan"


def test_unknown_query_and_unacceptable_format(client, synthetic):
    assert client.get("/api/queries/none-such").status_code == 404
    response = client.get("/api/queries/test-actions-in-year", query_string={"year": "2018"},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert client.get("/api/queries/test-actions-in-year",
                      query_string={"year": "2018", "format": "xml"}).status_code == 406


@pytest.mark.parametrize("kind,good,term", [
    ("iri", "https://example.org/a", ox.NamedNode("https://example.org/a")),
    ("iri", "esskg:plan/x", ox.NamedNode("https://w3id.org/esskg/id/plan/x")),
    ("integer", "-42", ox.Literal("-42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ("decimal", "3.5", ox.Literal("3.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
    ("boolean", "true", ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
    ("date", "2019-03-01", ox.Literal("2019-03-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
    ("gYear", "2019", ox.Literal("2019", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))),
    ("string", "Sants", ox.Literal("Sants")),
    ("langString", "Sants@ca", ox.Literal("Sants", language="ca")),
])
def test_bind_good_values(kind, good, term):
    assert bind(Param("p", kind), good) == term


@pytest.mark.parametrize("kind,bad", [
    ("iri", "no iri"), ("iri", "http://a b"), ("integer", "1.5"), ("decimal", "x"), ("boolean", "yes"),
    ("date", "2019-02-30"), ("gYear", "19"), ("langString", "no tag"),
])
def test_bind_bad_values(kind, bad):
    with pytest.raises(ParamError) as info:
        bind(Param("p", kind), bad)
    assert info.value.param == "p"


def test_enum_is_enforced():
    with pytest.raises(ParamError):
        bind(Param("p", "string", enum=("a", "b")), "c")


def test_sparql_examples(client, synthetic):
    response = client.get("/.well-known/sparql-examples")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    examples = set(graph.subjects(None, SH.SPARQLExecutable))
    assert len(examples) == 2
    for example in examples:
        assert graph.value(example, SH.select) is not None
        assert graph.value(example, SCHEMA.target) == URIRef("https://w3id.org/esskg/sparql")
        assert graph.value(example, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")) is not None


def test_api_page_lists_queries(client, synthetic):
    text = client.get("/api/").get_data(as_text=True)
    assert "/api/queries/test-actions-in-year" in text and "openapi.json" in text


def test_own_errors_are_mapped_in_every_blueprint(client, synthetic, monkeypatch):
    """kgserver's errors raised outside the SPARQL blueprint get their own status, not a bare 500."""
    from kgserver.errors import ConfigurationError, InputError
    from kgserver.web import api

    for error, status in ((InputError("no such thing"), 400), (ConfigurationError("misconfigured"), 500)):
        def fail(*args, error=error):
            raise error

        monkeypatch.setattr(api, "run", fail)
        response = client.get("/api/queries/test-actions-in-year", query_string={"year": "2018"})
        assert response.status_code == status
        assert response.get_data(as_text=True) == f"{error}\n"


def test_every_bundled_description_has_catalan_and_spanish_texts():
    from kgserver.params import PARAM_TYPES
    from kgserver.web import api_texts

    queries = load_named_queries()
    assert queries
    assert {name for name, q in queries.items() if q.description} <= set(api_texts.DESCRIPTIONS)
    assert {(name, p.name) for name, q in queries.items() for p in q.params if p.description} \
        <= set(api_texts.PARAM_DESCRIPTIONS)
    assert set(PARAM_TYPES) <= set(api_texts.TYPE_HINTS)


@pytest.mark.parametrize("lang", ["ca", "es"])
def test_api_page_describes_queries_in_its_language(client, lang):
    """/api/ in ca or es: descriptions and parameter hints in that language, nothing left marked English."""
    from kgserver.web import api_texts

    text = client.get("/api/", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in text
    index = ("ca", "es").index(lang)
    assert api_texts.DESCRIPTIONS["statement-provenance"][index].split(".")[0] in text
    assert api_texts.TYPE_HINTS["gYear"][index] in text
    english = load_named_queries()["statement-provenance"].description.split(".")[0]
    assert english not in text
    marked = re.findall(r'<(\w+)[^>]*\slang="en"[^>]*>', text)
    assert marked == ["a"], marked  # the language switch's link to the English page only
