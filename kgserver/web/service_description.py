"""Describe the endpoint in RDF (SPARQL 1.1 Service Description)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..namespaces import SD, VOID, bind_prefixes
from ..storage import DatasetStore

_FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_IRIS = [
    _FORMATS + name
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    )
]

#: Media type -> rdflib serializer name, for the description itself.
SD_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


def graph_sizes(store: DatasetStore) -> dict[str, int]:
    """Return named graph IRI -> number of triples: the build's figures (counted once, when it was built)."""
    if "graphs" in store.figures:
        return dict(sorted(store.figures["graphs"].items()))
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    return {row["g"].value: int(row["n"].value) for row in store.query(query)}


def describe(endpoint_url: str, void_url: str, sizes: dict[str, int], title: str) -> Graph:
    """Return the service description of the endpoint at ``endpoint_url``.

    :param void_url: where the VoID description of the dataset is served.
    :param sizes: named graph IRI -> triple count (the default graph is their union).
    """
    graph = Graph()
    bind_prefixes(graph)
    service, dataset, default_graph = BNode("service"), BNode("dataset"), BNode("defaultGraph")
    endpoint = URIRef(endpoint_url)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, DCTERMS.title, Literal(title)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for iri in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, URIRef(iri)))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, URIRef(void_url)))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(sum(sizes.values()), datatype=XSD.integer)))
    for index, (name, size) in enumerate(sorted(sizes.items())):
        named, inner = BNode(f"named{index}"), BNode(f"graph{index}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, inner))
        graph.add((inner, RDF.type, SD.Graph))
        graph.add((inner, VOID.triples, Literal(size, datatype=XSD.integer)))
    return graph
