"""The competency questions: each named query returns the answer read off the source documents.

Every expected answer below is derived by hand from the seed texts (``/work/shared/seeds``;
001 = Pla d'impuls 2016-2019 "Intercooperació", 002 = its "Territorialització i acció comunitària",
000 = ESS 2030 city project (1), 003 = district plan line 08, 004 = XMESS work plan 2024), never
from the graph.  The queries run on the asserted graphs alone and with the inferred graph added:
both must give the same answer.
"""

from __future__ import annotations

import json

import pytest

from kgserver import bundle
from kgserver.cli import cli
from kgserver.queries import find_query, load_queries, run_named_query
from kgserver.store import open_store

XSD = "http://www.w3.org/2001/XMLSchema#"

EXPECTED: dict[str, tuple[list[str], list[tuple[str, ...]]]] = {
    # 001, lines 105-112: measure 15 lists five actions under "Accions 2016 2017 2018 2019"
    # (the 2-line "Enfortir els grups cooperatius... / nous grups" is one action).
    "cq01": (["count"], [("5",)]),
    # 001, lines 157-161 ("Accions Anys" of measure 17): "Definir..." 2016, "Impulsar un projecte pilot"
    # 2017-2018, "Posar en marxa..." 2019: only the last starts in 2019.
    "cq03": (["label"], [("Posar en marxa una primera fase operativa d’implementació de la moneda social",)]),
    # 000, lines 15-27: "Fites que ajudaria a assolir" 1.1, 1.2, 1.3, 3.2, 3.3, 4.2, 4.3.
    "cq05": (["notation"], [("1.1",), ("1.2",), ("1.3",), ("3.2",), ("3.3",), ("4.2",), ("4.3",)]),
    # 000, lines 6-13: "Línia a la què contribuiria" L1, L7, L8.
    "cq06": (["notation"], [("L1",), ("L7",), ("L8",)]),
    # 000, lines 102-111: "Projectes tractors sectorials, entre altres:" and its nine sub-items
    # (sorted by code point, as SPARQL ORDER BY does: capital "Espai P" before "Espai c").
    "cq08": (["label"], [
        ("BiciHub",), ("Community Land Trust",), ("Comunitats Energètiques Locals",), ("Cultura Cooperativa",),
        ("Espai Participatiu Agròpolis",), ("Espai comercial de consum conscient",), ("Hub de Transició Energètica",),
        ("RevESStim",), ("Xarxa de Parcs Agraris propers a la ciutat",),
    ]),
    # "Accions Anys" blocks with a 2016: 001 measure 11 has only 2017/2018 (lines 30-34); 12 (line 48),
    # 13-16 (all-year actions), 17 (line 158); 002: 29 (line 34), 31 (line 60), 32 (line 81).
    "cq11": (["notation"], [("12",), ("13",), ("14",), ("15",), ("16",), ("17",), ("29",), ("31",), ("32",)]),
    # 001 lines 30-161, per year, over the 28 actions of measures 11-17:
    # 2016: m12 3 + m13 6 + m14 2 + m15 4 + m16 3 + m17 1 = 19;
    # 2017: m11 3 + m12 6 + m13 6 + m14 2 + m15 5 + m16 3 + m17 1 = 26;
    # 2018: m11 1 + m12 2 + m13 6 + m14 2 + m15 5 + m16 3 + m17 1 = 20;
    # 2019: m12 1 + m13 6 + m14 2 + m15 4 + m16 3 + m17 1 = 17.
    "cq12": (["year", "count"], [("2016", "19"), ("2017", "26"), ("2018", "20"), ("2019", "17")]),
    # 001: 3 + 6 + 6 + 2 + 5 + 3 + 3 = 28 actions; 002: 5 + 4 + 3 = 12 actions; all have years.
    "cq14": (["count"], [("40",)]),
    # All of 2016-2019: 001 m12 1 + m13 6 + m14 2 + m15 4 + m16 3 = 16; 002 m29 4 + m31 3 = 7.
    "cq15": (["count"], [("23",)]),
    # 002, lines 26, 53, 75: measures 29, 31, 32 (no 30).
    "cq19": (["notation"], [("29",), ("31",), ("32",)]),
    # 002, line 55: "Impulsar projectes emblemàtics de ciutat com a referents i inspiració als barris:
    # Coòpolis, Can Picó, Eix Pere IV…".
    "cq20": (["label"], [("Can Picó",), ("Coòpolis",), ("Eix Pere IV",)]),
    # 003, lines 31-41: the three labels followed by "Mesura plurianual 2018-2021".
    "cq24": (["label"], [
        ("Creació d’espais de treball i d’interlocució, representació i articulació de l’Economia Social i Solidària d’abast districte",),
        ("Desenvolupament d’una xarxa o infraestructura per contrarestar l’escletxa digital",),
        ("Promoció de la coproducció d’espais de formació i assessorament en matèria d’Economia Social i Solidària a partir de Coòpolis",),
    ]),
    # 004, lines 234-238: "Els GT actius són: Agroecologia, Finançament municipal, CCPR, Cures, Comunalitats,
    # Cooperativisme d'Habitatge, Monedes Locals i Socials, i Formació."
    "cq31": (["label"], [
        ("Agroecologia",), ("CCPR",), ("Comunalitats",), ("Cooperativisme d’Habitatge",), ("Cures",),
        ("Finançament municipal",), ("Formació",), ("Monedes Locals i Socials",),
    ]),
    # 004, the left-column headings (lines 47-51, 92-96, 129-135, 158-162, 190, 224-228, 277).
    "cq33": (["label"], [
        ("Acollida i cura de membres",), ("Assessoraments i mentories",), ("Comissions, Assemblees i Trobada d’electes",),
        ("Comunicació",), ("Grups de Treball (GT)",), ("Jornades",), ("Relacions amb l’ecosistema",),
    ]),
    # 001, lines 140-143: "Fundar i participar de manera activa en la xarxa de municipis per l'ESS" 2016-2019.
    "cq39": (["year"], [("2016",), ("2017",), ("2018",), ("2019",)]),
}

