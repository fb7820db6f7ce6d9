"""The SPARQL 1.1 Protocol (query part) on /sparql, through Flask's test client."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kgserver.namespaces import GRAPH, SD

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ONTOLOGY_GRAPH = str(GRAPH["ontology/ess"])
SRJ = "application/sparql-results+json"


def count_of(response) -> int:
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def graph_names(client) -> list[str]:
    response = client.get("/sparql", query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"})
    names = [row["g"]["value"] for row in json.loads(response.data)["results"]["bindings"]]
    assert names, "the served dataset has no named graphs"
    return names


# --- the three ways of sending a query -------------------------------------------------------


def test_get(client):
    response = client.get("/sparql", query_string={"query": COUNT})
    assert response.headers["Content-Type"] == f"{SRJ}; charset=utf-8"
    assert count_of(response) > 0


def test_post_form(client):
    response = client.post("/sparql", data={"query": COUNT})
    assert count_of(response) > 0


def test_post_direct(client):
    response = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query")
    assert count_of(response) > 0


def test_post_direct_with_utf8_charset_and_non_ascii_text(client):
    query = 'ASK { FILTER("Economia Social i Solidària" != "") }'
    response = client.post(
        "/sparql", data=query.encode("utf-8"), content_type="application/sparql-query; charset=UTF-8"
    )
    assert response.status_code == 200
    assert json.loads(response.data)["boolean"] is True


def test_head_has_no_body(client):
    response = client.head("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200
    assert response.data == b""


# --- the dataset: default-graph-uri, named-graph-uri, FROM ---------------------------------


def test_default_graph_is_the_union_of_all_graphs(client):
    total = count_of(client.get("/sparql", query_string={"query": COUNT}))
    per_graph = 0
    for name in graph_names(client):
        per_graph += count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": name}))
    assert total <= per_graph  # equal unless a triple is in two graphs
    assert total > 0


def test_default_graph_uri_restricts_the_default_graph(client):
    total = count_of(client.get("/sparql", query_string={"query": COUNT}))
    ontology = count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": ONTOLOGY_GRAPH}))
    assert 0 < ontology < total


def test_several_default_graph_uris_are_merged(client):
    names = graph_names(client)[:2]
    assert len(names) == 2
    separate = [count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": n})) for n in names]
    both = count_of(client.get("/sparql", query_string=[("query", COUNT)] + [("default-graph-uri", n) for n in names]))
    assert max(separate) <= both <= sum(separate)


def test_named_graph_uri_restricts_graph_patterns(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": ONTOLOGY_GRAPH})
    rows = json.loads(response.data)["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [ONTOLOGY_GRAPH]


def test_default_graph_only_request_has_no_named_graphs(client):
    query = "ASK { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query, "default-graph-uri": ONTOLOGY_GRAPH})
    assert json.loads(response.data)["boolean"] is False


def test_named_graph_only_request_has_an_empty_default_graph(client):
    response = client.get("/sparql", query_string={"query": COUNT, "named-graph-uri": ONTOLOGY_GRAPH})
    assert count_of(response) == 0


def test_from_clause_selects_a_local_graph(client):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    restricted = count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": ONTOLOGY_GRAPH}))
    assert count_of(client.get("/sparql", query_string={"query": query})) == restricted


def test_from_named_clause(client):
    query = f"SELECT DISTINCT ?g FROM NAMED <{ONTOLOGY_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    rows = json.loads(client.get("/sparql", query_string={"query": query}).data)["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [ONTOLOGY_GRAPH]


def test_protocol_dataset_overrides_from(client):
    names = [n for n in graph_names(client) if n != ONTOLOGY_GRAPH]
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    overridden = count_of(client.get("/sparql", query_string={"query": query, "default-graph-uri": names[0]}))
    direct = count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": names[0]}))
    assert overridden == direct


def test_unknown_graph_is_empty_not_fetched(client):
    response = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "http://example.org/none"})
    assert count_of(response) == 0


def test_graph_uri_must_be_an_iri(client):
    response = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert b"default-graph-uri" in response.data


# --- malformed requests: 400 with a precise message ------------------------------------------


def test_syntax_error_says_where(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.data.decode()
    assert "line 3, column" in text
    assert "FILTER(?o = ) }" in text  # the offending line


def test_unknown_prefix_is_a_400_naming_it(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s nope:p ?o }"})
    assert response.status_code == 400
    assert b"unknown prefix 'nope:'" in response.data


def test_empty_query_is_a_syntax_error(client):
    assert client.get("/sparql", query_string={"query": ""}).status_code == 400


def test_several_query_parameters(client):
    response = client.get("/sparql", query_string=[("query", COUNT), ("query", COUNT)])
    assert response.status_code == 400
    assert b"2 'query' parameters" in response.data


def test_several_query_parameters_in_a_form(client):
    body = f"query={quote(COUNT)}&query={quote(COUNT)}"
    response = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_post_without_content_type(client):
    response = client.post("/sparql", data=COUNT.encode(), content_type="")
    assert response.status_code == 400
    assert b"Content-Type" in response.data


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_post_with_a_wrong_content_type(client, content_type):
    response = client.post("/sparql", data=COUNT.encode(), content_type=content_type)
    assert response.status_code == 400
    assert b"unsupported Content-Type" in response.data


def test_post_form_without_query(client):
    response = client.post("/sparql", data={"format": "json"})
    assert response.status_code == 400
    assert b"no 'query' parameter" in response.data


def test_non_utf8_direct_body(client):
    body = "ASK { FILTER('Solidària' != '') }".encode("latin-1")
    response = client.post("/sparql", data=body, content_type="application/sparql-query")
    assert response.status_code == 400
    assert b"UTF-8" in response.data


def test_utf16_direct_body(client):
    body = COUNT.encode("utf-16")
    response = client.post("/sparql", data=body, content_type="application/sparql-query; charset=UTF-16")
    assert response.status_code == 400
    assert b"UTF-8" in response.data


def test_non_utf8_form_body(client):
    body = b"query=ASK%20%7B%20FILTER(%22Solid%E0ria%22%20!%3D%20%22%22)%20%7D"
    response = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"UTF-8" in response.data


def test_non_utf8_query_string(client):
    response = client.get("/sparql?query=ASK%20%7B%20FILTER(%22Solid%E0ria%22%20!%3D%20%22%22)%20%7D")
    assert response.status_code == 400


def test_query_in_url_and_body(client):
    response = client.post(
        f"/sparql?query={quote(COUNT)}", data=COUNT.encode(), content_type="application/sparql-query"
    )
    assert response.status_code == 400
    assert b"both in the URL and in the request body" in response.data


def test_query_in_url_and_form(client):
    response = client.post(f"/sparql?query={quote(COUNT)}", data={"query": COUNT})
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(client, method):
    response = client.open("/sparql", method=method, query_string={"query": COUNT})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.headers["Content-Type"].endswith("charset=utf-8")


# --- results and content negotiation -------------------------------------------------------

# IRIs only: blank nodes (the persons FOAF labels in DCAT 3's metadata) are written differently per format
SELECT = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(isIRI(?s)) } ORDER BY ?s ?label LIMIT 5"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 7"


def _parse_select(media: str, body: bytes) -> list[tuple[str, str]]:
    if media == "application/sparql-results+json":
        data = json.loads(body)
        return [(b["s"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(body)
        out = []
        for result in root.iterfind("r:results/r:result", ns):
            values = {b.get("name"): "".join(b.itertext()) for b in result.iterfind("r:binding", ns)}
            out.append((values["s"], values["label"]))
        return out
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        assert rows[0] == ["s", "label"]
        return [tuple(r) for r in rows[1:]]
    if media == "text/tab-separated-values":
        lines = body.decode("utf-8").splitlines()
        assert lines[0] == "?s\t?label"
        out = []
        for line in lines[1:]:
            s, label = line.split("\t")
            out.append((s.strip("<>"), label[1 : label.rindex('"')]))
        return out
    raise AssertionError(media)


@pytest.mark.parametrize(
    "media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
def test_select_formats_carry_the_same_rows(client, media):
    reference = _parse_select(SRJ, client.get("/sparql", query_string={"query": SELECT}).data)
    assert reference
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": media})
    assert response.headers["Content-Type"] == f"{media}; charset=utf-8"
    assert _parse_select(media, response.data) == reference


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])  # Oxigraph does not parse CSV (lossy)
def test_select_results_parse_with_oxigraph(client, fmt):
    response = client.get("/sparql", query_string={"query": SELECT, "format": fmt})
    parsed = ox.parse_query_results(response.data, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert len(list(parsed)) == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_formats(client, fmt):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": fmt})
    parsed = ox.parse_query_results(response.data, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert bool(parsed) is True


@pytest.mark.parametrize(
    "media,rdflib_format",
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
     ("application/rdf+xml", "xml")],
)
def test_construct_formats(client, media, rdflib_format):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media}; charset=utf-8"
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert len(graph) == 7
    assert all(p == RDF.type for p in graph.predicates())


def test_describe_defaults_to_turtle(client):
    query = f"DESCRIBE <{ONTOLOGY_GRAPH}>"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_q_values_are_honoured(client):
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, application/sparql-results+xml;q=0.1"
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_wildcard_gets_the_default(client):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "*/*"})
    assert response.headers["Content-Type"] == f"{SRJ}; charset=utf-8"
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "*/*"})
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_browser_accept_gets_json_results(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+")


def test_format_parameter_overrides_accept(client):
    response = client.get(
        "/sparql", query_string={"query": SELECT, "format": "tsv"}, headers={"Accept": "text/csv"}
    )
    assert response.headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "application/n-triples"})
    assert response.headers["Content-Type"] == "application/n-triples; charset=utf-8"


@pytest.mark.parametrize(
    "query,accept",
    [(SELECT, "image/png"), (SELECT, "text/turtle"), (CONSTRUCT, "text/turtle;q=0, text/csv"),
     ("ASK {}", "application/n-triples")],
)
def test_406_when_nothing_acceptable(client, query, accept):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_unknown_format_parameter_leaves_accept_to_decide(client):
    response = client.get("/sparql", query_string={"query": SELECT, "format": "yaml"}, headers={"Accept": "text/csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    response = client.get("/sparql", query_string={"query": SELECT, "format": "yaml"}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_graph_query_from_a_client_that_asks_only_for_result_formats(client):
    """roqet sends only result-set media types, also for CONSTRUCT: it gets Turtle, not a 406."""
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": "application/sparql-results+xml, application/sparql-results+json"})
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_vary_accept_on_answers(client):
    response = client.get("/sparql", query_string={"query": SELECT})
    assert "Accept" in response.headers["Vary"]


def test_charset_on_every_answer(client):
    answers = [
        client.get("/sparql", query_string={"query": SELECT, "format": f}) for f in ("json", "xml", "csv", "tsv")
    ] + [
        client.get("/sparql", query_string={"query": CONSTRUCT, "format": f})
        for f in ("turtle", "ntriples", "jsonld", "rdfxml")
    ] + [client.get("/sparql", query_string={"query": "SELECT"}), client.get("/health"), client.get("/sparql")]
    for response in answers:
        assert response.headers["Content-Type"].endswith("charset=utf-8"), response.headers["Content-Type"]


def test_unbound_values_are_left_out(client):
    query = "SELECT ?x ?y WHERE { BIND(1 AS ?x) }"
    data = json.loads(client.get("/sparql", query_string={"query": query}).data)
    assert data["head"]["vars"] == ["x", "y"]
    assert data["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]
    csv_text = client.get("/sparql", query_string={"query": query, "format": "csv"}).data
    assert csv_text == b"x,y\r\n1,\r\n"


def test_csv_quotes_and_tsv_escapes(client):
    query = 'SELECT ?v WHERE { BIND("a, \\"b\\"\\tc"@ca AS ?v) }'
    assert client.get("/sparql", query_string={"query": query, "format": "csv"}).data == b'v\r\n"a, ""b""\tc"\r\n'
    assert client.get("/sparql", query_string={"query": query, "format": "tsv"}).data == b'?v\n"a, \\"b\\"\\tc"@ca\n'


# --- CORS -----------------------------------------------------------------------------------


def test_cors_on_answers_and_errors(client):
    for response in (
        client.get("/sparql", query_string={"query": SELECT}, headers={"Origin": "https://example.org"}),
        client.get("/sparql", query_string={"query": "SELECT"}, headers={"Origin": "https://example.org"}),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_preflight(client):
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response.headers


# --- service description, UI, health ------------------------------------------------------


@pytest.mark.parametrize(
    "media,rdflib_format",
    [("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/n-triples", "nt"),
     ("application/ld+json", "json-ld")],
)
def test_service_description(client, media, rdflib_format):
    response = client.get("/sparql", headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media}; charset=utf-8"
    graph = Graph().parse(data=response.data, format=rdflib_format)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert names == set(graph_names(client))
    assert URIRef("http://localhost/.well-known/void") in set(graph.objects(dataset))


def test_service_description_without_accept_is_turtle(client):
    response = client.get("/sparql", headers={"Accept": ""})
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize("path", ["/sparql", "/query"])
def test_browser_gets_the_query_ui(client, path):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.data.decode()
    assert "/static/yasgui/yasgui.min.js" in html
    assert "https://w3id.org/esskg/ontology#" in html  # the project's prefixes
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


@pytest.mark.parametrize("name", ["yasgui.min.js", "yasgui.min.css", "LICENSE.txt"])
def test_yasgui_is_served_locally(client, name):
    response = client.get(f"/static/yasgui/{name}")
    assert response.status_code == 200
    assert len(response.data) > 1000


def test_ui_offers_every_named_query(client):
    from kgserver.web.examples import example_queries

    html = client.get("/query", headers={"Accept": "text/html"}).data.decode()
    for example in example_queries():
        assert json.dumps(example["name"]) in html


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = json.loads(response.data)
    assert body["status"] == "ok"
    assert body["triples"] == count_of(client.get("/sparql", query_string={"query": COUNT}))
    quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert body["quads"] == count_of(client.get("/sparql", query_string={"query": quads}))


def test_one_log_line_per_request(client, caplog):
    caplog.set_level("INFO", logger="kgserver.access")
    client.get("/sparql", query_string={"query": SELECT})
    lines = [r.getMessage() for r in caplog.records if r.name == "kgserver.access"]
    assert len(lines) == 1
    method, path, status, duration, ms, size, unit = lines[0].split()
    assert (method, path, status, ms, unit) == ("GET", "/sparql", "200", "ms", "B")
    assert float(duration) > 0 and int(size) > 0


# --- the W3C SPARQL 1.1 Protocol tests (query part), replayed as the manifest writes them -------
# https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/ : the endpoint path is "/sparql/"; the
# graphs data0-3.rdf are remote files the tests expect loaded: we never fetch them, so they are
# empty here (datasets naming them answer 200 with false); updates are refused (read-only: 403).

_K = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
_D0 = f"default-graph-uri={_K}data0.rdf"
_DATA = "http://kasei.us/2009/09/sparql/data/"
_FORM, _DIRECT = "application/x-www-form-urlencoded", "application/sparql-query"

#: name -> (method, path, body, content type, expected status class, expected boolean or None)
W3C_QUERY_TESTS = {
    "query_post_form": ("POST", f"/sparql/?{_D0}", b"query=ASK%20%7B%7D", _FORM, 2, True),
    "query_dataset_default_graphs_get": (
        "GET",
        f"/sparql/?query=ASK%20%7B%20%3C{_K}data1.rdf%3E%20a%20%3Ftype%20.%20%3C{_K}data2.rdf%3E%20a%20%3Ftype%20.%20%7D"
        f"&default-graph-uri={_K}data1.rdf&default-graph-uri={_K}data2.rdf",
        None, None, 2, False,
    ),
    "query_dataset_default_graphs_post": (
        "POST", f"/sparql/?default-graph-uri={_K}data1.rdf&default-graph-uri={_K}data2.rdf",
        f"ASK {{ <{_DATA}data1.rdf> a ?type . <{_DATA}data2.rdf> a ?type . }}".encode(), _DIRECT, 2, False,
    ),
    "query_dataset_named_graphs_post": (
        "POST", f"/sparql/?named-graph-uri={_K}data1.rdf&named-graph-uri={_K}data2.rdf",
        f"ASK {{ GRAPH ?g1 {{ <{_DATA}data1.rdf> a ?type }} GRAPH ?g2 {{ <{_DATA}data2.rdf> a ?type }} }}".encode(),
        _DIRECT, 2, False,
    ),
    "query_dataset_named_graphs_get": (
        "GET",
        f"/sparql/?query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3C{_K}data1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20"
        f"%7B%20%3C{_K}data2.rdf%3E%20a%20%3Ftype%20%7D%20%7D&named-graph-uri={_K}data1.rdf&named-graph-uri={_K}data2.rdf",
        None, None, 2, False,
    ),
    "query_dataset_full": (
        "POST", f"/sparql/?default-graph-uri={_K}data3.rdf&named-graph-uri={_K}data1.rdf&named-graph-uri={_K}data2.rdf",
        f"ASK {{\n  <{_DATA}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{_DATA}data1.rdf> a ?type }}\n"
        f"  GRAPH ?g2 {{ <{_DATA}data2.rdf> a ?type }}\n}}".encode(),
        _DIRECT, 2, False,
    ),
    "query_multiple_dataset": (  # the manifest's path really has one named-graph-uri with %26 inside
        "POST", f"/sparql/?named-graph-uri={_K}data1.rdf%26named-graph-uri%3D{_K}data2.rdf",
        f"ASK FROM <{_DATA}data3.rdf> {{ GRAPH ?g1 {{ <{_DATA}data1.rdf> a ?type }} "
        f"GRAPH ?g2 {{ <{_DATA}data2.rdf> a ?type }} }}".encode(),
        _DIRECT, 2, False,
    ),
    "query_get": ("GET", f"/sparql/?query=ASK%20%7B%7D&{_D0}", None, None, 2, True),
    "query_content_type_select": ("POST", f"/sparql/?{_D0}", b"SELECT (1 AS ?value) {}", _DIRECT, 2, None),
    "query_content_type_ask": ("POST", f"/sparql/?{_D0}", b"ASK {}", _DIRECT, 2, True),
    "query_content_type_describe": ("POST", f"/sparql/?{_D0}", b"DESCRIBE <http://example.org/>", _DIRECT, 2, None),
    "query_content_type_construct": ("POST", f"/sparql/?{_D0}", b"CONSTRUCT { <s> <p> 1 } WHERE {}", _DIRECT, 2, None),
    "query_post_direct": ("POST", "/sparql/", b"ASK {}", _DIRECT, 2, True),
    "update_post_form": ("POST", "/sparql/", b"update=CLEAR%20ALL", _FORM, 4, None),
    "update_post_direct": ("POST", "/sparql/", b"CLEAR ALL", "application/sparql-update", 4, None),
    "bad_query_method": ("PUT", f"/sparql/?query=ASK%20%7B%7D&{_D0}", b"", _FORM, 4, None),
    "bad_multiple_queries": ("GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, None, 4, None),
    "bad_query_wrong_media_type": ("POST", "/sparql/", b"ASK {}", "text/plain", 4, None),
    "bad_query_missing_form_type": ("POST", "/sparql/", b"query=ASK%20%7B%7D", None, 4, None),
    "bad_query_missing_direct_type": ("POST", "/sparql/", b"ASK {}", None, 4, None),
    "bad_query_non_utf8": ("POST", "/sparql/", "ASK {}".encode("utf-16"), f"{_DIRECT}; charset=UTF-16", 4, None),
    "bad_query_syntax": ("GET", "/sparql/?query=ASK%20%7B", None, None, 4, None),
    "bad_update_get": ("GET", "/sparql/?update=CLEAR%20ALL", None, None, 4, None),
    "bad_multiple_updates": ("POST", "/sparql/", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", _FORM, 4, None),
    "bad_update_wrong_media_type": ("POST", "/sparql/", b"CLEAR NAMED", "text/plain", 4, None),
    "bad_update_missing_form_type": ("POST", "/sparql/", b"update=CLEAR%20NAMED", None, 4, None),
    "bad_update_non_utf8": (
        "POST", "/sparql/", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16", 4, None,
    ),
    "bad_update_syntax": ("POST", "/sparql/", b"update=CLEAR%20XYZ", _FORM, 4, None),
}
_TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
_RDF = {"text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"}
_EXPECTED_MEDIA = {
    "query_content_type_select": _TABULAR,
    "query_content_type_describe": _RDF,
    "query_content_type_construct": _RDF,
}


def test_w3c_query_tests_are_listed():
    assert len(W3C_QUERY_TESTS) >= 25


@pytest.mark.parametrize("name", sorted(W3C_QUERY_TESTS))
def test_w3c_protocol(client, name):
    method, path, body, content_type, status_class, boolean = W3C_QUERY_TESTS[name]
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.open(path, method=method, data=body, headers=headers)
    if content_type is None and body is not None:
        assert "Content-Type" not in response.request.headers  # the test client really sent none
    assert response.status_code // 100 == status_class, (response.status_code, response.data)
    media = response.headers["Content-Type"].split(";")[0]
    if status_class != 2:
        assert media == "text/plain" and response.data.strip()  # a message, not an empty error
        return
    assert media in _EXPECTED_MEDIA.get(name, {"application/sparql-results+json", "application/sparql-results+xml"})
    if boolean is not None:
        assert json.loads(response.data)["boolean"] is boolean


def test_update_is_refused_without_change(client):
    before = count_of(client.get("/sparql", query_string={"query": COUNT}))
    response = client.post("/sparql/", data=b"update=CLEAR%20ALL", content_type=_FORM)
    assert response.status_code == 403
    assert count_of(client.get("/sparql", query_string={"query": COUNT})) == before


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.post("/sparql", data=b"CONSTRUCT { <s> <p> <o> } WHERE {}", content_type=_DIRECT,
                           headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.data
    assert response.data.decode().strip() == "<http://localhost/s> <http://localhost/p> <http://localhost/o> ."
    response = client.get("/sparql", query_string={"query": "SELECT ?x { BIND(<x> AS ?x) }", "format": "csv"})
    assert response.data == b"x\r\nhttp://localhost/x\r\n"


def test_endpoint_with_and_without_slash_are_the_same(client):
    for path in ("/sparql", "/sparql/"):
        assert count_of(client.get(path, query_string={"query": COUNT})) > 0
    assert client.get("/sparql/", headers={"Accept": "text/turtle"}).status_code == 200  # service description


# --- RDF merge: the default graph made of several graphs is a set ----------------------------


@pytest.fixture(scope="module")
def overlapping_graphs(app):
    """Two named graphs that share at least one triple, and how many they share."""
    client = app.test_client()
    query = (
        "SELECT ?g1 ?g2 (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } "
        "FILTER(STR(?g1) < STR(?g2)) } GROUP BY ?g1 ?g2 ORDER BY DESC(?n) ?g1 ?g2 LIMIT 1"
    )
    rows = json.loads(client.get("/sparql", query_string={"query": query}).data)["results"]["bindings"]
    assert rows, "no two served graphs share a triple"
    return rows[0]["g1"]["value"], rows[0]["g2"]["value"], int(rows[0]["n"]["value"])


def test_several_default_graphs_are_merged_as_a_set(client, overlapping_graphs):
    g1, g2, shared = overlapping_graphs
    one, two = (count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": g})) for g in (g1, g2))
    both = [("query", COUNT), ("default-graph-uri", g1), ("default-graph-uri", g2)]
    assert count_of(client.get("/sparql", query_string=both)) == one + two - shared
    twice = [("query", COUNT), ("default-graph-uri", g1), ("default-graph-uri", g1)]
    assert count_of(client.get("/sparql", query_string=twice)) == one


def test_several_from_clauses_are_merged_as_a_set(client, overlapping_graphs):
    g1, g2, shared = overlapping_graphs
    one, two = (count_of(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": g})) for g in (g1, g2))
    query = f"PREFIX g: <{g1}> SELECT (COUNT(*) AS ?n) FROM g: FROM <{g2}> WHERE {{ ?s ?p ?o }}"
    assert count_of(client.get("/sparql", query_string={"query": query})) == one + two - shared


def test_merged_graphs_stay_private(client, overlapping_graphs):
    g1, g2, _ = overlapping_graphs
    names = set(graph_names(client))
    client.get("/sparql", query_string=[("query", COUNT), ("default-graph-uri", g1), ("default-graph-uri", g2)])
    assert set(graph_names(client)) == names
    query = f"SELECT DISTINCT ?g FROM <{g1}> FROM <{g2}> FROM NAMED <{g1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    rows = json.loads(client.get("/sparql", query_string={"query": query}).data)["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [g1]


# --- bad input is never a 500 (a small fuzz) -------------------------------------------------

BAD_QUERIES = {
    "random-bytes": b"\x8f\x00{\xff SELECT \xfe",
    "only-a-comment": b"# nothing but a comment",
    "blank": b"   \n\t ",
    "unknown-prefix": b"SELECT * WHERE { ?s nope:p ?o }",
    "too-deep": b"ASK " + b"{" * 3000 + b"}" * 3000,
    "bad-regex": b"ASK { FILTER(REGEX('a', '(')) }",
    "huge-limit": b"SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
    "negative-offset": b"SELECT * WHERE { ?s ?p ?o } OFFSET -1",
    "literal-subject": b"CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s ?p ?o) { (1 2 3) } }",
    "relative-from": b"SELECT * FROM <rel> FROM <other> WHERE { ?s ?p ?o }",
    "bad-from": b"SELECT * FROM <http://a> FROM nope:b WHERE { ?s ?p ?o }",
    "describe": b"DESCRIBE <x>",
}


def test_bad_queries_are_listed():
    assert BAD_QUERIES


@pytest.mark.parametrize("name", sorted(BAD_QUERIES))
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "turtle", "ntriples"])
def test_bad_query_is_never_a_500(client, name, fmt):
    for response in (
        client.post("/sparql", data=BAD_QUERIES[name], content_type=_DIRECT, query_string={"format": fmt}),
        client.get("/sparql?query=" + quote(BAD_QUERIES[name]) + f"&format={fmt}"),
    ):
        assert response.status_code < 500, (response.status_code, response.data)
        assert response.headers["Content-Type"].endswith("charset=utf-8")


def test_too_deep_query_is_a_400_that_says_so(client):
    response = client.post("/sparql", data=BAD_QUERIES["too-deep"], content_type=_DIRECT)
    assert response.status_code == 400
    assert b"levels deep" in response.data


#: Odd ``Accept`` headers -> status: a media range that matches something is answered, garbage is a 406.
ODD_ACCEPT = {"": 200, "*": 406, "foo": 406, ";;;": 406, "*/*;q=x": 200, "text/*": 200,
              "application/*;q=0.1": 200, "\x00": 406}


@pytest.mark.parametrize("accept", sorted(ODD_ACCEPT))
@pytest.mark.parametrize("query", [SELECT, "ASK {}", CONSTRUCT])
def test_odd_accept_headers(client, accept, query):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == ODD_ACCEPT[accept], (response.status_code, response.data)


#: Odd ``format`` values -> status of a SELECT without Accept (the name is trimmed and case-folded; a value
#: that names no format is ignored, so the missing Accept decides).
FORMAT_JUNK = {"junk": 200, "json;x": 200, "\x00": 200, " JSON ": 200, "text/html": 200}


@pytest.mark.parametrize("fmt", sorted(FORMAT_JUNK))
def test_format_junk(client, fmt):
    assert client.get("/sparql", query_string={"query": SELECT, "format": fmt}).status_code == FORMAT_JUNK[fmt]
    assert client.get("/sparql", query_string={"format": fmt}).status_code in (200, 406)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask_in_every_result_format(client, fmt):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": fmt})
    assert response.status_code == 200
    assert b"true" in response.data


def test_many_parameters(client):
    many = [("query", "ASK {}")] + [(f"x{i}", "y") for i in range(5000)]
    assert client.get("/sparql", query_string=many).status_code == 200
    graphs = [("query", COUNT)] + [("default-graph-uri", f"http://example.org/g{i}") for i in range(2000)]
    assert count_of(client.get("/sparql", query_string=graphs)) == 0


def _call_with_host(app, host: str, **request):
    """Call the app with a raw ``Host`` header (the test client refuses to send a broken one)."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(**request).get_environ()
    environ["HTTP_HOST"] = host
    body, status, headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    return int(status.split()[0]), b"".join(body)


