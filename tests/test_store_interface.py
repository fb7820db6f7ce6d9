"""The web layer reads the served dataset only through the store interface, and no request scans it.

The site is served a second time over :class:`store_harness.InterfaceOnly` (the embedded store
wrapped so that only ``query``, ``named_graphs``, ``dump`` and ``figures`` exist, its answers
round-tripped through SPARQL JSON as a remote store's are): every kind of page, the API, VoID,
search, browse, explain and the dumps answer byte for byte as the embedded site does.
"""

from __future__ import annotations

import pytest

from kgserver.storage import DatasetStore
from kgserver.store import ServedStore, open_store
from store_harness import InterfaceOnly, assert_no_scan, interface_app, sample_requests

#: one worker renders the sample once for every test that reads it (the module fixtures cost ~18 s each time)
pytestmark = pytest.mark.xdist_group("store-interface")

#: Most queries one request may send (a remote store costs a round trip each); the first request of a
#: kind may also fill the per-process caches (labels for search, property axioms, the VoID description).
MAX_QUERIES_PER_REQUEST = 40


@pytest.fixture(scope="module")
def embedded():
    return open_store()


@pytest.fixture(scope="module")
def served(embedded):
    app, recorder = interface_app(embedded)
    yield app, recorder
    app.extensions["kgserver"].close()


@pytest.fixture(scope="module")
def requests(embedded):
    found = sample_requests(embedded)
    assert len(found) > 40
    return found


@pytest.fixture(scope="module")
def answers(served, requests, app):
    """Each sample request's answer on the embedded site and on the interface-only site, with the queries it sent."""
    interface_app_, recorder = served
    plain, wrapped = app.test_client(), interface_app_.test_client()
    out = []
    for path, accept in requests:
        expected = plain.get(path, headers={"Accept": accept})
        mark = recorder.mark()
        got = wrapped.get(path, headers={"Accept": accept})
        out.append((path, accept, expected, got, recorder.since(mark)))
    return out


def test_served_store_is_a_dataset_store(embedded):
    assert isinstance(embedded, ServedStore) and isinstance(embedded, DatasetStore)
    assert embedded.figures["quads"] > 0 and embedded.figures["instances"]["plans"] > 0


def test_wrapper_offers_only_the_interface(embedded):
    wrapped = InterfaceOnly(embedded)
    for name in ("quads_for_pattern", "store", "contains_named_graph"):
        with pytest.raises(AttributeError, match="not in the DatasetStore interface"):
            getattr(wrapped, name)
    with pytest.raises(TypeError):
        len(wrapped)
    with pytest.raises(TypeError):
        iter(wrapped)


def test_every_page_kind_answers_as_on_the_embedded_store(answers):
    paths = {path.split("?")[0] for path, *_ in answers}
    assert {"/explain", "/browse", "/search", "/.well-known/void", "/dumps/esskg.nq.gz", "/api/"} <= paths
    assert {p.rsplit(".", 1)[-1] for p in paths} >= {"html", "ttl", "nt", "jsonld", "rdf"}
    for path, accept, expected, got, _queries in answers:
        assert got.status_code == expected.status_code, (path, accept)
        assert got.data == expected.data, (path, accept)
        assert got.headers.get("Content-Type") == expected.headers.get("Content-Type"), (path, accept)
    statuses = {path: got.status_code for path, _a, _e, got, _q in answers}
    missing = {path for path in statuses if _missing(path)}
    assert len(missing) == 2 and all(statuses[path] == 404 for path in missing)
    assert any(b'class="suggestions"' in got.data for path, _a, _e, got, _q in answers if _missing(path))
    assert {path for path, s in statuses.items() if s == 303} == {p for p, _a in _negotiated(answers)}
    assert all(s == 200 for path, s in statuses.items() if path not in missing and s != 303), statuses


def _missing(path: str) -> bool:
    """The IRIs the sample asks for that no resource has (see ``store_harness.sample_requests``)."""
    return path == "/id/no-such-thing" or path.endswith("~")


def _negotiated(answers):
    """The IRIs of things asked without a suffix: 303 to their document."""
    return [(path, accept) for path, accept, *_ in answers if path.startswith("/id/") and "." not in path.rsplit("/", 1)[-1]
            and not _missing(path)]


def test_pages_read_through_queries(answers):
    sent = [q for *_rest, queries in answers for q in queries]
    assert len(sent) > len(answers), "the pages sent almost no query: they read the store some other way"


def test_no_request_scans_the_store(answers, embedded):
    from store_harness import Recorder

    recorder = Recorder([q for *_rest, queries in answers for q in queries])
    assert_no_scan(recorder, embedded.figures)


def test_a_bare_scan_is_caught(embedded):
    from store_harness import Recorder

    wrapped = InterfaceOnly(embedded, Recorder())
    list(wrapped.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
    with pytest.raises(AssertionError, match="read"):
        assert_no_scan(wrapped.recorder, embedded.figures)


def test_few_queries_per_request(answers):
    for path, _accept, _expected, _got, queries in answers:
        assert len(queries) <= MAX_QUERIES_PER_REQUEST, (path, len(queries), [q[:120] for q, _ in queries])
