"""A store without the build's dump files (an external store, an in-memory build) and over ``DUMPS_MAX_QUADS``
gets no dump from the web server: a clear 503, and nothing is rendered (making them on request takes minutes of
the web process at a million triples).  Under the limit they are made on request, as the build makes them."""

from __future__ import annotations

import pytest

from kgserver.export import dump_names


@pytest.fixture(scope="module")
def small_limit_client():
    from kgserver.app import create_app
    from kgserver.store import ServedStore

    app = create_app({"TESTING": True, "DUMPS_MAX_QUADS": 1000})
    state = app.extensions["kgserver"]
    built = state.store
    state.opener, state._store = (lambda: ServedStore(built.store, built.figures)), None  # no dump files
    return app.test_client()


@pytest.fixture()
def no_rendering(monkeypatch):
    from kgserver.web import dumps

    def refuse(_store):
        raise AssertionError("the dumps were rendered for a dataset over the limit")

    monkeypatch.setattr(dumps, "render_dumps", refuse)


def test_a_dump_over_the_limit_is_a_clear_503(small_limit_client, no_rendering):
    for name in dump_names():
        response = small_limit_client.get(f"/dumps/{name}")
        assert response.status_code == 503 and response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
        assert "DUMPS_MAX_QUADS" in text and "kgserver export" in text and "1,000" in text
        assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("language, words", [("ca", "massa gran"), ("es", "demasiado grande"), ("en", "too large")])
def test_the_dumps_page_says_why_in_the_page_language(small_limit_client, no_rendering, language, words):
    response = small_limit_client.get("/dumps/", headers={"Accept-Language": language})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and words in html and "DUMPS_MAX_QUADS" in html
    assert all(name in html for name in dump_names())



def test_without_dump_files_under_the_limit_the_dumps_are_made_on_request_as_the_build_makes_them():
    from kgserver.app import create_app
    from kgserver.store import ServedStore

    app = create_app({"TESTING": True})
    state = app.extensions["kgserver"]
    built = state.store
    state.opener, state._store = (lambda: ServedStore(built.store, built.figures)), None  # no dump files
    client = app.test_client()
    for name in dump_names():  # the files the build wrote of this store, from its graphs' texts as it loaded them
        assert built.dump_file(name) is not None, name
        assert client.get(f"/dumps/{name}").data == built.dump_file(name).path.read_bytes(), name