#: Datatype of the answers that are not plain strings.
DATATYPES = {"count": XSD + "integer", "year": XSD + "gYear"}


@pytest.fixture(scope="session")
def stores():
    """The bundled dataset without and with the inferred graph."""
    return {"asserted": open_store(include_inferred=False), "inferred": open_store(include_inferred=True)}


def competency_files():
    return bundle.query_files("competency")


def test_competency_files_exist():
    assert competency_files(), "no queries/competency/*.rq files"


def test_every_question_has_one_query_file():
    names = sorted(p.stem.split("-", 1)[0] for p in competency_files())
    assert names == sorted(EXPECTED)


@pytest.mark.parametrize("path", competency_files(), ids=lambda p: p.stem)
def test_header_is_complete(path):
    query = find_query(str(path))
    assert query.summary.endswith("?"), "the summary states the question"
    assert query.description
    assert "competency" in query.tags


@pytest.mark.parametrize("graphs", ["asserted", "inferred"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answer(name, graphs, stores):
    variables, rows = EXPECTED[name]
    result = run_named_query(find_query(name), stores[graphs])
    assert result.variables == variables
    assert [tuple(term.value for term in row) for row in result.rows] == rows
    for row in result.rows:
        for var, term in zip(result.variables, row):
            if var in DATATYPES:
                assert term.datatype.value == DATATYPES[var]
            else:
                assert term.language in (None, "ca")


@pytest.mark.parametrize("name", ["cq01", "cq12", "cq31", "cq39"])
def test_answer_through_the_cli(name, runner):
    variables, rows = EXPECTED[name]
    outcome = runner.invoke(cli, ["query", name, "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert data["head"]["vars"] == variables
    got = [tuple(b[v]["value"] for v in variables) for b in data["results"]["bindings"]]
    assert got == rows


def test_load_queries_finds_the_competency_queries():
    names = {q.name for q in load_queries()}
    assert {p.stem for p in competency_files()} <= names
