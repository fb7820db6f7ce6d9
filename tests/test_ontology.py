"""The ontology: it parses, keeps the term contract, carries its metadata, and passes its quality checks."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kgserver import bundle
from kgserver.namespaces import ESS, ONTOLOGY_IRI, VANN
from kgserver.ontodoc import quality
from kgserver.rdfio import parse_bytes, parse_file

ONTOLOGY = URIRef(ONTOLOGY_IRI)
CORE_CLASSES = ["Plan", "StrategicLine", "Goal", "Measure", "Action", "Project", "Entity", "Territory"]
CHECK_FILES = quality.check_files()
IMPORT_FILES = bundle.import_files()


@pytest.fixture(scope="session")
def ontology():
    """``ontology/ess.ttl`` alone."""
    return parse_file(bundle.ontology_file())


@pytest.fixture(scope="session")
def check_store():
    """The checked graph (ontology, imports, data, shapes) in an Oxigraph store."""
    return quality.to_store(quality.checked_graph())


def test_every_ontology_file_parses():
    files = quality.ontology_files()
    assert bundle.ontology_file() in files
    for path in files:
        assert len(parse_file(path)) > 0, path


@pytest.mark.parametrize("name", CORE_CLASSES)
def test_core_class_has_its_contract_iri(ontology, name):
    assert (URIRef(f"https://w3id.org/esskg/ontology#{name}"), RDF.type, OWL.Class) in ontology


def test_ontology_metadata(ontology):
    def values(predicate):
        return set(ontology.objects(ONTOLOGY, predicate))

    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert values(DCTERMS.license) == {URIRef("https://creativecommons.org/licenses/by/4.0/")}
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {v.language for v in values(predicate)} >= {"ca", "es", "en"}, predicate
    for predicate in (DCTERMS.creator, DCTERMS.created, DCTERMS.modified, DCTERMS.bibliographicCitation, OWL.versionInfo):
        assert values(predicate), predicate
    (version_iri,) = values(OWL.versionIRI)
    assert re.fullmatch(re.escape(ONTOLOGY_IRI) + r"/(\d{4}-\d{2}-\d{2}|\d+\.\d+\.\d+)", str(version_iri))
    assert values(VANN.preferredNamespacePrefix) == {Literal("ess")}
    assert {str(v) for v in values(VANN.preferredNamespaceUri)} == {str(ESS)}


def _sources_table(title: str) -> list[dict[str, str]]:
    """Return the rows of a table of ``ontology/imports/SOURCES.md`` (the first table after ``title``)."""
    text = (bundle.part_dir("ontology") / "imports" / "SOURCES.md").read_text(encoding="utf-8")
    section = text.split(title, 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[2:]]


OFFICIAL = _sources_table("## Official copies")
LOCAL_DECLARATIONS = bundle.part_dir("ontology") / "imports" / "ess-local-declarations.ttl"


def test_imports_only_name_vocabularies_kept_here():
    """owl:imports (DCAT 3 imports DCTERMS, SKOS, PROV-O) name only ontologies this folder holds."""
    text = (bundle.part_dir("ontology") / "imports" / "SOURCES.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"http://\S+?(?=[,.]?\s)", text.split("## imports", 1)[1]))
    assert listed
    for path in quality.ontology_files():
        for imported in parse_file(path).objects(None, OWL.imports):
            assert str(imported) in listed, (path, imported)


def test_an_import_of_anything_else_is_still_refused():
    from kgserver.errors import UnsafeInputError

    for iri in ("http://purl.org/dc/terms/x", "http://example.org/onto"):
        data = f"<https://w3id.org/esskg/id/x> <{OWL.imports}> <{iri}> .\n".encode()
        with pytest.raises(UnsafeInputError, match="owl:imports"):
            parse_bytes(data, "nt")


@pytest.mark.parametrize("row", OFFICIAL, ids=[r["file"] for r in OFFICIAL])
def test_official_copy_is_unchanged(row):
    """The bytes are those of the publisher's file: its Git blob id is the one SOURCES.md records."""
    import hashlib

    data = (bundle.part_dir("ontology") / "imports" / row["file"]).read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert blob == row["blob"]
    assert re.fullmatch(r"[0-9a-f]{40}", row["commit"]) and row["licence"] and row["source (repository, path)"]


def test_containment_properties_are_transitive(ontology):
    for name in ("isPartOfPlan", "planIncludes", "withinTerritory", "containsTerritory"):
        assert (ESS[name], RDF.type, OWL.TransitiveProperty) in ontology, name


