"""What the web application keeps between requests: the store, loaded once at start-up.

The query worker pool (:mod:`kgserver.engine.pool`) belongs to the process that
serves requests: it is started lazily (or by gunicorn's ``post_fork`` hook, see
:mod:`kgserver.commands.serve`) and restarted if the process was forked since.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Flask, current_app

from ..engine import ENGINES, Answer, QueryRequest, make_engine
from ..errors import ConfigurationError


def default_query_workers() -> int:
    """Return the default number of query worker processes: the CPU count, at least 2."""
    return max(2, os.cpu_count() or 2)


@dataclass
class KGState:
    """The served dataset and what is derived from it once.

    :ivar store: the Oxigraph store (named graphs; query it with ``use_default_graph_as_union=True``).
    :ivar engine: query engine name (``oxigraph`` or ``rdflib``).
    :ivar triple_count: distinct triples of the default graph (the merge of every graph), counted once.
    :ivar quad_count: (triple, graph) pairs in the store.
    :ivar query_timeout: seconds a query may run.
    :ivar query_workers: worker processes that run queries.
    """

    store: ox.Store
    engine: str = "oxigraph"
    triple_count: int = 0
    quad_count: int = 0
    query_timeout: float = 30.0
    query_workers: int = 2
    query_isolation: str = "seccomp"
    _pool: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pool(self):
        """Return this process's query worker pool, starting it on first use (or after a fork)."""
        pool = self._pool
        if pool is not None and pool.owner_pid == os.getpid():
            return pool
        with self._lock:
            pool = self._pool
            if pool is None or pool.owner_pid != os.getpid():
                from ..engine.pool import WorkerPool

                store, engine = self.store, self.engine
                pool = WorkerPool(
                    lambda: make_engine(engine, store), self.query_workers, self.query_timeout, self.query_isolation
                )
                self._pool = pool.start()
        return pool

    def run_query(self, request: QueryRequest, timeout: float | None = None, client: str | None = None,
                  gone=None) -> Answer:
        """Run one query (or job) in the worker pool, within the time limit and the client's share."""
        return self.pool().run(request, timeout=timeout, client=client, gone=gone)

    def close(self) -> None:
        """Stop this process's query workers."""
        pool = self._pool
        if pool is not None and pool.owner_pid == os.getpid():
            pool.close()
        self._pool = None


def init_state(app: Flask) -> None:
    """Load the served dataset once and keep it on ``app.extensions['kgserver']``.

    :raises ConfigurationError: for an unknown ``ENGINE`` or a non-positive limit.
    :raises RDFSyntaxError: if a bundled file is broken (nothing is served then).
    """
    from ..store import open_store

    engine = app.config.get("ENGINE", "oxigraph")
    if engine not in ENGINES:
        raise ConfigurationError(f"unknown ENGINE {engine!r}; expected one of {', '.join(ENGINES)}")
    try:
        timeout = float(app.config.get("QUERY_TIMEOUT", 30.0))
        workers = app.config.get("QUERY_WORKERS")
        workers = default_query_workers() if workers is None else int(workers)
        max_rows = int(app.config.get("MAX_RESULT_ROWS", 1))
    except (TypeError, ValueError):
        raise ConfigurationError("QUERY_TIMEOUT, QUERY_WORKERS and MAX_RESULT_ROWS must be numbers") from None
    if timeout <= 0 or workers < 1 or max_rows < 1:
        raise ConfigurationError("QUERY_TIMEOUT, QUERY_WORKERS and MAX_RESULT_ROWS must be positive")
    store = open_store(include_inferred=app.config["INCLUDE_INFERRED"])
    app.extensions["kgserver"] = KGState(
        store=store,
        engine=engine,
        triple_count=_distinct_triples(store),
        quad_count=len(store),
        query_timeout=timeout,
        query_workers=workers,
        query_isolation=str(app.config.get("QUERY_ISOLATION", "seccomp")),
    )


def _distinct_triples(store: ox.Store) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    return int(next(iter(store.query(query)))["n"].value)


def get_state() -> KGState:
    """Return the current application's :class:`KGState`."""
    return current_app.extensions["kgserver"]
