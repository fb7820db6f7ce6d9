"""What the web application keeps between requests: the built store and its figures.

The build (see :mod:`kgserver.reasoning.build`) is found or made once, when the app is
created; each process then opens the built store read-only the first time it needs it
(the web process for pages, the query workers' zygote for queries).  Nothing is copied
or counted at start-up: the figures come from the build's manifest.  A process that has
opened the store must not fork a child that exits normally (RocksDB's threads do not
survive a fork): ``serve`` therefore opens nothing before it forks its workers.

The query worker pool (:mod:`kgserver.engine.pool`) belongs to the process that
serves requests: it is started lazily (or right after the fork, see
:mod:`kgserver.web.server`) and restarted if the process was forked since.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from ..engine import ENGINES, Answer, QueryRequest, make_engine
from ..errors import ConfigurationError
from ..namespaces import INFERRED_GRAPH
from ..storage import DatasetStore
from ..store import memory_build, open_build, prepare_build


def default_query_workers() -> int:
    """Return the default number of query worker processes: the CPU count, at least 2."""
    return max(2, os.cpu_count() or 2)


@dataclass
class KGState:
    """The served dataset and what is derived from it once.

    :ivar opener: returns the served :class:`kgserver.storage.DatasetStore` (called once per process):
        the embedded build (:class:`kgserver.store.ServedStore`) or another implementation.
    :ivar engine: query engine name (``oxigraph`` or ``rdflib``).
    :ivar triple_count: distinct triples of the default graph (the merge of every graph), counted at build.
    :ivar quad_count: (triple, graph) pairs in the named graphs.
    :ivar query_timeout: seconds a query may run.
    :ivar query_workers: worker processes that run queries.
    """

    opener: Callable[[], DatasetStore]
    engine: str = "oxigraph"
    triple_count: int = 0
    quad_count: int = 0
    query_timeout: float = 30.0
    query_workers: int = 2
    query_isolation: str = "seccomp"
    _store: DatasetStore | None = field(default=None, repr=False)
    _store_pid: int | None = field(default=None, repr=False)
    _pool: object = field(default=None, repr=False)
    _pooled: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    runner: object = None  # issue 12: forwards queries to an external store instead of the pool (kgserver.remote)
    _store_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def store(self) -> DatasetStore:
        """Return this process's store, opening it (read-only) on first use in the process."""
        store = self._store
        if store is not None and self._store_pid == os.getpid():
            return store
        if self._store_pid != os.getpid():  # forked (the pool's zygote) while another thread held it
            self._store_lock = threading.Lock()
        with self._store_lock:
            if self._store is None or self._store_pid != os.getpid():
                self._store, self._store_pid = self.opener(), os.getpid()
            return self._store

    @property
    def query_store(self) -> DatasetStore:
        """Return the store as pages read it: each query within the time limit, in the worker pool.

        Only the embedded build is read through the pool (its engine lives in the workers); any other
        :class:`DatasetStore` (an external store, ``runner``; a test's wrapper) is read as is and keeps
        the time limit itself (the interface's ``timeout``).
        """
        from ..store import ServedStore

        if self.runner is not None or not isinstance(self.store, ServedStore):
            return self.store
        pooled = self._pooled
        if pooled is None:
            from .pooled_store import PooledStore

            pooled = self._pooled = PooledStore(self)
        return pooled

    def pool(self):
        """Return this process's query worker pool, starting it on first use (or after a fork)."""
        if self.runner is not None:  # an external store: no worker processes
            return self.runner
        pool = self._pool
        if pool is not None and pool.owner_pid == os.getpid():
            return pool
        with self._lock:
            pool = self._pool
            if pool is None or pool.owner_pid != os.getpid():
                from ..engine.pool import WorkerPool

                later = self._make_copied_engine if self._copied_later() else None
                pool = WorkerPool(self._make_engine, self.query_workers, self.query_timeout, self.query_isolation,
                                  later_factory=later)
                self._pool = pool.start()
        return pool

    def _make_engine(self):
        """Build the query engine (in the pool's zygote, which opens the store for itself).

        The embedded engines run on the Oxigraph store under the interface (``ServedStore.store``).
        """
        return self._engine(copy=not self._copied_later())

    def _make_copied_engine(self):
        """Build the Oxigraph engine on a copy of the built store in memory (in the pool's second zygote)."""
        return self._engine(copy=True)

    def _engine(self, copy: bool):
        store = self.store
        quads = self._stored_quads() if copy else None  # a copy in memory when few
        return make_engine(self.engine, store.store if self.engine == "oxigraph" else store, quads=quads)

    def _copied_later(self) -> bool:
        """Tell whether the Oxigraph engine's memory copy is made in the background (a large built store)."""
        from ..engine.oxigraph import copied_later

        return self.engine == "oxigraph" and copied_later(self._stored_quads())

    def _stored_quads(self) -> int | None:
        """Return the quads a built store holds (its named graphs, the asserted merge), None if not built."""
        figures = self.store.figures
        return figures["quads"] + figures["void"]["asserted"]["triples"] if "void" in figures else None

    def run_query(self, request: QueryRequest, timeout: float | None = None, client: str | None = None,
                  gone=None) -> Answer:
        """Run one query (or job) in the worker pool, within the time limit and the client's share."""
        return self.pool().run(request, timeout=timeout, client=client, gone=gone)  # the runner, over a store

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
    if not 0 < timeout < float("inf") or workers < 1 or max_rows < 1:  # (nan is no time limit either)
        raise ConfigurationError("QUERY_TIMEOUT, QUERY_WORKERS and MAX_RESULT_ROWS must be positive")
    include_inferred = app.config["INCLUDE_INFERRED"]
    if app.config.get("STORE"):  # issue 12: an external SPARQL store (kgserver.remote) instead of the build
        app.extensions["kgserver"] = _remote_state(str(app.config["STORE"]), include_inferred, timeout, workers,
                                                   app.config.get("STORE_BUILD"))
        return
    opener, triples, quads = embedded_opener(include_inferred)
    app.extensions["kgserver"] = KGState(
        opener=opener,
        engine=engine,
        triple_count=triples,
        quad_count=quads,
        query_timeout=timeout,
        query_workers=workers,
        query_isolation=str(app.config.get("QUERY_ISOLATION", "seccomp")),
    )


