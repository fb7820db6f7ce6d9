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


def _triples(body: bytes, media_type: str) -> set[str]:
    """Return the triples of an RDF document, blank nodes written ``_:`` (labels differ by store)."""
    out = set()
    for quad in ox.parse(body, ox.RdfFormat.from_media_type(media_type)):
        terms = [quad.subject, quad.predicate, quad.object]
        out.add(" ".join("_:" if isinstance(t, ox.BlankNode) else str(t) for t in terms))
    return out


def test_the_dataset_has_pages_to_compare(app):
    assert len(served_iris(app)) > 100


def test_the_sample_has_pages_reaching_blank_nodes(app, client):
    """Pages whose description follows blank nodes (an anchor's selectors) are among those compared."""
    reaching = 0
    for iri in served_iris(app)[::SAMPLE_EVERY]:
        page = client.get(iri.removeprefix(BASE.rstrip("/")), headers={"Accept": "application/n-triples"},
                          follow_redirects=True)
        if page.status_code == 200 and page.mimetype == "application/n-triples":
            reaching += any("_:" in t for t in _triples(page.data, "application/n-triples"))
    assert reaching >= 3


@pytest.mark.parametrize("kind", ["virtuoso", "oxigraph"])
def test_pages_dereference_as_on_the_embedded_store(kind, app, client, remote_servers):
    base = remote_servers[kind]
    for iri in served_iris(app)[::SAMPLE_EVERY]:
        path = iri.removeprefix(BASE.rstrip("/"))
        for media_type in RDF_TYPES + ["text/html"]:
            embedded = client.get(path, headers={"Accept": media_type}, follow_redirects=True)
            request = urllib.request.Request(base + path, headers={"Accept": media_type})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body, content_type = response.status, response.read(), response.headers["Content-Type"]
            except urllib.error.HTTPError as err:
                status, body, content_type = err.code, err.read(), err.headers.get("Content-Type")
            assert (status, content_type) == (embedded.status_code, embedded.headers["Content-Type"]), (iri, media_type)
            if media_type in RDF_TYPES and status == 200:
                assert _triples(body, media_type) == _triples(embedded.data, media_type), (iri, media_type)
