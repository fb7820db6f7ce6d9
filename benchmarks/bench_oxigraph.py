"""Benchmark kgserver beside Oxigraph's own server (PyPI ``oxigraph``, same version as pyoxigraph), in one run.

For each scale (the bundled graph; the bundled graph plus 100k or 1M synthetic triples from
``benchmarks/synthetic.py``) it prints, for kgserver and for the raw Oxigraph server on the
same quads (kgserver's built store dumped as N-Quads: the named graphs, the inferred graph
and the asserted graphs' merge as the default graph), and the ratio kgserver / Oxigraph:

- build: ``kgserver build`` (parse, reason, load; phases as the build measured them) against
  ``oxigraph load`` of the same quads; wall time and peak memory (the build process's own
  peak RSS, from ``resource.getrusage`` of children);
- start-up: launch to the first answered ``ASK {}``: ``kgserver serve`` on the built store,
  ``oxigraph serve-read-only`` on its loaded store;
- memory while serving, after the workload: the RSS and PSS summed over the server's
  process tree (``/proc/<pid>/smaps_rollup``; PSS counts shared pages once);
- a one-resource lookup: p50 latency with one client, throughput at 1, 8 and 32 clients, both servers
  running side by side and measured in turn, figure by figure (``--rounds``, median kept), so that they
  see the same machine load;
- the server's CPU time (user + system, its whole process tree) per lookup at 8 clients;
- the mixed workload (the named queries of ``queries/`` and the lookups/GROUP BYs of
  ``bench_endpoint.py``) at 32 clients, interleaved in the same rounds (errors summed over them).

Usage::

    python benchmarks/bench_oxigraph.py                          # bundled, 100k, 1m
    python benchmarks/bench_oxigraph.py --scales bundled,100k --seconds 5
    python benchmarks/bench_oxigraph.py --scales 1m --build-only   # the builds only, CPU and peak RSS per step
    python benchmarks/bench_oxigraph.py --scales 100k --keep /tmp/bench   # builds kept, reused next time
    python benchmarks/bench_oxigraph.py --web-processes 1,2              # kgserver with 1 and 2 web processes
    python benchmarks/bench_oxigraph.py --virtuoso                       # Virtuoso beside them, same quads

Client and servers share the machine; the figures compare servers under one load generator.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_endpoint import (  # noqa: E402
    EXTRA_QUERIES, VIRTUOSO_INI, free_port, latency, stop, throughput, wait_for, workload,
)

SCALES = {"bundled": 0, "100k": 100_000, "1m": 1_000_000}
LOOKUP = {"lookup": EXTRA_QUERIES["x-lookup-one-resource"]}


def sources_for(data: str | None):
    """Return the bundled sources, plus ``data`` in an extra graph if given."""
    from kgserver import dataset
    from kgserver.namespaces import GRAPH

    sources = dataset.bundled_sources()
    if data:
        sources.append(dataset.Source(Path(data), GRAPH["extra/synthetic"]))
    return sources


# --- children ---------------------------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> int:
    """Return this process's peak RSS so far (``VmHWM``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def child_build(data: str | None, out: str) -> None:
    """Build the bundled graph plus ``data`` into ``out`` (run in a child: its peak RSS is its own).

    Prints, besides the build's own wall-clock phases, the CPU seconds (user + system) each step
    reported by the build's progress took and the process's peak RSS when it ended.
    """
    from kgserver.reasoning.build import build

    steps: list[tuple[str, float, int]] = []
    last = [_cpu()]

    def progress(step: str, _message: str) -> None:
        now = _cpu()
        steps.append((step, now - last[0], _peak_mb()))
        last[0] = now

    started = time.perf_counter()
    result = build(sources_for(data), Path(out), force=True, progress=progress)
    print(json.dumps({"seconds": time.perf_counter() - started, "phases": result.manifest["phases"],
                      "steps": steps, "quads": result.manifest["figures"]["quads"],
                      "distinct": result.manifest["figures"]["distinct_triples"],
                      "asserted": result.manifest["figures"]["void"]["asserted"]["triples"]}))


