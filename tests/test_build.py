"""``kgserver build`` and ``open_store``: the served dataset built once, reused by hash, checked."""

from __future__ import annotations

import io
import json
import shutil

import pyoxigraph as ox
import pytest

from fresh_build import GROUP, fresh_build, ontology_sources
from kgserver import dataset
from kgserver.cli import cli
from kgserver.errors import InconsistentGraphError, RDFSyntaxError
from kgserver.namespaces import GRAPH, INFERRED_GRAPH
from kgserver.reasoning.build import MANIFEST, build, file_sha256
from kgserver.reasoning.progress import Progress
from kgserver.store import open_store

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
pytestmark = pytest.mark.xdist_group(GROUP)  # the worker that makes the fresh build (also test_dumps_build.py's)

FUNCTIONAL_CLASH = """
@prefix ess: <https://w3id.org/esskg/ontology#> .
<https://w3id.org/esskg/id/measure/broken-1> a ess:Measure ;
    ess:hasAction <https://w3id.org/esskg/id/action/broken-1-1> .
<https://w3id.org/esskg/id/measure/broken-2> a ess:Measure ;
    ess:hasAction <https://w3id.org/esskg/id/action/broken-1-1> .
<https://w3id.org/esskg/id/action/broken-1-1> a ess:Action .
"""

DISJOINT_CLASH = """
@prefix ess: <https://w3id.org/esskg/ontology#> .
<https://w3id.org/esskg/id/territory/broken-place> a ess:Municipality , ess:Project .
"""


def with_extra(tmp_path, name: str, text: str) -> list[dataset.Source]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return ontology_sources() + [dataset.Source(path, GRAPH[f"extra/{path.stem}"])]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """The bundle built once, reporting its phases: (the build, what its progress printed); shared with
    test_dumps_build.py (:mod:`fresh_build`)."""
    return fresh_build(tmp_path_factory)


@pytest.fixture(scope="module")
def built(first_build):
    return first_build[0]


@pytest.fixture(scope="module")
def private_copy(built):
    """The build opened as a private in-memory copy (``read_only=False``), once for the tests that only read it."""
    return open_store(build_dir=built.path, read_only=False)


def test_build_writes_store_and_manifest(built):
    assert (built.path / "store").is_dir() and not (built.path / "dataset.nq").exists()  # no intermediate file
    assert not (built.path / "slices").exists()  # the spooled slices are removed once loaded
    assert not (built.path / "graphs").exists()  # and the graphs' texts once the dumps are written
    manifest = json.loads((built.path / MANIFEST).read_text())
    sources = dataset.bundled_sources()
    assert sources
    assert [i["sha256"] for i in manifest["inputs"]] == [file_sha256(s.path) for s in sources]
    assert manifest["kgserver_version"] and manifest["key"] == built.manifest["key"]
    assert manifest["counts"]["inferred"] > 0 and manifest["counts"]["asserted"] > 0
    assert set(manifest["phases"]) == {"parse", "reason", "check", "load", "never_checks", "figures", "search_index",
                                       "dumps"}
    assert (built.path / manifest["search_index"]["file"]).is_file() and manifest["search_index"]["resources"] > 0


