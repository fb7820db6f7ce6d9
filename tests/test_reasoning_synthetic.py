"""The synthetic graph generator of the benchmarks: exact, deterministic, valid, in the ontology's terms."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef

from kgserver import bundle
from kgserver.namespaces import ESS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "synthetic.py"


@pytest.fixture(scope="module")
def synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("n", [0, 1, 17, 5000])
def test_exactly_n_distinct_triples_that_parse(synthetic, n):
    lines = list(synthetic.iter_ntriples(n))
    assert len(lines) == len(set(lines)) == n
    quads = list(ox.parse("".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(quads) == n


def test_deterministic_and_prefix_stable(synthetic):
    assert list(synthetic.iter_ntriples(3000, seed=5)) == list(synthetic.iter_ntriples(3000, seed=5))
    assert list(synthetic.iter_ntriples(3000))[:1000] == list(synthetic.iter_ntriples(1000))
    assert list(synthetic.iter_ntriples(3000, seed=1)) != list(synthetic.iter_ntriples(3000, seed=2))


def test_negative_size_is_refused(synthetic):
    with pytest.raises(ValueError):
        list(synthetic.iter_ntriples(-1))


def test_only_terms_the_ontology_declares(synthetic):
    ontology = Graph().parse(bundle.ontology_file())
    declared = set(ontology.subjects())
    used = set(re.findall(r"<(https://w3id\.org/esskg/ontology#[A-Za-z]+)>", "".join(synthetic.iter_ntriples(20000))))
    assert used, "the synthetic graph uses no ess: term"
    undeclared = sorted(t for t in used if URIRef(t) not in declared)
    assert undeclared == []


def test_shape_of_the_real_data(synthetic):
    # read by Oxigraph: an rdflib graph of the 20,000 triples cost nine tenths of this test's CPU
    quads = list(ox.parse("".join(synthetic.iter_ntriples(20000)), format=ox.RdfFormat.N_TRIPLES))

    def objects(predicate: str) -> list:
        return [q.object for q in quads if q.predicate == ox.NamedNode(predicate)]

    kinds = {o.value.split("#")[-1] for o in objects(str(RDF.type))}
    assert {"Action", "Measure", "PlanSection", "StrategicLine", "Goal", "Neighbourhood", "District",
            "Municipality", "Comarca", "AutonomousCommunity", "SourceDocument"} <= kinds
    assert any(getattr(o, "datatype", None) == ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
               for o in objects(str(ESS.activeYear)))
    assert all(getattr(o, "language", None) == "ca" for o in objects("http://www.w3.org/2000/01/rdf-schema#label"))


def test_command_line_writes_the_file(tmp_path):
    out = tmp_path / "g.nt"
    done = subprocess.run([sys.executable, str(SCRIPT), "--triples", "1234", "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1234
