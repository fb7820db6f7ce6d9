"""Load a kgserver build into a Virtuoso on this machine with Virtuoso's own bulk loader, as ``kgserver publish`` would.

``kgserver publish`` sends a release over HTTP, one Graph Store request per 250,000 triples: at 1M synthetic
triples it took 1,631 s of wall here (``README.md``, "External stores"), at 10M it would take hours.  For the
benchmarks this writes the same graphs as N-Quads files and lets Virtuoso's loader (``ld_dir`` and
``rdf_loader_run`` through ``isql-vt``) read them from disk, then writes the release graph with
:func:`kgserver.remote.publish.first_release_update`, as a first publication ends:

- the files come from the build's store, dumped by Oxigraph (every named graph under its served name; the
  default graph, the asserted graphs' merge, as triples, which the loader puts in
  :data:`kgserver.remote.MERGE_GRAPH`), or from N-Quads files of the same graphs (``--from``: the slices a
  build spools before its bulk load, hard-linked while it runs);
- every blank node is written ``<nodeID://bN>`` by :class:`kgserver.remote.publish.VirtuosoBlanks`, as
  ``publish`` writes it: one blank node in Virtuoso whatever file and graph it is loaded from.

Only into a Virtuoso holding no release whose ``DirsAllowed`` includes the files' folder; ``kgserver publish``
stays the way to publish (it also replaces a served release).  ``--check`` loads a build both ways into two
fresh Virtuosos and compares every graph and the answers of ``kgserver serve --store`` over each to the
benchmark's requests; it exits 1 on the first difference.

Usage::

    python benchmarks/virtuoso_bulk.py --check --scales bundled,100k --workdir /tmp/bulk-check
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: Bytes per N-Quads file given to the loader (several files let ``rdf_loader_run`` run in parallel).
FILE_BYTES = 400 << 20


class NQuadsFiles:
    """A binary writer cutting N-Quads text into files of about ``FILE_BYTES``, blank nodes named for Virtuoso."""

    def __init__(self, folder: Path, blanks, file_bytes: int = FILE_BYTES):
        self.folder, self.blanks, self.file_bytes = folder, blanks, file_bytes
        self.files: list[Path] = []
        self.rest = b""
        self.out = None
        self.written = 0

    def write(self, data) -> int:
        text = self.rest + bytes(data)
        end = text.rfind(b"\n") + 1
        self.rest = text[end:]
        if end:
            self._emit(text[:end])
        return len(data)

    def _emit(self, text: bytes) -> None:
        if b"_:" in text:  # only lines naming a blank node are parsed again (a "_:" in a literal is kept as is)
            text = b"".join(self._named(line) if b"_:" in line else line for line in text.splitlines(keepends=True))
        if self.out is None or self.written > self.file_bytes:
            self._next_file()
        self.out.write(text)
        self.written += len(text)

    def _named(self, line: bytes) -> bytes:
        out = []
        for quad in ox.parse(input=line, format=ox.RdfFormat.N_QUADS):
            named = self.blanks.triple(ox.Triple(quad.subject, quad.predicate, quad.object))
            out.append(ox.Quad(named.subject, named.predicate, named.object, quad.graph_name))
        return ox.serialize(out, format=ox.RdfFormat.N_QUADS)

    def _next_file(self) -> None:
        self.close()
        self.files.append(self.folder / f"release-{len(self.files):04d}.nq")
        self.out = open(self.files[-1], "wb")  # noqa: SIM115 - closed by close()
        self.written = 0

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


def write_release(build_dir: Path, folder: Path, sources: list[Path] | None = None) -> list[Path]:
    """Write the build's served graphs into ``folder`` as N-Quads files for Virtuoso's loader; return the files.

    :param sources: N-Quads files of the same graphs to read instead of dumping the store (their blank
        node labels shared by all of them).
    """
    from kgserver.reasoning.build import STORE_DIR
    from kgserver.remote.publish import VirtuosoBlanks

    folder.mkdir(parents=True, exist_ok=True)
    writer = NQuadsFiles(folder, VirtuosoBlanks())
    if sources is None:
        ox.Store.read_only(str(build_dir / STORE_DIR)).dump(writer, ox.RdfFormat.N_QUADS)
    else:
        for source in sources:
            with open(source, "rb") as text:
                while chunk := text.read(8 << 20):
                    writer.write(chunk)
    if writer.rest:
        writer.write(b"\n")
    writer.close()
    return writer.files


def isql(port: int, statements: str, timeout: float | None = None) -> str:
    """Run ``statements`` through ``isql-vt`` (user dba); return its output; raise on an error."""
    done = subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", "dba", f"exec={statements}"],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql-vt {statements!r}: {(done.stdout + done.stderr)[-1500:]}")
    return done.stdout


def bulk_load(port: int, store: str, folder: Path, manifest: dict, loaders: int = 2) -> dict:
    """Load the N-Quads files of ``folder`` and the release's figures into the Virtuoso at ``store``.

    :param port: Virtuoso's isql port.
    :returns: the graphs Virtuoso holds and their triples (the release graph included), and the loader's errors.
    :raises RuntimeError: when the store holds a release already or the loader reports an error.
    """
    from kgserver.errors import ConfigurationError
    from kgserver.remote import MERGE_GRAPH
    from kgserver.remote.client import SparqlClient
    from kgserver.remote.publish import first_release_update, release_figures
    from kgserver.remote.store import read_figures

    client = SparqlClient(store, "dba", "dba")
    try:
        read_figures(client, 60.0)
    except ConfigurationError:
        pass
    else:
        raise RuntimeError(f"{store} holds a release already: this loads a first release only")
    isql(port, f"ld_dir('{folder}', '*.nq', '{MERGE_GRAPH}');")
    threads = [threading.Thread(target=isql, args=(port, "rdf_loader_run();")) for _ in range(loaders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    isql(port, "checkpoint;")
    errors = isql(port, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
    if "0 Rows" not in errors:
        raise RuntimeError(f"Virtuoso's loader reported errors:\n{errors[-1500:]}")
    client.update(first_release_update(release_figures(manifest)), timeout=600)
    return graph_sizes(client, [*manifest["figures"]["graphs"], MERGE_GRAPH])


def graph_sizes(client, graphs: list[str]) -> dict[str, int]:
    """Return the triples of each graph of ``graphs`` in the store (absent graphs: none)."""
    from kgserver.remote.store import JSON_RESULTS

    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = client.query(text, JSON_RESULTS, timeout=3600, named_graphs=graphs)
    try:
        return {row["g"].value: int(row["n"].value)
                for row in ox.parse_query_results(response, ox.QueryResultsFormat.JSON)}
    finally:
        response.close()


def load_build(virtuoso, store: str, build_dir: Path, folder: Path, sources: list[Path] | None = None) -> dict:
    """Write the build's files and bulk-load them into the fresh Virtuoso ``virtuoso``; return figures.

    Wall and CPU of writing the files (this process), wall of loading, Virtuoso's CPU and RSS after.
    """
    from bench_store import cpu_seconds, rss_mb

    manifest = json.loads((build_dir / "manifest.json").read_text())
    started, cpu = time.perf_counter(), time.process_time()
    files = write_release(build_dir, folder, sources)
    written = {"write_wall_s": time.perf_counter() - started, "write_cpu_s": time.process_time() - cpu,
               "files": len(files), "bytes": sum(f.stat().st_size for f in files)}
    store_cpu, started = cpu_seconds(virtuoso.pid), time.perf_counter()
    sizes = bulk_load(virtuoso.isql_port, store, folder, manifest)
    for file in files:
        file.unlink()
    expected = manifest["figures"]["graphs"]
    wrong = {g: (sizes.get(g, 0), n) for g, n in expected.items() if sizes.get(g, 0) != n}
    if wrong:
        raise RuntimeError(f"graphs loaded with other sizes than the build's (loaded, built): {wrong}")
    return {**written, "load_wall_s": time.perf_counter() - started,
            "store_cpu_s": cpu_seconds(virtuoso.pid) - store_cpu, "store_rss_mb": rss_mb(virtuoso.pid),
            "triples": sum(sizes.values()), "graphs": len(sizes)}


# --- the check: loaded so, a store answers as one ``kgserver publish`` loaded -------------------


_BLANK = re.compile(rb"nodeID://b?\d+|_:[A-Za-z0-9_.-]+|/\.well-known/genid/[A-Za-z0-9_.-]+")


def store_content(client, graphs: list[str]) -> dict[str, list[str]]:
    """Return each graph's triples as sorted N-Triples lines, every blank node written ``_:b``."""
    from kgserver.remote.store import N_TRIPLES

    content = {}
    for graph in graphs:
        response = client.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", N_TRIPLES,
                                timeout=600, named_graphs=[graph])
        try:
            lines = [str(t) for t in ox.parse(response, ox.RdfFormat.N_TRIPLES)]
        finally:
            response.close()
        content[graph] = sorted(_BLANK.sub(b"_:b", line.encode()).decode() for line in lines)
    return content


