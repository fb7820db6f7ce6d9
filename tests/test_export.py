"""Dumps: served at stable URLs, written by ``kgserver export``, parse back with the store's counts."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from kgserver.export import dump_names, parse_dump_name
from kgserver.namespaces import INFERRED_GRAPH

NAMES = dump_names()
RDFLIB = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}
_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


@pytest.fixture(scope="module")
def store_quads(app) -> dict[bool, list]:
    """Return the store's quads in its named graphs, by whether they are in the inferred graph: read once for the
    module (each dump's test read the whole store again)."""
    store = app.extensions["kgserver"].store
    parts: dict[bool, list] = {False: [], True: []}
    for q in store.quads_for_pattern(None, None, None, None):
        parts[q.graph_name == _INFERRED].append(q)
    return parts


@pytest.fixture(scope="module")
def triples_in():
    """Return how many triples rdflib reads in some N-Triples, Turtle or JSON-LD bytes: each text parsed once for
    the module (the dumps' test and the VoID one check the same file).  N-Triples and Turtle go into rdflib's
    plain triple store (a quarter less CPU than its default, context-aware one, which JSON-LD's parser needs)."""
    counts: dict[tuple[str, str], int] = {}

    def count(data: bytes, fmt: str) -> int:
        key = (hashlib.sha256(data).hexdigest(), fmt)
        if key not in counts:
            graph = Graph(store="SimpleMemory") if fmt in ("nt", "ttl") else Graph()
            counts[key] = len(graph.parse(data=data, format=RDFLIB[fmt]))
        return counts[key]

    return count


def test_dump_names_are_the_stable_ones():
    assert NAMES == [f"esskg{part}.{fmt}.gz" for part in ("", "-inferred") for fmt in ("ttl", "nt", "nq", "jsonld")]


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_dump_parses_back_with_the_store_counts(store_quads, client, triples_in, name):
    fmt, inferred = parse_dump_name(name)
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200 and response.mimetype == "application/gzip"
    data = gzip.decompress(response.data)
    quads = store_quads[inferred]
    if fmt == "nq":
        dataset = Dataset()
        dataset.parse(data=data, format="nquads")
        assert sum(len(g) for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier
                   and isinstance(g.identifier, URIRef)) == len(quads)
    else:
        if fmt == "jsonld":
            assert b"@context" not in data  # nothing for a reader to fetch
        assert triples_in(data, fmt) == len({(q.subject, q.predicate, q.object) for q in quads})
    if not inferred:
        assert len(quads) > 0


def test_dump_counts_agree_with_void(client, triples_in):
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data, format="turtle")
    triples = {int(o) for s, o in void.subject_objects(URIRef("http://rdfs.org/ns/void#triples"))
               if (s, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) in void}
    data = gzip.decompress(client.get("/dumps/esskg.nt.gz").data)
    assert triples == {triples_in(data, "nt")}


def test_dumps_revalidate_with_etag(client):
    first = client.get("/dumps/esskg.ttl.gz")
    again = client.get("/dumps/esskg.ttl.gz", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_dump_is_404(client):
    assert client.get("/dumps/esskg.xml.gz").status_code == 404
    assert client.get("/dumps/").status_code == 200


def test_export_command_writes_the_served_files(app, client, runner, tmp_path):
    """The CLI and the server make the dumps with one function, reproducibly (same store, same bytes)."""
    from kgserver.cli import cli

    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(NAMES)
    for name in NAMES:
        assert client.get(f"/dumps/{name}").data == (tmp_path / "out" / name).read_bytes(), name


def test_export_into_a_file_path_fails_cleanly(runner, tmp_path):
    from kgserver.cli import cli

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(cli, ["export", "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "cannot write" in result.output