def test_built_store_is_served_as_is_with_figures_computed_once(built, private_copy):
    from kgserver import void

    store = open_store(build_dir=built.path)
    raw, figures = store.store, built.manifest["figures"]
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    in_default = sum(1 for _ in raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # the store's default graph is the merge of the asserted graphs, a set: a triple held by two graphs is there once
    assert in_default == figures["void"]["asserted"]["triples"] < figures["distinct_triples"]
    assert int(next(iter(raw.query(distinct)))["n"].value) == figures["distinct_triples"]
    assert figures["quads"] == len(store) == sum(1 for _ in store) < in_default + figures["quads"]
    assert figures["graphs"][str(INFERRED_GRAPH)] == built.manifest["counts"]["inferred"]
    assert all(type(q.graph_name) is ox.NamedNode for q in store.quads_for_pattern(None, None, None, None))
    with pytest.raises((OSError, RuntimeError)):  # opened read-only: shared by processes, never changed by one
        raw.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:b")))
    memory = private_copy
    # a private copy counts its own figures once, with void.count's queries: the build's are the same
    assert memory.figures == figures
    for inferred in (False, True):  # the stored VoID counts are the ones counted on the data
        assert void.count(store, inferred=inferred) == void.count(memory, inferred=inferred)


def test_served_default_graph_is_the_set_merge_of_every_named_graph(built, private_copy):
    """What a query naming no dataset sees, on the built store and on a copy merged in memory: each triple
    of every named graph once; the store's own default graph holds the asserted graphs' merge, and the
    inferred graph none of its triples (so that their union, Oxigraph's bag, is the set merge)."""
    from kgserver.engine import QueryRequest, make_engine

    def triples(rows):
        return [(s, p, o) for s, p, o in rows]  # a solution's values in the order of ?s ?p ?o

    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for store in (open_store(build_dir=built.path), private_copy):
        raw = store.store
        asserted, inferred = set(), set()  # the named graphs read once (three queries cost twice as much)
        for s, p, o, g in raw.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            (inferred if g == INFERRED else asserted).add((s, p, o))
        merge = asserted | inferred
        default = {(q.subject, q.predicate, q.object) for q in raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
        assert inferred and default == asserted and not inferred & asserted
        served = triples(store.query(everything))
        assert len(served) == len(merge) == store.figures["distinct_triples"] and set(served) == merge
        answer = make_engine("oxigraph", raw).execute(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == str(len(merge))
        # a query naming its dataset gets that dataset, not the served default graph
        only = f"SELECT (COUNT(*) AS ?n) FROM <{INFERRED.value}> WHERE {{ ?s ?p ?o }}"
        assert next(iter(store.query(only)))["n"].value == str(len(inferred))
        named_only = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{INFERRED.value}> WHERE {{ ?s ?p ?o }}"
        assert next(iter(store.query(named_only)))["n"].value == "0"


def test_engine_on_an_unbuilt_store_serves_the_set_merge_even_if_the_inferred_graph_repeats_an_asserted_triple():
    """A store given to the engine with an empty default graph gets the asserted graphs' merge written there,
    less what the inferred graph holds: a query naming no dataset still sees each triple once."""
    from kgserver.engine import QueryRequest
    from kgserver.engine.oxigraph import OxigraphEngine

    a, b = ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b")
    store = ox.Store()
    for graph, objects in ((a, "12"), (b, "23"), (INFERRED, "34")):
        store.extend(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal(o), graph) for o in objects)
    engine = OxigraphEngine(store)

    def values(text: str, **request) -> list[str]:
        answer = engine.execute(QueryRequest(text, **request))
        return sorted(row["o"]["value"] for row in json.loads(answer.body)["results"]["bindings"])

    assert values("SELECT ?o WHERE { ?s ?p ?o }") == ["1", "2", "3", "4"]
    assert [row["o"].value for row in engine.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")] == ["1", "2", "3", "4"]
    assert values(f"SELECT ?o FROM <{b.value}> WHERE {{ ?s ?p ?o }}") == ["2", "3"]
    assert values(f"SELECT ?o FROM <{a.value}> FROM <{INFERRED.value}> WHERE {{ ?s ?p ?o }}") == ["1", "2", "3", "4"]
    assert values(f"SELECT ?o FROM NAMED <{a.value}> WHERE {{ ?s ?p ?o }}") == []
    assert values("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=(a.value,), named_graphs=()) == ["1", "2"]
    assert values("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == ["1", "2", "2", "3", "3", "4"]


def test_prepare_build_reports_the_childs_error_as_its_own(tmp_path):
    from kgserver.store import prepare_build

    sources = with_extra(tmp_path, "broken.ttl", "<urn:a> <urn:b> .\n")
    with pytest.raises(RDFSyntaxError) as raised:
        prepare_build(sources, tmp_path / "b")
    assert "broken.ttl:1" in str(raised.value) and raised.value.exit_code == 2
    assert not (tmp_path / "b").exists()


def test_build_is_reused_while_inputs_are_unchanged(built):
    again = build(out=built.path)
    assert again.reused and again.manifest["key"] == built.manifest["key"]


def test_changed_input_gives_a_new_build(built, tmp_path):
    """A file more, then that file changed: a new build each time (of the ontology and the file, not the data: the
    two builds cost less than the bundle's)."""
    sources = with_extra(tmp_path, "extra.ttl", "<urn:x:a> <urn:x:p> <urn:x:b> .\n")
    assert len(sources) < len(dataset.bundled_sources()) and sources[-1].path == tmp_path / "extra.ttl"
    quiet = io.StringIO()
    result = build(sources, out=built.path.parent / "other", progress=Progress(stream=quiet), dumps=False)
    assert not result.reused and result.manifest["key"] != built.manifest["key"]
    assert quiet.getvalue() == ""  # a StringIO is not a TTY: a full build reports nothing
    (tmp_path / "extra.ttl").write_text("<urn:x:a> <urn:x:p> <urn:x:c> .\n")
    changed = build(sources, out=built.path.parent / "other", dumps=False)
    assert not changed.reused and changed.manifest["key"] != result.manifest["key"]


def test_open_store_reuses_the_build_and_can_leave_inferences_out(built, private_copy):
    with_inferred = open_store(build_dir=built.path)
    without = open_store(build_dir=built.path, include_inferred=False)
    assert INFERRED in set(with_inferred.named_graphs())
    assert INFERRED not in set(without.named_graphs())
    assert len(with_inferred) - len(without) == built.manifest["counts"]["inferred"]
    assert len(private_copy) == len(with_inferred)


def test_default_graph_uri_excludes_inferred_facts(built):
    store = open_store(build_dir=built.path)
    query = """SELECT (COUNT(*) AS ?n) WHERE { ?t <https://w3id.org/esskg/ontology#withinTerritory>
               <https://w3id.org/esskg/id/territory/catalunya> }"""
    union = next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value
    asserted_graphs = [g for g in store.named_graphs() if g != INFERRED]
    asserted = next(iter(store.query(query, default_graph=asserted_graphs)))["n"].value
    assert int(union) > int(asserted) > 0


@pytest.mark.parametrize("name, text, culprits", [
    ("functional-clash.ttl", FUNCTIONAL_CLASH,
     ["action/broken-1-1", "measure/broken-1", "measure/broken-2", "prp-fp"]),
    ("disjoint-clash.ttl", DISJOINT_CLASH, ["territory/broken-place", "cax-adc", "ontology#Project"]),
], ids=["functional", "disjoint"])
def test_inconsistent_file_stops_the_build_naming_the_culprits(tmp_path, name, text, culprits):
    sources = with_extra(tmp_path, name, text)
    out = tmp_path / "build"
    with pytest.raises(InconsistentGraphError) as raised:
        build(sources, out=out)
    message = str(raised.value)
    for culprit in culprits:
        assert culprit in message
    assert str(tmp_path / name) in message  # the file where the resources are described
    assert not out.exists()


@pytest.mark.parametrize("name, text, culprit", [
    ("functional-clash.ttl", FUNCTIONAL_CLASH, "action/broken-1-1"),
    ("disjoint-clash.ttl", DISJOINT_CLASH, "territory/broken-place"),
], ids=["functional", "disjoint"])
def test_build_command_exits_1_on_an_inconsistent_file(runner, tmp_path, monkeypatch, name, text, culprit):
    sources = ontology_sources()
    monkeypatch.setattr(dataset, "bundled_sources", lambda: list(sources))  # what --add adds to
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["build", "--out", str(tmp_path / "b"), "--add", str(path)])
    assert result.exit_code == 1, result.output
    assert "inconsistent" in result.output and culprit in result.output and name in result.output


def test_build_command_exits_2_on_a_syntax_error(runner, tmp_path, monkeypatch):
    sources = ontology_sources()
    monkeypatch.setattr(dataset, "bundled_sources", lambda: list(sources))  # what --add adds to
    path = tmp_path / "broken.ttl"
    path.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", "--out", str(tmp_path / "b"), "--add", str(path)])
    assert result.exit_code == 2, result.output
    assert "broken.ttl:1" in result.output
    assert not (tmp_path / "b").exists()


def test_syntax_error_leaves_nothing_behind(tmp_path):
    sources = with_extra(tmp_path, "broken.ttl", "<urn:a> <urn:b> .\n")
    with pytest.raises(RDFSyntaxError):
        open_store(sources=sources, build_dir=tmp_path / "b")
    assert not (tmp_path / "b").exists() and not list(tmp_path.glob(".b-*"))


def test_build_refuses_to_replace_a_directory_that_is_not_a_build(runner, tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = runner.invoke(cli, ["build", "--out", str(out)])
    assert result.exit_code == 2 and "not a kgserver build" in result.output
    assert (out / "precious.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # said before building: no work folder was made
    shutil.rmtree(out)


def test_progress_reports_phases_only_when_enabled(first_build):
    """The module's build reports each phase; a build on a stream that is not a TTY: see the test above."""
    lines = first_build[1].splitlines()
    phases = [line.split("] ")[1].split(":")[0] for line in lines]
    assert phases == ["parsing", "reasoning", "consistency", "load", "never-checks", "figures", "search index",
                      "dumps", "written"]
    quiet = io.StringIO()
    progress = Progress(stream=quiet)  # a StringIO is not a TTY
    progress("parsing", "1 file")
    assert not progress.enabled and quiet.getvalue() == ""


def test_old_cached_builds_are_pruned(tmp_path, monkeypatch):
    import os

    from kgserver.reasoning.build import cache_root, prune_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    root = cache_root()
    old, recent, keep, other = root / "old", root / "recent", root / "keep", root / "not-a-build"
    for folder in (old, recent, keep, other):
        folder.mkdir(parents=True)
    for folder in (old, recent, keep):
        (folder / MANIFEST).write_text("{}")
    os.utime(old / MANIFEST, (1, 1))
    prune_cache(keep)
    assert not old.exists() and recent.exists() and keep.exists() and other.exists()


def test_a_damaged_build_is_made_again(tmp_path):
    sources = ontology_sources()  # a small build
    first = build(sources, out=tmp_path / "b")
    assert build(sources, out=tmp_path / "b").reused
    shutil.rmtree(tmp_path / "b" / "store")
    store = open_store(sources=sources, build_dir=tmp_path / "b")
    assert INFERRED in set(store.named_graphs()) and len(store) > first.manifest["counts"]["inferred"] > 0


@pytest.mark.parametrize("spooled", [False, True], ids=["streamed", "spooled"])
def test_served_store_loaded_in_slices_keeps_blank_nodes_and_the_merge(tmp_path, spooled):
    """The bulk load runs in slices (documents of their own): a blank node stays one node across its
    asserted graph, the inferred graph and the default graph, and the default graph stays a set."""
    from kgserver.engine.layout import query_served
    from kgserver.reasoning.engine import Inference
    from kgserver.reasoning.loading import load_served, served_slices

    a, b = ox.NamedNode("urn:x:graph-a"), ox.NamedNode("urn:x:graph-b")
    memory = ox.Store()
    memory.load(input=b"_:x <urn:x:p> <urn:x:o> .\n<urn:x:s> <urn:x:p> <urn:x:shared> .\n",
                format=ox.RdfFormat.N_TRIPLES, to_graph=a)
    plain = "".join(f"<urn:x:s{i}> <urn:x:p> <urn:x:o{i}> .\n" for i in range(40)) + "<urn:x:s> <urn:x:p> <urn:x:shared> .\n"
    memory.load(input=plain.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=b)
    label = next(iter(memory.quads_for_pattern(None, None, ox.NamedNode("urn:x:o"), a))).subject.value
    terms = [f"_:{label}", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<urn:x:C>", "<urn:x:s3>"]
    inferred = Inference(terms, {1: {(0, 2), (3, 2)}}, asserted=43, derived=2, rounds=1)

    def asserted():
        return [(g, memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)) for g in (a, b)]

    assert len(list(served_slices(asserted(), inferred.without_types(frozenset()), {}, slice_quads=20))) > 3
    sizes = load_served(tmp_path / "store", asserted(), inferred, slice_quads=20,
                        spool=tmp_path / "slices" if spooled else None)
    assert not spooled or not any((tmp_path / "slices").iterdir())  # each file removed once loaded
    assert not len(inferred)  # handed over: its triples were dropped once written
    plain = Inference(terms[1:], {0: {(2, 1)}}, asserted=43, derived=1, rounds=1)  # no blank node: one slice
    assert load_served(tmp_path / "plain", [], plain) == {str(INFERRED_GRAPH): 1}
    assert len(ox.Store.read_only(str(tmp_path / "plain"))) == 1
    assert sizes == {a.value: 2, b.value: 41, str(INFERRED_GRAPH): 2}
    store = ox.Store.read_only(str(tmp_path / "store"))
    same = f"SELECT ?x WHERE {{ GRAPH <{a.value}> {{ ?x <urn:x:p> <urn:x:o> }} GRAPH <{INFERRED_GRAPH}> {{ ?x a <urn:x:C> }} ?x a <urn:x:C> ; <urn:x:p> <urn:x:o> }}"
    assert len(list(query_served(store, same))) == 1
    # the default graph: the asserted graphs' merge only (the inferred triples are written once)
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == 2 + 41 - 1
    assert sum(1 for q in store if type(q.graph_name) is ox.NamedNode) == 2 + 41 + 2


def test_input_digests_are_recorded_and_a_changed_file_is_hashed_again(tmp_path, monkeypatch):
    """``serve`` does not read the inputs again to find its build: their digests are recorded with each
    file's inode, size and modification time, and a changed file is hashed again."""
    import hashlib
    import os
    import time

    from kgserver.reasoning import builddir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data.ttl"
    data.write_text("<urn:x:s> <urn:x:p> <urn:x:o> .\n", encoding="utf-8")
    assert builddir.input_digests([data]) and not (tmp_path / "cache" / "kgserver" / builddir.DIGESTS).exists()
    settled = time.time_ns() - 10_000_000_000  # a file just written is hashed every time (git's racy-clean rule)
    os.utime(data, ns=(settled, settled))
    first = builddir.input_digests([data])
    assert first == [hashlib.sha256(data.read_bytes()).hexdigest()]
    assert (tmp_path / "cache" / "kgserver" / builddir.DIGESTS).is_file()
    monkeypatch.setattr(builddir, "_known", {})  # a new process: only the record is known
    monkeypatch.setattr(builddir.hashlib, "sha256", None)  # reading the file again would fail here
    assert builddir.input_digests([data]) == first
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data.write_text("<urn:x:s> <urn:x:p> <urn:x:changed> .\n", encoding="utf-8")
    assert builddir.input_digests([data]) == [hashlib.sha256(data.read_bytes()).hexdigest()] != first