#: Broken ``Host`` headers -> status.  None of them makes a URL (whatever the Werkzeug version: up to
#: 3.1.8 it raises for a port out of range, later it answers an empty host), so relative IRIs in a query
#: cannot resolve and the service description has no endpoint URL: 400, as RFC 9112 asks for an invalid Host.
BROKEN_HOSTS = {"x:99999999": 400, "bad host": 400, "[::1": 400}


@pytest.mark.parametrize("host", sorted(BROKEN_HOSTS))
def test_a_broken_host_header_is_never_a_500(app, host):
    construct = {"path": "/sparql", "method": "POST", "data": b"CONSTRUCT { <s> <p> <o> } WHERE {}",
                 "content_type": "application/sparql-query"}
    status, _ = _call_with_host(app, host, **construct)
    assert status == BROKEN_HOSTS[host]
    status, body = _call_with_host(app, host, path="/sparql", headers={"Accept": "text/turtle"})
    assert status == BROKEN_HOSTS[host], body


# --- hardening: headers, methods, proxy trust, log lines ----------------------------------------


def test_every_answer_says_nosniff(client):
    for path in ("/health", "/sparql?query=ASK%7B%7D", "/sparql?query=SELEC", "/no-such-page", "/api/"):
        assert client.get(path).headers.get("X-Content-Type-Options") == "nosniff", path


