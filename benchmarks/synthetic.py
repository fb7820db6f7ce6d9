"""Generate deterministic synthetic ESS graphs with the shape of the real data, as N-Triples.

The graph mimics ``data/``: plans (of each plan class) with sections or strategic lines
(lines have goals), measures, actions with one to three ``ess:activeYear`` gYears, projects,
entities, territories in ``ess:withinTerritory`` chains (neighbourhood -> district ->
municipality -> comarca -> Catalunya, one step asserted each), Catalan labels and
``ess:sourceDocument`` on every resource.  Only forward links are asserted, as in the data
(``docs/conventions.md``); the ontology (``ontology/ess.ttl``) is not included.

Usage::

    python benchmarks/synthetic.py --triples 1000000 --out /tmp/synthetic-1m.nt

From Python: ``iter_ntriples(n_triples, seed=0)`` yields exactly ``n_triples`` distinct
N-Triples lines (each ends with a newline); ``write_ntriples(path, n_triples, seed=0)``
writes them to a file.  The same ``(n_triples, seed)`` always gives the same lines, and a
smaller ``n_triples`` gives a prefix of a larger one.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

BASE = "https://w3id.org/esskg/"  # kgserver.namespaces.BASE; kept literal so the script runs without the package
ID = BASE + "id/"
ESS = BASE + "ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS_NOTATION = "<http://www.w3.org/2004/02/skos/core#notation>"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

PLAN_CLASSES = ("ImpulsePlan", "CityStrategy", "DistrictDevelopmentPlan", "WorkPlan")
PROJECT_CLASSES = ("CityProject", "TractorProject", "ReferenceProject", "WorkProposal", "Event")
ENTITY_CLASSES = ("Organization", "Network", "PublicAdministration", "WorkingGroup", "InternalBody")
WORDS = (
    "economia", "social", "solidària", "cooperativa", "intercooperació", "comunitat", "barri",
    "habitatge", "energia", "cures", "consum", "finançament", "ètic", "xarxa", "impuls", "territori",
    "formació", "ocupació", "mercat", "compra", "pública", "innovació", "sostenibilitat", "feminista",
)

SECTIONS_PER_PLAN = 4
MEASURES_PER_SECTION = 5
ACTIONS_PER_MEASURE = 3
GOALS_PER_LINE = 2
PROJECTS_PER_PLAN = 3
ENTITIES_PER_PLAN = 4
NEIGHBOURHOODS_PER_DISTRICT = 3
PLANS_PER_MUNICIPALITY = 4
PLANS_PER_COMARCA = 20


def _iri(path: str) -> str:
    return f"<{ID}{path}>"


def _ess(name: str) -> str:
    return f"<{ESS}{name}>"


def _label(rng: random.Random, head: str) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(3))
    return f'"{head} {words}"@ca'


def _year(year: int) -> str:
    return f'"{year}"^^<{XSD_GYEAR}>'


def _plan_triples(i: int, rng: random.Random, state: dict) -> Iterator[tuple[str, str, str]]:
    """Yield the triples of plan ``i`` and everything it brings (territories, entities, parts)."""
    t = RDF_TYPE
    src = _ess("sourceDocument")
    doc = _iri(f"document/doc-{i}")
    yield doc, t, _ess("SourceDocument")
    yield doc, RDFS_LABEL, f'"Document font {i}"@ca'
    yield doc, _ess("sourceFile"), f'"seed-{i:06d}.txt"'

    # Territories: Catalunya once, a comarca every PLANS_PER_COMARCA plans, a municipality
    # every PLANS_PER_MUNICIPALITY plans, one district and its neighbourhoods per plan.
    catalunya = _iri("territory/catalunya")
    if i == 0:
        yield catalunya, t, _ess("AutonomousCommunity")
        yield catalunya, RDFS_LABEL, '"Catalunya"@ca'
        yield catalunya, src, doc
    comarca = _iri(f"territory/comarca-{i // PLANS_PER_COMARCA}")
    if i % PLANS_PER_COMARCA == 0:
        yield comarca, t, _ess("Comarca")
        yield comarca, RDFS_LABEL, f'"Comarca {i // PLANS_PER_COMARCA}"@ca'
        yield comarca, _ess("withinTerritory"), catalunya
        yield comarca, src, doc
    municipality = _iri(f"territory/municipi-{i // PLANS_PER_MUNICIPALITY}")
    if i % PLANS_PER_MUNICIPALITY == 0:
        yield municipality, t, _ess("Municipality")
        yield municipality, RDFS_LABEL, f'"Municipi {i // PLANS_PER_MUNICIPALITY}"@ca'
        yield municipality, _ess("withinTerritory"), comarca
        yield municipality, _ess("ineCode"), f'"{8000 + i // PLANS_PER_MUNICIPALITY:05d}"'
        yield municipality, src, doc
    district = _iri(f"territory/districte-{i}")
    yield district, t, _ess("District")
    yield district, RDFS_LABEL, f'"Districte {i}"@ca'
    yield district, _ess("withinTerritory"), municipality
    yield district, src, doc
    places = [district]
    for n in range(NEIGHBOURHOODS_PER_DISTRICT):
        hood = _iri(f"territory/barri-{i}-{n + 1}")
        places.append(hood)
        yield hood, t, _ess("Neighbourhood")
        yield hood, RDFS_LABEL, f'"Barri {i}.{n + 1}"@ca'
        yield hood, _ess("withinTerritory"), district
        yield hood, src, doc

    # Entities, added to a pool that later plans draw from too.
    pool = state["entities"]
    for n in range(ENTITIES_PER_PLAN):
        entity = _iri(f"entity/entitat-{i}-{n + 1}")
        pool.append(entity)
        yield entity, t, _ess(ENTITY_CLASSES[(i + n) % len(ENTITY_CLASSES)])
        yield entity, RDFS_LABEL, _label(rng, "Entitat")
        yield entity, _ess("locatedIn"), rng.choice(places)
        yield entity, src, doc

    plan = _iri(f"plan/pla-{i}")
    start = 2000 + rng.randrange(25)
    yield plan, t, _ess(PLAN_CLASSES[i % len(PLAN_CLASSES)])
    yield plan, RDFS_LABEL, _label(rng, "Pla")
    yield plan, _ess("startYear"), _year(start)
    yield plan, _ess("endYear"), _year(start + 3)
    yield plan, _ess("appliesTo"), rng.choice(places)
    yield plan, _ess("issuedBy"), rng.choice(pool)
    yield plan, src, doc

    projects = []
    for n in range(PROJECTS_PER_PLAN):
        project = _iri(f"project/projecte-{i}-{n + 1}")
        projects.append(project)
        yield project, t, _ess(PROJECT_CLASSES[(i + n) % len(PROJECT_CLASSES)])
        yield project, RDFS_LABEL, _label(rng, "Projecte")
        yield plan, _ess("hasProject"), project
        yield project, _ess("locatedIn"), rng.choice(places)
        yield rng.choice(pool), _ess("participatesIn"), project
        yield project, src, doc
    yield projects[0], _ess("hasLinkedProject"), projects[1]

    # Parts: odd plans have strategic lines (with goals), even plans have sections.
    use_lines = i % 2 == 1
    for s in range(SECTIONS_PER_PLAN):
        if use_lines:
            part = _iri(f"line/pla-{i}-l{s + 1}")
            yield part, t, _ess("StrategicLine")
            yield plan, _ess("hasStrategicLine"), part
            yield part, SKOS_NOTATION, f'"L{s + 1}"'
            for g in range(GOALS_PER_LINE):
                goal = _iri(f"goal/pla-{i}-{s + 1}-{g + 1}")
                yield goal, t, _ess("Goal")
                yield goal, RDFS_LABEL, _label(rng, "Fita")
                yield part, _ess("hasGoal"), goal
                yield goal, SKOS_NOTATION, f'"{s + 1}.{g + 1}"'
                yield goal, src, doc
            yield rng.choice(projects), _ess("contributesToLine"), part
        else:
            part = _iri(f"section/pla-{i}-s{s + 1}")
            yield part, t, _ess("PlanSection")
            yield plan, _ess("hasSection"), part
        yield part, RDFS_LABEL, _label(rng, "Eix")
        yield part, src, doc
        for m in range(MEASURES_PER_SECTION):
            number = s * MEASURES_PER_SECTION + m + 1
            measure = _iri(f"measure/pla-{i}-{number}")
            yield measure, t, _ess("Measure")
            yield measure, RDFS_LABEL, _label(rng, "Mesura")
            yield measure, SKOS_NOTATION, f'"{number}"'
            yield part, _ess("hasMeasure"), measure
            yield measure, _ess("mentions"), rng.choice(projects)
            yield measure, src, doc
            for a in range(ACTIONS_PER_MEASURE):
                action = _iri(f"action/pla-{i}-{number}-{a + 1}")
                yield action, t, _ess("Action")
                yield action, RDFS_LABEL, _label(rng, "Acció")
                yield measure, _ess("hasAction"), action
                first = start + rng.randrange(3)
                for year in range(first, first + 1 + rng.randrange(3)):
                    yield action, _ess("activeYear"), _year(year)
                if rng.random() < 0.5:
                    yield action, _ess("ledBy"), rng.choice(pool)
                if rng.random() < 0.3:
                    yield action, _ess("appliesTo"), rng.choice(places)
                yield action, src, doc


def iter_ntriples(n_triples: int, seed: int = 0) -> Iterator[str]:
    """Yield exactly ``n_triples`` distinct N-Triples lines (each ending in a newline).

    :param n_triples: how many triples to generate (0 or more).
    :param seed: seed of the pseudo-random choices; the same seed gives the same graph.
    :raises ValueError: if ``n_triples`` is negative.
    """
    if n_triples < 0:
        raise ValueError(f"n_triples must be 0 or more, got {n_triples}")
    rng = random.Random(seed)
    state: dict = {"entities": []}
    count = 0
    plan = 0
    while count < n_triples:
        for s, p, o in _plan_triples(plan, rng, state):
            yield f"{s} {p} {o} .\n"
            count += 1
            if count == n_triples:
                return
        plan += 1


def write_ntriples(path: str | Path, n_triples: int, seed: int = 0) -> Path:
    """Write ``n_triples`` synthetic triples to an N-Triples file and return its path.

    :raises ValueError: if ``n_triples`` is negative.
    """
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        buffer: list[str] = []
        for line in iter_ntriples(n_triples, seed):
            buffer.append(line)
            if len(buffer) >= 65536:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
    return path


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic graph as asked on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="number of triples to generate")
    parser.add_argument("--out", required=True, help="N-Triples file to write ('-' for standard output)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.triples < 0:
        parser.error("--triples must be 0 or more")
    if args.out == "-":
        sys.stdout.writelines(iter_ntriples(args.triples, args.seed))
    else:
        write_ntriples(args.out, args.triples, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
