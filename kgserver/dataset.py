"""The asserted dataset: every bundled file in a named graph of its own.

Graph names are ``https://w3id.org/esskg/graph/<part>/<file stem>`` (for example
``.../graph/data/plan-2016-2019``), so a query can ask where a fact comes from.
Loading is all or nothing: the first broken file stops it with a precise error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from . import bundle
from .namespaces import GRAPH
from .rdfio import parse_file


@dataclass(frozen=True)
class Source:
    """One RDF file of the dataset and the named graph it is loaded into."""

    path: Path
    graph_iri: URIRef


def graph_iri_for(path: Path, part: str) -> URIRef:
    """Return the named-graph IRI for a bundled file of ``part``."""
    return GRAPH[f"{part}/{path.stem}"]


def bundled_sources(*, include_imports: bool = True) -> list[Source]:
    """List the bundled files: ontology (and its local imports) and data, in a stable order."""
    sources = [Source(p, graph_iri_for(p, "ontology")) for p in bundle.rdf_files("ontology")]
    if include_imports:
        sources += [Source(p, GRAPH[f"imports/{p.stem}"]) for p in bundle.import_files()]
    sources += [Source(p, graph_iri_for(p, "data")) for p in bundle.rdf_files("data", recursive=True)]
    return sources


def load_graphs(sources: list[Source]) -> dict[URIRef, Graph]:
    """Parse every source; return named graph IRI -> graph.

    :raises RDFSyntaxError: for the first file that does not parse (nothing is returned).
    """
    return {source.graph_iri: parse_file(source.path) for source in sources}


def union_graph(graphs: dict[URIRef, Graph]) -> Graph:
    """Return one rdflib graph holding the triples of every named graph."""
    union = Graph()
    for graph in graphs.values():
        union += graph
    return union