def test_a_request_without_host_is_400(app):
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path="/health").get_environ()
    environ.pop("HTTP_HOST", None)
    statuses = []
    body = b"".join(app(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses[0].startswith("400")
    assert b"Host" in body


def test_trace_is_405_and_allow_lists_only_served_methods(client):
    for path in ("/sparql", "/health", "/"):
        response = client.open(path, method="TRACE")
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed and not allowed & {"PUT", "PATCH", "DELETE", "TRACE"}, allowed


def test_script_name_is_not_trusted_by_default(client):
    response = client.get("/sparql", environ_base={"SCRIPT_NAME": "//evil.example"}, headers={"Accept": "text/html"})
    assert "evil.example" not in response.get_data(as_text=True)
    response = client.get("/id/", environ_base={"SCRIPT_NAME": "//evil.example"})
    assert "evil.example" not in response.headers.get("Location", "")


def test_control_characters_in_a_path_stay_on_one_log_line(client, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="kgserver.access"):
        client.get("/health%0aGET%20/forged%20200")
    lines = [r.getMessage() for r in caplog.records if r.name == "kgserver.access"]
    assert lines and all("\n" not in line for line in lines)
    assert "\\x0a" in lines[-1]


def test_one_client_holds_at_most_its_share_of_query_workers():
    import threading
    import time

    import pyoxigraph as ox

    from kgserver.engine import QueryRequest
    from kgserver.engine.errors import EndpointBusy
    from kgserver.engine.oxigraph import OxigraphEngine
    from kgserver.engine.pool import WorkerPool

    slow = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { 1 2 3 4 5 6 7 8 9 10 } ?s ?p ?o . ?x ?y ?z . ?u ?v ?w }"
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(i), ox.NamedNode("http://e/g"))
                 for i in range(300))
    pool = WorkerPool(lambda: OxigraphEngine(store), 4, 2.0).start()
    try:
        assert pool.shares.share == 2
        greedy = [threading.Thread(target=lambda: pytest.raises(Exception, pool.run, QueryRequest(slow), client="a"))
                  for _ in range(2)]
        for thread in greedy:
            thread.start()
        time.sleep(0.3)
        with pytest.raises(EndpointBusy, match="share"):
            pool.run(QueryRequest("ASK {}"), timeout=0.3, client="a")  # its third query waits for its own share
        assert pool.run(QueryRequest("ASK {}"), timeout=1.0, client="b").body  # another client is served
        for thread in greedy:
            thread.join()
    finally:
        pool.close()


