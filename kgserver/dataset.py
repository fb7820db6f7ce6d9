"""The asserted dataset: every bundled file in a named graph of its own.

The data is split by provenance (see docs/data.md):

- ``data/sources/<doc>.ttl`` -> ``https://w3id.org/esskg/graph/source/<doc>``: exactly the statements
  source document ``id/document/<doc>`` makes;
- ``data/editorial/<kind>.ttl`` -> ``https://w3id.org/esskg/graph/editorial/<kind>``: what no source
  states (translations, readings, identities, outside knowledge, passage anchors, ...);
- ``data/dataset.ttl`` -> ``https://w3id.org/esskg/graph/dataset``: the DCAT/VoID description;
- the ontology and its imports -> ``.../graph/ontology/<stem>``, ``.../graph/imports/<stem>``.

So ``GRAPH ?g`` tells where a fact comes from. Loading is all or nothing: the first broken file stops
it with a precise error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from . import bundle
from .namespaces import GRAPH
from .rdfio import parse_file

#: Named graph of data/dataset.ttl, the DCAT/VoID description.
DESCRIPTION_GRAPH = GRAPH["dataset"]
#: data/ sub-folder -> the graph kind its files are loaded into.
DATA_FOLDERS = {"sources": "source", "editorial": "editorial"}


@dataclass(frozen=True)
class Source:
    """One RDF file of the dataset and the named graph it is loaded into."""

    path: Path
    graph_iri: URIRef


def graph_iri_for(path: Path, part: str) -> URIRef:
    """Return the named-graph IRI for a bundled file of ``part``."""
    return GRAPH[f"{part}/{path.stem}"]


def source_graph(doc: str) -> URIRef:
    """Return the graph of what source document ``id/document/<doc>`` states."""
    return GRAPH[f"source/{doc}"]


def editorial_graph(kind: str) -> URIRef:
    """Return the editorial graph of ``kind`` (``translations``, ``readings``, ...)."""
    return GRAPH[f"editorial/{kind}"]


def is_source_graph(iri) -> bool:
    """Tell whether ``iri`` names a source document's graph."""
    return str(iri).startswith(str(GRAPH["source/"]))


def is_data_graph(iri) -> bool:
    """Tell whether ``iri`` names a graph of data/ (source, editorial or the dataset description)."""
    return str(iri).startswith((str(GRAPH["source/"]), str(GRAPH["editorial/"]))) or str(iri) == str(DESCRIPTION_GRAPH)


def data_graph_iri(path: Path) -> URIRef:
    """Return the named graph of a file under data/.

    :raises ValueError: for a file outside the folders of :data:`DATA_FOLDERS` (other than dataset.ttl).
    """
    relative = path.relative_to(bundle.part_dir("data"))
    if relative.parts == ("dataset.ttl",):
        return DESCRIPTION_GRAPH
    kind = DATA_FOLDERS.get(relative.parts[0]) if len(relative.parts) == 2 else None
    if kind is None:
        raise ValueError(f"{path}: data files live in data/sources/, data/editorial/ or are data/dataset.ttl")
    return source_graph(path.stem) if kind == "source" else editorial_graph(path.stem)


def bundled_sources(*, include_imports: bool = True) -> list[Source]:
    """List the bundled files: ontology (and its local imports) and data, in a stable order."""
    sources = [Source(p, graph_iri_for(p, "ontology")) for p in bundle.rdf_files("ontology")]
    if include_imports:
        sources += [Source(p, GRAPH[f"imports/{p.stem}"]) for p in bundle.import_files()]
    sources += [Source(p, data_graph_iri(p)) for p in bundle.rdf_files("data", recursive=True)]
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
