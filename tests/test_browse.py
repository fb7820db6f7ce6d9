"""``/browse`` and the 404 page's suggestions read a bounded part of the store (issue 12).

``/browse`` lists the classes of the resources under ``<base>id/`` with the build's counts; each class leads to
its members in IRI order, a page at a time; the 404 page compares the missing IRI with the typed resources
next to it in IRI order.  The embedded store reads the build's index (:mod:`kgserver.browse_index`); a store
without it (an external store, :class:`store_harness.InterfaceOnly`) sends one bounded query per page.  Both
must answer alike, and neither may send a query over every typed resource.
"""

from __future__ import annotations

import difflib
import html
import re
import shutil
from urllib.parse import quote

import pytest

from kgserver.browse_index import RDF_TYPE, counts_query
from kgserver.namespaces import BASE, ID_PATH, INFERRED_GRAPH
from kgserver.reasoning.build import SEARCH_INDEX
from kgserver.search_index import SearchIndexError
from kgserver.store import open_build, prepare_build
from kgserver.web.listings import BROWSE_PAGE
from kgserver.web.pages import NEAR
from store_harness import InterfaceOnly

pytestmark = pytest.mark.xdist_group("browse")

UNDER = BASE + ID_PATH
#: Every asserted type of a resource under id/, the way /browse read them all before (the oracle here).
ALL_TYPED = (f"SELECT DISTINCT ?c ?s WHERE {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?c }} FILTER(?g != <{INFERRED_GRAPH}> "
             f"&& isIRI(?s) && isIRI(?c) && STRSTARTS(STR(?s), \"{UNDER}\")) }}")


@pytest.fixture(scope="module")
def built(app):
    """The session's build (made by the app before this module opens a store)."""
    return prepare_build()


@pytest.fixture(scope="module")
def embedded(built):
    return open_build(built.path, built.manifest)


@pytest.fixture(scope="module")
def members(embedded) -> dict[str, list[str]]:
    """Class IRI -> its members under id/, sorted (read with the unbounded query, here only)."""
    out: dict[str, list[str]] = {}
    for row in embedded.query(ALL_TYPED):
        out.setdefault(row["c"].value, []).append(row["s"].value)
    return {cls: sorted(found) for cls, found in out.items()}


def _pages(store, cls: str, size: int) -> list[list[str]]:
    """Every page of ``cls``, each read after the last IRI of the one before."""
    pages, after = [], None
    while page := store.class_members(cls, under=UNDER, after=after, limit=size):
        pages.append(page)
        after = page[-1]
    return pages


def test_the_build_counts_each_class_as_the_query_does(embedded, members):
    figure = embedded.figures["browse"]
    assert figure["under"] == UNDER and figure["classes"] == {cls: len(found) for cls, found in members.items()}
    counted = InterfaceOnly(embedded)
    counted.figures = {}  # a release published without the figure: one count query, then kept
    assert counted.class_counts(UNDER) == figure["classes"] == counted.class_counts(UNDER)
    assert [text for text, _ in counted.recorder.queries] == [counts_query(UNDER)]


@pytest.mark.parametrize("size", [BROWSE_PAGE, 7])
def test_index_and_query_list_each_class_alike_page_by_page(embedded, members, size):
    by_query = InterfaceOnly(embedded)
    assert embedded.label_index.covers_members(UNDER) and not by_query.label_index
    assert max(len(found) for found in members.values()) > BROWSE_PAGE  # some class has several pages
    for cls, found in members.items():
        pages = _pages(embedded, cls, size)
        assert pages == _pages(by_query, cls, size), cls
        assert [iri for page in pages for iri in page] == found, cls
        assert all(len(page) == size for page in pages[:-1]), cls
        for number in range(1, len(pages)):  # back: the page before the first IRI of the next
            back = embedded.class_members(cls, under=UNDER, before=pages[number][0], limit=size)
            assert back == by_query.class_members(cls, under=UNDER, before=pages[number][0], limit=size)
            assert back == pages[number - 1], cls
    assert embedded.class_members("http://example.org/NoClass", under=UNDER, limit=5) == []


