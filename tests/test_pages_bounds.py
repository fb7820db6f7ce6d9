"""A resource with more links than a request reads: its page and description show the first ones, say how
many there are, and link to paged lists of them (``?incoming=<property>&page=K``, :mod:`kgserver.web.paging`).

Catalunya has 18 places within it in the bundled data; the bound is set to 3 a property and 10 a resource
here, so that the bundled data has a resource over it (the default, 200 and 1000, leaves every bundled page whole).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from store_harness import assert_no_scan, interface_app

from kgserver.namespaces import BASE, ESS, HYDRA

CATALUNYA = BASE + "id/territory/catalunya"
WITHIN = str(ESS.withinTerritory)
PER_PROPERTY, PER_RESOURCE = 3, 10
LIST = f"/id/territory/catalunya?incoming={quote(WITHIN, safe='')}"


@pytest.fixture(scope="module")
def bounded(app):
    """(client, recorder): the site over the embedded store through the interface only, with a small bound."""
    wrapped, recorder = interface_app(app.extensions["kgserver"].store)
    wrapped.config.update(LINKS_PER_PROPERTY=PER_PROPERTY, LINKS_PER_RESOURCE=PER_RESOURCE)
    return wrapped.test_client(), recorder


@pytest.fixture(scope="module")
def within(app) -> set[str]:
    """The places within Catalunya, as the store has them (asserted or inferred)."""
    rows = app.extensions["kgserver"].store.query(f"SELECT ?s WHERE {{ ?s <{WITHIN}> <{CATALUNYA}> FILTER(isIRI(?s)) }}")
    return {row["s"].value for row in rows}


def _triples(body: bytes) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]


def _value(triples, subject: str, predicate) -> ox.Term | None:
    return next((t.object for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value == subject
                 and t.predicate.value == str(predicate)), None)


def test_catalunya_has_more_places_than_the_bound(within):
    assert len(within) > PER_PROPERTY


def test_the_description_holds_the_bound_and_says_how_many_and_where(bounded, within):
    client, recorder = bounded
    mark = recorder.mark()
    response = client.get("/id/territory/catalunya.nt")
    assert response.status_code == 200
    triples = _triples(response.data)
    listed = {t.subject.value for t in triples if t.predicate.value == WITHIN and t.object.value == CATALUNYA}
    assert 0 < len(listed) <= PER_PROPERTY and listed <= within
    incoming = [t for t in triples if isinstance(t.subject, ox.NamedNode) and t.object.value == CATALUNYA]
    assert len(incoming) <= PER_RESOURCE
    collection = BASE[:-1] + LIST
    assert _value(triples, collection, HYDRA.totalItems) == ox.Literal(str(len(within)), datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))
    manages = _value(triples, collection, HYDRA.manages)
    assert any(t.subject == manages and t.predicate.value == str(HYDRA.property) and t.object.value == WITHIN
               for t in triples)
    assert any(t.subject == manages and t.predicate.value == str(HYDRA.object) and t.object.value == CATALUNYA
               for t in triples)
    assert _value(triples, collection, HYDRA.view).value == collection + "&page=1"
    # every query about Catalunya's own statements returned at most what the first read of a resource allows
    about = [(text, rows) for text, rows in recorder.since(mark) if f"<{CATALUNYA}>" in text]
    assert about and all(rows <= 2 * PER_RESOURCE + 1 for _, rows in about), about


def test_the_pages_of_the_list_give_every_place_once(bounded, within):
    client, _ = bounded
    seen: list[str] = []
    page = BASE[:-1] + LIST + "&page=1"
    pages = 0
    while page is not None:
        response = client.get(page.removeprefix(BASE[:-1]).replace("?", ".nt?", 1))
        assert response.status_code == 200, page
        triples = _triples(response.data)
        found = sorted(t.subject.value for t in triples if t.predicate.value == WITHIN and t.object.value == CATALUNYA)
        assert 0 < len(found) <= PER_PROPERTY
        assert all(_value(triples, iri, "http://www.w3.org/2000/01/rdf-schema#label") for iri in found)  # named
        seen += found
        pages += 1
        following = _value(triples, page, HYDRA.next)
        page = following.value if following is not None else None
    assert sorted(seen) == sorted(within)  # each once, in IRI order across pages
    assert seen == sorted(seen)
    assert pages == -(-len(within) // PER_PROPERTY)


def test_the_html_page_links_to_the_list(bounded, within):
    client, _ = bounded
    html = client.get("/id/territory/catalunya.html", headers={"Accept-Language": "en"}).get_data(as_text=True)
    href = LIST.replace("&", "&amp;") + "&amp;page=1"
    assert f'href="{href}">all {len(within)}</a>' in html


def test_a_list_page_for_people(bounded, within):
    client, _ = bounded
    response = client.get(LIST, headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(LIST.replace("catalunya?", "catalunya.html?"))
    html = client.get(response.headers["Location"] + "&page=2", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"{len(within)} in all" in html and 'rel="prev"' in html
    assert len(re.findall(r'<li class="(?:inferred|asserted)"><a href="/id/territory/', html)) == PER_PROPERTY


@pytest.mark.parametrize("query, status", [
    ("incoming=not-an-iri", 400), (f"incoming={quote(WITHIN)}&page=0", 400), (f"incoming={quote(WITHIN)}&page=x", 400),
    (f"incoming={quote(WITHIN)}&outgoing={quote(WITHIN)}", 400), (f"incoming={quote(WITHIN)}&page=99", 404),
])
def test_a_list_that_is_not_well_asked_for(bounded, query, status):
    client, _ = bounded
    assert client.get(f"/id/territory/catalunya.ttl?{query}").status_code == status


def test_the_default_bound_leaves_the_bundled_pages_whole(client):
    html = client.get("/id/territory/catalunya.html").get_data(as_text=True)
    assert "?incoming=" not in html and "?outgoing=" not in html
    assert "hydra" not in client.get("/id/territory/catalunya.ttl").get_data(as_text=True)


def test_no_request_above_read_the_store_or_counted_more_than_a_resource_s_links(bounded, app):
    """The requests of this module, made again here: under xdist the others may run on another worker."""
    from store_harness import Recorder

    client, recorder = bounded
    mark = recorder.mark()
    for path in ("/id/territory/catalunya.nt", "/id/territory/catalunya.ttl", "/id/territory/catalunya.html",
                 f"/id/territory/catalunya.ttl?incoming={quote(WITHIN, safe='')}&page=1",
                 f"/id/territory/catalunya.html?incoming={quote(WITHIN, safe='')}&page=2"):
        assert client.get(path, headers={"Accept-Language": "en"}).status_code == 200, path
    sent = recorder.since(mark)
    assert len(sent) > 20
    assert_no_scan(Recorder(sent), app.extensions["kgserver"].store.figures)
