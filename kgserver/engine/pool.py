"""Run queries in pre-forked worker processes that can be killed when they overrun.

Neither Oxigraph nor rdflib can cancel a running query from Python, so each query
runs in a worker process; the web process waits for the answer at most the time
limit, then kills the worker (SIGKILL) and starts a fresh one.

Workers are forked from a *zygote*: a process forked once, while the web process
is still single-threaded, that builds the engine and then only forks workers on
request (over a Unix socket, passing each new worker its socket end).  Forking a
replacement therefore never copies a multi-threaded process, and never pays the
engine's start-up cost again.  A worker serves many queries: the per-query cost is
one round trip over a socket pair (tens of microseconds), no fork per query.

An engine slow to build (a copy of a large store in memory) can come later: the pool then
starts on the quick one, and a second zygote builds the other meanwhile; once it is ready,
workers are forked from it, the first zygote's workers are replaced as they are next taken,
and the first zygote exits.  The first answer never waits for the slow build.

The zygote takes the network away from itself before it builds the engine
(:mod:`kgserver.engine.isolation`): every worker inherits a seccomp filter that
refuses network sockets, so no query can ever make a request to another server.
The pool refuses to start when that fails, unless ``isolation`` is ``"off"``.

If the web process dies, the workers and the zygote see their socket close and
exit; a worker stuck in a query also kills itself (``SIGALRM``) shortly after the
time limit, so nothing outlives the server for long.

Two rules keep the service answering while some clients run long queries, by design
rather than by luck:

* **A new client never queues behind others' long queries.**  When every worker is busy
  and a client that runs no query yet asks, the pool forks an *extra* worker for it
  from the zygote (at most ``extra`` of them at once).  Past the base size, workers stay while
  clients keep finding every worker busy; once none has for :data:`EXTRA_LINGER` seconds, a
  worker coming back beside an idle one exits (one idle spare is kept).  Forking a worker per
  request of a busy server cost more CPU than the query itself.  The per-client share still
  bounds what each client holds.
* **A long query yields the CPU.**  Workers run at the web process's priority; a query
  still running after :data:`DEMOTE_AFTER` seconds is moved to a low CPU priority
  (``nice`` 10); once it answers, its priority is given back where the system allows it
  (root, ``CAP_SYS_NICE``), else the worker stays demoted (it is not replaced, which would
  throw away what it keeps between queries).  The web
  process (``/health``, dispatch) goes first on the CPU, whatever the long queries do, and
  fresh workers (extra ones, replacements) start at its priority.
"""

from __future__ import annotations

import logging
import os
import queue
import select
import socket
import struct
import threading
import time
from collections.abc import Callable

from ..errors import ConfigurationError, KGError
from . import Answer, QueryRequest, isolation as _isolation
from .errors import EndpointBusy, QueryEvaluationError, QueryTimeout, QueryTooHeavy
from .shares import ClientShares
from .wire import receive as _receive, recv_exact as _recv_exact, send as _send
from .workers import DEMOTE_AFTER, DEMOTED_NICENESS, Worker as _Worker, alive as _alive, kill as _kill, reap as _reap
from .workers import restore as _restore, wait_answer as _wait_answer
from .zygote import MAX_WORKER_DATA, MAX_WORKER_RSS, SELF_KILL_GRACE, fork_zygote

__all__ = ["DEMOTE_AFTER", "DEMOTED_NICENESS", "MAX_WORKER_DATA", "MAX_WORKER_RSS", "SELF_KILL_GRACE", "WorkerPool"]

log = logging.getLogger(__name__)

#: Seconds extra workers stay after a client last found every worker busy (then they exit, bar one spare).
EXTRA_LINGER = 5.0

#: Held while a socket end meant for another process exists in this one (from ``socketpair``
#: until it is handed over and closed) and across every fork of a zygote.  Without it, a
#: zygote forked meanwhile (another pool of the same process starting) would inherit that
#: end: the worker's death would then never show as end-of-file here, and a query sent to
#: the dead worker would wait for the whole time limit (a 503 for a trivial query).
_FORK_LOCK = threading.Lock()