def _near_cases(members) -> list[str]:
    """Missing IRIs: each sample resource with its end mistyped, cut or lengthened, in folders and outside them."""
    every = sorted({iri for found in members.values() for iri in found})
    cases = []
    for iri in every[::25]:
        cases += [iri[:-1] + "~", iri[:-1], iri + "-2", iri[: iri.rfind("/") + 1] + "0"]
    return cases + [UNDER + "no-such-thing", UNDER + "zzz/x", BASE + "elsewhere", UNDER, UNDER + "a"]


def test_index_and_query_find_the_same_neighbours(embedded, members):
    by_query = InterfaceOnly(embedded)
    every = sorted({iri for found in members.values() for iri in found})
    for iri in _near_cases(members):
        folder = iri[: iri.rfind("/") + 1]
        prefix = folder if folder.startswith(UNDER) else UNDER
        got = embedded.typed_near(iri, under=UNDER, prefix=prefix, limit=NEAR)
        assert got == by_query.typed_near(iri, under=UNDER, prefix=prefix, limit=NEAR), iri
        inside = [other for other in every if other.startswith(prefix) and other != iri]
        before, after = [o for o in inside if o < iri][-NEAR:], [o for o in inside if o > iri][:NEAR]
        assert got == before + after, iri


def test_a_mistyped_end_is_suggested_as_the_whole_list_suggested_it(app, members):
    """The near candidates find what difflib over every typed resource found, for a mistyped last character."""
    every = sorted({iri for found in members.values() for iri in found})
    client = app.test_client()
    for iri in every[::40]:
        wrong = iri[:-1] + ("x" if iri[-1] != "x" else "y")
        page = client.get("/" + wrong[len(BASE):], headers={"Accept": "text/html"}).get_data(as_text=True)
        expected = difflib.get_close_matches(wrong, every, n=8, cutoff=0.75)
        assert iri in expected and f'<code>{iri}</code>' in page, wrong


def test_a_mistyped_folder_is_looked_for_under_id(app, members):
    client = app.test_client()
    plan = BASE + "id/plan/pla-impuls-ess-2016-2019"
    assert any(plan in found for found in members.values())
    page = client.get("/id/plans/pla-impuls-ess-2016-2019", headers={"Accept": "text/html"})
    assert page.status_code == 404 and f"<code>{plan}</code>" in page.get_data(as_text=True)