def child_serve(data: str | None, build_dir: str, port: int, threads: int, processes: int = 1) -> None:
    """Run ``kgserver serve`` on the build of the bundled graph plus ``data`` (what the CLI does)."""
    from kgserver import dataset
    from kgserver.cli import main

    sources = sources_for(data)
    dataset.bundled_sources = lambda **_: list(sources)
    os.environ["KGSERVER_BUILD_DIR"] = build_dir
    main(["serve", "--port", str(port), "--threads", str(threads), "--workers", str(processes),
          "--max-rows", "10000000"])


def timed_peak(command: list[str]) -> tuple[str, float, float, int]:
    """Run ``command`` under ``/usr/bin/time``; return its output, wall seconds, CPU seconds (user + system) and peak RSS in MB."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *command], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    user, system, peak = done.stderr.strip().splitlines()[-1].split()
    return done.stdout, time.perf_counter() - started, float(user) + float(system), int(peak) // 1024


def run_child(*args: str) -> tuple[dict, float, int]:
    """Run this script with ``args``; return the JSON it prints last, the child's CPU seconds and peak RSS in MB."""
    out, _, cpu, peak = timed_peak([sys.executable, __file__, *args])
    return json.loads(out.strip().splitlines()[-1]), cpu, peak


# --- memory of a process tree -----------------------------------------------------------------


def tree(pid: int) -> list[int]:
    """Return ``pid`` and all its descendants."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def tree_memory(pid: int) -> tuple[int, int]:
    """Return (RSS, PSS) in MB summed over the process tree of ``pid``."""
    rss = pss = 0
    for process in tree(pid):
        try:
            for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss // 1024, pss // 1024


def tree_cpu(pid: int) -> dict[int, float]:
    """Return the CPU seconds (user + system, reaped children included) of each process in the tree of ``pid``."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for process in tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[process] = sum(int(value) for value in fields[11:15]) / ticks  # utime, stime, cutime, cstime
    return found


def cpu_per_request(pid: int, url: str, queries: dict, clients: int, seconds: float) -> float:
    """Return the server's CPU microseconds per request while ``clients`` send ``queries`` for ``seconds``.

    Summed per process over those alive at the end: a query worker that exits meanwhile (one stopped at
    the time limit, an extra one retired) takes its own CPU of the window with it, uncounted, but not its
    whole life's (subtracting tree totals did, and made the figure too low).
    """
    before = tree_cpu(pid)
    done = throughput(url, queries, clients, seconds)
    after = tree_cpu(pid)
    used = sum(seconds_used - before.get(process, 0.0) for process, seconds_used in after.items())
    return used * 1e6 / max(done["requests"], 1)


def start_virtuoso(build_dir: Path, workdir: Path) -> tuple[subprocess.Popen, str, float]:
    """Start Virtuoso (Debian's ``virtuoso-opensource-7-bin``) in ``workdir`` with the quads of the build.

    The named graphs keep their names; the merged default graph goes to one more graph, and Virtuoso's
    default graph is the union of all (a bag: counts differ, the workload's timing is what is compared).
    Returns the process, the endpoint and the seconds until it answered, loading included.
    """
    started = time.perf_counter()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    subprocess.run(["oxigraph", "dump", "--location", str(build_dir / "store"), "--file", str(workdir / "data.nq")],
                   check=True)
    isql_port, http_port = free_port(), free_port()
    (workdir / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=workdir, isql_port=isql_port, http_port=http_port))
    process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(workdir / "virtuoso.ini")], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    isql = ["isql-vt", f"127.0.0.1:{isql_port}", "dba", "dba"]
    deadline = time.monotonic() + 300
    while subprocess.run([*isql, "exec=status();"], capture_output=True).returncode:
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("virtuoso did not start")
        time.sleep(1)
    load = f"ld_dir('{workdir}', 'data.nq', 'urn:x-bench:default'); rdf_loader_run(); checkpoint;"
    subprocess.run([*isql, f"exec={load}"], check=True, capture_output=True)
    (workdir / "data.nq").unlink()
    url = f"http://127.0.0.1:{http_port}/sparql"
    wait_for(url, process)
    return process, url, time.perf_counter() - started


