"""Statement-level provenance: source graphs hold what their document says, anchored to its passage."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS

from kgserver import bundle, dataset
from kgserver.namespaces import ESS, ID, OA, PROV, VOID

ROOT = Path(__file__).resolve().parent.parent
TEXTS = bundle.part_dir("data") / "sources" / "text"


@pytest.fixture(scope="module")
def source_graphs(bundled_graphs):
    return {iri: g for iri, g in bundled_graphs.items() if dataset.is_source_graph(iri)}


@pytest.fixture(scope="module")
def anchors(bundled_graphs):
    return bundled_graphs[dataset.editorial_graph("anchors")]


def text_of(graphs, document):
    catalogue = graphs[dataset.editorial_graph("catalogue")]
    return (TEXTS / str(catalogue.value(document, ESS.sourceFile))).read_text(encoding="utf-8")


def selectors(anchors, annotation):
    target = anchors.value(annotation, OA.hasTarget)
    found = {anchors.value(s, RDF.type): s for s in anchors.objects(target, OA.hasSelector)}
    return anchors.value(target, OA.hasSource), found


def test_there_is_one_source_graph_per_document_and_its_text(source_graphs):
    assert len(source_graphs) == 5
    assert len(list(TEXTS.glob("*.txt"))) == 5


def test_every_anchor_quotes_its_text_at_its_positions_and_lines(bundled_graphs, anchors):
    annotations = list(anchors.subjects(RDF.type, OA.Annotation))
    assert len(annotations) > 250
    for annotation in annotations:
        document, sel = selectors(anchors, annotation)
        text = text_of(bundled_graphs, document)
        quote, position, fragment = sel[OA.TextQuoteSelector], sel[OA.TextPositionSelector], sel[OA.FragmentSelector]
        start, end = int(anchors.value(position, OA.start)), int(anchors.value(position, OA.end))
        exact = str(anchors.value(quote, OA.exact))
        assert text[start:end] == exact, annotation
        assert text[:start].endswith(str(anchors.value(quote, OA.prefix))), annotation
        assert text[end:].startswith(str(anchors.value(quote, OA.suffix))), annotation
        assert anchors.value(fragment, DCTERMS.conformsTo) == URIRef("http://tools.ietf.org/rfc/rfc5147")
        first, last = map(int, re.fullmatch(r"line=(\d+),(\d+)", str(anchors.value(fragment, RDF.value))).groups())
        assert first == text.count("\n", 0, start) and last == text.count("\n", 0, end - 1) + 1, annotation


def test_every_subject_of_a_source_graph_is_named_in_that_document(source_graphs, anchors):
    anchored = {(anchors.value(a, OA.hasBody), selectors(anchors, a)[0]) for a in anchors.subjects(RDF.type, OA.Annotation)}
    for iri, graph in source_graphs.items():
        document = ID["document/" + str(iri).rsplit("/", 1)[1]]
        subjects = {s for s in graph.subjects()}
        assert subjects
        missing = [s for s in subjects if (s, document) not in anchored]
        assert missing == [], f"{iri}: no passage names {missing}"


def test_a_source_graph_links_only_to_its_own_document(source_graphs):
    for iri, graph in source_graphs.items():
        document = ID["document/" + str(iri).rsplit("/", 1)[1]]
        assert set(graph.objects(None, ESS.sourceDocument)) == {document}, iri


def test_the_anchors_file_is_what_the_script_writes():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "anchors.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_dataset_describes_every_data_graph(bundled_graphs):
    description = bundled_graphs[dataset.DESCRIPTION_GRAPH]
    data_graphs = {iri for iri in bundled_graphs if dataset.is_data_graph(iri)}
    assert set(description.objects(ID["dataset"], VOID.subset)) == data_graphs
    for iri in data_graphs:
        assert {lit.language for lit in description.objects(iri, DCTERMS.description)} >= {"ca", "en"}, iri
        if dataset.is_source_graph(iri):
            assert description.value(iri, PROV.wasDerivedFrom) == ID["document/" + str(iri).rsplit("/", 1)[1]]
    external = dataset.editorial_graph("external")
    assert set(description.objects(external, DCTERMS.source)), "outside knowledge names its references"


def test_what_a_document_does_not_say_is_not_in_its_graph(source_graphs):
    def graph(doc):
        return source_graphs[dataset.source_graph(doc)]
    # 002 only says "cadascun dels 10 districtes"; 003 never writes "Ajuntament"; 000 never names Barcelona
    assert (ID["territory/nou-barris"], None, None) not in graph("pla-impuls-ess-2016-2019-territorialitzacio")
    assert (ID["entity/ajuntament-de-barcelona"], None, None) not in graph("pde-sants-montjuic-linia-08")
    assert (ID["territory/barcelona"], None, None) not in graph("estrategia-ess-2030-taules-intercooperacio")
    # the XMESS work area "Relacions amb l'ecosistema" writes the Confederació's name, never "CONFCOOP"
    assert Literal("CONFCOOP") not in set(graph("xmess-pla-treball-2024").objects())


def test_a_resource_page_shows_its_passages_and_the_graph_of_each_fact(client):
    response = client.get("/id/project/coopolis.html", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # 002 line 55 and 003 line 7 name Coòpolis; the page quotes both with their lines
    assert 'class="passage"' in html and "pla-impuls-ess-2016-2019-territorialitzacio</a>,\n      line 55" in html
    assert "pde-sants-montjuic-linia-08</a>,\n      line 7" in html
    assert "source/pde-sants-montjuic-linia-08</a> <span class=\"kind\">(source)</span>" in html
    assert "editorial/translations</a> <span class=\"kind\">(editorial)</span>" in html
    catalan = client.get("/id/project/coopolis.html", headers={"Accept-Language": "ca"}).get_data(as_text=True)
    assert "Passatges de la font" in catalan and "línia 55" in catalan and '<span class="kind">(font)</span>' in catalan
