"""Answer the endpoint's and the API's queries from an external store, in the web process.

The embedded store's queries run in forked workers that have no network (seccomp); a query
for an external store is a network request, so it is forwarded from the web process
itself, by :class:`RemoteRunner`, under the same rules as the worker pool:

- read-only: :func:`kgserver.engine.check_query` refuses updates, ``SERVICE`` and ``LOAD``
  *before* anything is sent, and the query is parsed here first (syntax errors as the
  embedded engine reports them);
- the time limit: the request is abandoned at the limit (its connection closed) and the
  store's own limit is sent with it where it has one (Virtuoso);
- at most ``size`` requests upstream at once, a client at most half of them
  (:class:`kgserver.engine.shares.ClientShares`);
- the row limit: the answer is parsed as it arrives and the connection closed once one
  row more than the limit was read (nothing is added to the query);
- the formats: the answer is written again by :mod:`kgserver.results`, so bytes are the
  embedded server's for the same solutions.
"""

from __future__ import annotations

import threading
import time
from itertools import islice

import pyoxigraph as ox

from .. import results
from ..engine import Answer, QueryRequest, check_query
from ..engine.errors import EndpointBusy, NotAcceptable
from ..engine.shares import ClientShares
from .store import RemoteStore, probe_variables


class RemoteEngine:
    """One request's view of the external store, with the time left to it.

    Offers what the worker pool's engines offer to a request or a job
    (:class:`kgserver.web.api.NamedQueryJob`): :meth:`execute` and :meth:`query`.
    """

    name = "remote"

    def __init__(self, store: RemoteStore, deadline: float, limit: float):
        self.store = store
        self._deadline, self._limit = deadline, limit

    def _left(self) -> float:
        return max(self._deadline - time.monotonic(), 0.001)

    def query(self, text: str, *, substitutions=None, prefixes=None, **_ignored):
        """Run ``text`` as pyoxigraph's ``Store.query`` would (``substitutions``, ``prefixes``)."""
        check_query(text)
        bindings = tuple((var.value, term) for var, term in (substitutions or {}).items())
        return self.store.query(text, timeout=self._left(), prefixes=prefixes, bindings=bindings)

    def execute(self, request: QueryRequest) -> Answer:
        """Run one endpoint query and serialise its answer (cut at ``max_rows``).

        :raises QueryRefused: for an update; :raises ServiceRefused: for ``SERVICE``; nothing is sent then.
        """
        check_query(request.text)
        result = self.store.query(
            request.text, timeout=self._left(), base_iri=request.base_iri, bindings=request.bindings,
            default_graphs=request.default_graphs, named_graphs=request.named_graphs, max_rows=request.max_rows,
        )
        if isinstance(result, ox.QueryBoolean):
            fmt = _require(request.result_format, "ASK", results.RESULT_FORMATS)
            return Answer(results.RESULT_FORMATS[fmt], results.write_ask(fmt, bool(result)))
        if isinstance(result, ox.QuerySolutions):
            fmt = _require(request.result_format, "SELECT", results.RESULT_FORMATS)
            # SELECT * lists the variables in an order of the engine's choosing: take the embedded one's
            variables = [v.value for v in probe_variables(request.text, request.base_iri)]
            rows = [tuple(solution[name] for name in variables) for solution in _cut(result, request.max_rows)]
            truncated = len(rows) > request.max_rows
            del rows[request.max_rows:]
            body = results.write_select(fmt if truncated else "json", variables, rows)
            if not truncated:  # as the embedded engine: Oxigraph's own writers, ours only for a cut result
                body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(format=_NATIVE[fmt])
            return Answer(results.RESULT_FORMATS[fmt], body, truncated)
        fmt = _require(request.graph_format, "CONSTRUCT or DESCRIBE", results.GRAPH_FORMATS)
        triples = list(_cut(result, request.max_rows))
        truncated = len(triples) > request.max_rows
        del triples[request.max_rows:]
        return Answer(results.GRAPH_FORMATS[fmt], results.write_graph(fmt, triples), truncated)


_NATIVE = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}


def _cut(iterable, max_rows: int) -> list:
    """Read one row more than the limit, then stop reading (the open answer is closed with it)."""
    rows = list(islice(iterable, max_rows + 1))
    close = getattr(iterable, "close", None)
    if close is not None and len(rows) > max_rows:
        close()
    return rows


def _require(fmt: str | None, form: str, formats: dict[str, str]) -> str:
    if fmt is None:
        raise NotAcceptable(
            f"none of the accepted media types can carry a {form} result; available: {', '.join(formats.values())}"
        )
    return fmt


class RemoteRunner:
    """Forward queries and jobs to the external store, within the time limit and the client's share.

    :param store: the external store.
    :param size: requests sent upstream at once (the embedded pool's worker count).
    :param timeout: the default time limit, in seconds.
    """

    def __init__(self, store: RemoteStore, size: int, timeout: float):
        self.store, self.size, self.timeout = store, size, float(timeout)
        self.shares = ClientShares(max(1, size // 2), size)
        self._slots = threading.BoundedSemaphore(size)
        self.owner_pid = None

    def run(self, request, timeout: float | None = None, client: str | None = None, gone=None) -> Answer:
        """Run a :class:`QueryRequest` or a job (``run(engine)``) against the store.

        :raises EndpointBusy: when no slot (or none of the client's share) became free in time.
        :raises QueryTimeout: when the store did not answer in time.
        """
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        with self.shares.hold(client, deadline, limit):
            if not self._slots.acquire(timeout=max(deadline - time.monotonic(), 0.001)):
                raise EndpointBusy(
                    f"the server is busy: no request to the store became free within {limit:g} s; try again later"
                )
            try:
                engine = RemoteEngine(self.store, deadline, limit)
                return engine.execute(request) if isinstance(request, QueryRequest) else request.run(engine)
            finally:
                self._slots.release()

    def close(self) -> None:
        """Nothing to stop: each request closes its own connection."""
