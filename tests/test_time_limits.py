"""Pages and the named-query API run their queries inside the time limit, as ``/sparql`` does (issue 15).

The workers of this module's app run away on every page query and every named query (their
jobs sleep instead of answering; patched before the zygote forks them): the page and the API
answer 503 at the limit, and another client's query is answered meanwhile.  The assertions
are about what is answered and to whom, not how fast.
"""

from __future__ import annotations

import threading
import time

import pytest

from kgserver.app import create_app
from kgserver.web.api import NamedQueryJob, load_named_queries
from kgserver.web.pooled_store import PageQueryJob


def _run_away(self, engine):
    time.sleep(600)


@pytest.fixture(scope="module")
def runaway_app():
    patch = pytest.MonkeyPatch()
    patch.setattr(PageQueryJob, "run", _run_away)
    patch.setattr(NamedQueryJob, "run", _run_away)
    app = create_app({"TESTING": True, "QUERY_TIMEOUT": 1, "QUERY_WORKERS": 2})
    try:
        app.extensions["kgserver"].pool()  # forks the zygote now: its workers run the runaway jobs
    finally:
        patch.undo()
    yield app
    app.extensions["kgserver"].close()


def _stopped_while_others_are_served(app, path: str, **kwargs) -> None:
    result = {}

    def runaway():
        result["response"] = app.test_client().get(path, **kwargs)

    thread = threading.Thread(target=runaway)
    thread.start()
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    served_meanwhile = 0
    while thread.is_alive():
        response = other.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert response.status_code == 200
        served_meanwhile += thread.is_alive()
    thread.join()
    assert served_meanwhile >= 1
    assert result["response"].status_code == 503
    assert b"stopped after 1 s" in result["response"].data


def test_a_page_query_is_stopped_at_the_limit_while_others_are_served(runaway_app):
    _stopped_while_others_are_served(runaway_app, "/browse", headers={"Accept": "text/html"})


def test_a_named_query_is_stopped_at_the_limit_while_others_are_served(runaway_app):
    name = next(name for name, query in sorted(load_named_queries().items())
                if not any(param.required for param in query.params))
    _stopped_while_others_are_served(runaway_app, f"/api/queries/{name}")


def test_pages_read_through_the_pool(app):
    """The pages' store runs each query in a worker and reads its answer back as the store's objects."""
    state = app.extensions["kgserver"]
    pooled, local = state.query_store, state.store
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert {(r["g"], r["n"]) for r in pooled.query(query)} == {(r["g"], r["n"]) for r in local.query(query)}
    assert bool(pooled.query("ASK { ?s ?p ?o }")) is True
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 20"
    assert len(set(pooled.query(construct))) == len(set(local.query(construct))) > 0


def test_page_answers_are_kept_within_their_size(app, monkeypatch):
    """A page query asked again is answered as it was, without a worker; the kept answers stay within their
    size (the least recently used go first) and none larger than the largest is kept."""
    from kgserver.engine import Answer
    from kgserver.web.pooled_store import AnswerCache

    state = app.extensions["kgserver"]
    sent, run = [], state.run_query
    monkeypatch.setattr(state, "run_query", lambda job, **kwargs: sent.append(job.text) or run(job, **kwargs))
    text = "SELECT ?c (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY ?c"
    first = [(r["c"], r["n"]) for r in state.query_store.query(text)]
    assert first and [(r["c"], r["n"]) for r in state.query_store.query(text)] == first and sent == [text]
    cache = AnswerCache(size=25, largest=20)  # each answer below costs 10 (its text and body)
    for key in "ab":
        cache.put(key, Answer("text/plain", b"x" * 9))
    assert cache.get("a") is not None  # now used after b
    cache.put("c", Answer("text/plain", b"x" * 9))  # over the size: b, the least recently used, goes
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("d", Answer("text/plain", b"x" * 20))
    assert cache.get("d") is None
