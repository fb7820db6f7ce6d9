"""The query UI in a real browser: Debian's Chromium driven by Playwright, against ``kgserver serve``
(the session's ``live`` server of ``tests/conftest.py``)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.xdist_group("live-server")]

QUERY = (
    "SELECT ?class WHERE { ?class a <http://www.w3.org/2002/07/owl#Class> "
    "FILTER(STRSTARTS(STR(?class), 'https://w3id.org/esskg/')) } ORDER BY ?class LIMIT 4"
)


def expected_rows(base_url: str) -> list[str]:
    """Return the query's answer fetched directly over HTTP (class IRIs)."""
    import json
    import urllib.parse
    import urllib.request

    url = base_url + "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    with urllib.request.urlopen(url, timeout=10) as response:
        return [row["class"]["value"] for row in json.load(response)["results"]["bindings"]]


@pytest.fixture(scope="module")
def base_url(live):
    host, port, _ = live
    return f"http://{host}:{port}"


@pytest.fixture(scope="module")
def page(base_url, browser):
    """A page of the shared Chromium (conftest: one Playwright per process, two would deadlock)."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base_url) else outside.append(request.url))
    page.outside_requests = outside
    yield page
    context.close()


def test_type_a_query_run_it_see_its_rows(page, base_url):
    page.goto(base_url + "/sparql", wait_until="load")
    editor = page.locator(".yasqe .CodeMirror").first
    editor.wait_for(timeout=15_000)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(QUERY)
    typed = page.evaluate("() => window.yasgui.getTab().getYasqe().getValue()")
    assert "LIMIT 4" in typed and "owl#Class" in typed
    page.locator(".yasqe_queryButton").first.click()
    rows = page.locator(".yasr table tbody tr")
    rows.nth(3).wait_for(timeout=15_000)
    assert rows.count() == 4
    expected = expected_rows(base_url)
    assert len(expected) == 4
    for index, iri in enumerate(expected):
        local_name = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        assert local_name in rows.nth(index).inner_text()


def test_examples_are_offered(page, base_url):
    from kgserver.web.examples import example_queries

    page.goto(base_url + "/query", wait_until="load")
    page.locator(".yasqe .CodeMirror").first.wait_for(timeout=15_000)
    buttons = page.locator("button.example-query")
    assert buttons.count() == len(example_queries())
    if buttons.count():
        buttons.first.click()
        value = page.evaluate("() => window.yasgui.getTab().getYasqe().getValue()")
        assert value == example_queries()[0]["query"]


def test_no_request_leaves_the_server(page):
    assert page.outside_requests == []
