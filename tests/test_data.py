"""The data files (data/**/*.ttl): they parse, follow docs/conventions.md and keep the sources' facts."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from kgserver import bundle, dataset
from kgserver.namespaces import ESS, ID, ORG
from kgserver.rdfio import parse_file

DATA_FILES = bundle.rdf_files("data", recursive=True)
#: IRI kinds of docs/conventions.md (plus the dataset description's own resources).
KINDS = {"plan", "section", "line", "goal", "objective", "challenge", "work-area", "measure", "action", "project",
         "entity", "territory", "document", "concept", "scheme", "dataset", "anchor", "potential-action"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SEED_FILES = {"000_52e5810ead1f9967.txt", "001_560c0459b0e214a1.txt", "002_dc757e58d821a821.txt",
              "003_e2fd3e892dd17280.txt", "004_c5e0cc50c8f0c8f7.txt"}
IMPULSE = ID["plan/pla-impuls-ess-2016-2019"]


def ess_types(graph, subject):
    return {t for t in graph.objects(subject, RDF.type) if str(t).startswith(str(ESS))}


def described(graph):
    """Return the subjects typed with an ess: class, except source documents."""
    return sorted({s for s, t in graph.subject_objects(RDF.type)
                   if str(t).startswith(str(ESS)) and t != ESS.SourceDocument})


def labels(graph, subject, lang="ca"):
    return [str(o) for o in graph.objects(subject, RDFS.label) if isinstance(o, Literal) and o.language == lang]


def pref_labels(graph, subject, lang="ca"):
    return [str(o) for o in graph.objects(subject, SKOS.prefLabel) if isinstance(o, Literal) and o.language == lang]


def label_of(graph, subject):
    (label,) = pref_labels(graph, subject)
    return label


@pytest.fixture(scope="module")
def data_graph(bundled_graphs):
    """The union of the data files only (no ontology)."""
    from rdflib import Graph

    union = Graph()
    for iri, graph in bundled_graphs.items():
        if dataset.is_data_graph(iri):
            union += graph
    return union


def test_there_are_data_files():
    assert len(DATA_FILES) >= 10


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_parses_and_is_not_empty(path):
    assert len(parse_file(path)) > 0


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_uses_only_the_project_prefixes(path):
    from kgserver.namespaces import PREFIXES

    for prefix, iri in re.findall(r"^@prefix (\S*): <([^>]*)> \.$", path.read_text(encoding="utf-8"), re.M):
        assert PREFIXES.get(prefix) == iri, f"{path.name}: prefix {prefix}: is not the project's"


def test_every_resource_has_a_type_and_one_preferred_label_per_language(data_graph):
    subjects = described(data_graph)
    assert len(subjects) > 250
    for s in subjects:
        assert ess_types(data_graph, s), s
        for lang in ("ca", "es", "en"):
            assert len(pref_labels(data_graph, s, lang)) == 1, (s, lang)


def test_a_resource_no_document_names_lives_in_editorial_graphs_only(bundled_graphs):
    named = set()
    for iri, graph in bundled_graphs.items():
        if dataset.is_source_graph(iri):
            named |= set(graph.subjects())
    for district in ("ciutat-vella", "eixample", "les-corts", "sarria-sant-gervasi", "gracia", "horta-guinardo",
                     "sant-andreu", "sant-marti", "sants-montjuic"):
        assert ID[f"territory/{district}"] not in named, district


def test_iris_follow_the_conventions(data_graph, bundled_graphs):
    # other vocabularies' terms that editorial/term-labels names (none is ours: tests/test_term_labels.py)
    reused = set(bundled_graphs[dataset.editorial_graph("term-labels")].subjects())
    for s in {s for s in data_graph.subjects() if isinstance(s, URIRef)}:
        if dataset.is_data_graph(s) or s in reused:  # the dataset description describes its named graphs
            continue
        assert str(s).startswith(str(ID)), s
        kind, _, rest = str(s)[len(str(ID)):].partition("/")
        assert kind in KINDS, s
        for part in rest.split("/") if rest else []:
            assert SLUG.match(part), s


def test_every_link_to_a_resource_of_ours_resolves(data_graph):
    subjects = set(data_graph.subjects())
    for o in set(data_graph.objects()):
        if isinstance(o, URIRef) and str(o).startswith(str(ID)):
            assert o in subjects, f"dangling link to {o}"


def test_source_documents_name_the_five_seed_files(data_graph):
    docs = set(data_graph.subjects(RDF.type, ESS.SourceDocument))
    assert {str(data_graph.value(d, ESS.sourceFile)) for d in docs} == SEED_FILES
    for d in docs:
        assert data_graph.value(d, ESS.issuedBy) is not None
        assert data_graph.value(d, ESS.startYear) is not None
        assert labels(data_graph, d, "ca")


@pytest.mark.parametrize("prop", [ESS.activeYear, ESS.startYear, ESS.endYear], ids=lambda p: p.split("#")[1])
def test_years_are_gyears(data_graph, prop):
    values = list(data_graph.objects(None, prop))
    assert values
    for value in values:
        assert value.datatype == XSD.gYear and re.fullmatch(r"\d{4}", str(value)), value


def test_every_action_of_a_measure_has_years(data_graph):
    actions = list(data_graph.objects(None, ESS.hasAction))
    measure_actions = [a for a in actions if any(
        ESS.Measure in ess_types(data_graph, m) for m in data_graph.subjects(ESS.hasAction, a))]
    assert len(measure_actions) == 40
    for action in measure_actions:
        assert set(data_graph.objects(action, ESS.activeYear)), action


def test_every_action_has_exactly_one_parent(data_graph):
    for action in data_graph.subjects(RDF.type, ESS.Action):
        parents = set(data_graph.subjects(ESS.hasAction, action)) | set(data_graph.subjects(ESS.hasSubComponent, action))
        assert len(parents) == 1, action


def test_editorial_notes_come_in_catalan_and_english(data_graph):
    noted = set(data_graph.subjects(SKOS.editorialNote, None))
    assert len(noted) > 50
    for s in noted:
        langs = sorted(o.language for o in data_graph.objects(s, SKOS.editorialNote))
        assert langs.count("ca") == langs.count("en") >= 1, s


def test_inferred_expansions_and_unexpanded_acronyms_are_noted(data_graph):
    for s in set(data_graph.subjects(ESS.expansionIsInferred, Literal(True))):
        assert data_graph.value(s, SKOS.editorialNote) is not None, s
    for s in set(data_graph.subjects(ESS.acronym, None)):
        if labels(data_graph, s) == [str(data_graph.value(s, ESS.acronym))]:  # never expanded
            assert data_graph.value(s, SKOS.editorialNote) is not None, s


def test_ess_terms_used_are_declared(bundled_graphs, data_graph):
    declared = set()
    for iri, graph in bundled_graphs.items():
        if "/graph/ontology/" in str(iri):
            declared |= {s for s in graph.subjects() if str(s).startswith(str(ESS))}
    used = {p for p in data_graph.predicates() if str(p).startswith(str(ESS))}
    used |= {o for o in data_graph.objects(None, RDF.type) if str(o).startswith(str(ESS))}
    assert used - declared == set()


# --- facts of the sources -------------------------------------------------------------------


def test_territories(data_graph):
    districts = sorted((str(data_graph.value(d, SKOS.notation)), label_of(data_graph, d))
                       for d in data_graph.subjects(RDF.type, ESS.District))
    assert districts == [("01", "Ciutat Vella"), ("02", "l'Eixample"), ("03", "Sants-Montjuïc"), ("04", "les Corts"),
                         ("05", "Sarrià-Sant Gervasi"), ("06", "Gràcia"), ("07", "Horta-Guinardó"),
                         ("08", "Nou Barris"), ("09", "Sant Andreu"), ("10", "Sant Martí")]
    barcelona = ID["territory/barcelona"]
    assert str(data_graph.value(barcelona, ESS.ineCode)) == "08019"
    assert all(data_graph.value(d, ESS.withinTerritory) == barcelona for d in data_graph.subjects(RDF.type, ESS.District))
    assert data_graph.value(ID["territory/can-batllo"], ESS.withinTerritory) == ID["territory/la-bordeta"]
    for t in ("sants", "la-bordeta", "hostafrancs"):
        assert data_graph.value(ID[f"territory/{t}"], ESS.withinTerritory) == ID["territory/sants-montjuic"]


def test_impulse_plan_measures_and_the_gap_at_30(data_graph):
    numbers = sorted(int(data_graph.value(m, SKOS.notation))
                     for s in data_graph.objects(IMPULSE, ESS.hasSection) for m in data_graph.objects(s, ESS.hasMeasure))
    assert numbers == [11, 12, 13, 14, 15, 16, 17, 29, 31, 32]
    section = ID["section/pla-impuls-ess-2016-2019-territorialitzacio"]
    assert any("30" in str(n) for n in data_graph.objects(section, SKOS.editorialNote))


def test_district_line_08_has_eight_measures_as_its_cross_reference_says(data_graph):
    line = ID["line/pde-sants-montjuic-08"]
    measures = list(data_graph.objects(line, ESS.hasMeasure))
    periods = sorted((str(data_graph.value(m, ESS.startYear)), str(data_graph.value(m, ESS.endYear))) for m in measures)
    # 003: five labels followed by "Mesura plurianual 2017-2021" (the glued label is one), three by 2018-2021.
    assert periods == [("2017", "2021")] * 5 + [("2018", "2021")] * 3
    nou_barris = [m for m in measures if data_graph.value(m, ESS.appliesTo) == ID["territory/nou-barris"]]
    assert len(nou_barris) == 1 and data_graph.value(nou_barris[0], SKOS.editorialNote) is not None
    assert label_of(data_graph, nou_barris[0]).endswith("a Nou BarrisAccions d’acompanyament, formació i de "
                                                          "sensibilització a persones i iniciatives")
    # "allò que es detalla a la mesura 8.7": the measure about Coòpolis is the seventh
    (m87,) = data_graph.subjects(SKOS.notation, Literal("8.7"))
    assert label_of(data_graph, m87).endswith("a partir de Coòpolis")


def test_identities_are_editorial_and_each_document_keeps_its_wording(bundled_graphs, data_graph):
    coopolis = ID["project/coopolis"]
    assert set(data_graph.objects(coopolis, ESS.sourceDocument)) == {
        ID["document/pla-impuls-ess-2016-2019-territorialitzacio"], ID["document/pde-sants-montjuic-linia-08"]}
    identity = bundled_graphs[dataset.editorial_graph("identity")]
    xmess, xarxa = ID["entity/xmess"], ID["entity/xarxa-de-municipis-per-l-ess"]
    assert (ID["action/pla-impuls-ess-2016-2019-16-1"], ESS.mentions, xarxa) in data_graph
    assert (xarxa, SKOS.exactMatch, xmess) in identity
    assert (None, ORG.unitOf, xmess) in data_graph
    confcoop, confederacio = ID["entity/confcoop"], ID["entity/confederacio-de-cooperatives-de-catalunya"]
    assert (confcoop, SKOS.exactMatch, confederacio) in identity
    xmess_plan = bundled_graphs[dataset.source_graph("xmess-pla-treball-2024")]
    assert confcoop not in set(xmess_plan.subjects()) | set(xmess_plan.objects())
    assert xmess_plan.value(confederacio, ESS.acronym) is None
    city = bundled_graphs[dataset.source_graph("estrategia-ess-2030-taules-intercooperacio")]
    assert confederacio not in set(city.subjects()) | set(city.objects())
    cel = ID["project/comunitats-energetiques-locals"]
    assert len(set(data_graph.objects(cel, ESS.sourceDocument))) == 2


def test_xmess_plan_is_a_proposal_with_challenges_and_working_groups(data_graph):
    plan = ID["plan/xmess-pla-treball-2024"]
    assert data_graph.value(plan, ESS.planStatus) == ID["concept/plan-status/proposta"]
    assert len(set(data_graph.objects(plan, ESS.hasChallenge))) == 9
    groups = set(data_graph.subjects(ORG.unitOf, ID["entity/xmess"])) & set(data_graph.subjects(RDF.type, ESS.WorkingGroup))
    status = sorted(str(data_graph.value(g, ESS.workingGroupStatus)).rsplit("/", 1)[1] for g in groups)
    assert status == ["actiu"] * 8 + ["proposat"] * 3


def test_open_lists_are_flagged(data_graph):
    flagged = {label_of(data_graph, s) for s in data_graph.subjects(ESS.isOpenList, Literal(True))}
    assert "Projectes tractors sectorials, entre altres:" in flagged
    assert any(label.endswith("Eix Pere IV…") for label in flagged)
    assert any(label.endswith("Indústria i ESS ...") for label in flagged)


def test_dataset_description(data_graph):
    from kgserver.namespaces import DCAT, VOID

    dataset = ID["dataset"]
    assert data_graph.value(dataset, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    downloads = {str(data_graph.value(d, DCAT.downloadURL)) for d in data_graph.objects(dataset, DCAT.distribution)}
    assert "https://w3id.org/esskg/dumps/esskg.ttl.gz" in downloads
    assert "https://w3id.org/esskg/dumps/esskg-inferred.nq.gz" in downloads and len(downloads) == 8
    assert data_graph.value(dataset, VOID.sparqlEndpoint) == URIRef("https://w3id.org/esskg/sparql")
    assert data_graph.value(dataset, VOID.triples) is None, "counts are computed from the store, not written"
    langs = sorted(t.language for t in data_graph.objects(dataset, URIRef("http://purl.org/dc/terms/title")))
    assert langs == ["ca", "en", "es"]


def test_translations_are_marked_and_kept_apart(bundled_graphs, data_graph):
    # @es/@en labels are editorial translations: in their own graph, and marked with ess:translatedLabel
    translations = bundled_graphs[dataset.editorial_graph("translations")]
    subjects = described(data_graph) + sorted(data_graph.subjects(RDF.type, ESS.SourceDocument))
    for s in subjects:
        for lang in ("es", "en"):
            (label,) = pref_labels(translations, s, lang)
            assert (s, ESS.translatedLabel, Literal(label, lang=lang)) in translations, s
    for iri, graph in bundled_graphs.items():
        if dataset.is_source_graph(iri):
            assert not [o for o in graph.objects() if isinstance(o, Literal) and o.language in ("es", "en")], iri


def test_dataset_says_translations_are_editorial(data_graph):
    notes = {o.language: str(o) for o in data_graph.objects(ID["dataset"], SKOS.editorialNote)}
    assert {"ca", "en", "es"} <= set(notes)
    assert "editorial translations" in notes["en"]


def test_links_a_careful_reader_expects(data_graph):
    # 004: "Aprofitar el marc del conveni amb la Generalitat" / "gràcies al Conveni amb la Generalitat"
    agreement = ID["project/conveni-xmess-generalitat"]
    assert set(data_graph.objects(agreement, ESS.hasParticipant)) == {ID["entity/xmess"], ID["entity/generalitat-de-catalunya"]}
    assert {ID["challenge/xmess-pla-treball-2024-1"], ID["action/xmess-pla-treball-2024-grups-de-treball-2"]} <= set(
        data_graph.subjects(ESS.mentions, agreement))
    # 002: "el Pla de Barris de l'Ajuntament i els Plans de Desenvolupament dels Districtes liderats per Barcelona Activa"
    activa = ID["entity/barcelona-activa"]
    assert set(data_graph.subjects(ESS.ledBy, activa)) == {ID["plan/pla-de-barris"], ID["plan/pde-sants-montjuic"]}
    # 003: Coòpolis, "l'Ateneu Cooperatiu de Barcelona, a l'espai de Can Batlló", "fruit de la proposta ... de
    # l'àmbit cooperatiu organitzat del Districte", "liderat per entitats ... de Sants, la Bordeta i Hostafrancs"
    coopolis = ID["project/coopolis"]
    assert data_graph.value(coopolis, ESS.locatedIn) == ID["territory/can-batllo"]
    assert data_graph.value(coopolis, ESS.proposedBy) == ID["entity/ambit-cooperatiu-organitzat-sants-montjuic"]
    leaders = data_graph.value(coopolis, ESS.ledBy)
    assert set(data_graph.objects(leaders, ESS.locatedIn)) == {ID[f"territory/{t}"] for t in ("sants", "la-bordeta", "hostafrancs")}
    # 004: "xarxa de suport als municipis i Consells Comarcals membres"
    assert set(data_graph.subjects(ESS.memberOf, ID["entity/xmess"])) == {
        ID["entity/municipis-membres-xmess"], ID["entity/consells-comarcals-membres-xmess"]}
