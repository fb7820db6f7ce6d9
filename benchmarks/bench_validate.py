"""Benchmark ``kgserver validate``: a 1,000-triple contribution and a whole 100k-triple graph.

Prints figures (seconds); nothing is asserted.  Run from the repository root::

    python benchmarks/bench_validate.py                 # both measurements
    python benchmarks/bench_validate.py --compare-sparql 20000
    python benchmarks/bench_validate.py --skip-contribution --skip-whole --large-turtle 676000 --large 1000000

Goals on the project's 2-core machine: the contribution under 1 s, the 100k graph under 10 s.

1. *Contribution*: a plan written like ``templates/plan-template.ttl`` (sections, numbered
   measures, actions with years), grown to about 1,000 triples, validated with the bundled graph:
   in process (cold: first run, bundle parsed and pyshacl imported; warm: median of 5 more) and as
   a ``kgserver validate`` command (wall time of the whole process).
2. *Whole graph*: ``benchmarks/synthetic.py`` writes 100k triples with the shape of the real
   data; they are validated as one contribution (SHACL engine ``auto`` picks the shapes compiled
   to SPARQL above 20k triples; pyshacl is timed on the same graph for comparison).
3. ``--large-turtle N`` / ``--large N`` (repeatable): a Turtle contribution in the template's style
   (``--large-turtle 676000`` writes the 28 MB plan of issue 11) or a synthetic N-Triples graph
   (``--large 1000000``), through ``kgserver validate --format json`` in a child process, with the
   fast engine and then with pyshacl: wall and CPU time, exit code and the child's peak memory (RSS).
   pyshacl can take a quarter of an hour on such inputs: it is stopped after ``--pyshacl-timeout``
   seconds and reported as "did not finish".
4. ``--worst N``: every whole-graph check on an input built to be its worst case with N of each
   thing (N measures numbered alike under one section, N duplicate labels, a chain of N sub-items,
   a chain of N territories): seconds and rows per check.  A check that compares every pair would
   take 16 times longer at 4N than at N; the linear ones take about 4 times longer.
5. ``--compare-sparql N``: the year-within-period rule three ways on an N-triple synthetic graph:
   a pyshacl SPARQL constraint attached to every action, the same attached to each plan, and the
   whole-graph query ``shapes/checks/year-within-period.rq`` on Oxigraph.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

HEAD = """@base <https://w3id.org/esskg/id/> .
@prefix ess:  <https://w3id.org/esskg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def contribution_text(target_triples: int = 1000) -> str:
    """Return a plan in Turtle with about ``target_triples`` triples, linked to bundled resources."""
    doc, plan = "<document/bench-plan>", "<plan/bench-plan>"
    out = [HEAD,
           f'{doc} a ess:SourceDocument ; rdfs:label "Pla de prova de rendiment"@ca ; ess:sourceFile "bench.txt" .',
           f'{plan} a ess:ImpulsePlan ; rdfs:label "Pla de prova de rendiment"@ca , "Plan de prueba"@es , "Benchmark plan"@en ;',
           '    ess:startYear "2025"^^xsd:gYear ; ess:endYear "2028"^^xsd:gYear ;',
           f"    ess:appliesTo <territory/barcelona> ; ess:issuedBy <entity/ajuntament-de-barcelona> ; ess:sourceDocument {doc} ."]
    triples, section, measure = 10, 0, 0
    while triples < target_triples:
        section += 1
        s = f"<section/bench-plan-s{section}>"
        out.append(f'{plan} ess:hasSection {s} .\n{s} a ess:PlanSection ; rdfs:label "Eix {section}"@ca ; ess:sourceDocument {doc} .')
        triples += 4
        for _ in range(5):
            measure += 1
            m = f"<measure/bench-plan-{measure}>"
            out.append(f'{s} ess:hasMeasure {m} .\n{m} a ess:Measure ; rdfs:label "Mesura {measure}"@ca ; '
                       f'skos:notation "{measure}" ; ess:sourceDocument {doc} .')
            triples += 5
            for a in range(1, 4):
                act = f"<action/bench-plan-{measure}-{a}>"
                out.append(f'{m} ess:hasAction {act} .\n{act} a ess:Action ; rdfs:label "Acció {measure}.{a}"@ca ; '
                           f'ess:activeYear "2025"^^xsd:gYear , "2026"^^xsd:gYear ; ess:ledBy <entity/ajuntament-de-barcelona> ; '
                           f"ess:sourceDocument {doc} .")
                triples += 7
    return "\n".join(out) + "\n"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def bench_contribution(tmp: Path) -> None:
    from kgserver.validation.engine import validate_paths

    path = tmp / "contribution.ttl"
    path.write_text(contribution_text(), encoding="utf-8")
    cold, report = timed(validate_paths, [path])
    runs = [timed(validate_paths, [path]) for _ in range(5)]
    warm, report = [r[0] for r in runs], runs[-1][1]
    print(f"contribution: {report.triples} triples, {report.count('Violation')} violations, "
          f"{report.count('Warning')} warnings")
    print(f"  in process, cold (bundle parsed, pyshacl imported): {cold:.2f} s")
    print(f"  in process, warm (median of 5): {statistics.median(warm):.2f} s  "
          + "  ".join(f"{k}={v:.3f}" for k, v in report.timings.items()))
    wall, _ = timed(subprocess.run, [sys.executable, "-m", "kgserver", "validate", str(path)],
                    cwd=ROOT, capture_output=True, check=False)
    print(f"  kgserver validate (whole process, wall): {wall:.2f} s")
    for engine in ("pyshacl", "fast"):
        seconds = statistics.median(timed(validate_paths, [path], shacl_engine=engine)[0] for _ in range(3))
        print(f"  SHACL engine {engine}: {seconds:.2f} s (median of 3)")


