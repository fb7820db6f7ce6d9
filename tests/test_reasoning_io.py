"""The reasoner's fast paths in and out: splitting Oxigraph's N-Triples, encoding, writing the inferred graph."""

from __future__ import annotations

import gc

import pyoxigraph as ox
import pytest

from kgserver.reasoning.engine import Reasoner, encode
from kgserver.reasoning.materialise import INFERRED, iter_store_triples, split_ntriples, write_inferred
from kgserver.reasoning.nogc import paused_gc
from kgserver.reasoning.terms import to_nt

TRICKY = """
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:p rdfs:subPropertyOf ex:q ; rdfs:domain ex:C .
ex:q a owl:ObjectProperty .
ex:a ex:p "ends with a dot ." , "line\\nfeed and tab\\t" , "sep\\u2028arator and next\\u0085line" ,
        "quote \\" and backslash \\\\ ." , "dés"@ca , "42"^^<http://www.w3.org/2001/XMLSchema#integer> ,
        ex:b , _:x .
_:x ex:p "a blank subject" .
"""


@pytest.fixture()
def tricky_store():
    store = ox.Store()
    store.load(TRICKY, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    return store


def test_split_keeps_every_term_exactly(tricky_store):
    expected = sorted((to_nt(q.subject), to_nt(q.predicate), to_nt(q.object)) for q in tricky_store)
    assert len(expected) == 12
    assert sorted(tuple(t) for t in iter_store_triples(tricky_store)) == expected


def test_split_of_nothing_is_nothing():
    assert split_ntriples(b"") == []


def test_encode_numbers_terms_in_order_of_first_use_and_groups_by_predicate():
    ids, facts = encode([("<a>", "<p>", "<b>"), ("<b>", "<p>", "<a>"), ("<a>", "<q>", '"x"'), ("<a>", "<p>", "<b>")])
    assert list(ids) == ["<a>", "<p>", "<b>", "<q>", '"x"'] and list(ids.values()) == [0, 1, 2, 3, 4]
    assert dict(facts) == {1: {(0, 2), (2, 0)}, 3: {(0, 4)}}


def test_encode_adds_to_an_earlier_encoding_without_changing_it():
    """What a validation does: the bundle encoded once, each contribution added to a copy."""
    base = encode([("<a>", "<p>", "<b>"), ("<a>", "<q>", '"x"')])
    ids, facts = encode([("<b>", "<p>", "<c>"), ("<a>", "<p>", "<b>")], base)
    assert list(ids) == ["<a>", "<p>", "<b>", "<q>", '"x"', "<c>"] and list(ids.values()) == list(range(6))
    assert dict(facts) == {1: {(0, 2), (2, 5)}, 3: {(0, 4)}}
    assert list(base[0]) == ["<a>", "<p>", "<b>", "<q>", '"x"'] and dict(base[1]) == {1: {(0, 2)}, 3: {(0, 4)}}


def test_reasoning_on_an_earlier_encoding_gives_the_same_triples(tricky_store):
    triples = [tuple(t) for t in iter_store_triples(tricky_store)]
    whole = Reasoner().run(triples)
    for cut in (1, len(triples) // 2, len(triples) - 1):
        for tbox in (None, whole.tbox):  # the schema compiled from both parts, or given (as the validation does)
            added = Reasoner(tbox=tbox).run(triples[cut:], base=encode(triples[:cut]))
            assert set(added.triples) == set(whole.triples) and added.asserted == whole.asserted, cut


def test_encode_refuses_a_triple_without_three_terms():
    with pytest.raises(ValueError):
        encode([("<a>", "<p>")])


def test_inferred_text_parses_back_to_the_same_triples(tricky_store):
    inference = Reasoner().run(iter_store_triples(tricky_store))
    expected = set(inference.triples)
    assert len(expected) == 11  # 9 values copied to ex:q, ex:a and _:x typed ex:C
    nt = ox.parse(inference.ntriples(), format=ox.RdfFormat.N_TRIPLES)
    assert {(to_nt(t.subject), to_nt(t.predicate), to_nt(t.object)) for t in nt} == expected
    nq = b"".join(inference.ntriples_chunks(graph=INFERRED.value, size=2))
    quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name for q in quads} == {INFERRED}
    assert {(to_nt(q.subject), to_nt(q.predicate), to_nt(q.object)) for q in quads} == expected


def test_write_inferred_replaces_the_inferred_graph(tricky_store):
    inference = Reasoner().run(iter_store_triples(tricky_store))
    tricky_store.add(ox.Quad(ox.NamedNode("urn:old"), ox.NamedNode("urn:old"), ox.NamedNode("urn:old"), INFERRED))
    write_inferred(tricky_store, inference)
    inferred = {(to_nt(q.subject), to_nt(q.predicate), to_nt(q.object))
                for q in tricky_store.quads_for_pattern(None, None, None, INFERRED)}
    assert inferred == set(inference.triples)


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_gc_restores_the_collector_state(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with paused_gc():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), paused_gc():
            raise KeyError("x")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_build_keeps_blank_nodes_one_across_asserted_and_inferred_graphs(tmp_path):
    from kgserver import dataset
    from kgserver.namespaces import GRAPH
    from kgserver.store import open_store

    extra = tmp_path / "blank.ttl"
    extra.write_text("@prefix ess: <https://w3id.org/esskg/ontology#> .\n"
                     "[] a ess:Network ; <http://www.w3.org/2000/01/rdf-schema#label> \"x\"@ca .\n", encoding="utf-8")
    from fresh_build import ontology_sources

    ontology = ontology_sources()  # classes, no data
    store = open_store(sources=ontology + [dataset.Source(extra, GRAPH["extra/blank"])], build_dir=tmp_path / "build")
    ask = f"""ASK {{ GRAPH <{GRAPH['extra/blank']}> {{ ?b a <https://w3id.org/esskg/ontology#Network> }}
        GRAPH <{INFERRED.value}> {{ ?b a <http://www.w3.org/ns/org#Organization> }} FILTER(isBlank(?b)) }}"""
    assert bool(store.query(ask))
