"""A dataset over ``DUMPS_MAX_QUADS`` gets no dump from the web server: a clear 503, and nothing is rendered
(making the dumps holds the whole dataset in the web process, about 1.5 kB a quad)."""

from __future__ import annotations

import pytest

from kgserver.export import dump_names


@pytest.fixture(scope="module")
def small_limit_client():
    from kgserver.app import create_app

    return create_app({"TESTING": True, "DUMPS_MAX_QUADS": 1000}).test_client()


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

