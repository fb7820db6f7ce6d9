"""Benchmark materialisation: owlrl against kgserver's reasoner (and plain SPARQL rules), on synthetic graphs.

For each size (default 10k, 100k, 1M triples of ``benchmarks/synthetic.py`` data, plus the
bundled ontology and its imports) and each method, one fresh subprocess loads the graph,
materialises it and reports wall time and peak memory (``ru_maxrss`` of that process).

Methods:

- ``owlrl``: ``owlrl.DeductiveClosure(OWLRL_Semantics)`` on an rdflib graph (the reference),
  then the same junk filter; skipped above ``--owlrl-max`` triples (it needs minutes);
- ``kgserver``: parse into Oxigraph, read the triples back, run
  :class:`kgserver.reasoning.engine.Reasoner` and write the inferred graph as N-Quads to a file
  (what ``kgserver build`` does); loading that file into the in-memory store is timed apart;
- ``sparql``: the core rules (subclass, sub-property, inverse, transitive, domain, range) as
  SPARQL ``INSERT`` updates on Oxigraph, repeated until nothing changes (naive iteration);
  skipped above ``--sparql-max`` triples.

Usage::

    python benchmarks/bench_reasoning.py                 # 10k, 100k, 1M
    python benchmarks/bench_reasoning.py --sizes 10000   # one size
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SPARQL_RULES = [
    # cax-sco
    """INSERT { ?x a ?d } WHERE {
         ?c rdfs:subClassOf ?d . ?x a ?c . FILTER NOT EXISTS { ?x a ?d } }""",
    # prp-spo1
    """INSERT { ?s ?q ?o } WHERE {
         ?p rdfs:subPropertyOf ?q . ?s ?p ?o . FILTER NOT EXISTS { ?s ?q ?o } }""",
    # prp-inv1/2
    """INSERT { ?o ?q ?s } WHERE {
         { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?s ?p ?o . FILTER (!isLiteral(?o))
         FILTER NOT EXISTS { ?o ?q ?s } }""",
    # prp-trp
    """INSERT { ?s ?p ?o } WHERE {
         ?p a owl:TransitiveProperty . ?s ?p ?x . ?x ?p ?o . FILTER NOT EXISTS { ?s ?p ?o } }""",
    # prp-dom
    """INSERT { ?s a ?c } WHERE {
         ?p rdfs:domain ?c . ?s ?p ?o . FILTER NOT EXISTS { ?s a ?c } }""",
    # prp-rng
    """INSERT { ?o a ?c } WHERE {
         ?p rdfs:range ?c . ?s ?p ?o . FILTER (!isLiteral(?o)) FILTER NOT EXISTS { ?o a ?c } }""",
]
PROLOGUE = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n")


def schema_files() -> list[Path]:
    """Return the bundled ontology files and their imports."""
    from kgserver import bundle

    return bundle.rdf_files("ontology") + bundle.import_files()


def run_owlrl(data: Path) -> dict:
    """Materialise with owlrl; return figures."""
    from rdflib import Graph

    from kgserver.rdfio import parse_file
    from kgserver.reasoning.reference import owlrl_inferred

    start = time.perf_counter()
    graph = Graph()
    for path in schema_files() + [data]:
        graph += parse_file(path)
    loaded = time.perf_counter()
    inferred = owlrl_inferred(graph)
    done = time.perf_counter()
    return {"asserted": len(graph), "inferred": len(inferred), "load_s": loaded - start,
            "reason_s": done - loaded, "total_s": done - start}


def run_kgserver(data: Path) -> dict:
    """Materialise with kgserver's reasoner on an in-memory Oxigraph store; return figures.

    Phases, as ``kgserver build`` runs them: ``read`` the asserted triples out of Oxigraph,
    ``rules`` (the reasoner and the junk filter), ``serialise`` the inferred graph as N-Quads into a
    file (what the build appends to ``dataset.nq``); then, apart, ``load`` that file into the
    in-memory store (what ``open_store()`` does at start-up; the build itself does not: it
    bulk-loads the on-disk store from ``dataset.nq``).
    """
    import pyoxigraph as ox

    from kgserver.rdfio import format_for_path
    from kgserver.reasoning.engine import Reasoner
    from kgserver.reasoning.materialise import INFERRED, iter_store_triples

    start = time.perf_counter()
    store = ox.Store()
    for i, path in enumerate(schema_files()):
        fmt = {"turtle": ox.RdfFormat.TURTLE, "xml": ox.RdfFormat.RDF_XML, "nt": ox.RdfFormat.N_TRIPLES}[
            format_for_path(path)]
        store.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(f"urn:schema:{i}"))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:data"))
    loaded = time.perf_counter()
    cpu = time.process_time()
    triples = list(iter_store_triples(store))
    read = time.perf_counter()
    inference = Reasoner().run(triples)
    del triples
    reasoned = time.perf_counter()
    dump = data.with_suffix(".inferred.nq")
    with open(dump, "wb") as handle:
        for chunk in inference.ntriples_chunks(graph=INFERRED.value):
            handle.write(chunk)
    written = time.perf_counter()
    cpu = time.process_time() - cpu
    store.load(path=str(dump), format=ox.RdfFormat.N_QUADS, lenient=True)
    done = time.perf_counter()
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, INFERRED)) == len(inference)
    dump.unlink()
    return {"asserted": inference.asserted, "inferred": len(inference), "derived": inference.derived,
            "rounds": inference.rounds, "load_s": loaded - start, "read_s": read - loaded,
            "reason_s": reasoned - read, "serialise_s": written - reasoned, "store_s": done - written,
            "total_s": done - start, "materialise_s": written - loaded, "materialise_cpu_s": cpu}


def run_sparql(data: Path) -> dict:
    """Materialise the core rules with SPARQL updates iterated to a fixed point; return figures."""
    import pyoxigraph as ox

    from kgserver.rdfio import format_for_path

    start = time.perf_counter()
    store = ox.Store()
    for path in schema_files():
        fmt = {"turtle": ox.RdfFormat.TURTLE, "xml": ox.RdfFormat.RDF_XML, "nt": ox.RdfFormat.N_TRIPLES}[
            format_for_path(path)]
        store.bulk_load(path=str(path), format=fmt)
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    asserted = len(store)
    loaded = time.perf_counter()
    rounds = 0
    while True:
        rounds += 1
        before = len(store)
        for rule in SPARQL_RULES:
            store.update(PROLOGUE + rule)
        if len(store) == before:
            break
    done = time.perf_counter()
    return {"asserted": asserted, "inferred": len(store) - asserted, "rounds": rounds,
            "load_s": loaded - start, "reason_s": done - loaded, "total_s": done - start,
            "materialise_s": done - loaded}


METHODS = {"owlrl": run_owlrl, "kgserver": run_kgserver, "sparql": run_sparql}


def child(method: str, data: str) -> None:
    """Run one method in this process and print its figures as JSON."""
    figures = METHODS[method](Path(data))
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(method: str, data: Path, timeout: float) -> dict:
    """Run one method in a fresh subprocess; return its figures or why it did not finish."""
    try:
        done = subprocess.run([sys.executable, __file__, "--child", method, str(data)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--methods", nargs="+", default=["owlrl", "sparql", "kgserver"], choices=list(METHODS))
    parser.add_argument("--owlrl-max", type=int, default=100_000, help="largest size owlrl is run on")
    parser.add_argument("--sparql-max", type=int, default=1_000_000, help="largest size the SPARQL rules run on")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per run")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    import synthetic

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    header = f"{'triples':>9} {'method':>9} {'asserted':>9} {'inferred':>9} {'load s':>7} {'reason s':>9} " \
             f"{'total s':>8} {'peak MB':>8}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            data = synthetic.write_ntriples(Path(tmp) / f"synthetic-{size}.nt", size)
            for method in args.methods:
                limit = {"owlrl": args.owlrl_max, "sparql": args.sparql_max}.get(method)
                if limit is not None and size > limit:
                    print(f"{size:>9} {method:>9}  skipped: above --{method}-max={limit} "
                          f"({method} would take more than a few minutes)")
                    continue
                f = measure(method, data, args.timeout)
                if "error" in f:
                    print(f"{size:>9} {method:>9}  {f['error']}")
                    continue
                reason = f.get("materialise_s", f["reason_s"])
                print(f"{size:>9} {method:>9} {f['asserted']:>9} {f['inferred']:>9} {f['load_s']:>7.2f} "
                      f"{reason:>9.2f} {f['total_s']:>8.2f} {f['peak_rss_mb']:>8.0f}", flush=True)
                if method == "kgserver":
                    print(f"{'':>20}kgserver phases: read {f['read_s']:.2f} s, rules {f['reason_s']:.2f} s "
                          f"({f['rounds']} rounds, {f['derived']} derived before the junk filter), "
                          f"serialise {f['serialise_s']:.2f} s = {f['materialise_s']:.2f} s "
                          f"(CPU time {f['materialise_cpu_s']:.2f} s); then loading the "
                          f"inferred graph into the in-memory store {f['store_s']:.2f} s "
                          f"(read to queryable: {f['materialise_s'] + f['store_s']:.2f} s)", flush=True)
    print("reason s = materialisation after loading (kgserver: read + rules + the inferred graph written as "
          "N-Quads, as kgserver build does; loading it into a store is shown apart); sparql infers the core "
          "rules only and keeps no junk filter, so its count differs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
