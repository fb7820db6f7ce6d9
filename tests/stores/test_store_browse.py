"""``/browse`` and the 404 page answer the same over every store: the classes with their counts, a class's members
page by page in IRI order, and the suggestions for a mistyped IRI (:mod:`kgserver.browse_index`).

The embedded site reads the build's index; a site over an external store sends one bounded query per page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from kgserver.namespaces import BASE
from kgserver.web.listings import BROWSE_PAGE

pytestmark = [pytest.mark.xdist_group("stores"), pytest.mark.server]


def _site(**config):
    from kgserver.app import create_app

    return create_app({"TESTING": True, "QUERY_WORKERS": 1, **config})


@pytest.fixture(scope="module")
def embedded(app):
    """The embedded site: the session's app (``tests/conftest.py``), already made for the other store tests."""
    return app


@pytest.fixture(scope="module")
def embedded_answers(embedded) -> dict:
    """Path -> the embedded site's answer, for every path of :func:`_paths` (rendered once for the module)."""
    return {path: _answer(embedded.test_client(), path) for path in _paths(embedded)}


def _paths(app) -> list[str]:
    """The class list, every page of the largest class and the one after, a small class, and three 404s."""
    classes = app.extensions["kgserver"].store.figures["browse"]["classes"]
    largest = max(classes, key=lambda c: (classes[c], c))
    smallest = min(classes, key=lambda c: (classes[c], c))
    found = app.extensions["kgserver"].store.class_members(largest, under=BASE + "id/", limit=classes[largest])
    paths = ["/browse", "/browse?lang=en", f"/browse?{urlencode({'class': smallest, 'lang': 'es'})}"]
    paths += [f"/browse?{urlencode({'class': largest, **bound})}" for bound in (
        {}, {"after": found[BROWSE_PAGE - 1]}, {"after": found[3]}, {"before": found[BROWSE_PAGE]},
        {"before": found[-1]}, {"after": found[-1]})]  # the last: past the end, a 404
    return paths + ["/" + found[0][len(BASE):-1] + "~", "/id/plan/pla-impuls-ess-2016-201", "/id/no-such-thing"]


def _answer(client, path: str):
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": "ca"})
    return response.status_code, response.mimetype, response.get_data(as_text=True)


def test_there_are_pages_to_compare(embedded_answers):
    answers = embedded_answers
    statuses = [status for status, _, _ in answers.values()]
    assert statuses.count(200) >= 7 and statuses.count(404) == 4  # the page after the last, three missing IRIs
    near_miss, cut = (path for path in answers if path.endswith("~") or path.endswith("-201"))
    assert f"<code>{BASE}{near_miss[1:-1]}" in answers[near_miss][2]  # the mistyped resource is suggested
    assert f"<code>{BASE}id/plan/pla-impuls-ess-2016-2019</code>" in answers[cut][2]


@pytest.mark.parametrize("kind", ["virtuoso", "oxigraph"])
def test_browse_and_404_answer_as_on_the_embedded_store(kind, store_urls, embedded, embedded_answers):
    remote = _site(STORE=store_urls[kind])
    try:
        figures = remote.extensions["kgserver"].store.figures  # published with the release: no count query
        assert figures["browse"] == embedded.extensions["kgserver"].store.figures["browse"]
        client = remote.test_client()
        for path, expected in embedded_answers.items():
            assert _answer(client, path) == expected, (kind, path)
    finally:
        remote.extensions["kgserver"].close()