def embedded_opener(include_inferred: bool) -> tuple[Callable[[], DatasetStore], int, int]:
    """Return the opener of the embedded store and its figures (distinct triples, quads), from the build.

    The build is found or made in a child process: this one opens no store before ``serve`` forks.
    """
    try:
        result = prepare_build()
    except ConfigurationError:  # the build cannot be written: build in memory (nothing on disk to share)
        store = memory_build(include_inferred=include_inferred)
        return (lambda: store), store.figures["distinct_triples"], store.figures["quads"]
    figures = result.manifest["figures"]
    triples, quads = figures["distinct_triples"], figures["quads"]
    if not include_inferred:
        triples = figures["void"]["asserted"]["triples"]
        quads -= figures["graphs"].get(str(INFERRED_GRAPH), 0)

    def opener() -> DatasetStore:
        return open_build(result.path, result.manifest, include_inferred=include_inferred)

    return opener, triples, quads


def _remote_state(url: str, include_inferred: bool, timeout: float, workers: int, build=None) -> KGState:
    """Return the state of a server reading a release that ``kgserver publish`` put in an external store
    (with ``build``, the folder of the build published there: its search index and dumps)."""
    from ..remote.engine import RemoteRunner
    from ..remote.store import RemoteStore

    if not include_inferred:
        raise ConfigurationError("--no-inferred is not available with --store: the store serves what was published")
    remote = RemoteStore(url, timeout=timeout)  # reads the release's figures once
    if build:
        remote.use_build(build)
    return KGState(opener=lambda: remote, engine="remote", triple_count=remote.figures["distinct_triples"],
                   quad_count=remote.figures["quads"], query_timeout=timeout, query_workers=workers,
                   runner=RemoteRunner(remote, workers, timeout))


def get_state() -> KGState:
    """Return the current application's :class:`KGState`."""
    return current_app.extensions["kgserver"]
