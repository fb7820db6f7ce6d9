"""Oxigraph and rdflib give identical answers: every named query, plus protocol features."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kgserver.engine import QueryRequest, make_engine
from kgserver.engine.errors import QuerySyntaxError
from kgserver.namespaces import GRAPH, sparql_prologue
from kgserver.queries import bind_params, load_queries
from kgserver.store import open_store

NAMED_QUERIES = load_queries()

#: Queries exercising what the endpoint adds around the engines (datasets, forms, functions).
FEATURE_QUERIES = {
    "count-union": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "count-per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "classes": "SELECT DISTINCT ?c WHERE { ?s a ?c }",
    "labels-ca": 'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(langMatches(lang(?l), "ca")) }',
    "optional": "SELECT ?s ?en WHERE { ?s a owl:Class OPTIONAL { ?s rdfs:label ?en FILTER(lang(?en) = 'en') } }",
    "from": f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['ontology/ess']}> WHERE {{ ?s ?p ?o }}",
    "from-named": f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{GRAPH['ontology/ess']}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
    "ask": "ASK { ?s a owl:Class }",
    "construct": "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a owl:ObjectProperty ; rdfs:label ?l }",
    "values-bnodes": "SELECT ?x (STRLEN(STR(?x)) AS ?len) WHERE { VALUES ?x { 'a' 'bb' <http://example.org/c> } }",
    # rdflib failed (TypeError, a 500) on the short CONSTRUCT form with solution modifiers
    "construct-where-limit": "CONSTRUCT WHERE { ?s a owl:ObjectProperty } ORDER BY ?s LIMIT 5 OFFSET 1",
    # two FROM graphs sharing triples: their merge is a set, not a bag
    "from-two-graphs": f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['ontology/ess']}> FROM <{GRAPH['imports/dcterms']}> "
    "WHERE { ?s ?p ?o }",
    # a reserved character escaped in a prefixed name (PN_LOCAL_ESC): rdflib kept the backslash, matching nothing
    "escaped-local-name": "SELECT DISTINCT ?p WHERE { esskg:territory\\/catalunya ?p ?o }",
    "literal-subject-left-out": "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s ?p ?o) { (1 2 3) (<http://a> <http://b> 4) } }",
}


@pytest.fixture(scope="module")
def engines():
    store = open_store()
    return make_engine("oxigraph", store), make_engine("rdflib", store)


def _canonical(answer) -> object:
    if answer.media_type == "application/sparql-results+json":
        data = json.loads(answer.body)
        if "boolean" in data:
            return data["boolean"]
        rows = sorted(json.dumps(row, sort_keys=True) for row in data["results"]["bindings"])
        return data["head"]["vars"], rows
    return Graph().parse(data=answer.body, format="nt")


def _assert_same(engines, request: QueryRequest):
    oxigraph, rdflib_engine = (_canonical(engine.execute(request)) for engine in engines)
    if isinstance(oxigraph, Graph):
        assert isomorphic(oxigraph, rdflib_engine)
    else:
        assert oxigraph == rdflib_engine


def test_there_are_named_queries():
    assert NAMED_QUERIES, "no named queries found under queries/"


@pytest.mark.parametrize("query", NAMED_QUERIES, ids=[q.name for q in NAMED_QUERIES])
def test_named_query_same_on_both_engines(engines, query):
    examples = {name: str(spec["example"]) for name, spec in query.params.items() if spec and "example" in spec}
    bindings = tuple(bind_params(query, examples).items())
    _assert_same(engines, QueryRequest(query.text, graph_format="ntriples", bindings=bindings))


@pytest.mark.parametrize("name", sorted(FEATURE_QUERIES))
def test_feature_query_same_on_both_engines(engines, name):
    _assert_same(engines, QueryRequest(sparql_prologue() + FEATURE_QUERIES[name], graph_format="ntriples"))


@pytest.mark.parametrize(
    "default_graphs,named_graphs",
    [((str(GRAPH["ontology/ess"]),), None), (None, (str(GRAPH["ontology/ess"]),)), ((), ())],
    ids=["default-only", "named-only", "empty"],
)
def test_protocol_dataset_same_on_both_engines(engines, default_graphs, named_graphs):
    for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        _assert_same(engines, QueryRequest(query, default_graphs=default_graphs, named_graphs=named_graphs))


def test_merged_default_graphs_same_on_both_engines(engines):
    graphs = (str(GRAPH["ontology/ess"]), str(GRAPH["imports/dcterms"]))
    for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
        _assert_same(engines, QueryRequest(query, default_graphs=graphs, named_graphs=()))


def test_escaped_local_name_matches_on_both_engines(engines):
    request = QueryRequest(sparql_prologue() + FEATURE_QUERIES["escaped-local-name"])
    for engine in engines:
        assert json.loads(engine.execute(request).body)["results"]["bindings"], engine


def test_relative_iris_same_on_both_engines(engines):
    request = QueryRequest("CONSTRUCT { <s> <p> <o> } WHERE {}", graph_format="ntriples", base_iri="http://h/sparql")
    for engine in engines:
        assert engine.execute(request).body.strip() == b"<http://h/s> <http://h/p> <http://h/o> ."


def test_both_engines_report_syntax_errors_with_a_position(engines):
    for engine in engines:
        with pytest.raises(QuerySyntaxError) as raised:
            engine.execute(QueryRequest("SELECT * WHERE {\n  ?s ?p }"))
        assert raised.value.line == 2, engine.name
        assert raised.value.column is not None


def test_rdflib_engine_unknown_prefix_is_input_but_a_parser_fault_is_ours(engines, monkeypatch):
    """rdflib's plain ``Exception`` (an unknown prefix) is the client's error; any other is a server fault."""
    from kgserver.engine import rdflib_engine
    from kgserver.engine.errors import QueryEvaluationError

    engine = engines[1]
    with pytest.raises(QuerySyntaxError, match="Unknown namespace prefix"):
        engine.execute(QueryRequest("SELECT * WHERE { ?s nope:p ?o }"))

    def broken(*args, **kwargs):
        raise TypeError("a bug in the parser")

    monkeypatch.setattr(rdflib_engine, "translateQuery", broken)
    with pytest.raises(QueryEvaluationError, match="TypeError: a bug in the parser") as raised:
        engine.execute(QueryRequest("ASK {}"))
    assert raised.value.http_status == 500


# --- the endpoint on the rdflib engine, and without the inferred graph ------------------------


@pytest.fixture(scope="module")
def rdflib_app(engines):
    """The endpoint on the rdflib engine.  Its query workers get the rdflib engine of :func:`engines`, made by the
    same ``make_engine("rdflib", ...)`` over the same built store (and inherited by the fork), instead of copying
    the store into rdflib a second time in the pool's zygote (the slowest part of the module)."""
    from kgserver.app import create_app
    from kgserver.web import state

    built = engines[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(state, "make_engine", lambda name, store, quads=None: built if name == "rdflib" else make_engine(
            name, store, quads=quads))
        app = create_app({"TESTING": True, "ENGINE": "rdflib", "QUERY_WORKERS": 1})
        yield app
        app.extensions["kgserver"].close()


def test_endpoint_on_rdflib_engine_answers_like_oxigraph(rdflib_app, client):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    ours = rdflib_app.test_client().get("/sparql", query_string={"query": query})
    reference = client.get("/sparql", query_string={"query": query})
    assert ours.status_code == reference.status_code == 200
    rows = lambda r: sorted(json.dumps(b, sort_keys=True) for b in json.loads(r.data)["results"]["bindings"])  # noqa: E731
    assert rows(ours) == rows(reference)
    assert json.loads(rdflib_app.test_client().get("/health").data)["engine"] == "rdflib"


@pytest.mark.parametrize(
    "query",
    ["ASK { FILTER(REGEX('a', '(')) }", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
     "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999", "ASK " + "{" * 3000 + "}" * 3000],
    ids=["bad-regex", "construct-where-limit", "huge-limit", "too-deep"],
)
def test_rdflib_engine_never_answers_500_for_bad_or_odd_input(rdflib_app, query):
    response = rdflib_app.test_client().post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code < 500, response.data


def test_rdflib_engine_syntax_error_is_400_with_position(rdflib_app):
    response = rdflib_app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert response.status_code == 400
    assert b"line 2, column" in response.data


def test_without_inferred_graph():
    from kgserver.app import create_app
    from kgserver.namespaces import INFERRED_GRAPH

    app = create_app({"TESTING": True, "INCLUDE_INFERRED": False, "QUERY_WORKERS": 1})
    try:
        query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        data = json.loads(app.test_client().get("/sparql", query_string={"query": query}).data)
        names = {row["g"]["value"] for row in data["results"]["bindings"]}
        assert names and str(INFERRED_GRAPH) not in names
    finally:
        app.extensions["kgserver"].close()


def test_unknown_engine_is_refused():
    from kgserver.app import create_app
    from kgserver.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="unknown ENGINE"):
        create_app({"TESTING": True, "ENGINE": "virtuoso"})


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_rows_are_cut_at_the_limit_when_values_look_like_row_boundaries(engines, fmt):
    """Values holding ``},{`` or newlines (what the byte count of the row check looks for) change nothing.

    Each of the 3 rows carries both; with a limit of 3 they are all kept, with 2 the answer is cut.
    """
    values = " ".join(f'("r{i} }},{{ \\n x{i}")' for i in range(3))
    query = f"SELECT ?v WHERE {{ VALUES (?v) {{ {values} }} }}"
    oxigraph = engines[0]
    full = oxigraph.execute(QueryRequest(query, result_format=fmt, max_rows=3))
    cut = oxigraph.execute(QueryRequest(query, result_format=fmt, max_rows=2))
    assert not full.truncated and full.body.count(b"x2") == 1
    assert cut.truncated and b"x0" in cut.body and b"x1" in cut.body and b"x2" not in cut.body
