"""OWL RL reasoning (owlrl) over ontology, imports and data: no contradiction, and the intended inferences."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF

from kgserver.namespaces import ESS, ID
from kgserver.ontodoc import quality
from kgserver.rdfio import parse_bytes


# owlrl's closures are each computed once, on one worker: the bundle's (group "owlrl", shared with
# test_reasoning.py) and the sample's below (group "owlrl-sample", so that the two may run side by side)
ON_THE_BUNDLE_CLOSURE = pytest.mark.xdist_group("owlrl")
ON_THE_SAMPLE_CLOSURE = pytest.mark.xdist_group("owlrl-sample")


@pytest.fixture(scope="session")
def ontology_graph():
    """The project's ontology files, without the imported vocabularies.

    The sample's tests below only assert that a contradiction is found or a triple inferred, and OWL RL
    is monotonic: what the ontology alone entails, ontology and imports entail too.  The imports take
    part in the bundle's closure above (no contradiction); in the sample's they cost 12 of its 15 s of CPU.
    """
    from kgserver import bundle

    return quality.load(bundle.rdf_files("ontology"))


@pytest.fixture(scope="session")
def closure(bundled_owlrl_closure):
    """The OWL RL closure of ontology + imports + every data file (shared with test_reasoning.py)."""
    return bundled_owlrl_closure


@ON_THE_BUNDLE_CLOSURE
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

id:workplan a ess:WorkPlan ; ess:hasWorkArea id:area ; ess:appliesTo id:barcelona ; ess:issuedBy id:coop .
id:area a ess:WorkArea ; ess:hasAction id:task .
id:task a ess:Action ; ess:hasSubComponent id:subtask ; ess:hasSubItem id:listed-entity .
id:subtask a ess:Action .
id:listed-entity a ess:Entity .
id:county a ess:Comarca , ess:Municipality .
"""


@pytest.fixture(scope="session")
def sample_closure(ontology_graph):
    graph = parse_bytes(SAMPLE.encode(), "turtle", source="sample")
    graph += ontology_graph
    return quality.owl_rl_closure(graph)


@pytest.fixture(scope="session")
def sample_problems(sample_closure):
    return [str(p) for p in quality.contradictions(sample_closure)]


@ON_THE_SAMPLE_CLOSURE
@pytest.mark.parametrize(
    "expected",
    [
        f"<{ID['both']}> is both <{ESS.Plan}> and <{ESS.Project}>",
        f"<{ID['twice']}> <{ESS.isMeasureOf}> has 2 values",
        f"<{ID['other-section']}> and <{ID['section']}> are inferred to be the same resource",
        f"<{ID['nothing']}> is typed owl:Nothing",
        f"<{ID['county']}> is both <{ESS.Comarca}> and <{ESS.Municipality}>",
    ],
    ids=["disjointness", "functional-property", "same-as", "nothing", "territory-kinds"],
)
def test_contradiction_check_finds(sample_problems, expected):
    assert any(expected in p for p in sample_problems), sample_problems


@ON_THE_SAMPLE_CLOSURE
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
        (ID["subtask"], ESS.isPartOfPlan, ID["task"]),
        (ID["subtask"], ESS.isPartOfPlan, ID["workplan"]),
        (ID["subtask"], ESS.isSubItemOf, ID["task"]),
        (ID["barcelona"], ESS.isTerritoryOf, ID["workplan"]),
        (ID["coop"], ESS.issues, ID["workplan"]),
    ],
    ids=["part-of-plan", "plan-includes", "inverse", "within-transitive", "contains", "geosparql", "prov-plan", "esterr",
         "sub-component-part-of-item", "sub-component-part-of-plan", "sub-component-is-sub-item", "territory-of",
         "issues"],
)
def test_owl_rl_draws_the_intended_inference(sample_closure, triple):
    assert triple in sample_closure


@ON_THE_SAMPLE_CLOSURE
@pytest.mark.parametrize(
    "cls",
    ["http://www.w3.org/ns/org#Organization", "http://xmlns.com/foaf/0.1/Agent", "http://www.w3.org/ns/prov#Agent"],
)
def test_a_network_is_an_agent_through_org_and_foaf(sample_closure, cls):
    assert (ID["coop"], RDF.type, URIRef(cls)) in sample_closure


@ON_THE_SAMPLE_CLOSURE
def test_a_sub_item_that_is_not_a_component_is_not_part_of_the_plan(sample_closure):
    """ess:hasSubItem also lists entities and projects: it draws no part-of-plan link (only hasSubComponent does)."""
    assert (ID["listed-entity"], ESS.isPartOfPlan, ID["workplan"]) not in sample_closure
    assert (ID["listed-entity"], RDF.type, ESS.PlanComponent) not in sample_closure


@ON_THE_SAMPLE_CLOSURE
def test_alignments_by_see_also_draw_no_type(sample_closure):
    """rdfs:seeAlso links to close terms are annotations: ess terms do not become SKOS concepts or time terms."""
    assert (ESS.activeYear, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) not in sample_closure
    assert (ESS.startYear, RDF.type, OWL.ObjectProperty) not in sample_closure
    assert (ESS.Plan, OWL.sameAs, ESS.Project) not in sample_closure


def test_the_closure_graph_answers_every_pattern_as_rdflib(bundled_graph):
    """owlrl reads the closure through :class:`quality._IndexedGraph`'s own lookups: they give rdflib's answers
    for every combination of bound and unbound positions, and membership likewise."""
    from itertools import product

    from rdflib import Graph, Literal
    from rdflib.paths import OneOrMore

    plain, indexed = Graph(store="SimpleMemory"), quality._IndexedGraph(store="SimpleMemory")
    sample = list(bundled_graph)[::40]
    for graph in (plain, indexed):
        graph += sample
    compared = 0
    absent = (URIRef("https://example.org/absent"), RDF.type, Literal("absent"))
    for triple in sample[::10] + [absent]:
        for mask in product((True, False), repeat=3):
            pattern = tuple(term if keep else None for term, keep in zip(triple, mask))
            assert sorted(indexed.triples(pattern)) == sorted(plain.triples(pattern)), pattern
            assert (pattern in indexed) == (pattern in plain), pattern
            compared += 1
    path = (None, RDF.type * OneOrMore, None)
    assert sorted(indexed.triples(path)) == sorted(plain.triples(path))
    assert compared > 100