def bench_whole_graph(tmp: Path, n_triples: int) -> None:
    from synthetic import write_ntriples

    from kgserver.validation.contribution import load_files
    from kgserver.validation.engine import validate_graphs

    path = write_ntriples(tmp / f"synthetic-{n_triples}.nt", n_triples)
    parse, contribution = timed(load_files, [path])
    total, report = timed(validate_graphs, contribution)
    print(f"whole graph: {n_triples} synthetic triples, {report.count('Violation')} violations, "
          f"{report.count('Warning')} warnings")
    print(f"  parse: {parse:.2f} s; validate: {total:.2f} s; parse + validate: {parse + total:.2f} s")
    print("  " + "  ".join(f"{k}={v:.2f}" for k, v in report.timings.items()))
    wall, _ = timed(subprocess.run, [sys.executable, "-m", "kgserver", "validate", "--format", "json", str(path)],
                    cwd=ROOT, capture_output=True, check=False)
    print(f"  kgserver validate --format json (whole process, wall): {wall:.2f} s")
    seconds, _ = timed(validate_graphs, contribution, shacl_engine="pyshacl")
    print(f"  same graph with SHACL engine pyshacl: {seconds:.2f} s")


def _child(args: list[str], timeout: float | None = None) -> tuple[float, int | None, int, float]:
    """Run ``python -m kgserver ARGS``; return wall seconds, exit code (None if stopped at ``timeout``), the
    child's own peak RSS in MB and its CPU seconds (user + system: what the wall time would be on an idle
    core, the machine being shared)."""
    import signal

    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "kgserver", *args], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    code = None
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            code = os.waitstatus_to_exitcode(status)
            break
        if timeout is not None and time.perf_counter() - start > timeout:
            child.send_signal(signal.SIGKILL)
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.2)
    child.returncode = code if code is not None else -9
    return time.perf_counter() - start, code, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def _report_child(label: str, result) -> None:
    seconds, code, peak, cpu = result
    if code is None:
        print(f"  {label}: did not finish in {seconds:.0f} s wall ({cpu:.0f} s CPU; stopped), peak RSS {peak} MB")
    else:
        print(f"  {label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, exit {code}, peak RSS {peak} MB")


