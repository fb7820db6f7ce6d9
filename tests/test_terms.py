"""The one rdflib <-> pyoxigraph term conversion (kgserver/terms.py)."""

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kgserver.terms import to_ox, to_rdflib

PAIRS = {
    "iri": (ox.NamedNode("https://w3id.org/esskg/id/plan/x"), URIRef("https://w3id.org/esskg/id/plan/x")),
    "blank": (ox.BlankNode("b1"), BNode("b1")),
    "plain": (ox.Literal("x"), Literal("x")),
    "lang": (ox.Literal("pla", language="ca"), Literal("pla", lang="ca")),
    "typed": (ox.Literal("2016", datatype=ox.NamedNode(str(XSD.gYear))), Literal("2016", datatype=XSD.gYear)),
}


@pytest.mark.parametrize("name", sorted(PAIRS), ids=sorted(PAIRS))
def test_round_trip(name):
    ox_term, rdflib_term = PAIRS[name]
    assert to_rdflib(ox_term) == rdflib_term
    assert to_ox(rdflib_term) == ox_term
    assert to_ox(to_rdflib(ox_term)) == ox_term


def test_xsd_string_is_a_plain_string_in_rdflib():
    """rdflib tells "x" and "x"^^xsd:string apart; a bound value must match the plain literal in data."""
    typed = ox.Literal("x", datatype=ox.NamedNode(str(XSD.string)))
    assert to_rdflib(typed) == Literal("x")
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    rows = list(graph.query("SELECT ?s WHERE { ?s <urn:p> ?v }", initBindings={"v": to_rdflib(typed)}))
    assert [row[0] for row in rows] == [URIRef("urn:a")]
    assert to_ox(Literal("x", datatype=XSD.string)) == ox.Literal("x")


def test_blank_node_prefix_keeps_documents_apart():
    assert to_rdflib(ox.BlankNode("b1"), "doc1") == BNode("doc1b1")


@pytest.mark.parametrize("bad", [None, "https://w3id.org/esskg/", 42], ids=["none", "str", "int"])
def test_other_values_are_refused(bad):
    with pytest.raises(TypeError, match="unsupported RDF term"):
        to_rdflib(bad)
    with pytest.raises(TypeError, match="unsupported RDF term"):
        to_ox(bad)
