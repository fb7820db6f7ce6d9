"""The web process's side of one query worker: its answer awaited, its CPU priority, its end.

See :mod:`kgserver.engine.pool` for the rules these serve (a long query yields the CPU; a
query whose client has gone is stopped).
"""

from __future__ import annotations

import os
import select
import signal
import socket
import time
from collections.abc import Callable

from .errors import ClientGone

#: Seconds a query runs at the web process's CPU priority before it is demoted to :data:`DEMOTED_NICENESS`.
DEMOTE_AFTER = 0.1
#: The CPU priority (``nice``) of a query that ran past :data:`DEMOTE_AFTER` (the web process and
#: fresh queries, at 0, weigh about ten times as much on the CPU).
DEMOTED_NICENESS = 10


class Worker:
    """A query worker process, as the web process knows it: its pid, its socket, whether it is demoted."""

    __slots__ = ("pid", "sock", "demoted", "generation")

    def __init__(self, pid: int, sock: socket.socket, generation: int = 0):
        self.pid = pid
        self.sock = sock
        self.demoted = False
        self.generation = generation  # which zygote forked it (one more after each switch)


#: Seconds between two looks at whether the client is still there, while its query runs.
GONE_POLL = 0.25


def wait_answer(worker: Worker, deadline: float, gone: Callable[[], bool] | None) -> None:
    """Wait until the worker answers; demote a long query; raise ClientGone as soon as the client has left.

    :raises TimeoutError: at the deadline.
    """
    poller = select.poll()
    poller.register(worker.sock, select.POLLIN)
    step = DEMOTE_AFTER
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if poller.poll(max(1, int(min(left, step) * 1000) + 1)):
            return
        if not worker.demoted:
            worker.demoted = demote(worker.pid)
        step = GONE_POLL
        if gone is not None and gone():
            raise ClientGone("the client closed its connection; its query was stopped")


def restore(pid: int) -> bool:
    """Give a demoted worker the web process's CPU priority back, where allowed (``CAP_SYS_NICE``, root)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0))
    except OSError:  # an unprivileged process cannot lower a nice value: the worker stays demoted
        return False
    return True


def demote(pid: int) -> bool:
    """Move a worker to :data:`DEMOTED_NICENESS`; tell whether it was done."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, DEMOTED_NICENESS)
    except OSError:  # already gone, or not permitted: keep it as it is
        return False
    return True


def alive(worker: Worker) -> bool:
    """Tell whether an idle worker's socket is still open at the other end (no data is consumed)."""
    try:
        worker.sock.settimeout(0)  # non-blocking: a socket timeout would make recv wait
        return worker.sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True  # nothing to read: the worker is waiting for a query
    except OSError:
        return False


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