def requests() -> list[tuple]:
    """Return the benchmark's requests (workload, pages, API): (name, method, path, body, headers)."""
    import urllib.parse

    from bench_endpoint import ACCEPT_JSON, workload
    from bench_store import PATHS

    out = [(name, "POST", "/sparql", urllib.parse.urlencode({"query": text}),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT_JSON})
           for name, text in workload().items()]
    return out + [(name, "GET", path, None, {"Accept": accept, "Accept-Language": "ca"}) for name, path, accept in PATHS]


def answer(base: str, request: tuple) -> tuple:
    """Return the status of one request and its body's lines (JSON rows) sorted, blank nodes written alike."""
    import http.client
    import urllib.parse

    from bench_store import TIMEOUT

    parts = urllib.parse.urlsplit(base)
    _, method, path, body, headers = request
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, _lines(_normalised(response.read()))
    except TimeoutError:
        return ("timeout", [])
    finally:
        conn.close()


#: Answers that mean "not within the time limit" (the server's 503, the client's timeout), not a different answer.
UNANSWERED = (503, "timeout")


_JSON_BLANK = re.compile(rb'("type": ?"bnode", ?"value": ?)"[^"]*"|("value": ?)"[^"]*"(, ?"type": ?"bnode")')


def _normalised(body: bytes) -> bytes:
    body = _JSON_BLANK.sub(lambda m: (m.group(1) or m.group(2)) + b'"b"' + (m.group(3) or b""), body)
    return _BLANK.sub(b"_:b", body)


