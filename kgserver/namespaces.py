"""The one place for the base IRI, the ontology namespace and the prefix map.

Everything else (code, docs generators, tests, the query UI) reads these names.
"""

from rdflib import Namespace
from rdflib.namespace import NamespaceManager

BASE = "https://w3id.org/esskg/"
ONTOLOGY_IRI = BASE + "ontology"
ESS = Namespace(BASE + "ontology#")
#: Where the described things are (``<base>id/...``): what ``/browse`` lists and the 404 page suggests.
ID_PATH = "id/"
ID = Namespace(BASE + ID_PATH)
GRAPH = Namespace(BASE + "graph/")
SHAPES = Namespace(BASE + "shapes#")

#: Named graph that holds the materialised inferences.
INFERRED_GRAPH = GRAPH["inferred"]

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
ESTERR = Namespace("http://vocab.linkeddata.es/datosabiertos/def/sector-publico/territorio#")
VANN = Namespace("http://purl.org/vocab/vann/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = Namespace("https://schema.org/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
OA = Namespace("http://www.w3.org/ns/oa#")
#: Hydra, for the paged lists of a resource's links (not in PREFIXES: no query or file uses it).
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

#: Prefix map used for Turtle output, the query UI and query headers.
PREFIXES: dict[str, str] = {
    "ess": str(ESS),
    "esskg": BASE + "id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "geo": str(GEO),
    "sdgo": str(SDGO),
    "esterr": str(ESTERR),
    "vann": str(VANN),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": str(SCHEMA),
    "bibo": str(BIBO),
    "oa": str(OA),
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (replacing rdflib's defaults)."""
    manager = NamespaceManager(graph, bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, iri, override=True, replace=True)
    graph.namespace_manager = manager


def sparql_prologue() -> str:
    """Return PREFIX declarations for every project prefix, for SPARQL texts."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