def test_every_forward_structure_property_has_an_inverse(ontology):
    for name in ("hasSection", "hasStrategicLine", "hasGoal", "hasObjective", "hasMeasure", "hasAction",
                 "hasChallenge", "hasWorkArea", "hasProject", "withinTerritory", "ledBy", "hasParticipant"):
        assert ontology.value(ESS[name], OWL.inverseOf) is not None, name


def test_ess_ttl_has_one_block_per_subject():
    """Each subject starts exactly one block at the start of a line (diffs stay readable)."""
    subjects = [
        line.split()[0]
        for line in bundle.ontology_file().read_text(encoding="utf-8").splitlines()
        if line and not line[0].isspace() and not line.startswith(("#", "@prefix", "[]"))
    ]
    assert subjects
    duplicates = sorted({s for s in subjects if subjects.count(s) > 1})
    assert duplicates == []


def _is_external(term) -> bool:
    return isinstance(term, URIRef) and not str(term).startswith((str(ESS), ONTOLOGY_IRI))


def test_ess_ttl_says_nothing_about_external_terms(ontology):
    """OOPS! P39/P40 (namespace hijacking): ess.ttl only refers to external terms, by type and rdfs:isDefinedBy."""
    said = sorted(f"{s} {p}" for s, p, _ in ontology if _is_external(s) and p not in (RDF.type, RDFS.isDefinedBy))
    assert said == []


def test_external_terms_have_the_type_their_import_gives(ontology):
    """Each external term ess.ttl refers to is typed so by its import: restated, not redefined."""
    imports = quality.load(IMPORT_FILES)
    external = {s for s in ontology.subjects(RDF.type, None) if _is_external(s)}
    assert external
    differing = sorted(
        str(s) for s in external if not set(ontology.objects(s, RDF.type)) <= set(imports.objects(s, RDF.type))
    )
    assert differing == []


@pytest.mark.parametrize("path", IMPORT_FILES, ids=[p.name for p in IMPORT_FILES])
def test_import_is_official_or_says_it_is_ours(path):
    if path == LOCAL_DECLARATIONS:
        assert path.read_text(encoding="utf-8").startswith("# ess-local-declarations: OURS, NOT THEIRS.")
    else:
        assert path.name in {row["file"] for row in OFFICIAL}, f"{path.name} is not listed in SOURCES.md"
    assert len(parse_file(path)) > 0


def test_import_list_is_not_empty():
    names = {p.name for p in IMPORT_FILES}
    assert {"org.ttl", "prov-o.ttl", "dcat3.ttl", "oa.ttl", "time.ttl", "ess-local-declarations.ttl"} <= names


def test_local_declarations_never_restate_an_official_copy():
    """Our declarations only cover vocabularies with no official copy here.

    A term counts as declared by an official copy when that file gives it a type (FOAF's file, for
    one, labels ``skos:Concept`` in passing without declaring it).
    """
    ours = {s for s in parse_file(LOCAL_DECLARATIONS).subjects() if isinstance(s, URIRef)}
    theirs = set()
    for path in IMPORT_FILES:
        if path != LOCAL_DECLARATIONS:
            theirs |= {s for s in parse_file(path).subjects(RDF.type, None) if isinstance(s, URIRef)}
    assert theirs
    assert sorted(ours & theirs) == []


# ---------------------------------------------------------------- quality checks (ODK *-violation queries)


def test_check_list_is_not_empty_and_covers_the_pitfalls():
    names = [p.name for p in CHECK_FILES]
    assert names
    for pitfall in ("p04", "p05", "p07", "p08", "p10", "p11", "p13", "p19", "p22", "p24", "p26", "p32", "p36", "p38",
                    "p41", "undeclared"):
        assert any(n.startswith(pitfall) for n in names), pitfall


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.stem for p in CHECK_FILES])
def test_check_returns_no_rows(path, check_store):
    assert path.read_text(encoding="utf-8").startswith("#"), "a check starts with a comment saying what it covers"
    rows = quality.run_check(path, check_store)
    assert rows == [], f"{path.name} found {len(rows)} problem(s): {rows[:10]}"