def _lines(body: bytes) -> list[bytes]:
    """Return a body's lines, or a JSON result's rows, sorted (row order is the store's when no ORDER BY)."""
    if body.startswith(b'{"head"'):
        results = json.loads(body)
        rows = results.get("results", {}).get("bindings", [])
        return sorted(json.dumps(row, sort_keys=True).encode() for row in rows) + [json.dumps(results["head"]).encode()]
    return sorted(body.splitlines())


def check(name: str, size: int, workdir: Path, sources: list[Path] | None = None) -> list[str]:
    """Load the build of a scale by ``kgserver publish`` and by the bulk loader into two Virtuosos; return differences.

    Compared: every graph's triples (blank nodes as such), the release's figures, and the status and body of
    every request of the benchmark to ``kgserver serve --store`` over each (rows and lines sorted).

    :param sources: N-Quads files of the build's graphs for the bulk loader (else the store is dumped).
    """
    from bench_endpoint import free_port, stop
    from bench_oxigraph import start
    from bench_store import build, publish, start_virtuoso

    from kgserver.remote import MERGE_GRAPH, RELEASE_GRAPH
    from kgserver.remote.client import SparqlClient

    _, build_dir, _ = build(name, size, workdir)
    processes, stores, figures = [], {}, {}
    try:
        for way in ("publish", "bulk"):
            directory = workdir / f"check-{name}-{way}"
            subprocess.run(["rm", "-rf", str(directory)], check=True)
            directory.mkdir()
            virtuoso, store = start_virtuoso(directory)
            processes.append(virtuoso)
            if way == "publish":
                figures[way] = publish(store, build_dir, virtuoso)
            else:
                figures[way] = load_build(virtuoso, store, build_dir, directory / "release", sources)
            stores[way] = store
            print(f"[{name}] {way}: {figures[way]}", file=sys.stderr, flush=True)
        manifest = json.loads((build_dir / "manifest.json").read_text())
        graphs = [*manifest["figures"]["graphs"], MERGE_GRAPH, RELEASE_GRAPH]
        contents = {way: store_content(SparqlClient(store, "dba", "dba"), graphs) for way, store in stores.items()}
        problems = [f"graph {g}: {len(contents['publish'][g])} triples published, {len(contents['bulk'][g])} "
                    f"bulk-loaded, {len(set(contents['publish'][g]) ^ set(contents['bulk'][g]))} lines differ, e.g. "
                    f"{sorted(set(contents['publish'][g]) ^ set(contents['bulk'][g]))[:2]}"
                    for g in graphs if contents["publish"][g] != contents["bulk"][g]]
        bases = {}
        for way, store in stores.items():
            port = free_port()
            server, _ = start([sys.executable, "-m", "kgserver", "serve", "--store", store, "--port", str(port),
                               "--max-rows", "10000000"], f"http://127.0.0.1:{port}/sparql")
            processes.append(server)
            bases[way] = f"http://127.0.0.1:{port}"
        asked = requests()
        for request in asked:  # each asked of both in turn; once more if one ran out of time
            for _attempt in (1, 2):
                published, loaded = (answer(bases[way], request) for way in ("publish", "bulk"))
                if published == loaded or not {published[0], loaded[0]} & set(UNANSWERED):
                    break
            if published == loaded:
                continue
            if {published[0], loaded[0]} & set(UNANSWERED):
                print(f"[{name}] NOT COMPARED {request[0]}: published {published[0]}, bulk-loaded {loaded[0]} "
                      "(time limit, twice)", file=sys.stderr, flush=True)
                continue
            problems.append(f"{request[0]}: published {published[0]} ({len(published[-1])} lines), bulk-loaded "
                            f"{loaded[0]} ({len(loaded[-1])} lines), e.g. "
                            f"{sorted(set(published[-1]) ^ set(loaded[-1]))[:2]}")
        print(f"[{name}] compared {len(graphs)} graphs ({sum(map(len, contents['bulk'].values())):,} triples) and "
              f"{len(asked)} requests: {len(problems)} differences", file=sys.stderr, flush=True)
        return problems
    finally:
        for process in reversed(processes):
            stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="load each scale's build both ways and compare")
    parser.add_argument("--scales", default="bundled,100k", help="comma-separated: bundled, 100k, 1m")
    parser.add_argument("--workdir", required=True, help="builds and Virtuoso folders (kept and reused)")
    parser.add_argument("--from", dest="sources", nargs="+", metavar="NQ",
                        help="N-Quads files of the (one) scale's build to bulk-load, e.g. the slices its build spooled")
    args = parser.parse_args(argv)
    if not args.check:
        parser.error("nothing to do: --check (bench_store.py --bulk loads builds this way for its figures)")
    from bench_store import SCALES

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in args.scales.split(","):
        problems = check(name, SCALES[name], workdir, [Path(f) for f in args.sources] if args.sources else None)
        for problem in problems:
            print(f"DIFFERENT [{name}] {problem}")
        failed = failed or bool(problems)
    print("the bulk-loaded stores answer as the published ones" if not failed else "DIFFERENCES: see above")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
