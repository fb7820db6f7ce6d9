"""A resource with more links than a request reads answers the same over every store: the first links of each
property (in IRI order), their count and the pages of the rest (:mod:`kgserver.web.paging`).

The bound is set low (3 a property, 10 a resource) so that the bundled Catalunya, with 18 places within it,
is over it; the site is created in this process over each store, and over the embedded build with the same bound.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
import pytest

from kgserver.namespaces import ESS

pytestmark = [pytest.mark.xdist_group("stores"), pytest.mark.server]

BOUND = {"LINKS_PER_PROPERTY": 3, "LINKS_PER_RESOURCE": 10}
LIST = f"/id/territory/catalunya?incoming={quote(str(ESS.withinTerritory), safe='')}"
PATHS = ["/id/territory/catalunya.nt", "/id/territory/catalunya.html", "/id/territory/barcelona.nt",
         "/id/territory/barcelona.html", *(LIST.replace("?", ".nt?", 1) + f"&page={k}" for k in range(1, 8)),
         LIST.replace("?", ".html?", 1) + "&page=2"]


def _site(**config):
    from kgserver.app import create_app

    return create_app({"TESTING": True, "QUERY_WORKERS": 1, **BOUND, **config}).test_client()


@pytest.fixture(scope="module")
def embedded():
    """The embedded site's answers, each path's once for the module (both stores compare with them)."""
    site, answers = _site(), {}

    def answer(path: str):
        if path not in answers:
            answers[path] = _answer(site, path)
        return answers[path]

    return answer


def _answer(client, path: str):
    response = client.get(path, headers={"Accept-Language": "ca"})
    body = response.get_data()
    if response.mimetype == "application/n-triples":
        body = sorted({" ".join("_:" if isinstance(t, ox.BlankNode) else str(t)
                                for t in (q.subject, q.predicate, q.object))
                       for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)})
    return response.status_code, response.mimetype, body


def test_the_bundled_catalunya_is_over_the_bound(embedded):
    status, _, body = embedded("/id/territory/catalunya.nt")
    assert status == 200 and any("hydra/core#totalItems" in line for line in body)


@pytest.mark.parametrize("kind", ["virtuoso", "oxigraph"])
def test_bounded_pages_and_lists_answer_as_on_the_embedded_store(kind, store_urls, embedded):
    remote = _site(STORE=store_urls[kind])
    for path in PATHS:
        assert _answer(remote, path) == embedded(path), (kind, path)
    assert _answer(remote, PATHS[-2])[0] == 404  # page 7: the one after the last (18 places, 3 a page)
