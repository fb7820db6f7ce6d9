"""Resource pages over the external stores dereference as over the embedded store, in every format.

The IRIs come from the served dataset itself (a query through the store interface), so the
test covers whatever the dataset holds.  Pages read the store only through
:class:`kgserver.storage.DatasetStore`, so they are the same code over every store.
"""

from __future__ import annotations

import urllib.request

import pyoxigraph as ox
import pytest

from kgserver.namespaces import BASE

pytestmark = [pytest.mark.xdist_group("stores"), pytest.mark.server]

RDF_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
#: IRIs checked: every n-th of the dataset's own subjects (all of them with SAMPLE_EVERY = 1).
SAMPLE_EVERY = 40


def served_iris(app) -> list[str]:
    """Return every IRI under the base the served dataset has as a subject, through the store interface."""
    store = app.extensions["kgserver"].store
    text = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }} ORDER BY ?s'
    return [row["s"].value for row in store.query(text)]


@pytest.fixture(scope="module")
def iris(app) -> list[str]:
    return served_iris(app)


@pytest.fixture(scope="module")
def sample(iris) -> list[str]:
    """The IRIs compared: every ``SAMPLE_EVERY``-th of :func:`served_iris`."""
    return iris[::SAMPLE_EVERY]


@pytest.fixture(scope="module")
def embedded_page(app):
    """Return (status, Content-Type, body) of a page of the embedded site, each one rendered once for the module
    (every test and store compares with the same answers)."""
    answers: dict = {}
    client = app.test_client()

    def page(path: str, media_type: str) -> tuple:
        if (path, media_type) not in answers:
            response = client.get(path, headers={"Accept": media_type}, follow_redirects=True)
            answers[path, media_type] = (response.status_code, response.headers["Content-Type"], response.data)
        return answers[path, media_type]

    return page


def _triples(body: bytes, media_type: str) -> set[str]:
    """Return the triples of an RDF document, blank nodes written ``_:`` (labels differ by store)."""
    out = set()
    for quad in ox.parse(body, ox.RdfFormat.from_media_type(media_type)):
        terms = [quad.subject, quad.predicate, quad.object]
        out.add(" ".join("_:" if isinstance(t, ox.BlankNode) else str(t) for t in terms))
    return out


def test_the_dataset_has_pages_to_compare(iris):
    assert len(iris) > 100


def test_the_sample_has_pages_reaching_blank_nodes(sample, embedded_page):
    """Pages whose description follows blank nodes (an anchor's selectors) are among those compared."""
    reaching = 0
    for iri in sample:
        status, content_type, body = embedded_page(iri.removeprefix(BASE.rstrip("/")), "application/n-triples")
        if status == 200 and content_type.split(";")[0] == "application/n-triples":
            reaching += any("_:" in t for t in _triples(body, "application/n-triples"))
    assert reaching >= 3


@pytest.mark.parametrize("kind", ["virtuoso", "oxigraph"])
def test_pages_dereference_as_on_the_embedded_store(kind, sample, embedded_page, remote_servers):
    base = remote_servers[kind]
    for iri in sample:
        path = iri.removeprefix(BASE.rstrip("/"))
        for media_type in RDF_TYPES + ["text/html"]:
            expected_status, expected_type, expected_body = embedded_page(path, media_type)
            request = urllib.request.Request(base + path, headers={"Accept": media_type})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body, content_type = response.status, response.read(), response.headers["Content-Type"]
            except urllib.error.HTTPError as err:
                status, body, content_type = err.code, err.read(), err.headers.get("Content-Type")
            assert (status, content_type) == (expected_status, expected_type), (iri, media_type)
            if media_type in RDF_TYPES and status == 200:
                assert _triples(body, media_type) == _triples(expected_body, media_type), (iri, media_type)
