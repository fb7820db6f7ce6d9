"""The query pool keeps answering new clients while others run long queries (issue 14, by design).

A stand-in engine sleeps on ``SLEEP`` and answers anything else at once, so the tests say
what the pool does with workers, not how fast a real query runs: no wall-clock asserts.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from kgserver.engine import Answer, QueryRequest
from kgserver.engine import pool as pool_module
from kgserver.engine.errors import EndpointBusy, QueryTimeout


class _SleepyEngine:
    """Sleep (a runaway query) on ``SLEEP``; answer anything else at once."""

    def execute(self, request):
        if request.text == "SLEEP":
            time.sleep(60)
        return Answer("text/plain", request.text.encode())


def _runaways(pool, clients, timeout):
    """Start one runaway query per client; return the threads and the errors they end with."""
    errors: list = []

    def run(client):
        try:
            pool.run(QueryRequest("SLEEP"), timeout=timeout, client=client)
        except QueryTimeout as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    return threads, errors


def _wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the pool never reached the expected state"
        time.sleep(0.01)


@pytest.fixture
def pool():
    pool = pool_module.WorkerPool(_SleepyEngine, 2, 5.0, extra=2).start()
    yield pool
    pool.close()


def test_a_new_client_is_answered_while_runaways_hold_every_base_worker(pool):
    threads, errors = _runaways(pool, ["10.0.0.1", "10.0.0.2"], timeout=1.5)
    _wait_until(lambda: pool._idle.qsize() == 0)  # both base workers run a runaway
    answer = pool.run(QueryRequest("ASK {}"), client="10.0.0.3")
    assert answer.body == b"ASK {}"
    assert all(thread.is_alive() for thread in threads)  # answered while the runaways still run
    for thread in threads:
        thread.join()
    assert len(errors) == 2  # the runaways were still stopped at their limit
    _wait_until(lambda: pool._idle.qsize() == pool._live)
    assert pool._live <= pool.size + 1  # past the base size, one idle spare at most


def test_extra_workers_are_capped(pool):
    threads, _ = _runaways(pool, [f"10.0.1.{i}" for i in range(4)], timeout=1.5)  # base 2 + extra 2
    _wait_until(lambda: pool._live == pool.size + pool.extra and pool._idle.qsize() == 0)
    with pytest.raises(EndpointBusy):  # a fifth client waits for a worker, up to its limit
        pool.run(QueryRequest("ASK {}"), timeout=0.5, client="10.0.1.9")
    for thread in threads:
        thread.join()


def test_a_client_already_running_a_query_gets_no_extra_worker():
    pool = pool_module.WorkerPool(_SleepyEngine, 4, 5.0, extra=2).start()  # a share of 2 per client
    try:
        threads, _ = _runaways(pool, [f"10.0.2.{i}" for i in range(4)], timeout=1.5)
        _wait_until(lambda: pool._idle.qsize() == 0)
        with pytest.raises(EndpointBusy):  # within its share, but it already runs a query: it waits
            pool.run(QueryRequest("ASK {}"), timeout=0.5, client="10.0.2.0")
        assert pool._live == pool.size
        for thread in threads:
            thread.join()
    finally:
        pool.close()


def test_a_long_query_is_demoted_and_the_others_are_not(pool):
    threads, _ = _runaways(pool, ["10.0.3.1"], timeout=1.0)
    _wait_until(lambda: pool._idle.qsize() == 1)
    time.sleep(pool_module.DEMOTE_AFTER * 3)
    idle = pool._idle.get(timeout=1)
    pool._idle.put(idle)
    busy_pids = [pid for pid in _children() if pid != idle.pid and pid != pool._zygote_pid]
    assert pool_module.DEMOTED_NICENESS in [os.getpriority(os.PRIO_PROCESS, pid) for pid in busy_pids]
    assert os.getpriority(os.PRIO_PROCESS, idle.pid) < pool_module.DEMOTED_NICENESS
    for thread in threads:
        thread.join()
    workers = [pool._idle.get(timeout=1) for _ in range(pool.size)]  # the runaway's worker was killed at the limit
    assert all(os.getpriority(os.PRIO_PROCESS, w.pid) < pool_module.DEMOTED_NICENESS for w in workers)  # its replacement is fresh
    for worker in workers:
        pool._idle.put(worker)


def _children() -> list[int]:
    """Return the pids of every process descending from this one."""
    found, queue = [], [os.getpid()]
    while queue:
        current = queue.pop()
        for task in os.listdir(f"/proc/{current}/task"):
            try:
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    kids = [int(pid) for pid in handle.read().split()]
            except OSError:
                continue
            found += kids
            queue += kids
    return found


class _Which:
    """A job answering the name of the engine that ran it."""

    def run(self, engine):
        return engine


def test_a_later_engine_takes_over_once_built_and_the_pool_answers_meanwhile(tmp_path):
    gate = tmp_path / "copied"

    def later():  # the memory copy, finished when the test says so
        while not gate.exists():
            time.sleep(0.01)
        return "copy"

    pool = pool_module.WorkerPool(lambda: "disk", 2, 10.0, later_factory=later).start()
    try:
        assert pool.run(_Which()) == "disk"
        first_zygote = pool._zygote_pid
        gate.touch()
        _wait_until(lambda: pool.run(_Which()) == "copy")
        assert [pool.run(_Which()) for _ in range(6)] == ["copy"] * 6  # the disk workers were renewed
        assert pool._live == 2
        assert pool._zygote_pid != first_zygote
        with pytest.raises(ProcessLookupError):
            os.kill(first_zygote, 0)  # the first zygote is gone, reaped
    finally:
        pool.close()


def test_a_later_engine_that_fails_leaves_the_first_one_serving():
    def later():
        raise MemoryError("no room for the copy")

    pool = pool_module.WorkerPool(lambda: "disk", 2, 10.0, later_factory=later).start()
    try:
        _wait_until(lambda: pool.run(_Which()) == "disk" and pool._next is None)
        assert [pool.run(_Which()) for _ in range(4)] == ["disk"] * 4
    finally:
        pool.close()


def test_a_larger_built_store_is_served_at_once_then_from_its_memory_copy(monkeypatch):
    from kgserver.app import create_app
    from kgserver.engine import oxigraph

    monkeypatch.setattr(oxigraph, "MEMORY_COPY_AT_START_QUADS", 0)  # the bundled build counts as large
    app = create_app({"TESTING": True, "QUERY_WORKERS": 2})
    state = app.extensions["kgserver"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    try:
        pool = state.pool()
        assert pool._next is not None  # the copy is being made by a second zygote
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": count}, headers={"Accept": "text/csv"})
        assert first.status_code == 200
        _wait_until(lambda: (client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
                             and pool._next is None), seconds=120)
        assert pool._generation == 1  # switched to the copy, not dropped
        again = client.get("/sparql", query_string={"query": count}, headers={"Accept": "text/csv"})
        assert again.data == first.data and int(first.data.split()[1]) == state.quad_count
    finally:
        state.close()


def test_the_pool_does_not_keep_the_web_processs_pipes_open():
    """A pipe the web process holds when the pool starts (here: one end of a child's stdin) is not kept open
    by the zygote and its workers: once the web process closes its end, the reader sees end of file.
    (A browser driver kept alive that way hung the test session that had started it.)"""
    import select

    read, write = os.pipe()
    pool = pool_module.WorkerPool(_SleepyEngine, 1, 5.0).start()
    try:
        assert pool.run(QueryRequest("ping"), timeout=5.0).body == b"ping"  # a worker forked
        os.close(write)
        ready, _, _ = select.select([read], [], [], 30)  # bounded wait: a hang fails, no time is asserted
        assert ready and os.read(read, 1) == b"", "a pool process still holds the pipe's write end"
    finally:
        pool.close()
        os.close(read)
