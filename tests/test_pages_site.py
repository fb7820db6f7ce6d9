"""The site as people and programs meet it: front page, languages, one row per fact, caching, errors, negotiation."""

from __future__ import annotations

import re

import pytest

from kgserver.namespaces import BASE, PREFIXES

BARCELONA = "/id/territory/barcelona.html"
PLAN = "/id/plan/pla-impuls-ess-2016-2019.html"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"])
def test_landing_page_sends_rdf_clients_to_the_dataset_description(client, accept):
    # "/" is the dataset's dcat:landingPage, so it is a subject of the graph: asked for RDF, it must not answer HTML
    response = client.get("/", headers={"Accept": accept})
    assert response.status_code == 303 and response.headers["Location"].endswith("/.well-known/void")
    assert "Accept" in response.headers["Vary"]
    followed = client.get("/", headers={"Accept": accept}, follow_redirects=True)
    assert followed.status_code == 200 and followed.headers["Content-Type"].startswith(accept)
    assert client.get("/", headers={"Accept": "text/html"}).headers["Content-Type"].startswith("text/html")


def test_front_page_counts_and_leads_everywhere(app, client):
    from kgserver.web.site import count_instances

    counts = count_instances(app.extensions["kgserver"].store)
    assert all(counts[key] > 0 for key in ("plans", "measures", "actions", "territories", "entities")), counts
    html = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in html and "Planes" in html and str(counts["actions"]) in html
    for href in ("/search", "/api/", "/query", "/browse", "/id/plan/pla-impuls-ess-2016-2019", "/id/territory/barcelona"):
        assert f'href="{href}' in html or f'action="{href}' in html, href


def test_query_editor_has_its_own_path_and_questions_as_text(client):
    from kgserver.web.examples import example_queries

    html = client.get("/query", headers={"Accept-Language": "ca"}).get_data(as_text=True)
    assert "yasgui.min.js" in html and "Editor SPARQL" in html
    assert all(e["question"] and " " in e["question"] for e in example_queries())
    assert f"const BASE = \"{BASE}\"" in html  # result IRIs of the graph are rewritten to this server


@pytest.mark.parametrize("lang,word", [("ca", "Propietats"), ("es", "Propiedades"), ("en", "Properties")])
def test_lang_parameter_and_accept_language_choose_one_language(client, lang, word):
    by_header = client.get(BARCELONA, headers={"Accept-Language": lang}).get_data(as_text=True)
    by_param = client.get(BARCELONA + f"?lang={lang}", headers={"Accept-Language": "de"}).get_data(as_text=True)
    for html in (by_header, by_param):
        assert f'<html lang="{lang}">' in html and word in html


FOREIGN = {"ca": ["Has Part", "alternative label", "Spatial Coverage", "wasDerivedFrom", "Identifier", "código INE",
                  "prov:Entity", "Properties", "Propiedades"],
           "es": ["Has Part", "Spatial Coverage", "wasDerivedFrom", "Identifier", "prov:Entity", "Propietats"],
           "en": ["Propietats", "Propiedades", "prov:Entity", "código INE"]}


@pytest.mark.parametrize("lang", sorted(FOREIGN))
@pytest.mark.parametrize("path", [BARCELONA, PLAN])
def test_no_word_of_another_language(client, path, lang):
    html = client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S))
    assert [w for w in FOREIGN[lang] if w in text] == []


def _rows(html: str) -> list[tuple[str, list[str]]]:
    """Return (property label, value hrefs) of every row of the page's tables."""
    out = []
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html, re.S):
        label = re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip()
        out.append((label, re.findall(r'<li class="(?:inferred|asserted)"><a href="([^"]+)"', row)))
    return out


def test_a_fact_and_its_inverse_are_one_row(client):
    html = client.get(BARCELONA).get_data(as_text=True)
    # the dataset names Barcelona both as its example resource and its coverage: two facts, not one twice
    seen = [href for _label, hrefs in _rows(html) for href in hrefs if href != "/id/dataset"]
    assert seen and len(seen) == len(set(seen)), sorted(h for h in seen if seen.count(h) > 1)


@pytest.mark.parametrize("lang", ["ca", "es", "en"])
def test_editorial_notes_once(client, lang):
    """The plan's note: shown once, in the best language it is written in, and not again in the table."""
    html = client.get(PLAN, headers={"Accept-Language": lang}).get_data(as_text=True)
    notes = re.findall(r'<p class="note"[^>]*>([^<]+)</p>', html)
    assert len(notes) == 1 and html.count(notes[0][:60]) == 1


