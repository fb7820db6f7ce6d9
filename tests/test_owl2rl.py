"""The OWL 2 RL/RDF conformance tests (tests/owl2rl/, unchanged copies) for the rules the reasoner keeps.

Positive entailment tests: the conclusion graph is entailed by the premise graph plus what the
reasoner materialises (blank nodes of the conclusion match any term).  Inconsistency tests: the
consistency check reports a contradiction.  The tests of rules the reasoner does not keep are listed,
by rule and with the reason, in tests/owl2rl/out-of-scope.yaml; each of them must fail here (a listed
test that passes belongs back in scope).  Everything runs in this process.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from rdflib import Graph

from kgserver.reasoning.consistency import check_triples
from kgserver.reasoning.engine import Reasoner, iter_graph_triples

SUITE = Path(__file__).parent / "owl2rl"
OUT_OF_SCOPE = yaml.safe_load((SUITE / "out-of-scope.yaml").read_text(encoding="utf-8"))
EXCLUDED = {name: group for group in OUT_OF_SCOPE for name in group["tests"]}
ALL = sorted(p.name for p in SUITE.iterdir() if p.is_dir())
IN_SCOPE = [name for name in ALL if name not in EXCLUDED]

Triple = tuple[str, str, str]


def _graph(name: str, kind: str) -> list[Triple]:
    graph = Graph().parse(SUITE / name / f"{name}.{kind}.ttl", format="turtle")
    return [tuple(t) for t in iter_graph_triples(graph)]


def kind_of(name: str) -> str:
    text = (SUITE / name / f"{name}.metadata.properties").read_text(encoding="utf-8")
    return re.search(r'key="testcase.type">(\w+)<', text).group(1)


def entailed(have: set[Triple], conclusion: list[Triple]) -> bool:
    """Return True if some mapping of the conclusion's blank nodes to terms puts every triple in ``have``."""
    variables = {t for triple in conclusion for t in triple if t.startswith("_:")}
    pending = sorted(conclusion, key=lambda triple: sum(t in variables for t in triple))

    def match(i: int, bound: dict[str, str]) -> bool:
        if i == len(pending):
            return True
        pattern = [bound.get(t, t) for t in pending[i]]
        for candidate in have:
            extended = dict(bound)
            for term, value in zip(pattern, candidate):
                if term in variables and term not in extended:
                    extended[term] = value
                elif extended.get(term, term) != value:
                    break
            else:
                if match(i + 1, extended):
                    return True
        return False

    return match(0, {})


@cache
def passes(name: str) -> bool:
    """Run one conformance test; return whether kgserver's reasoner passes it."""
    if kind_of(name) == "INCONSISTENCY":
        return bool(check_triples(_graph(name, "graph")))
    premise = _graph(name, "premisegraph")
    have = set(premise) | set(Reasoner().run(premise).triples)
    return entailed(have, _graph(name, "conclusiongraph"))


def test_suite_is_here_and_split():
    assert len(ALL) == 273
    assert len(IN_SCOPE) >= 45
    assert {kind_of(n) for n in IN_SCOPE} == {"POSITIVE_ENTAILMENT", "INCONSISTENCY"}
    assert set(EXCLUDED) <= set(ALL), "out-of-scope.yaml names a test that is not in tests/owl2rl/"


@pytest.mark.parametrize("name", IN_SCOPE)
def test_kept_rule(name):
    assert passes(name), f"{name} ({kind_of(name)}) fails"


@pytest.mark.parametrize("group", OUT_OF_SCOPE, ids=[g["group"] for g in OUT_OF_SCOPE])
def test_out_of_scope_tests_say_why_and_do_fail(group):
    assert group["rules"] and group["why"] and group["tests"]
    passing = [name for name in group["tests"] if passes(name)]
    assert passing == [], f"these pass: move them back in scope ({group['group']})"


def test_entailment_matches_blank_nodes():
    have = {("<a>", "<p>", "_:x"), ("_:x", "<q>", "<b>")}
    assert entailed(have, [("<a>", "<p>", "_:v"), ("_:v", "<q>", "<b>")])
    assert not entailed(have, [("<a>", "<p>", "_:v"), ("_:v", "<q>", "<c>")])
