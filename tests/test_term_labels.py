"""Our ca/es/en names of reused vocabulary terms: editorial data in its own graph, read once by the pages."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kgserver import dataset
from kgserver.namespaces import ESS, PREFIXES
from kgserver.web.term_labels import LANGUAGES, term_label, term_labels


def test_every_named_term_has_one_name_per_language():
    names = term_labels()
    assert len(names) > 100
    assert names[str(RDF.type)] == ("tipus", "tipo", "type")
    assert all(len(set(lang for lang in LANGUAGES)) == len(triple) == 3 and all(triple) for triple in names.values())
    assert term_label(PREFIXES["prov"] + "Entity", "ca") == "entitat PROV"
    assert term_label(PREFIXES["prov"] + "Entity", "fr") is None
    assert term_label(PREFIXES["ess"] + "Plan", "ca") is None  # our own terms are named by the ontology


def test_the_names_are_editorial_data_marked_as_translations(bundled_graphs):
    graph = bundled_graphs[dataset.editorial_graph("term-labels")]
    terms = set(graph.subjects())
    assert {str(term) for term in terms} == set(term_labels())
    for term in terms:
        assert set(graph.objects(term, SKOS.prefLabel)) == set(graph.objects(term, ESS.translatedLabel)), term
        assert set(graph.objects(term, RDFS.label)) == set(graph.objects(term, ESS.translatedLabel)), term
        assert set(graph.predicates(term)) == {RDFS.label, SKOS.prefLabel, ESS.translatedLabel}, term
    assert not any(str(term).startswith(PREFIXES["ess"]) or str(term).startswith(PREFIXES["esskg"]) for term in terms)


def test_the_official_vocabulary_files_do_not_carry_our_names(bundled_graphs):
    ours = {(URIRef(iri), names[0]) for iri, names in term_labels().items()}
    for iri, graph in bundled_graphs.items():
        if "/graph/imports/" in str(iri):
            assert not {(s, str(o)) for s, o in graph.subject_objects(SKOS.prefLabel)} & ours, iri
            assert not set(graph.subject_objects(ESS.translatedLabel)), iri
