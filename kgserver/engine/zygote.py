"""The processes of the query worker pool: the zygote, and the workers it forks.

See :mod:`kgserver.engine.pool` for why a zygote: it forks while single-threaded, takes the
network away from itself (:mod:`kgserver.engine.isolation`) before it builds the engine once,
and every worker it forks inherits both.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import stat
import struct
import threading
from collections.abc import Callable

from ..errors import KGError
from . import QueryRequest, isolation as _isolation
from .errors import QueryEvaluationError, QueryTooHeavy
from .wire import receive as _receive, send as _send

#: Seconds a worker keeps running past the time limit before it kills itself.
SELF_KILL_GRACE = 5
#: Peak memory (bytes) past which a worker exits after its answer, to be replaced by a fresh one.
MAX_WORKER_RSS = 1024 * 1024 * 1024
#: Memory (bytes of heap, ``RLIMIT_DATA``) a worker may hold at most: a query that builds strings of
#: gigabytes fails (its worker dies, the client gets a 400) instead of pushing the host out of memory.
MAX_WORKER_DATA = 3 * 1024 * 1024 * 1024

_INHERITED_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGTTIN", "SIGTTOU")


def _reset_signals() -> None:
    for name in _INHERITED_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def fork_zygote(factory: Callable[[], object], timeout: float, isolation: str, fork_lock: threading.Lock,
                announce: bool = False) -> tuple[int, socket.socket]:
    """Fork a zygote that builds its engine with ``factory``; return its pid and the web process's socket end.

    The zygote first sends whether it could isolate itself (None, or why not); with ``announce``, it
    sends None again once its engine is built (a zygote making a memory copy in the background).

    :param fork_lock: held from the socket pair to the fork (see :data:`kgserver.engine.pool._FORK_LOCK`).
    """
    with fork_lock:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the zygote
            status = 0
            try:
                ours.close()
                zygote_main(theirs, factory, timeout, isolation, announce)
            except BaseException:  # never let the zygote run the parent's code
                status = 1
            finally:
                os._exit(status)
        theirs.close()
    return pid, ours


def zygote_main(sock: socket.socket, factory: Callable[[], object], timeout: float, isolation: str,
                announce: bool = False) -> None:
    _reset_signals()
    _close_inherited_pipes()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers
    failure = None
    if isolation == "seccomp":
        try:
            _isolation.close_network_sockets(keep={sock.fileno()})
            _isolation.isolate()
        except OSError as err:
            failure = str(err)
    _send(sock, failure)
    if failure is not None:
        return
    from . import structure

    structure.preload()  # the SERVICE check's parser, imported once for every worker
    engine = factory()
    if announce:
        _send(sock, None)  # ready: workers forked from now on share this engine
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(sock, 1, 1)
        except OSError:
            return
        if not msg:
            return  # the web process is gone
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                sock.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _limit_memory(MAX_WORKER_DATA)
                _worker_main(socket.socket(fileno=fds[0]), engine)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        for fd in fds:
            os.close(fd)
        sock.sendall(struct.pack("!q", pid))


def _close_inherited_pipes() -> None:
    """Close the pipes the zygote inherited from the web process (beyond stdin, stdout and stderr).

    The zygote is forked from whichever thread first needs the pool, so it inherits the web process's pipes
    of that moment, and every worker after it.  A pipe whose other end waits for end of file (a child the
    web process drives through its stdin, such as a browser driver) then never gets it while the pool
    lives: that child never exits, and whoever waits for it hangs.  The zygote uses only its socket.
    """
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        try:
            if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            continue  # the listing's own descriptor, closed by now


def _limit_memory(limit: int) -> None:
    """Cap this process's heap (``RLIMIT_DATA``) at ``limit`` bytes, unless a lower cap is already set."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if soft == resource.RLIM_INFINITY or soft > limit:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
        except (ValueError, OSError):
            pass  # a hard limit below ours already bounds it


def _worker_main(sock: socket.socket, engine) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # default action: terminate, even inside native code
    while True:
        try:
            request, limit = _receive(sock)
        except EOFError:
            return
        signal.setitimer(signal.ITIMER_REAL, limit + SELF_KILL_GRACE)
        try:
            reply = (True, engine.execute(request) if isinstance(request, QueryRequest) else request.run(engine))
        except KGError as err:
            reply = (False, err)
        except MemoryError:  # past MAX_WORKER_DATA: the query's doing, not a fault of the server
            reply = (False, QueryTooHeavy("the query needs more memory than a query worker has; simplify it"))
        except Exception as err:  # a bug in an engine: report it as a server fault, keep serving
            reply = (False, QueryEvaluationError(f"the query engine failed: {type(err).__name__}: {err}"))
        signal.setitimer(signal.ITIMER_REAL, 0)
        _send(sock, reply)
        if resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 > MAX_WORKER_RSS:
            return  # a big validation or result grew this process: a fresh one replaces it
