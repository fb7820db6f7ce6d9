"""Real external stores for the tests: Virtuoso 7 (Debian's ``virtuoso-t``) and the Oxigraph server (PyPI).

Each store is started once per session on loopback ports, in a temporary directory of its
own, and the bundled build is published into it with ``kgserver publish --store``; then
``kgserver serve --store`` is started over it.  Every test using them carries
``xdist_group("stores")`` (``--dist loadgroup``): one worker owns the stores.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

#: The Virtuoso account the tests publish with (a fresh database's administrator).
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}
CheckpointInterval = 0
ThreadsPerQuery = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


def _nice() -> None:
    """Run a store, ``publish`` or a server of these tests below the other tests' processes on the CPU.

    The suite's other worker runs tests with short time limits at the same time; a publication
    (seconds of Virtuoso work) must not make them miss their limits.
    """
    os.nice(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    """Wait until ``url`` answers 200; fail with the log's tail if the process dies or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited ({process.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{process.args[0]} did not answer {url} within {seconds} s:\n{log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kgserver(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run the kgserver command line (this interpreter's), returning its completed process."""
    result = subprocess.run([sys.executable, "-m", "kgserver", *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=900, preexec_fn=_nice)
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def publish_env(kind: str) -> dict:
    return {"KGSERVER_STORE_USER": VIRTUOSO_USER, "KGSERVER_STORE_PASSWORD": VIRTUOSO_PASSWORD} if kind == "virtuoso" else {}


#: A fresh Virtuoso database, kept once made: creating one takes 15-20 s, copying it a moment.
VIRTUOSO_TEMPLATE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kgserver" / "virtuoso-template"


def _start_virtuoso(executable: str, directory: Path, ini: Path, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([executable, "+foreground", "+configfile", str(ini)], cwd=directory,
                                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_nice)


class VirtuosoServer:
    """Virtuoso 7 on loopback over a database of its own (a copy of :data:`VIRTUOSO_TEMPLATE`); :meth:`restart` keeps it."""

    def __init__(self, directory: Path):
        self.executable = shutil.which("virtuoso-t")
        assert self.executable, "virtuoso-t is missing: scripts/test.sh installs virtuoso-opensource-7-bin (as root)"
        self.directory = directory
        http_port, self.sql_port = free_port(), free_port()
        self.ini = directory / "virtuoso.ini"
        self.ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=self.sql_port, http_port=http_port))
        self.log = directory / "stdout.log"
        self.url = f"http://127.0.0.1:{http_port}/sparql"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        template = VIRTUOSO_TEMPLATE / "virtuoso.db"
        if self.process is None and template.exists():
            shutil.copyfile(template, self.directory / "virtuoso.db")
        self._start()
        if not template.exists():  # keep the new empty database (stopped cleanly: checkpointed) for next time
            self.stop()
            VIRTUOSO_TEMPLATE.mkdir(parents=True, exist_ok=True)
            partial = VIRTUOSO_TEMPLATE / f".virtuoso.db.{os.getpid()}"
            shutil.copyfile(self.directory / "virtuoso.db", partial)
            os.replace(partial, template)
            self._start()

    def _start(self) -> None:
        self.process = _start_virtuoso(self.executable, self.directory, self.ini, self.log)
        wait_until_answering(self.url + "?query=ASK%7B%7D", self.process, self.log)

    def restart(self) -> None:
        """Checkpoint and stop Virtuoso, and start it again over the same database, at the same URL.

        The checkpoint (``isql-vt``, of the same package as ``virtuoso-t``) empties the transaction log: replaying
        the one a publication left failed ("Invalid log entry in replay").
        """
        result = subprocess.run(["isql-vt", str(self.sql_port), VIRTUOSO_USER, VIRTUOSO_PASSWORD, "exec=checkpoint;"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        self.stop()
        self._start()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """Start Virtuoso 7 on loopback with a fresh database (:class:`VirtuosoServer`), for the session."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


#: Seconds the Oxigraph server may spend on one query (``--timeout-s``), as Virtuoso's ``MaxQueryExecutionTime``
#: above: the Oxigraph server goes on evaluating a query its client abandoned, and without a limit a query
#: stopped by ``serve``'s time limit would take a CPU for as long as the server runs (docs/store.md).
OXIGRAPH_TIMEOUT = 60