def test_browse_lists_every_class_with_its_count_and_each_leads_to_its_pages(app, members):
    client = app.test_client()
    page = client.get("/browse", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for cls, found in members.items():
        assert f'href="/browse?class={quote(cls, safe="")}">' in page and f"({len(found)})" in page
    cls = max(members, key=lambda c: len(members[c]))
    pages, url = [], f"/browse?class={quote(cls, safe='')}"
    while url:  # forwards, by the rel="next" links
        text = client.get(url).get_data(as_text=True)
        pages.append([BASE + href for href in re.findall(r'<li><a href="/([^"]+)">', text)])
        assert (' rel="prev"' in text) == (len(pages) > 1) and f"{len(members[cls])}" in text
        url = html.unescape(next(iter(re.findall(r'<a rel="next" href="([^"]+)"', text)), ""))
    assert [iri for page in pages for iri in page] == members[cls] and len(pages) > 1
    back = html.unescape(re.findall(r'<a rel="prev" href="([^"]+)"', text)[0])
    text = client.get(back).get_data(as_text=True)
    assert [BASE + href for href in re.findall(r'<li><a href="/([^"]+)">', text)] == pages[-2]
    for query in ({"class": cls, "after": members[cls][-1]}, {"class": cls, "before": members[cls][0]},
                  {"class": cls, "after": "a", "before": "b"},
                  {"class": "http://example.org/NoClass"}, {"class": "not an IRI"}):
        assert client.get("/browse", query_string=query).status_code == 404, query


@pytest.mark.parametrize("lang, words", [("ca", "per pàgina"), ("es", "por página"), ("en", "a page")])
def test_browse_speaks_the_page_language(app, members, lang, words):
    cls = next(iter(members))
    client = app.test_client()
    assert words in client.get("/browse", query_string={"lang": lang}).get_data(as_text=True)
    page = client.get("/browse", query_string={"class": cls, "lang": lang}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in page


def _site(store):
    """An app serving ``store`` (the caller closes it)."""
    from kgserver.app import create_app

    app = create_app({"TESTING": True, "QUERY_WORKERS": 1})
    state = app.extensions["kgserver"]
    state.opener, state._store = (lambda: store), None
    return app


def _over_typed(text: str) -> bool:
    """Return True for a query over the typed resources under id/ (what browse and the 404 page read)."""
    return RDF_TYPE in text and f'STRSTARTS(STR(?s), "{UNDER}")' in text


def _bounded(queries: list[tuple[str, int]]) -> None:
    """Fail on a query over the types of resources that has no LIMIT or returned more than a page."""
    for text, rows in queries:
        if _over_typed(text):
            assert "LIMIT" in text, f"a query over every typed resource: {text}"
            assert rows <= max(BROWSE_PAGE + 1, 2 * NEAR), text  # a page and one more (is there a next?)


@pytest.mark.parametrize("indexed", [True, False], ids=["index", "query"])
def test_no_request_reads_every_typed_resource(embedded, members, indexed):
    wrapped = InterfaceOnly(embedded, index=embedded.label_index if indexed else None)
    app = _site(wrapped)
    cls = max(members, key=lambda c: len(members[c]))
    try:
        client = app.test_client()
        second = quote(members[cls][BROWSE_PAGE - 1], safe="")
        for path in ["/browse", f"/browse?class={quote(cls, safe='')}", f"/browse?class={quote(cls, safe='')}&after={second}",
                     "/id/no-such-thing", "/" + members[cls][0][len(BASE):-1] + "~"]:
            assert client.get(path, headers={"Accept": "text/html"}).status_code in (200, 404), path
    finally:
        app.extensions["kgserver"].close()
    sent = wrapped.recorder.queries
    _bounded(sent)
    typed = [text for text, _ in sent if _over_typed(text)]
    assert (typed == []) if indexed else len(typed) == 4  # two pages of members, two 404 pages (folders with resources)
    with pytest.raises(AssertionError, match="every typed resource"):
        _bounded([(ALL_TYPED, 1)])


@pytest.fixture
def broken(built, tmp_path):
    """A copy of the build whose index is gone."""
    copy = shutil.copytree(built.path, tmp_path / "b")
    store = open_build(copy, built.manifest)
    (copy / SEARCH_INDEX).unlink()
    return store


def test_a_missing_index_is_a_clear_error_on_browse_and_no_suggestion_on_a_404(broken, members, caplog):
    cls = next(iter(members))
    with pytest.raises(SearchIndexError, match="kgserver build --force"):
        broken.class_members(cls, under=UNDER, limit=5)
    app = _site(InterfaceOnly(broken, index=broken.label_index))
    try:
        client = app.test_client()
        assert client.get("/browse").status_code == 200  # the counts are the build's figures
        response = client.get("/browse", query_string={"class": cls})
        assert response.status_code == 500 and b"kgserver build --force" in response.data
        wrong = members[cls][0][:-1] + "~"
        missing = client.get("/" + wrong[len(BASE):], headers={"Accept": "text/html"})
        assert missing.status_code == 404 and b'class="suggestions"' not in missing.data
    finally:
        app.extensions["kgserver"].close()
    assert any("404 page without suggestions" in record.getMessage() for record in caplog.records)


def test_another_builds_index_is_refused(built, tmp_path, members):
    copy = shutil.copytree(built.path, tmp_path / "b")
    store = open_build(copy, {**built.manifest, "key": "0" * 64})
    with pytest.raises(SearchIndexError, match="was written for another build"):
        store.typed_near(UNDER + "x", under=UNDER, prefix=UNDER, limit=3)
