"""The served store as the pages read it: every query runs in the worker pool, within the time limit.

Oxigraph cannot stop a query from Python; a page's query run in the web process could hold a
thread (and the GIL) for as long as it likes.  :class:`PooledStore` gives the pages the store
interface (:class:`~kgserver.storage.DatasetStore`) with each query sent to a query worker, as
the endpoint's are: stopped at ``QUERY_TIMEOUT`` (the page answers ``503``), counted in the
client's share, stopped when the client has gone.  The answer comes back as SPARQL JSON results
or N-Triples, read into the same pyoxigraph objects the store returns (as for an external store,
:mod:`kgserver.remote`).  What reads no query (the build's figures, the named graphs' names, a
named graph's dump, the build's search index) is the process's own store.

Answers are kept (:class:`AnswerCache`): the build never changes while it is served, and pages send
the same queries again and again (a thing's ``303`` and then its document read the same statements,
each format of a resource reads them again, every page of a plan reads its parts' labels).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import pyoxigraph as ox
from flask import has_request_context, request

from ..engine import Answer, QueryRequest
from ..results import GRAPH_FORMATS, RESULT_FORMATS
from ..storage import DatasetStore
from .hardening import client_of

#: Rows a page query may return: pages ask for what they show, never a whole dataset.
MAX_ROWS = 10_000_000
_N_TRIPLES = GRAPH_FORMATS["ntriples"]
_JSON = RESULT_FORMATS["json"]
#: Characters of query texts and bytes of answers one process keeps (the least recently used go first).
CACHE_SIZE = 32 * 1024 * 1024
#: Largest answer kept: a bigger one (a whole graph read for its document) would push out many small ones.
CACHE_LARGEST = 1024 * 1024


class AnswerCache:
    """The answers of the latest page queries, by query text, within ``size`` (thread-safe)."""

    def __init__(self, size: int = CACHE_SIZE, largest: int = CACHE_LARGEST):
        self.size, self.largest = size, largest
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, text: str) -> Answer | None:
        """Return the answer kept for ``text``, or None."""
        with self._lock:
            answer = self._answers.get(text)
            if answer is not None:
                self._answers.move_to_end(text)
            return answer

    def put(self, text: str, answer: Answer) -> None:
        """Keep ``answer`` to ``text`` (unless it is larger than :attr:`largest`), dropping the oldest beyond :attr:`size`."""
        cost = len(text) + len(answer.body)
        if cost > self.largest:
            return
        with self._lock:
            if text in self._answers:
                return
            self._answers[text] = answer
            self._used += cost
            while self._used > self.size:
                old_text, old = self._answers.popitem(last=False)
                self._used -= len(old_text) + len(old.body)


@dataclass(frozen=True)
class PageQueryJob:
    """One query of a page, run in a query worker (picklable; see :meth:`WorkerPool.run`).

    The text is the server's own, not a client's: it is not checked for what the endpoint refuses
    (a page's label prefetch is a few hundred kilobytes of ``VALUES``; the ``SERVICE`` check parses
    such a text with rdflib for seconds whenever an IRI in it contains ``service``).
    """

    text: str

    def run(self, engine) -> Answer:
        """Run the query on the worker's engine; answer SPARQL JSON results or N-Triples."""
        if not hasattr(engine, "store"):  # the rdflib engine: its own path
            return engine.execute(QueryRequest(self.text, result_format="json", graph_format="ntriples",
                                               max_rows=MAX_ROWS))
        result = engine.query(self.text)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            return Answer(_JSON, result.serialize(format=ox.QueryResultsFormat.JSON))
        return Answer(_N_TRIPLES, ox.serialize(result, format=ox.RdfFormat.N_TRIPLES))


class PooledStore(DatasetStore):
    """The store of ``state`` with its queries run by the worker pool (see the module docstring).

    :param state: the application's :class:`~kgserver.web.state.KGState`.
    """

    def __init__(self, state):
        self._state = state
        self.answers = AnswerCache()

    @property
    def figures(self) -> dict:
        return self._state.store.figures

    @property
    def label_index(self):
        """The build's search index (read in this process: it is not a query)."""
        return self._state.store.label_index

    def query(self, sparql: str, *, timeout: float | None = None, use_default_graph_as_union: bool = False):
        """Evaluate ``sparql`` in a query worker (the default graph is the merge, as in the store), or answer
        it as it was last answered (:class:`AnswerCache`).

        :raises QueryTimeout: when the query ran out of time (or ``timeout``).
        :raises KGError: what the engine raised (a syntax error, ...).
        """
        answer = self.answers.get(sparql)
        if answer is None:
            who = client_of(request) if has_request_context() else {}
            answer = self._state.run_query(PageQueryJob(sparql), timeout=timeout, **who)
            self.answers.put(sparql, answer)
        if answer.media_type == _N_TRIPLES:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(answer.body, ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)

    def named_graphs(self):
        return self._state.store.named_graphs()

    def dump(self, output=None, format=None, *, from_graph=None):  # noqa: A002
        return self._state.store.dump(output, format, from_graph=from_graph)

    def __getattr__(self, name: str):
        return getattr(self._state.store, name)
