"""OWL RL reasoning (owlrl) over ontology, imports and data: no contradiction, and the intended inferences."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF

from kgserver import bundle
from kgserver.namespaces import ESS, ID
from kgserver.ontodoc import quality
from kgserver.rdfio import parse_bytes


@pytest.fixture(scope="session")
def ontology_graph():
    """Every ontology file and local import."""
    return quality.load(quality.ontology_files())


@pytest.fixture(scope="session")
def closure(ontology_graph):
    """The OWL RL closure of ontology + imports + every data file."""
    graph = quality.load(bundle.rdf_files("data", recursive=True))
    graph += ontology_graph
    return quality.owl_rl_closure(graph)


def test_owl_rl_finds_no_contradiction_in_ontology_and_data(closure):
    problems = quality.contradictions(closure)
    assert [str(p) for p in problems] == []


# A small graph with one example of each contradiction, and of each inference the model promises.
SAMPLE = """
@prefix ess: <https://w3id.org/esskg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id:  <https://w3id.org/esskg/id/> .

id:plan a ess:ImpulsePlan ; ess:hasSection id:section .
id:section a ess:PlanSection ; ess:hasMeasure id:measure .
id:measure a ess:Measure ; ess:hasAction id:action .
id:action a ess:Action ; ess:activeYear "2017"^^xsd:gYear .

id:sants a ess:Neighbourhood ; ess:withinTerritory id:district .
id:district a ess:District ; ess:withinTerritory id:barcelona .
id:barcelona a ess:Municipality .

id:both a ess:Plan , ess:Project .
id:twice a ess:Measure ; ess:isMeasureOf id:section , id:other-section .
id:other-section a ess:PlanSection .
id:nothing a owl:Nothing .
id:coop a ess:Network .
"""


@pytest.fixture(scope="session")
def sample_closure(ontology_graph):
    graph = parse_bytes(SAMPLE.encode(), "turtle", source="sample")
    graph += ontology_graph
    return quality.owl_rl_closure(graph)


@pytest.fixture(scope="session")
def sample_problems(sample_closure):
    return [str(p) for p in quality.contradictions(sample_closure)]


@pytest.mark.parametrize(
    "expected",
    [
        f"<{ID['both']}> is both <{ESS.Plan}> and <{ESS.Project}>",
        f"<{ID['twice']}> <{ESS.isMeasureOf}> has 2 values",
        f"<{ID['other-section']}> and <{ID['section']}> are inferred to be the same resource",
        f"<{ID['nothing']}> is typed owl:Nothing",
    ],
    ids=["disjointness", "functional-property", "same-as", "nothing"],
)
def test_contradiction_check_finds(sample_problems, expected):
    assert any(expected in p for p in sample_problems), sample_problems


@pytest.mark.parametrize(
    "triple",
    [
        (ID["action"], ESS.isPartOfPlan, ID["plan"]),
        (ID["plan"], ESS.planIncludes, ID["action"]),
        (ID["measure"], ESS.isMeasureOf, ID["section"]),
        (ID["sants"], ESS.withinTerritory, ID["barcelona"]),
        (ID["barcelona"], ESS.containsTerritory, ID["sants"]),
        (ID["sants"], URIRef("http://www.opengis.net/ont/geosparql#sfWithin"), ID["district"]),
        (ID["plan"], RDF.type, URIRef("http://www.w3.org/ns/prov#Plan")),
        (ID["barcelona"], RDF.type, URIRef("http://vocab.linkeddata.es/datosabiertos/def/sector-publico/territorio#Municipio")),
    ],
    ids=["part-of-plan", "plan-includes", "inverse", "within-transitive", "contains", "geosparql", "prov-plan", "esterr"],
)
def test_owl_rl_draws_the_intended_inference(sample_closure, triple):
    assert triple in sample_closure


@pytest.mark.parametrize(
    "cls",
    ["http://www.w3.org/ns/org#Organization", "http://xmlns.com/foaf/0.1/Agent", "http://www.w3.org/ns/prov#Agent"],
)
def test_a_network_is_an_agent_through_org_and_foaf(sample_closure, cls):
    assert (ID["coop"], RDF.type, URIRef(cls)) in sample_closure


def test_alignments_by_close_match_draw_no_type(sample_closure):
    """skos:closeMatch is an annotation here: ess classes do not become SKOS concepts."""
    assert (ESS.Comarca, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) not in sample_closure
    assert (ESS.Plan, OWL.sameAs, ESS.Project) not in sample_closure