def bench_large(tmp: Path, n_triples: int, pyshacl_timeout: float, turtle: bool = False) -> None:
    """Validate an N-triple input in child processes: the fast engine, then pyshacl on the same file."""
    from synthetic import write_ntriples

    if turtle:
        path = tmp / f"contribution-{n_triples}.ttl"
        path.write_text(contribution_text(n_triples), encoding="utf-8")
        kind = "Turtle contribution in the template's style"
    else:
        path = write_ntriples(tmp / f"large-{n_triples}.nt", n_triples)
        kind = "synthetic graph in N-Triples"
    size = path.stat().st_size / 1e6
    print(f"large input: {n_triples} triples, {kind}, {size:.0f} MB (load average {os.getloadavg()[0]:.1f})")
    _report_child("kgserver validate --shacl-engine fast",
                  _child(["validate", "--shacl-engine", "fast", "--format", "json", str(path)]))
    if pyshacl_timeout:
        _report_child(f"kgserver validate --shacl-engine pyshacl (limit {pyshacl_timeout:.0f} s)",
                      _child(["validate", "--shacl-engine", "pyshacl", "--format", "json", str(path)], pyshacl_timeout))
    print(f"  (load average after: {os.getloadavg()[0]:.1f})")


def bench_worst(n: int) -> None:
    import pyoxigraph as ox
    from rdflib import Graph

    from kgserver.validation.checks import bundled_checks, run_check
    from kgserver.validation.context import bundle_context
    from kgserver.validation.engine import CONTRIBUTION_GRAPH, ONTOLOGY_GRAPH
    from kgserver.validation.oxterms import to_quads

    lines = [HEAD, '<plan/w> a ess:ImpulsePlan ; rdfs:label "W"@ca ; ess:startYear "2020"^^xsd:gYear ; '
             'ess:endYear "2021"^^xsd:gYear ; ess:hasSection <section/w> .',
             '<section/w> a ess:PlanSection ; rdfs:label "S"@ca .']
    for i in range(n):
        lines.append(f'<section/w> ess:hasMeasure <measure/w-{i}> . <measure/w-{i}> a ess:Measure ; '
                     f'skos:notation "1" ; rdfs:label "Mesura"@ca ; ess:hasAction <action/w-{i}> .')
        lines.append(f'<action/w-{i}> a ess:Action ; rdfs:label "Acció"@ca ; ess:activeYear "2030"^^xsd:gYear ; '
                     f'ess:hasSubItem <action/w-{i + 1}> .')
        lines.append(f'<territory/w-{i}> a ess:Neighbourhood ; rdfs:label "Barri"@ca ; '
                     f'ess:withinTerritory <territory/w-{i + 1}> .')
    graph = Graph().parse(data="\n".join(lines), format="turtle")
    store = ox.Store()
    store.bulk_extend(to_quads(bundle_context().ontology, ONTOLOGY_GRAPH))
    store.bulk_extend(to_quads(graph, CONTRIBUTION_GRAPH))
    print(f"worst cases: {n} of each ({len(graph)} triples)")
    for check in bundled_checks():
        seconds, rows = timed(run_check, store, check)
        print(f"  {check.name:28} {seconds:6.2f} s {len(rows):7d} rows")


SPARQL_RULE = """
    sh:sparql [ a sh:SPARQLConstraint ;
        sh:message "year outside the plan's period" ;
        sh:prefixes ess: ;
        sh:select \"\"\"
            SELECT $this ?value WHERE {{
                {pattern}
                ?plan ess:startYear ?start ; ess:endYear ?end .
                FILTER(xsd:integer(STR(?value)) < xsd:integer(STR(?start)) || xsd:integer(STR(?value)) > xsd:integer(STR(?end)))
            }}\"\"\" ] .
"""