def test_title_never_from_an_inferred_only_label(app, client):
    """skos:altLabel is an rdfs:label in the inferred graph: a title must not come from it."""
    import pyoxigraph as ox

    from kgserver.namespaces import INFERRED_GRAPH
    from kgserver.web.resource import LABEL_PROPERTIES, Labeller, Sources

    store = app.extensions["kgserver"].store
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    inferred = ox.NamedNode(str(INFERRED_GRAPH))

    def asserted(quad) -> bool:
        """The same text is asserted under a label property (FOAF: a foaf:name is an rdfs:label)."""
        return any(g.graph_name != inferred for prop in LABEL_PROPERTIES
                   for g in store.quads_for_pattern(quad.subject, prop, quad.object, None))

    only_inferred = [q for q in store.quads_for_pattern(None, label, None, inferred) if not asserted(q)]
    assert only_inferred, "no inferred-only label to test with"
    for lang in ("ca", "es", "en"):
        labeller = Labeller(Sources(store), [lang, "ca", "es", "en"])
        for quad in only_inferred[:50]:
            assert labeller.label_literal(quad.subject) != quad.object


@pytest.mark.parametrize("path,headers", [
    (BARCELONA, {}), ("/", {"Accept-Language": "en"}), ("/ontology", {"Accept": "text/turtle"}),
    ("/id/territory/barcelona.ttl", {}), ("/sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}),
    ("/api/", {}), ("/dumps/esskg.nt.gz", {}),
])
def test_conditional_get_is_304(client, path, headers):
    first = client.get(path, headers=headers)
    assert first.status_code == 200 and first.headers.get("ETag"), first.status_code
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get(path, headers={**headers, "If-None-Match": 'W/"something-else"'})
    assert other.status_code == first.status_code


def test_etag_differs_by_language_and_format(client):
    tags = {client.get(BARCELONA, headers={"Accept-Language": lang}).headers["ETag"] for lang in ("ca", "es")}
    tags.add(client.get("/id/territory/barcelona.ttl").headers["ETag"])
    assert len(tags) == 3


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/x-icon" and response.data[:4] == b"\0\0\1\0"


def test_validate_form_has_the_site_header_in_the_request_language(client):
    html = client.get("/validate", headers={"Accept-Language": "ca"}).get_data(as_text=True)
    assert 'class="site"' in html and "style.css" in html and '<html lang="ca">' in html
    assert "<option selected>ca</option>" in html


@pytest.mark.parametrize("accept,fmt", [
    ("text/plain", "application/n-triples"),  # rdflib's parse(url, format="nt")
    ("text/plain, */*;q=0.1", "application/n-triples"),
    ("text/html,*/*;q=0.8", "text/html"),
])
def test_resource_documents_negotiate_like_the_endpoint(client, accept, fmt):
    response = client.get("/id/territory/barcelona", headers={"Accept": accept})
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).mimetype == fmt


@pytest.mark.parametrize("name,media", [("rdf+xml", "application/rdf+xml"), ("n3", "text/turtle"),
                                        ("turtle", "text/turtle"), ("json-ld", "application/ld+json")])
def test_sparqlwrapper_format_names_for_graph_queries(client, name, media):
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 1", "format": name})
    assert response.status_code == 200 and response.mimetype == media


def test_service_description_names_the_url_it_was_asked_at(client):
    for path in ("/sparql", "/sparql/"):
        text = client.get(path, headers={"Accept": "text/turtle"}).get_data(as_text=True)
        assert f"sd:endpoint <http://localhost{path}>" in text


@pytest.mark.parametrize("query,words", [
    ("SELECT * WHERE { ?s ?p }", "has no object"),
    ("SELECT * WHERE { ?s skos:prefLabel ?o }", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"),
    ("SELECT * WHERE { ?s ess:name ?o }", f"PREFIX ess: <{PREFIXES['ess']}>"),
    ("SELEC * WHERE { ?s ?p ?o }", "did you mean SELECT?"),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "did you mean LIMIT?"),
    ("SELECT * WHERE { ?s ?p ?o ", "not closed with '}'"),
    ('SELECT * WHERE { ?s ?p "abc }', "a string is not closed"),
])
def test_query_errors_in_words(client, query, words):
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert re.search(r"line \d+, column \d+", text) and words in text, text
    assert "LATERAL" not in text


def test_every_question_is_asked_in_catalan_and_spanish():
    from kgserver.queries import load_queries
    from kgserver.web.question_texts import QUESTIONS

    names = {query.name for query in load_queries()}
    assert names, "no named queries"
    assert sorted(names - set(QUESTIONS)) == [], "add their questions to kgserver/web/question_texts.py"


@pytest.mark.parametrize("lang", ["ca", "es"])
def test_question_index_and_editor_ask_in_the_page_language(client, lang):
    import json

    from kgserver.web.question_texts import QUESTIONS

    expected = QUESTIONS["plan-periods"][("ca", "es").index(lang)]
    assert expected in client.get("/api/", headers={"Accept-Language": lang}).get_data(as_text=True)
    editor = client.get("/query", headers={"Accept-Language": lang}).get_data(as_text=True)
    shown = json.loads(re.search(r"const QUESTIONS = (\{.*?\});", editor).group(1))
    assert shown["plan-periods"] == expected
