"""Linked-data pages: content negotiation, suffixes, status codes, every IRI dereferencing, pictures."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef

from kgserver.namespaces import BASE, ESS, INFERRED_GRAPH, ONTOLOGY_IRI
from kgserver.web.conneg import FORMATS, RDF_FORMATS

RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
STRUCTURE = "|".join(f"ess:{p}" for p in ("hasSection", "hasStrategicLine", "hasChallenge", "hasWorkArea",
                                            "hasObjective", "hasGoal", "hasMeasure"))
PREFIX = f"PREFIX ess: <{ESS}>\n"


def _store(app):
    return app.extensions["kgserver"].store


def _select(app, query: str) -> list:
    return list(_store(app).query(PREFIX + query, use_default_graph_as_union=True))


def _path(iri: str) -> str:
    return "/" + iri[len(BASE):].split("#", 1)[0]


@pytest.fixture(scope="session")
def plan_iri(app) -> str:
    """The plan with the most actions that have years (the one whose timeline has most rows)."""
    rows = _select(app, f"""SELECT ?plan (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?plan a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ess:Plan .
        ?plan ({STRUCTURE})+ ?holder . ?holder ess:hasAction ?a . ?a ess:activeYear ?y }}
        GROUP BY ?plan ORDER BY DESC(?n) ?plan LIMIT 1""")
    assert rows, "no plan with dated actions in the bundled data"
    return rows[0]["plan"].value


@pytest.fixture(scope="session")
def resource_iris(app) -> list[str]:
    """Every IRI under the base the store uses (subjects, predicates, objects, graph names), without fragments."""
    found = set()
    for quad in _store(app).quads_for_pattern(None, None, None, None):
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                found.add(term.value.split("#", 1)[0])
    return sorted(found)


def test_there_are_iris_to_walk(resource_iris):
    assert len(resource_iris) > 10
    assert any("/id/plan/" in iri for iri in resource_iris)


def _served_by_pages(app, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except Exception:  # noqa: BLE001 - a path no rule matches is not ours either
        return False
    return endpoint == "pages.dereference"


#: The walk below is split into this many tests (every IRI is in exactly one), so xdist spreads it.
SHARDS = 8


def test_the_shards_cover_every_iri(resource_iris):
    shards = [resource_iris[shard::SHARDS] for shard in range(SHARDS)]
    assert sorted(iri for part in shards for iri in part) == resource_iris and all(shards)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_iri_dereferences(app, client, resource_iris, shard):
    """Walk every IRI of the graph: HTML and every RDF format for ours, a 200 for other services' URLs."""
    failures = []
    for iri in resource_iris[shard::SHARDS]:
        path = _path(iri)
        if not _served_by_pages(app, path):  # dumps, the SPARQL endpoint, the home page: other blueprints
            response = client.get(path, follow_redirects=True)
            if response.status_code != 200:
                failures.append((path, "*/*", response.status_code))
            continue
        for key, fmt in FORMATS.items():
            if key in ("html", "ttl"):  # by content negotiation (303 to the document for a thing)
                response = client.get(path, headers={"Accept": fmt.media_type}, follow_redirects=True)
            else:  # the other formats by suffix (the negotiation itself is tested below)
                response = client.get(f"{path}.{key}")
            if response.status_code != 200 or response.mimetype != fmt.media_type:
                failures.append((path, fmt.media_type, response.status_code, response.mimetype))
            elif key == "ttl":  # every format parses: see test_suffix_serves_the_description
                # Oxigraph's parser (W3C-conformant, strict): rdflib's took a fifth of the walk's CPU
                if not any(True for _ in ox.parse(response.data, format=ox.RdfFormat.TURTLE)):
                    failures.append((path, fmt.media_type, "empty description"))
    assert not failures, failures[:20]


@pytest.mark.parametrize("key", list(FORMATS), ids=list(FORMATS))
def test_conneg_redirects_a_thing_to_its_document(client, plan_iri, key):
    fmt = FORMATS[key]
    response = client.get(_path(plan_iri), headers={"Accept": fmt.media_type})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{_path(plan_iri)}.{key}"
    assert "Accept" in response.vary


