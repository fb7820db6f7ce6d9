"""Site search from the build's label index (kgserver/search_index.py) answers as the label query does.

The embedded store searches an SQLite file written by ``kgserver build``; a store without it (an external
store, a copy merged in memory, :class:`store_harness.InterfaceOnly`) reads every label with one query,
once per process.  Both must find the same resources, in the same order, for any question.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil

import pytest

from kgserver.namespaces import BASE
from kgserver.reasoning.build import MANIFEST, SEARCH_INDEX, build
from kgserver.search_index import LABELS_QUERY, SearchIndexError, fold
from kgserver.store import open_build, prepare_build
from store_harness import InterfaceOnly

QUESTIONS = [
    "economia social", "ECONOMÍA Social", "cooperació", "Barcelona", "pla impuls", "impuls 2016",  # accents, case
    "a", "de", "es la", "e 2", "|",  # short words only (no trigram), several; the labels' separator
    "social a", "ció de",  # a short word beside a long one
    "zzzqqxw", "economia zzzqqxw",  # a word in no label, alone and beside one in many
    '"', '""', 'AND OR NEAR(', "eco*", "^eco", "NOT economia", "text:eco", "(social)", "{eco}", "-eco",  # FTS syntax
    "+",
    "a\x00b", "eco\x00nomia", "\ud800abc",  # a NUL, a lone surrogate
]


@pytest.fixture(scope="module")
def built(app):
    """The session's build (made by the app before this module opens a store; the tests that change a build change
    a copy of it)."""
    return prepare_build()


@pytest.fixture(scope="module")
def embedded(built):
    return open_build(built.path, built.manifest)


@pytest.fixture(scope="module")
def by_query(embedded):
    return InterfaceOnly(embedded)  # no label_index: the label query, once


def test_the_build_writes_the_index_and_the_manifest_names_it(built, embedded):
    manifest = json.loads((built.path / MANIFEST).read_text())
    search = manifest["search_index"]
    assert search["file"] == SEARCH_INDEX and (built.path / SEARCH_INDEX).is_file()
    assert search["base"] == BASE and search["bytes"] == (built.path / SEARCH_INDEX).stat().st_size
    assert 0 < search["resources"] < search["labels"]
    assert "search_index" in manifest["phases"]
    assert embedded.label_index is not None and embedded.label_index.covers(BASE)


@pytest.mark.parametrize("question", QUESTIONS, ids=repr)
@pytest.mark.parametrize("limit", [200, 3])
def test_the_index_finds_what_the_label_query_finds(embedded, by_query, question, limit):
    words = fold(question).split()
    expected = by_query.search_labels(words, under=BASE, limit=limit)
    assert embedded.search_labels(words, under=BASE, limit=limit) == expected


def test_the_questions_are_not_all_empty(embedded):
    totals = {q: embedded.search_labels(fold(q).split(), under=BASE)[0] for q in QUESTIONS}
    assert totals["economia social"] > 0 and totals["ECONOMÍA Social"] == totals["economia social"]
    assert totals["a"] > 200 and totals["|"] > 0 and totals["social a"] > 0
    assert totals["zzzqqxw"] == totals["economia zzzqqxw"] == totals['AND OR NEAR('] == 0


def test_more_hits_than_the_limit_are_counted_and_the_first_listed_in_iri_order(embedded):
    total, first = embedded.search_labels(["a"], under=BASE, limit=200)
    assert total > 200 and len(first) == 200 and first == sorted(first)
    assert embedded.search_labels(["a"], under=BASE, limit=3) == (total, first[:3])
    assert embedded.search_labels(["a"], under=BASE, limit=0) == (total, [])
    assert embedded.search_labels([], under=BASE) == (0, [])


def test_another_base_is_searched_with_the_query(embedded, by_query):
    other = BASE + "id/territory/"
    assert not embedded.label_index.covers(other)
    total, first = embedded.search_labels(["barcelona"], under=other)
    assert total > 0 and all(iri.startswith(other) for iri in first)
    assert (total, first) == by_query.search_labels(["barcelona"], under=other)


def test_a_store_without_index_sends_the_label_query_once(embedded):
    wrapped = InterfaceOnly(embedded)
    for words in (["economia"], ["barcelona"], ["a"]):
        wrapped.search_labels(words, under=BASE)
    sent = [text for text, _rows in wrapped.recorder.queries]
    assert sent == [LABELS_QUERY.format(base=f'"{BASE}"')]


def test_a_missing_index_is_a_clear_error_and_the_build_is_made_again(built, tmp_path):
    copy = shutil.copytree(built.path, tmp_path / "b")
    store = open_build(copy, built.manifest)
    (copy / SEARCH_INDEX).unlink()
    with pytest.raises(SearchIndexError, match=r"labels\.sqlite is missing; rebuild with `kgserver build --force`"):
        store.search_labels(["economia"], under=BASE)
    again = build(out=copy, dumps=False)
    assert not again.reused and (copy / SEARCH_INDEX).is_file()


def test_another_builds_index_is_refused(built, tmp_path):
    copy = shutil.copytree(built.path, tmp_path / "b")
    store = open_build(copy, {**built.manifest, "key": "0" * 64})
    with pytest.raises(SearchIndexError, match="was written for another build"):
        store.search_labels(["economia"], under=BASE)
    (copy / SEARCH_INDEX).write_bytes(b"not a database" * 100)
    with pytest.raises(SearchIndexError, match="cannot be read"):
        open_build(copy, built.manifest).search_labels(["economia"], under=BASE)


def test_the_search_page_reports_a_broken_index_as_a_server_fault(built, tmp_path):
    from kgserver.app import create_app

    copy = shutil.copytree(built.path, tmp_path / "b")
    store = open_build(copy, built.manifest)
    (copy / SEARCH_INDEX).unlink()
    app = create_app({"TESTING": True, "QUERY_WORKERS": 1})
    state = app.extensions["kgserver"]
    state.opener, state._store = (lambda: InterfaceOnly(store, index=store.label_index)), None
    try:
        response = app.test_client().get("/search?q=economia")
    finally:
        state.close()
    assert response.status_code == 500 and b"kgserver build --force" in response.data


def test_the_search_page_reads_the_index_not_the_store(embedded):
    from kgserver.app import create_app

    wrapped = InterfaceOnly(embedded, index=embedded.label_index)
    app = create_app({"TESTING": True, "QUERY_WORKERS": 1})
    state = app.extensions["kgserver"]
    state.opener, state._store = (lambda: wrapped), None
    try:
        page = app.test_client().get("/search?q=economia+social").get_data(as_text=True)
    finally:
        state.close()
    total, first = embedded.search_labels(["economia", "social"], under=BASE)
    assert total > 0 and all(f'href="/{iri[len(BASE):]}"' in page for iri in first)
    assert not any("prefLabel" in text and "VALUES ?p" in text for text, _ in wrapped.recorder.queries)


def test_each_process_opens_the_index_itself(embedded):
    """A forked web process (gunicorn's workers) searches with a connection of its own."""
    expected = embedded.search_labels(["economia"], under=BASE)  # opened here first
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            with os.fdopen(writer, "wb") as out:
                pickle.dump(embedded.search_labels(["economia"], under=BASE), out)
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        got = pickle.loads(pipe.read())
    os.waitpid(pid, 0)
    assert got == expected and expected[0] > 0


def test_odd_labels_are_found_as_the_label_query_finds_them(tmp_path):
    """Labels with a NUL (FTS5 stops reading at one), quotes, FTS syntax, two graphs, and resources outside the base."""
    import pyoxigraph as ox

    from kgserver.search_index import LABEL_PROPERTIES, LabelIndex, write_index
    from kgserver.store import ServedStore

    store = ox.Store()
    label, pref = (ox.NamedNode(p) for p in LABEL_PROPERTIES)
    first, second = ox.NamedNode("http://example.org/g1"), ox.NamedNode("http://example.org/g2")
    texts = ["abc\x00defgh", 'say "AND" OR NEAR(x)', "Économie sociale", "x\ufffdde", "plain"]
    for n, text in enumerate(texts * 60):  # 300 resources: more than a page of hits
        subject = ox.NamedNode(f"{BASE}id/r{n:03d}")
        store.add(ox.Quad(subject, label if n % 2 else pref, ox.Literal(text), first))
        if n % 3 == 0:
            store.add(ox.Quad(subject, label, ox.Literal(text.upper(), language="ca"), second))
    store.add(ox.Quad(ox.NamedNode("http://elsewhere.org/x"), label, ox.Literal("plain"), first))
    written = write_index(store, tmp_path / "labels.sqlite", base=BASE, key="k")
    assert written["resources"] == 300 and written["labels"] == 400
    index, by_query = LabelIndex(tmp_path / "labels.sqlite", base=BASE, key="k"), ServedStore(store)
    for question in ["efg", "defgh", "c\x00d", "\ufffd", "x\ufffdde", "ufffd", '"and"', "near(x)", "economie",
                     "sociale economie", "|", "plain", "a", "zz"]:
        words = fold(question).split()
        for limit in (200, 7):
            assert index.search(words, limit) == by_query.search_labels(words, under=BASE, limit=limit), question
    assert index.search(["efg"], 200)[0] == 60
    assert index.search(["plain"], 7) == (60, index.search(["plain"], 60)[1][:7])