# --- one scale ----------------------------------------------------------------------------------


def start(command: list[str], url: str, env: dict | None = None, log: Path | None = None) -> tuple[subprocess.Popen, float]:
    """Start a server; return it and the seconds until ``ASK {}`` answered.

    :param log: a file for the server's standard error (else it is discarded).
    """
    started = time.perf_counter()
    with open(log or os.devnull, "wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    wait_for(url, process)
    return process, time.perf_counter() - started


#: What kgserver logs once its query workers run on the memory copy made in the background.
COPY_READY = "the query workers now run on the engine built in the background"


def wait_for_copy(url: str, log: Path, limit: float = 600.0) -> float:
    """Wait until the server logs that its memory copy is in use (a lookup every 0.2 s lets it switch).

    Returns the seconds waited: the figures are then taken at full speed, as a server that has run
    for a while answers.
    """
    import urllib.parse
    import urllib.request

    started = time.perf_counter()
    lookup = url + "?" + urllib.parse.urlencode({"query": LOOKUP["lookup"]})
    while COPY_READY not in log.read_text(errors="replace"):
        if time.perf_counter() - started > limit:
            raise RuntimeError(f"kgserver did not switch to its memory copy within {limit:.0f} s (see {log})")
        urllib.request.urlopen(lookup, timeout=60).read()
        time.sleep(0.2)
    return time.perf_counter() - started


def measure_servers(servers: dict[str, tuple[subprocess.Popen, str]], seconds: float, rounds: int,
                    mixed_workload: bool = True, virtuoso: bool = False) -> dict:
    """Measure every server, interleaved: each figure is taken on one server, then the next, ``rounds`` times.

    The machine's load changes over a run; alternating the servers for every measurement, and keeping the
    median of the rounds, exposes them to the same load.
    """
    import statistics

    samples: dict[str, dict[str, list]] = {name: {} for name in servers}
    measurements = [("lookup_p50_ms", lambda url: latency(url, LOOKUP, budget=seconds, max_requests=2000)["lookup"]["p50_ms"])]
    measurements += [(f"lookup_rps_{clients}", lambda url, c=clients: throughput(url, LOOKUP, c, seconds)["rps"])
                     for clients in (1, 8, 32)]
    for _ in range(rounds):
        for key, measure in measurements:
            for name, (_, url) in servers.items():
                samples[name].setdefault(key, []).append(measure(url))
        for name, (process, url) in servers.items():
            samples[name].setdefault("lookup_cpu_us", []).append(cpu_per_request(process.pid, url, LOOKUP, 8, seconds))
        for name, (process, url) in servers.items() if mixed_workload else ():
            mixed = throughput(url, workload(), 32, seconds)
            samples[name].setdefault("mixed_rps_32", []).append(mixed["rps"])
            samples[name].setdefault("mixed_errors", []).append(mixed["errors"])
    figures = {name: {key: statistics.median(values) for key, values in keys.items()} for name, keys in samples.items()}
    for name, (process, url) in servers.items():
        figures[name].setdefault("mixed_rps_32", float("nan"))
        figures[name]["mixed_errors"] = sum(samples[name].get("mixed_errors", []))
        figures[name]["rss_mb"], figures[name]["pss_mb"] = tree_memory(process.pid)
    return figures


def build_both(name: str, size: int, workdir: Path) -> tuple[str | None, Path, Path, dict]:
    """Build the scale for kgserver and for Oxigraph in ``workdir``; reuse what an earlier run left there.

    Returns the synthetic data file (None for the bundled graph), kgserver's build folder, Oxigraph's store
    and the build figures (those of the run that built them, when reused).
    """
    import synthetic

    data = workdir / f"synthetic-{name}.nt"
    build_dir, ox_dir, done = workdir / f"kg-{name}", workdir / f"ox-{name}", workdir / f"built-{name}.json"
    if done.exists():
        return (str(data) if size else None), build_dir, ox_dir, json.loads(done.read_text())
    data = str(synthetic.write_ntriples(data, size)) if size else None
    built, build_cpu, build_peak = run_child("--child-build", str(build_dir), *(["--data", data] if data else []))
    nquads = workdir / f"{name}.nq"
    shutil.rmtree(ox_dir, ignore_errors=True)
    subprocess.run(["oxigraph", "dump", "--location", str(build_dir / "store"), "--file", str(nquads)], check=True)
    _, ox_seconds, ox_cpu, ox_peak = timed_peak(["oxigraph", "load", "--lenient", "--location", str(ox_dir),
                                                 "--file", str(nquads)])
    nquads.unlink()
    # kgserver answers a query naming no dataset from its default graph (the asserted graphs' merge) and the
    # inferred graph (kgserver/engine/layout.py); Oxigraph's server from its default graph alone: the inferred
    # triples go into it too (not timed: the build's figure above is the same quads as kgserver's store), so that
    # both servers answer the same merge (a blank node of an inferred triple gets a label of its own there)
    from kgserver.namespaces import INFERRED_GRAPH

    inferred = workdir / f"{name}-inferred.nt"
    subprocess.run(["oxigraph", "dump", "--location", str(build_dir / "store"), "--graph", str(INFERRED_GRAPH),
                    "--file", str(inferred)], check=True)
    subprocess.run(["oxigraph", "load", "--lenient", "--location", str(ox_dir), "--file", str(inferred)], check=True)
    inferred.unlink()
    figures = {"built": built, "build_cpu": build_cpu, "build_peak": build_peak, "ox_seconds": ox_seconds,
               "ox_cpu": ox_cpu, "ox_peak": ox_peak}
    done.write_text(json.dumps(figures))
    return data, build_dir, ox_dir, figures


def kg_name(processes: int) -> str:
    """Return the column name of kgserver served by ``processes`` web processes."""
    return "kgserver" if processes == 1 else f"kgserver x{processes}"


def run_scale(name: str, size: int, workdir: Path, seconds: float, threads: int, rounds: int = 3,
              keep: bool = False, processes: tuple[int, ...] = (1,), compare: str | None = None,
              mixed_workload: bool = True, virtuoso: bool = False, build_only: bool = False) -> dict:
    data, build_dir, ox_dir, built_figures = build_both(name, size, workdir)
    built = built_figures["built"]
    build = {"build_s": built["seconds"], "build_cpu_s": built_figures.get("build_cpu", float("nan")),
             "build_peak_mb": built_figures["build_peak"], "phases": built["phases"], "steps": built.get("steps", [])}
    ox_build = {"build_s": built_figures["ox_seconds"], "build_cpu_s": built_figures.get("ox_cpu", float("nan")),
                "build_peak_mb": built_figures["ox_peak"]}

    stored = built["quads"] + built.get("asserted", built["distinct"])  # the default graph: the asserted merge
    results = {"quads": stored, "kgservers": [kg_name(n) for n in processes]}
    if build_only:
        results["kgservers"] = ["kgserver"]
        results["kgserver"], results["oxigraph"] = build, ox_build
        if not keep:
            shutil.rmtree(ox_dir, ignore_errors=True)
        return results
    servers, startups = {}, {}
    try:
        if compare:  # another source tree of kgserver (e.g. before a change), one web process
            port = free_port()
            url = f"http://127.0.0.1:{port}/sparql"
            command = [sys.executable, str(Path(compare) / "benchmarks" / Path(__file__).name), "--child-serve",
                       str(build_dir), str(port), str(threads), "1", *(["--data", data] if data else [])]
            process, startups["compared"] = start(command, url, env={**os.environ, "PYTHONPATH": compare})
            servers["compared"] = (process, url)
            results["kgservers"].insert(0, "compared")
        from kgserver.engine.oxigraph import copied_later

        for count in processes:
            port = free_port()
            url = f"http://127.0.0.1:{port}/sparql"
            command = [sys.executable, __file__, "--child-serve", str(build_dir), str(port), str(threads), str(count),
                       *(["--data", data] if data else [])]
            log = workdir / f"serve-{name}-{count}.log"
            process, startups[kg_name(count)] = start(command, url, log=log)
            servers[kg_name(count)] = (process, url)
            if copied_later(results["quads"]):
                results[f"copy_wait_s {kg_name(count)}"] = wait_for_copy(url, log)
        port = free_port()
        ox_url = f"http://127.0.0.1:{port}/query"
        ox_process, ox_startup = start(["oxigraph", "serve-read-only", "--location", str(ox_dir), "--bind",
                                        f"127.0.0.1:{port}"], ox_url)
        servers["oxigraph"] = (ox_process, ox_url)
        if virtuoso:
            process, url, results["virtuoso_startup_s"] = start_virtuoso(build_dir, workdir / f"virtuoso-{name}")
            servers["virtuoso"] = (process, url)
        figures = measure_servers(servers, seconds, rounds, mixed_workload)
    finally:
        for process, _ in servers.values():
            stop(process)
    for kg in results["kgservers"]:
        results[kg] = {**build, "startup_s": startups[kg], **figures[kg],
                       "copy_wait_s": results.pop(f"copy_wait_s {kg}", float("nan"))}
    results["oxigraph"] = {**ox_build, "startup_s": ox_startup, **figures["oxigraph"], "copy_wait_s": float("nan")}
    if virtuoso:
        results["virtuoso"] = figures["virtuoso"]
    if not keep:
        shutil.rmtree(ox_dir, ignore_errors=True)
    return results


BUILD_ROWS = [
    ("build, wall (s)", "build_s", "{:.1f}"), ("build, CPU user+sys (s)", "build_cpu_s", "{:.1f}"),
    ("build peak memory (MB)", "build_peak_mb", "{:.0f}"),
]
ROWS = BUILD_ROWS + [
    ("start-up to first answer (s)", "startup_s", "{:.2f}"),
    ("then, memory copy in use after (s)", "copy_wait_s", "{:.1f}"),
    ("serving RSS, process tree (MB)", "rss_mb", "{:.0f}"), ("serving PSS, process tree (MB)", "pss_mb", "{:.0f}"),
    ("lookup p50, 1 client (ms)", "lookup_p50_ms", "{:.2f}"),
    ("lookups/s, 1 client", "lookup_rps_1", "{:.0f}"), ("lookups/s, 8 clients", "lookup_rps_8", "{:.0f}"),
    ("lookups/s, 32 clients", "lookup_rps_32", "{:.0f}"),
    ("server CPU per lookup, 8 clients (us)", "lookup_cpu_us", "{:.0f}"), ("mixed workload req/s, 32 clients", "mixed_rps_32", "{:.1f}"),
]


def report(name: str, results: dict) -> None:
    kgs, ox = results["kgservers"], results["oxigraph"]
    print(f"\n{name}: {results['quads']} quads stored (named graphs + the asserted graphs' merge in the default graph)")
    head = "".join(f" {kg:>12}" for kg in kgs) + f" {'oxigraph':>10}" + "".join(f" {'ratio':>7}" for _ in kgs)
    print(f"  {'':40}{head}")
    for label, key, fmt in ROWS if "startup_s" in ox else BUILD_ROWS:
        values = "".join(f" {fmt.format(results[kg][key]):>12}" for kg in kgs)
        ratios = "".join(f" {results[kg][key] / ox[key] if ox[key] else float('nan'):>7.2f}" for kg in kgs)
        print(f"  {label:40}{values} {fmt.format(ox[key]):>10}{ratios}")
    phases = ", ".join(f"{phase} {value:.1f} s" for phase, value in results[kgs[0]]["phases"].items())
    print(f"  kgserver build phases, wall: {phases}")
    steps = ", ".join(f"{step} {cpu:.1f} s ({peak} MB)" for step, cpu, peak in results[kgs[0]]["steps"])
    print(f"  kgserver build steps, CPU (peak RSS at the step's end): {steps}")
    if "virtuoso" in results:
        vt = results["virtuoso"]
        print(f"  virtuoso (loaded in {results['virtuoso_startup_s']:.0f} s): lookup p50 {vt['lookup_p50_ms']:.2f} ms; "
              f"lookups/s {vt['lookup_rps_1']:.0f} / {vt['lookup_rps_8']:.0f} / {vt['lookup_rps_32']:.0f}; "
              f"CPU per lookup {vt['lookup_cpu_us']:.0f} us; mixed workload {vt['mixed_rps_32']:.1f} req/s, "
              f"{vt['mixed_errors']} not 200; RSS / PSS {vt['rss_mb']} / {vt['pss_mb']} MB")
    errors = {server: results[server].get("mixed_errors", 0) for server in [*kgs, "oxigraph"]}
    if any(errors.values()):
        print("  errors in the mixed workload: " + ", ".join(f"{server} {count}" for server, count in errors.items()))
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="bundled,100k,1m", help="comma-separated: bundled, 100k, 1m")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per throughput measurement")
    parser.add_argument("--threads", type=int, default=32, help="kgserver's threads per web process")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per figure (median kept)")
    parser.add_argument("--build-only", action="store_true", help="compare the builds only (no servers)")
    parser.add_argument("--web-processes", default="1",
                        help="comma-separated: kgserver is measured once per value, with that many web processes "
                             "(serve --workers), e.g. 1,2")
    parser.add_argument("--compare", metavar="TREE",
                        help="also measure kgserver from another source tree (a checkout of an earlier commit whose "
                             "bench_oxigraph.py takes --child-serve BUILD PORT THREADS), column 'compared'")
    parser.add_argument("--virtuoso", action="store_true",
                        help="also measure Virtuoso (virtuoso-t, isql-vt) loaded with the same quads")
    parser.add_argument("--no-mixed", action="store_true", help="lookups only, no mixed workload (minutes at 100k)")
    parser.add_argument("--keep", metavar="DIR",
                        help="build into DIR and keep the builds; a later run with the same DIR reuses them "
                             "(their build figures are those of the run that built them)")
    parser.add_argument("--child-build", help=argparse.SUPPRESS)
    parser.add_argument("--child-serve", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        child_build(args.data, args.child_build)
        return 0
    if args.child_serve:
        child_serve(args.data, args.child_serve[0], int(args.child_serve[1]), int(args.child_serve[2]),
                    int(args.child_serve[3]))
        return 0
    if shutil.which("oxigraph") is None:
        print("the oxigraph server is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    import pyoxigraph

    server = subprocess.run(["oxigraph", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; Python {sys.version.split()[0]}, "
          f"pyoxigraph {pyoxigraph.__version__}, {server}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in args.scales.split(","):
            report(name, run_scale(name, SCALES[name], workdir, args.seconds, args.threads, args.rounds,
                                   keep=bool(args.keep),
                                   processes=tuple(int(n) for n in args.web_processes.split(",")),
                                   compare=args.compare, mixed_workload=not args.no_mixed,
                                   virtuoso=args.virtuoso, build_only=args.build_only))
            print(f"  load average after the scale: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