def test_a_query_stops_when_its_client_goes_away():
    import pyoxigraph as ox

    from kgserver.engine import QueryRequest
    from kgserver.engine.errors import ClientGone
    from kgserver.engine.oxigraph import OxigraphEngine
    from kgserver.engine.pool import WorkerPool

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(i), ox.NamedNode("http://e/g"))
                 for i in range(300))
    pool = WorkerPool(lambda: OxigraphEngine(store), 1, 20.0).start()
    looks = []
    try:
        with pytest.raises(ClientGone):
            pool.run(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"),
                     gone=lambda: looks.append(1) or len(looks) > 2)
        assert pool.replaced == 1  # the worker doing the abandoned work was killed
        assert pool.run(QueryRequest("ASK {}")).body
    finally:
        pool.close()


def test_only_http_iris_are_rendered_as_links(app):
    import pyoxigraph as ox
    from flask import render_template_string

    from kgserver.web.render import PageBuilder

    builder = PageBuilder(None, None, lambda iri: iri)
    for iri in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x"):
        value = builder.value(ox.NamedNode(iri))
        assert value["kind"] == "literal" and "href" not in value
        with app.test_request_context("/"):  # as the pages call it (kgserver.web.value_html)
            html = render_template_string("{{ value(v, t) }}", v=value, t={})
        assert "href" not in html and iri in html