def bench_sparql_constraints(tmp: Path, n_triples: int) -> None:
    import pyoxigraph as ox
    from pyshacl import validate
    from rdflib import Graph
    from synthetic import write_ntriples

    from kgserver.rdfio import parse_file
    from kgserver.validation.checks import parse_check, run_check

    path = write_ntriples(tmp / f"synthetic-{n_triples}.nt", n_triples)
    data = parse_file(path)
    head = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ess: <https://w3id.org/esskg/ontology#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "ess: sh:declare [ sh:prefix \"ess\" ; sh:namespace \"https://w3id.org/esskg/ontology#\"^^xsd:anyURI ] , "
            "[ sh:prefix \"xsd\" ; sh:namespace \"http://www.w3.org/2001/XMLSchema#\"^^xsd:anyURI ] .\n")
    per_action = head + "<urn:s> a sh:NodeShape ; sh:targetClass ess:Action ;" + SPARQL_RULE.format(
        pattern="$this ess:activeYear ?value . ?plan (ess:hasSection|ess:hasStrategicLine)/ess:hasMeasure/ess:hasAction $this .")
    per_plan = head + "<urn:s> a sh:NodeShape ; sh:targetSubjectsOf ess:startYear ;" + SPARQL_RULE.format(
        pattern="BIND($this AS ?plan) ?plan (ess:hasSection|ess:hasStrategicLine)/ess:hasMeasure/ess:hasAction ?action . "
                "?action ess:activeYear ?value .")
    print(f"year-within-period on {len(data)} synthetic triples:")
    for name, shapes in (("pyshacl SPARQL constraint per action", per_action), ("pyshacl SPARQL constraint per plan", per_plan)):
        seconds, (_, results, _) = timed(validate, data, shacl_graph=Graph().parse(data=shapes, format="turtle"),
                                         inference="none", allow_warnings=True)
        print(f"  {name}: {seconds:.2f} s")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:data"))
    check = parse_check(ROOT / "shapes" / "checks" / "year-within-period.rq")
    seconds, rows = timed(run_check, store, check)
    print(f"  whole-graph query on Oxigraph (shapes/checks/year-within-period.rq): {seconds:.2f} s, {len(rows)} rows")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="size of the synthetic whole graph")
    parser.add_argument("--compare-sparql", type=int, metavar="N", help="also compare SPARQL constraints on N triples")
    parser.add_argument("--skip-whole", action="store_true", help="only the contribution")
    parser.add_argument("--skip-contribution", action="store_true", help="not the 1,000-triple contribution")
    parser.add_argument("--worst", type=int, action="append", default=[], metavar="N",
                        help="every whole-graph check on worst-case inputs of N of each thing (repeatable)")
    parser.add_argument("--large", type=int, action="append", default=[], metavar="N",
                        help="validate an N-triple synthetic graph (N-Triples) in a child process (repeatable)")
    parser.add_argument("--large-turtle", type=int, action="append", default=[], metavar="N",
                        help="validate an N-triple Turtle contribution in the template's style (676000: 28 MB)")
    parser.add_argument("--pyshacl-timeout", type=float, default=300, metavar="S",
                        help="with --large, stop pyshacl after S seconds and say so (0: do not run it)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_contribution:
            bench_contribution(Path(tmp))
        for n in args.worst:
            bench_worst(n)
        for n_triples in args.large_turtle:
            bench_large(Path(tmp), n_triples, args.pyshacl_timeout, turtle=True)
        for n_triples in args.large:
            bench_large(Path(tmp), n_triples, args.pyshacl_timeout)
        if not args.skip_whole:
            bench_whole_graph(Path(tmp), args.triples)
        if args.compare_sparql:
            bench_sparql_constraints(Path(tmp), args.compare_sparql)
    return 0


if __name__ == "__main__":
    sys.exit(main())