class WorkerPool:
    """Query worker processes sharing one engine image: ``size`` always, up to ``extra`` more for new clients.

    :param engine_factory: called once, in the zygote, to build the engine; the
        engine needs an ``execute(QueryRequest) -> Answer`` method.
    :param size: number of worker processes kept running.
    :param timeout: seconds a query may run (waiting for a free worker included).
    :param isolation: ``"seccomp"`` (workers cannot open network sockets; the pool does not
        start where that fails) or ``"off"`` (explicitly run without it).
    :param extra: workers forked on top of ``size`` for clients that run no query yet
        while every worker is busy (None: as many as ``size``, at least 2).
    :param later_factory: if given, a second zygote builds this (better, slower to build) engine
        meanwhile, e.g. a copy of the store in memory; once it is built, workers are forked from
        it and those of the first one are replaced as they are next used (the pool answers from
        the start, and the engine's start-up cost does not delay the first answer).
    """

    def __init__(
        self, engine_factory: Callable[[], object], size: int, timeout: float, isolation: str = "seccomp",
        extra: int | None = None, later_factory: Callable[[], object] | None = None,
    ):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        if isolation not in _isolation.MODES:
            raise ConfigurationError(f"QUERY_ISOLATION must be one of {', '.join(_isolation.MODES)}, not {isolation!r}")
        self.isolation = isolation
        self.isolated = False
        self.size = size
        self.timeout = float(timeout)
        self._factory = engine_factory
        self._later_factory = later_factory
        self._next: tuple[int, socket.socket] | None = None  # the zygote building the later engine
        self._generation = 0
        self._started = 0.0  # time.monotonic() at start
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._spawn_lock = threading.Lock()
        self._zygote_pid: int | None = None
        self._zygote_sock: socket.socket | None = None
        self.owner_pid: int | None = None
        self.replaced = 0
        self.extra = max(2, size) if extra is None else max(0, int(extra))
        self._live = 0  # workers alive (idle or busy), base and extra
        self._live_lock = threading.Lock()
        self._last_short = float("-inf")  # when a client last found no idle worker
        self.shares = ClientShares(max(1, size // 2), size)

    # --- life cycle --------------------------------------------------------------------

    def start(self) -> WorkerPool:
        """Fork the zygote and the workers; return the pool."""
        self._started = time.monotonic()
        pid, ours = fork_zygote(self._factory, self.timeout, self.isolation, _FORK_LOCK)
        self._zygote_pid, self._zygote_sock = pid, ours
        self.owner_pid = os.getpid()
        try:
            failure = _receive(ours)  # None once the zygote has taken the network away from itself
        except (EOFError, OSError):
            failure = "the zygote process died while starting"
        self.isolated = failure is None and self.isolation == "seccomp"
        if failure is not None and self.isolation == "seccomp":
            self.close()
            raise ConfigurationError(
                f"query workers cannot be isolated from the network ({failure}); refusing to run queries. "
                "Set QUERY_ISOLATION=off (KGSERVER_QUERY_ISOLATION=off) only if this host cannot use "
                "seccomp and its network is otherwise closed to the query workers (see docs/security.md)"
            )
        for _ in range(self.size):
            self._idle.put(self._spawn())
        self._live = self.size
        if self._later_factory is not None:  # after the first workers: they answer while it builds
            self._next = fork_zygote(self._later_factory, self.timeout, self.isolation, _FORK_LOCK, announce=True)
            try:
                failure = _receive(self._next[1])
            except (EOFError, OSError):
                failure = "died"
            if failure is not None:
                self._drop_next(f"could not isolate itself ({failure})")
        return self

    def close(self) -> None:
        """Stop the workers and the zygotes."""
        if self._next is not None:
            self._drop_next(None)
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            _kill(worker.pid)
            worker.sock.close()
        if self._zygote_sock is not None:
            self._zygote_sock.close()
            self._zygote_sock = None
        if self._zygote_pid is not None:
            _kill(self._zygote_pid)
            _reap(self._zygote_pid)
            self._zygote_pid = None

    def _spawn(self) -> _Worker:
        with self._spawn_lock:
            if self._zygote_sock is None:
                raise QueryEvaluationError("the query worker pool is closed")
            with _FORK_LOCK:
                ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    socket.send_fds(self._zygote_sock, [b"F"], [theirs.fileno()])
                except OSError:
                    ours.close()
                    raise
                finally:
                    theirs.close()
            reply = _recv_exact(self._zygote_sock, 8)
            generation = self._generation
        if reply is None:
            raise QueryEvaluationError("the query worker pool cannot start workers (its zygote process died)")
        (pid,) = struct.unpack("!q", reply)
        return _Worker(pid, ours, generation)

    def _switch_when_ready(self) -> None:
        """Fork workers from the later zygote from now on if its engine is built (a look, no wait)."""
        with self._spawn_lock:
            following = self._next
            if following is None:
                return
            ready = select.poll()  # not select(): past 1024 descriptors (a busy server) it fails
            ready.register(following[1], select.POLLIN)
            if not ready.poll(0):
                return
            try:
                failure = _receive(following[1])
            except (EOFError, OSError):
                failure = "it died"
            if failure is not None:
                self._drop_next(f"failed: {failure}")
                return
            self._next = None
            old = self._zygote_pid, self._zygote_sock
            self._zygote_pid, self._zygote_sock = following
            self._generation += 1
        log.info("the query workers now run on the engine built in the background (ready %.1f s after start)",
                 time.monotonic() - self._started)
        old[1].close()
        _kill(old[0])
        _reap(old[0])

    def _drop_next(self, why: str | None) -> None:
        """Stop the later zygote (the pool keeps the first one's engine); log ``why`` if given."""
        pid, sock = self._next
        self._next = None
        if why is not None:
            log.warning("the query engine built in the background %s; the first one keeps serving", why)
        sock.close()
        _kill(pid)
        _reap(pid)

    # --- running queries ---------------------------------------------------------------

    def run(
        self,
        request: QueryRequest | object,
        timeout: float | None = None,
        client: str | None = None,
        gone: Callable[[], bool] | None = None,
    ) -> Answer:
        """Run one query (or job) in a worker and return its answer.

        :param request: a :class:`QueryRequest` (run by the engine), or a picklable job with a
            ``run(engine) -> Answer`` method (a validation, a named query), run in the worker
            under the same time limit; a worker whose peak memory passed :data:`MAX_WORKER_RSS`
            exits after answering, and is replaced (its memory goes back to the system).
        :param timeout: seconds allowed, waiting for a free worker included (the pool's by default).
        :param client: who asks (an address): a client holds at most half of the workers at
            once (:class:`~kgserver.engine.shares.ClientShares`), its further requests wait for its
            own, so one client cannot starve the others.
        :param gone: tells whether the client has gone away: the work is then stopped (the
            worker killed and replaced) and :class:`ClientGone` raised.
        :raises QueryTimeout: when the query ran out of time (its worker is killed and replaced).
        :raises EndpointBusy: when every worker (or the client's share) stayed busy for the whole time limit.
        :raises KGError: whatever the engine raised (syntax error, not acceptable, ...).
        """
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        if self._next is not None:
            self._switch_when_ready()
        with self.shares.hold(client, deadline, limit) as held:
            return self._run(request, limit, deadline, gone, new_client=held == 1)

    def _run(self, request, limit: float, deadline: float, gone, new_client: bool = False) -> Answer:
        worker = self._acquire(deadline, limit, new_client)
        healthy = False
        try:
            worker.sock.settimeout(max(deadline - time.monotonic(), 0.000_001))  # a stuck worker never hangs us
            _send(worker.sock, (request, limit))
            _wait_answer(worker, deadline, gone)
            worker.sock.settimeout(max(deadline - time.monotonic(), 0.000_001))
            ok, payload = _receive(worker.sock)
            healthy = True
        except TimeoutError:
            raise QueryTimeout(
                f"the query was stopped after {limit:g} s, the time limit of this endpoint "
                "(QUERY_TIMEOUT); simplify it or add a LIMIT"
            ) from None
        except (EOFError, OSError):  # the worker died running it (a stack overflow, memory): replaced below
            raise QueryTooHeavy(
                "the query stopped the worker running it: it needs more stack or memory than a query worker "
                "has (a very long chain of operators or patterns, a huge string); simplify it"
            ) from None
        finally:
            self._release(worker, healthy)
        if ok:
            return payload
        raise payload

    def _release(self, worker: _Worker, healthy: bool) -> None:
        """Put a worker back; replace it if it failed.

        Past the base size, a worker exits when another is idle and no client found every
        worker busy for :data:`EXTRA_LINGER` seconds (the last one stays as a spare: the next new
        client then needs no fork).
        """
        if healthy:
            if worker.demoted:
                worker.demoted = not _restore(worker.pid)
            with self._live_lock:
                retire = (self._live > self.size and not self._idle.empty()
                          and time.monotonic() - self._last_short > EXTRA_LINGER)
                if retire:
                    self._live -= 1
            if not retire:
                self._idle.put(worker)
                return
            _kill(worker.pid)
            worker.sock.close()
            return
        self._replace(worker)

    def _acquire(self, deadline: float, limit: float, new_client: bool = False) -> _Worker:
        """Return an idle, living worker (one that died while idle is replaced, not used).

        A new client (one that runs no other query) finding every worker busy gets an extra
        worker, forked for it, while fewer than ``extra`` run.
        """
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                self._last_short = time.monotonic()
                worker = self._extra_worker() if new_client else None
                if worker is not None:
                    return worker
                try:
                    worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.001))
                except queue.Empty:
                    worker = None
            if worker is None:
                raise EndpointBusy(
                    f"the server is busy: no query worker became free within {limit:g} s; try again later"
                ) from None
            if not _alive(worker):
                self._replace(worker)
            elif worker.generation != self._generation:  # forked before the switch: renew it
                _kill(worker.pid)
                worker.sock.close()
                renewed = self._spawn_counted("a query worker in place of one forked before the switch")
                if renewed is not None:
                    return renewed
            else:
                return worker

    def _extra_worker(self) -> _Worker | None:
        """Fork a worker beyond the base size, if fewer than ``extra`` run; None otherwise."""
        with self._live_lock:
            if self._live >= self.size + self.extra:
                return None
            self._live += 1
        return self._spawn_counted("an extra query worker")

    def _spawn_counted(self, what: str) -> _Worker | None:
        """Fork a worker already counted as live; if that fails, uncount it, log ``what`` failed, return None."""
        try:
            return self._spawn()
        except (OSError, KGError):
            with self._live_lock:
                self._live -= 1
            log.exception("could not start %s", what)
            return None

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker``; start a fresh one in its place unless the pool is past its base size."""
        _kill(worker.pid)
        worker.sock.close()
        self.replaced += 1
        with self._live_lock:
            shrink = self._live > self.size
            if shrink:
                self._live -= 1
        if shrink:
            return
        try:
            self._idle.put(self._spawn())
        except (OSError, KGError):
            with self._live_lock:
                self._live -= 1
            log.exception("could not replace a query worker")