class OxigraphServer:
    """The Oxigraph server (PyPI ``oxigraph``) on a loopback port over one directory; :meth:`restart` keeps both."""

    def __init__(self, directory: Path, timeout: int = OXIGRAPH_TIMEOUT):
        self.directory, self.timeout = directory, timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        executable = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        assert Path(executable).exists(), "the oxigraph server is missing: pip install -e '.[test]' installs it"
        log = self.directory / "stdout.log"
        limit = ["--timeout-s", str(self.timeout)] if "--timeout-s" in subprocess.run(
            [executable, "serve", "--help"], capture_output=True, text=True).stdout else []  # 0.5.x has it
        with open(log, "ab") as out:
            self.process = subprocess.Popen([executable, "serve", "--location", str(self.directory / "db"),
                                             "--bind", f"127.0.0.1:{self.port}", *limit], stdout=out,
                                            stderr=subprocess.STDOUT, preexec_fn=_nice)
        try:
            wait_until_answering(self.url + "?query=ASK%7B%7D", self.process, log, seconds=60)
        except BaseException:
            self.stop()
            raise

    def restart(self) -> None:
        """Stop the server (and whatever query it is evaluating) and start it again: same data, same URL."""
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The Oxigraph server on loopback (:class:`OxigraphServer`), for the session."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_url(oxigraph_server):
    """The session Oxigraph server's query endpoint URL."""
    return oxigraph_server.url


@pytest.fixture(scope="session")
def store_urls(virtuoso, oxigraph_url):
    """Publish the bundled build into both stores at once (``kgserver publish --store``); yield kind -> URL.

    Virtuoso is restarted after the publication: queries sent to it after the load planned a resource's
    incoming links so badly, in most sessions, that each took 1.4 s of its CPU instead of 0.02 s, for the rest
    of the session (20 to 30 s of CPU in the page tests); after a restart they never did (docs/store.md).
    """
    from concurrent.futures import ThreadPoolExecutor

    urls = {"virtuoso": virtuoso.url, "oxigraph": oxigraph_url}
    with ThreadPoolExecutor(len(urls)) as publishers:
        results = list(publishers.map(lambda kind: kgserver("publish", "--store", urls[kind], env=publish_env(kind)),
                                      urls))
    assert all("published" in result.stdout for result in results)
    virtuoso.restart()
    return urls


def start_server(url: str | None, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``kgserver serve --store url`` (the embedded build with None) on a free port; return it and its URL."""
    return start_servers((url, *extra))[0]


def start_servers(*servers: tuple) -> list[tuple[subprocess.Popen, str]]:
    """Start several servers at once, each given as ``(url, *extra)`` (see :func:`start_server`); return them ready."""
    processes = []
    try:
        for url, *extra in servers:
            store = ["--store", url] if url else []
            processes.append(subprocess.Popen([sys.executable, "-m", "kgserver", "serve", *store, "--port", "0",
                                               "--query-workers", "2", *extra], stdout=subprocess.PIPE,
                                              stderr=subprocess.STDOUT, text=True, preexec_fn=_nice))
        return [(process, _serving(process)) for process in processes]
    except BaseException:
        for process in processes:
            stop(process)
        raise


def _serving(process: subprocess.Popen) -> str:
    """Return the base URL a starting server announces (its output read until then)."""
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "serving on http://" in line:
            threading_drain(process)
            return line.split("serving on ")[1].split()[0].rstrip("/")
    pytest.fail("kgserver serve --store did not start:\n" + "".join(lines)[-2000:])


def threading_drain(process: subprocess.Popen) -> None:
    """Keep reading the server's output so that it never blocks on a full pipe."""
    import threading

    threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()


@pytest.fixture(scope="session")
def remote_servers(store_urls):
    """``kgserver serve --store`` over each store (row limit 1000): kind -> base URL.

    The time limit is generous (120 s): these servers check answers, not limits, and a whole-release
    count on a machine busy with the rest of the suite once took over 30 s (the limit's own test
    starts a server with 2 s).
    """
    started = start_servers(*((url, "--timeout", "120", "--max-rows", "1000") for url in store_urls.values()))
    yield {kind: base for kind, (_, base) in zip(store_urls, started)}
    for process, _ in started:
        stop(process)
