"""The SPARQL clients researchers use, against a live server: SPARQLWrapper (every return format),
rdflib (SPARQLStore and parsing resource documents), Comunica (Node.js) and roqet (Debian's rasqal-utils).

Comunica comes from ``tests/clients/package-lock.json`` (``npm ci``, which ``scripts/test.sh`` runs and
this module runs itself when ``node_modules`` is missing); roqet from ``apt-get install rasqal-utils``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kgserver.namespaces import ESS

pytestmark = pytest.mark.server

CLIENTS = Path(__file__).parent / "clients"
PLAN = str(ESS.Plan)
SELECT = f"SELECT ?s WHERE {{ ?s a <{PLAN}> }} ORDER BY ?s"
ASK = f"ASK {{ ?s a <{PLAN}> }}"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{PLAN}> }} WHERE {{ ?s a <{PLAN}> }}"


@pytest.fixture(scope="module")
def plans(app) -> list[str]:
    """The plan IRIs, read from the store directly (what every client must get)."""
    rows = app.extensions["kgserver"].store.query(SELECT, use_default_graph_as_union=True)
    found = [row["s"].value for row in rows]
    assert found, "no plans in the graph"
    return found


def _wrapper(live_server, query: str, fmt: str):
    from SPARQLWrapper import SPARQLWrapper

    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql.query()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select(live_server, plans, fmt):
    result = _wrapper(live_server, SELECT, fmt)
    body = result.response.read().decode("utf-8")
    assert result.response.status == 200
    assert all(plan in body for plan in plans)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_sparqlwrapper_ask(live_server, fmt):
    converted = _wrapper(live_server, ASK, fmt).convert()
    value = converted["boolean"] if fmt == "json" else converted.getElementsByTagName("boolean")[0].firstChild.data
    assert value in (True, "true")


@pytest.mark.parametrize("fmt", ["turtle", "n3", "rdf+xml", "xml", "json-ld",
                                 pytest.param("rdf", marks=pytest.mark.filterwarnings(  # SPARQLWrapper's own notice
                                     "ignore:Sending Accept header:RuntimeWarning"))])
def test_sparqlwrapper_construct(live_server, plans, fmt):
    import rdflib

    result = _wrapper(live_server, CONSTRUCT, fmt)
    converted = result.convert()
    if isinstance(converted, bytes):  # Turtle, N3, JSON-LD: the body, for the caller to parse
        parse_as = {"turtle": "turtle", "n3": "n3", "json-ld": "json-ld"}[fmt]
        converted = rdflib.Graph().parse(data=converted, format=parse_as)
    assert sorted(str(s) for s in converted.subjects()) == plans


def test_rdflib_sparqlstore(live_server, plans):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(live_server + "/sparql", returnFormat="json"))
    assert [str(row.s) for row in graph.query(SELECT)] == plans
    assert graph.query(ASK).askAnswer is True
    assert sorted(str(s) for s in graph.query(CONSTRUCT).graph.subjects()) == plans


@pytest.mark.parametrize("fmt", ["nt", "turtle", "xml", "json-ld"])
def test_rdflib_parses_a_resource_document(live_server, fmt):
    import rdflib

    graph = rdflib.Graph().parse(live_server + "/id/territory/barcelona", format=fmt)
    barcelona = rdflib.URIRef("https://w3id.org/esskg/id/territory/barcelona")
    assert (barcelona, rdflib.URIRef(str(ESS.ineCode)), rdflib.Literal("08019")) in graph


@pytest.fixture(scope="module")
def comunica() -> Path:
    """Return tests/clients with Comunica installed (``npm ci`` from the lock file when missing)."""
    if not (CLIENTS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the Comunica test: apt-get install nodejs npm (scripts/test.sh does it)"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=CLIENTS, check=True,
                       timeout=600)
    return CLIENTS


def test_comunica(live_server, plans, comunica):
    node = shutil.which("node")
    assert node, "node is needed for the Comunica test: apt-get install nodejs (scripts/test.sh does it)"
    done = subprocess.run([node, "comunica_check.mjs", live_server], cwd=comunica, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["select"] == plans and out["ask"] is True and out["construct"] == plans
    assert out["document"] == ["08019"]  # a resource IRI dereferenced as linked data


@pytest.fixture(scope="module")
def roqet() -> str:
    path = shutil.which("roqet")
    assert path, "roqet is needed: apt-get install rasqal-utils (scripts/test.sh does it)"
    return path


def test_roqet_select(live_server, plans, roqet):
    done = subprocess.run([roqet, "-q", "-p", live_server + "/sparql", "-e", SELECT], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("row:")] == [
        f"row: [s=uri<{plan}>]" for plan in plans]


def test_roqet_construct_is_answered(live_server, roqet):
    """roqet asks only for result-set formats, also for CONSTRUCT: it gets the graph (Turtle), not a 406.

    rasqal 0.9.33 then reads any service answer as SPARQL XML results, so it cannot print the triples
    (it reports an XML parser error for Turtle): the fetch itself must succeed.
    """
    done = subprocess.run([roqet, "-p", live_server + "/sparql", "-e", CONSTRUCT], capture_output=True,
                          text=True, timeout=60)
    assert "Calling SPARQL service" in done.stderr, done.stderr
    assert "HTTP status" not in done.stderr and "Failed to fetch" not in done.stderr, done.stderr