PREFIXES = """
@prefix ess: <https://w3id.org/esskg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

#: For each check, a small graph it must flag: the checks are shown able to fail.
BAD_EXAMPLES = {
    "ontology-metadata-violation": '<https://w3id.org/esskg/ontology> a owl:Ontology ; dcterms:title "Only English"@en .',
    "p04-unconnected-terms-violation": "ess:Lonely a owl:Class .",
    "p05-inverse-domain-range-violation": (
        "ess:p a owl:ObjectProperty ; owl:inverseOf ess:q ; rdfs:domain ess:A ; rdfs:range ess:B .\n"
        "ess:q a owl:ObjectProperty ; rdfs:domain ess:A ; rdfs:range ess:A ."
    ),
    "p08-missing-definitions-violation": 'ess:Plan a owl:Class ; rdfs:comment "no Catalan definition"@en .',
    "p07-merged-concepts-violation": 'ess:PlanOrProgramme a owl:Class ; rdfs:label "Plan or programme"@en .',
    "p08-missing-labels-violation": 'ess:Plan a owl:Class ; rdfs:label "Plan"@en , "Pla"@ca , "Pla de nou"@ca .',
    "p10-missing-disjointness-violation": (
        "ess:A a owl:Class . ess:B a owl:Class ; rdfs:subClassOf ess:A . ess:C a owl:Class ; rdfs:subClassOf ess:A ."
    ),
    "p11-missing-domain-range-violation": "ess:p a owl:ObjectProperty ; rdfs:domain ess:A .",
    "p13-missing-inverse-violation": "ess:p a owl:ObjectProperty ; rdfs:domain ess:A ; rdfs:range ess:B .",
    "p19-multiple-domains-ranges-violation": "ess:p a owl:ObjectProperty ; rdfs:domain ess:A , ess:B .",
    "p22-naming-violation": "ess:planSection a owl:Class . ess:HasPart a owl:ObjectProperty .",
    "p24-recursive-definition-violation": (
        "ess:A a owl:Class ; owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( ess:A ess:B ) ] ."
    ),
    "p26-p29-property-characteristics-violation": "ess:p a owl:TransitiveProperty , owl:FunctionalProperty .",
    "p32-same-label-violation": (
        'ess:Plan a owl:Class ; rdfs:label "Plan"@en .\n'
        '<http://www.w3.org/ns/prov#Plan> a owl:Class ; rdfs:label "plan" .'
    ),
    "p36-file-extension-violation": "<https://w3id.org/esskg/ontology.owl> a owl:Ontology .",
    "p38-ontology-declaration-violation": "ess:Plan a owl:Class .",
    "p41-license-violation": '<https://w3id.org/esskg/ontology> a owl:Ontology ; dcterms:license "CC BY" .',
    "undeclared-terms-violation": "<https://w3id.org/esskg/id/x> ess:notDeclared <https://w3id.org/esskg/id/y> .",
    "untyped-references-violation": "ess:A a owl:Class ; rdfs:subClassOf <http://example.org/Undeclared> .",
}


def test_every_check_has_a_bad_example():
    assert sorted(BAD_EXAMPLES) == sorted(p.stem for p in CHECK_FILES)


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.stem for p in CHECK_FILES])
def test_check_flags_its_bad_example(path):
    graph = parse_bytes((PREFIXES + BAD_EXAMPLES[path.stem]).encode(), "turtle", source=path.stem)
    assert quality.run_check(path, quality.to_store(graph)), f"{path.name} misses its bad example"


# ---------------------------------------------------------------- terms used elsewhere are declared

DECLARING_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
DATA_AND_SHAPES = bundle.rdf_files("data", recursive=True) + bundle.rdf_files("shapes", recursive=True)
QUERY_FILES = sorted(bundle.part_dir("queries").rglob("*.rq")) + sorted(bundle.part_dir("shapes").rglob("*.rq"))
ESS_IN_QUERY = re.compile(r"(?<![\w:])ess:([A-Za-z_][\w-]*)|<https://w3id\.org/esskg/ontology#([A-Za-z_][\w-]*)>")


@pytest.fixture(scope="session")
def declared_terms():
    """Every ess: IRI the ontology files (ess.ttl, pending terms, imports) declare as a class or property."""
    graph = quality.load(quality.ontology_files())
    return {s for t in DECLARING_TYPES for s in graph.subjects(RDF.type, t) if str(s).startswith(str(ESS))}


def test_data_and_shape_files_are_found():
    assert DATA_AND_SHAPES


@pytest.mark.parametrize(
    "path", DATA_AND_SHAPES, ids=[str(p.relative_to(bundle.bundle_root())) for p in DATA_AND_SHAPES]
)
def test_every_ess_term_used_in_data_or_shapes_is_declared(path, declared_terms):
    graph = parse_file(path)
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(ESS))}
    assert sorted(str(t) for t in used - declared_terms) == []


def test_query_files_are_found():
    assert QUERY_FILES


@pytest.mark.parametrize(
    "path", QUERY_FILES, ids=[str(p.relative_to(bundle.bundle_root())) for p in QUERY_FILES]
)
def test_every_ess_term_used_in_a_query_is_declared(path, declared_terms):
    names = {a or b for a, b in ESS_IN_QUERY.findall(path.read_text(encoding="utf-8"))}
    assert sorted(n for n in names if ESS[n] not in declared_terms) == []
