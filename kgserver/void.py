"""The dataset description: the static DCAT/VoID of ``data/dataset.ttl`` plus counts computed from the store.

The *asserted* dataset (every named graph but the inferred one) is the described
``void:Dataset``; the inferred graph is its ``void:subset``.  The counts are those of the
served store, so they equal what a SPARQL ``COUNT`` or the dumps give.  The endpoint's
service description links here with :func:`void_path` and :func:`dataset_iri`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .dataset import DESCRIPTION_GRAPH
from .export import DUMP_FORMATS, dump_name
from .namespaces import BASE, DCAT, ESS, INFERRED_GRAPH, PREFIXES, VOID

#: Path (relative to the server root) of the VoID description (RFC 5785 well-known URI, VoID §7.2).
VOID_PATH = "/.well-known/void"

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_METADATA_GRAPH = ox.NamedNode(str(DESCRIPTION_GRAPH))


#: What the front page counts: UI word key -> ontology class (instances with an asserted or inferred type).
FRONT_PAGE_FIGURES = {"plans": "Plan", "measures": "Measure", "actions": "Action", "territories": "Territory",
                      "entities": "Entity"}


def instance_counts(store) -> dict[str, int]:
    """Return UI word key -> distinct instances of its class (:data:`FRONT_PAGE_FIGURES`), counted once at build.

    :param store: anything with ``query`` whose default graph is the merge of the named graphs.
    """
    values = " ".join(f"(<{ESS[cls]}> \"{key}\")" for key, cls in FRONT_PAGE_FIGURES.items())
    query = (f"SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES (?class ?key) {{ {values} }} "
             f"?s a ?class }} GROUP BY ?key")
    counts = {key: 0 for key in FRONT_PAGE_FIGURES}
    for row in store.query(query):
        counts[row["key"].value] = int(row["n"].value)
    return counts


def void_path() -> str:
    """Return the server path of the VoID description (``/.well-known/void``)."""
    return VOID_PATH


def _v(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(VOID[name]))


def dataset_iri(store: ox.Store, base: str = BASE) -> ox.NamedNode:
    """Return the IRI of the dataset described in ``data/dataset.ttl`` (``<base>dataset`` if none).

    A ``void:Dataset`` or ``dcat:Dataset`` under the base that is not itself a subset wins.
    """
    query = f"""SELECT DISTINCT ?s ?super WHERE {{
        VALUES ?c {{ {_v('Dataset')} {ox.NamedNode(str(DCAT.Dataset))} }}
        GRAPH ?g {{ ?s {_RDF_TYPE} ?c }} FILTER(?g != {_INFERRED} && isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(base)}))
        OPTIONAL {{ GRAPH ?h {{ ?super {_v('subset')} ?s }} }}
    }}"""  # OPTIONAL, not a projected EXISTS: Virtuoso answers a boolean expression as an integer
    found = sorted({(row["super"] is not None, row["s"].value) for row in store.query(query)})
    if found:
        return ox.NamedNode(found[0][1])
    return ox.NamedNode(base + "dataset")


@dataclass(frozen=True)
class Counts:
    """Figures of one part of the dataset."""

    triples: int
    subjects: int
    objects: int
    properties: int
    classes: dict[str, int]  # class IRI -> distinct instances
    properties_triples: dict[str, int]  # property IRI -> triples


def count(store: ox.Store, *, inferred: bool = False) -> Counts:
    """Count the distinct triples of the asserted graphs (or of the inferred graph) of ``store``.

    A store opened from a build (:class:`kgserver.store.ServedStore`) has these counts already:
    the build computed them once, with these same queries.
    """
    stored = (getattr(store, "figures", None) or {}).get("void", {}).get("inferred" if inferred else "asserted")
    if stored is not None:
        return Counts(**stored)
    if inferred:  # one graph: a set already, read from its own index, nothing to filter or make distinct
        part, triples_of = f"GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}", f"GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}"
    else:
        part = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>)"
        triples_of = f"{{ SELECT DISTINCT ?s ?p ?o WHERE {{ {part} }} }}"

    def one(query: str) -> int:
        for solution in store.query(query):
            return int(solution[0].value)
        return 0

    triples = one(f"SELECT (COUNT(*) AS ?n) WHERE {{ {triples_of} }}")
    subjects = one(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {part} }}")
    objects = one(f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {part} }}")
    properties = {
        s["p"].value: int(s["n"].value)
        for s in store.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {triples_of} }} GROUP BY ?p")
    }
    types = part.replace("?s ?p ?o", "?s a ?c")
    classes = {
        s["c"].value: int(s["n"].value)
        for s in store.query(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {types} FILTER(isIRI(?c)) }} GROUP BY ?c")
    }
    return Counts(triples, subjects, objects, len(properties), dict(sorted(classes.items())), dict(sorted(properties.items())))


def count_terms(pairs_by_property: dict[str, list], *, distinct: bool = False) -> Counts:
    """Count a set of triples given as property -> ``(subject, object)`` pairs of N-Triples term strings.

    What :func:`count` asks the store, computed in Python where the build already holds the
    triples (Oxigraph keeps no statistics: these counts are full scans on its indexes).

    :param distinct: the pairs may repeat (a triple held by several graphs): count each once.
    """
    subjects: set = set()
    objects: set = set()
    properties: dict[str, int] = {}
    classes: dict[str, int] = {}
    for prop, pairs in pairs_by_property.items():
        if distinct:
            pairs = set(pairs)
        properties[prop[1:-1]] = len(pairs)
        subjects.update(s for s, _ in pairs)
        objects.update(o for _, o in pairs)
        if prop == f"<{_RDF_TYPE.value}>":
            members: dict[str, set] = {}
            for s, o in pairs:
                if o[0] == "<":
                    members.setdefault(o[1:-1], set()).add(s)
            classes = {c: len(m) for c, m in members.items()}
    return Counts(sum(properties.values()), len(subjects), len(objects), len(properties),
                  dict(sorted(classes.items())), dict(sorted(properties.items())))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD_INTEGER)


def _add_counts(triples: list, subject, counts: Counts, tag: str) -> None:
    add = triples.append
    add(ox.Triple(subject, _v("triples"), _int(counts.triples)))
    add(ox.Triple(subject, _v("distinctSubjects"), _int(counts.subjects)))
    add(ox.Triple(subject, _v("distinctObjects"), _int(counts.objects)))
    add(ox.Triple(subject, _v("properties"), _int(counts.properties)))
    add(ox.Triple(subject, _v("classes"), _int(len(counts.classes))))
    for index, (cls, n) in enumerate(counts.classes.items()):
        part = ox.BlankNode(f"{tag}c{index}")
        add(ox.Triple(subject, _v("classPartition"), part))
        add(ox.Triple(part, _v("class"), ox.NamedNode(cls)))
        add(ox.Triple(part, _v("entities"), _int(n)))
    for index, (prop, n) in enumerate(counts.properties_triples.items()):
        part = ox.BlankNode(f"{tag}p{index}")
        add(ox.Triple(subject, _v("propertyPartition"), part))
        add(ox.Triple(part, _v("property"), ox.NamedNode(prop)))
        add(ox.Triple(part, _v("triples"), _int(n)))


def example_resources(store: ox.Store, limit: int = 3) -> list[ox.NamedNode]:
    """Return a few plans (instances of a subclass of ``ess:Plan``), sorted by IRI."""
    query = f"""SELECT DISTINCT ?s WHERE {{
        ?s a ?c . ?c <{PREFIXES['rdfs']}subClassOf>* <{ESS.Plan}> . FILTER(isIRI(?s))
    }} ORDER BY ?s LIMIT {int(limit)}"""
    return [solution["s"] for solution in store.query(query)]


def build_void(store: ox.Store, *, base: str = BASE, sparql_path: str = "sparql") -> list[ox.Triple]:
    """Return the dataset description: the static one merged with computed VoID counts, sorted.

    :param base: the base IRI, under which the SPARQL endpoint and the dumps are published.
    :param sparql_path: the endpoint's path relative to the base.
    """
    dataset = dataset_iri(store, base)
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {_METADATA_GRAPH} {{ ?s ?p ?o }} }}")
    triples: list[ox.Triple] = [ox.Triple(row["s"], row["p"], row["o"]) for row in rows]
    add = triples.append
    add(ox.Triple(dataset, _RDF_TYPE, _v("Dataset")))
    add(ox.Triple(dataset, _RDF_TYPE, ox.NamedNode(str(DCAT.Dataset))))
    add(ox.Triple(dataset, _v("sparqlEndpoint"), ox.NamedNode(base + sparql_path)))
    add(ox.Triple(dataset, _v("uriSpace"), ox.Literal(base + "id/")))
    add(ox.Triple(dataset, _v("vocabulary"), ox.NamedNode(str(ESS))))
    add(ox.Triple(dataset, _v("rootResource"), ox.NamedNode(base + "ontology")))
    for example in example_resources(store):
        add(ox.Triple(dataset, _v("exampleResource"), example))
    for fmt in DUMP_FORMATS:
        add(ox.Triple(dataset, _v("dataDump"), ox.NamedNode(base + "dumps/" + dump_name(fmt, inferred=False))))
    _add_counts(triples, dataset, count(store, inferred=False), "asserted")

    if _INFERRED in set(store.named_graphs()):
        subset = _INFERRED
        add(ox.Triple(dataset, _v("subset"), subset))
        add(ox.Triple(subset, _RDF_TYPE, _v("Dataset")))
        add(ox.Triple(subset, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Inferred facts (OWL RL)", language="en")))
        add(ox.Triple(subset, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Fets inferits (OWL RL)", language="ca")))
        for fmt in DUMP_FORMATS:
            add(ox.Triple(subset, _v("dataDump"), ox.NamedNode(base + "dumps/" + dump_name(fmt, inferred=True))))
        _add_counts(triples, subset, count(store, inferred=True), "inferred")
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def void_store(store: ox.Store, **kwargs) -> ox.Store:
    """Return a small store holding :func:`build_void`'s triples (in its default graph)."""
    out = ox.Store()
    out.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in build_void(store, **kwargs))
    return out