@pytest.mark.parametrize("key", RDF_FORMATS, ids=RDF_FORMATS)
def test_suffix_serves_the_description(client, plan_iri, key):
    fmt = FORMATS[key]
    response = client.get(f"{_path(plan_iri)}.{key}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{fmt.media_type}; charset=utf-8"
    graph = Graph().parse(data=response.data, format=RDFLIB_FORMAT[key])
    plan = URIRef(plan_iri)
    assert (plan, None, None) in graph
    assert (None, None, plan) in graph  # incoming links are part of the description (symmetric CBD)


def test_html_suffix(client, plan_iri):
    response = client.get(f"{_path(plan_iri)}.html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert plan_iri in response.get_data(as_text=True)


@pytest.mark.parametrize("accept,expected", [
    ("text/turtle;q=0.9, text/html;q=0.5", "ttl"),
    ("text/html;q=0.2, application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml;q=1, text/turtle;q=0.3", "rdf"),
    ("text/html;q=0, */*;q=0.1", "ttl"),
    ("*/*", "html"),
    ("", "html"),
])
def test_q_values(client, plan_iri, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get(_path(plan_iri), headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("." + expected)


def test_nothing_acceptable_is_406(client, plan_iri):
    response = client.get(_path(plan_iri), headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    assert "Accept" in response.vary


def test_unknown_iri_is_a_helpful_404(client, plan_iri):
    wrong = _path(plan_iri)[:-1] + "x"
    response = client.get(wrong, headers={"Accept": "text/html"})
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert 'action="/search"' in text
    assert f'href="{_path(plan_iri)}"' in text  # the close IRI is suggested
    assert client.get(wrong, headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/nothing/here.ttl").status_code == 404


def test_ontology_iri_serves_documentation_and_turtle(client):
    path = _path(ONTOLOGY_IRI)
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "Accept" in html.vary
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert turtle.headers["Content-Location"] == path + ".ttl"
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (URIRef(str(ESS.Plan)), None, None) in graph
    assert client.get(path + ".jsonld").mimetype == "application/ld+json"


def test_ontology_document_anchors_hash_iris(client):
    """``ontology#Plan`` is served by the ontology document, which has an anchor for it."""
    text = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r'id="Plan"', text)


def test_label_follows_accept_language(app, client):
    rows = _select(app, """SELECT ?s ?ca ?en WHERE {
        ?s <http://www.w3.org/2000/01/rdf-schema#label> ?ca , ?en .
        FILTER(lang(?ca) = "ca" && lang(?en) = "en" && STRSTARTS(STR(?s), "https://w3id.org/esskg/id/")) }
        ORDER BY ?s LIMIT 1""")
    assert rows, "no resource with both a Catalan and an English label"
    path = _path(rows[0]["s"].value) + ".html"
    title = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)

    def h1(lang):
        headers = {"Accept-Language": lang} if lang else {}
        return title.search(client.get(path, headers=headers).get_data(as_text=True)).group(1)

    from markupsafe import escape

    assert str(escape(rows[0]["ca"].value)) in h1(None)  # Catalan by default
    assert str(escape(rows[0]["en"].value)) in h1("en-GB,en;q=0.9")
    assert str(escape(rows[0]["ca"].value)) in h1("de")  # unknown language: fallback order ca, es, en


def test_inferred_facts_are_marked(app, client, plan_iri):
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    only_inferred = [q for q in _store(app).quads_for_pattern(ox.NamedNode(plan_iri), None, None, inferred)
                     if not any(True for g in _store(app).quads_for_pattern(q.subject, q.predicate, q.object, None)
                                if g.graph_name != inferred)]
    assert only_inferred, "the reasoner adds nothing to the plan"
    text = client.get(_path(plan_iri) + ".html").get_data(as_text=True)
    assert 'class="inferred"' in text and "inferred-badge" in text


@pytest.mark.parametrize("lang,name", [("ca", "pla PROV"), ("es", "plan PROV"), ("en", "PROV plan")])
def test_types_of_other_vocabularies_have_our_names(client, plan_iri, lang, name):
    """prov:Plan and ess:Plan are both labelled "Plan": the badges must not read as a duplicate, in any language."""
    text = client.get(_path(plan_iri) + ".html", headers={"Accept-Language": lang}).get_data(as_text=True)
    badges = re.findall(r'<span class="type"><a href="[^"]*" title="([^"]+)"[^>]*>([^<]+)</a>', text)
    assert badges, "no type badges on the plan page"
    by_iri = dict(badges)
    assert by_iri.get("http://www.w3.org/ns/prov#Plan") == name
    labels = [label for _, label in badges]
    assert len(labels) == len(set(labels)), labels


def test_page_shows_source_document_and_links(client, plan_iri):
    text = client.get(_path(plan_iri) + ".html").get_data(as_text=True)
    assert 'class="provenance"' in text
    assert '/.well-known/void' in text and 'rel="alternate" type="text/turtle"' in text
    assert f'href="{_path(plan_iri)}.ttl"' in text
    assert "/sparql" in text


def test_plan_page_has_structure_and_timeline(app, client, plan_iri):
    text = client.get(_path(plan_iri) + ".html").get_data(as_text=True)
    assert 'id="plan-structure"' in text
    assert 'id="plan-timeline"' in text
    rows = _select(app, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        <{plan_iri}> ({STRUCTURE})+ ?holder . ?holder ess:hasAction ?a . ?a ess:activeYear ?y }}""")
    expected = int(rows[0]["n"].value)
    timeline = text[text.index('id="plan-timeline"'):]
    timeline = timeline[: timeline.index("</svg>")]
    assert timeline.count('class="timeline-row"') == expected


def test_territory_and_project_pages_have_diagrams(app, client):
    territory = _select(app, "SELECT ?t WHERE { ?t ess:withinTerritory ?o } ORDER BY ?t LIMIT 1")
    project = _select(app, "SELECT ?p WHERE { ?p ess:contributesToLine ?l } ORDER BY ?p LIMIT 1")
    assert territory and project
    text = client.get(_path(territory[0]["t"].value) + ".html").get_data(as_text=True)
    assert 'id="territory-diagram"' in text
    text = client.get(_path(project[0]["p"].value) + ".html").get_data(as_text=True)
    assert 'id="project-diagram"' in text


def test_void_counts_equal_the_store(app, client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    void = "http://rdfs.org/ns/void#"
    store = _store(app)
    asserted = len({(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)
                    if q.graph_name != ox.NamedNode(str(INFERRED_GRAPH))})
    datasets = {s for s in graph.subjects(URIRef(void + "sparqlEndpoint"), None)}
    assert len(datasets) == 1
    dataset = datasets.pop()
    assert int(graph.value(dataset, URIRef(void + "triples"))) == asserted
    for partition in graph.objects(dataset, URIRef(void + "classPartition")):
        cls = graph.value(partition, URIRef(void + "class"))
        entities = int(graph.value(partition, URIRef(void + "entities")))
        real = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                                            ox.NamedNode(str(cls)), None)
                if q.graph_name != ox.NamedNode(str(INFERRED_GRAPH))}
        assert entities == len(real), cls
    inferred = URIRef(str(INFERRED_GRAPH))
    assert int(graph.value(inferred, URIRef(void + "triples"))) == len(
        list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH)))))
    assert json.loads(client.get("/.well-known/void", headers={"Accept": "application/ld+json"}).data)


def test_dataset_iri_serves_dcat_and_void(app, client):
    from kgserver.void import dataset_iri

    path = _path(dataset_iri(_store(app)).value)
    graph = Graph().parse(data=client.get(path + ".ttl").data, format="turtle")
    dcat = "http://www.w3.org/ns/dcat#"
    assert (None, URIRef(dcat + "distribution"), None) in graph
    assert (None, URIRef("http://rdfs.org/ns/void#triples"), None) in graph
    assert client.get("/.well-known/void", headers={"Accept": "text/html"}).status_code == 200


def test_search_and_browse(client, plan_iri):
    assert client.get("/browse").status_code == 200
    text = client.get("/search", query_string={"q": "impuls"}).get_data(as_text=True)
    assert "/id/plan/" in text
