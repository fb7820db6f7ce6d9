"""Say each fact once: a fact and its inverse are one row, and an inferred fact that only restates
a more specific one (its super-property, its inverse's super-property) is left out.

A page about N sees ``N p X`` and ``X q N``; when ``q`` is the inverse of ``p`` (``owl:inverseOf``,
or ``p`` symmetric) both are the same fact, shown once from N's side, asserted if either form is.
An inferred ``N hasPart X`` next to ``N hasSection X`` (``hasSection ⊑ hasPart``) adds nothing
and is not shown; a fact inferred by a rule that says something new (a transitive part, a
territory's territory) stays, marked inferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import PREFIXES
from ..reasoning.stratified import reach_by_search
from ..storage import DatasetStore
from .resource import RDF_TYPE, Statement

_OWL = PREFIXES["owl"]
INVERSE_OF = ox.NamedNode(_OWL + "inverseOf")
SYMMETRIC = ox.NamedNode(_OWL + "SymmetricProperty")
EQUIVALENT_PROPERTY = ox.NamedNode(_OWL + "equivalentProperty")
SUBPROPERTY_OF = ox.NamedNode(PREFIXES["rdfs"] + "subPropertyOf")


@dataclass
class PropertyRelations:
    """What the ontology and the reused vocabularies say about properties, read once.

    :ivar inverse: property -> its inverse (a symmetric property is its own).
    :ivar supers: property -> its strict super-properties, transitively.
    """

    inverse: dict[ox.NamedNode, ox.NamedNode] = field(default_factory=dict)
    supers: dict[ox.NamedNode, frozenset] = field(default_factory=dict)


def property_relations(store: DatasetStore) -> PropertyRelations:
    """Read inverses, symmetric properties and the sub-property hierarchy from every graph of ``store`` (four queries)."""

    def pairs(predicate: ox.NamedNode, obj: ox.NamedNode | None = None):
        pattern = f"?s {predicate} {obj}" if obj is not None else f"?s {predicate} ?o"
        for row in store.query(f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ {pattern} }} FILTER(isIRI(?s)) }}"):
            yield row["s"], row["o"] if obj is None else obj

    inverse: dict = {}
    for subject, obj in pairs(INVERSE_OF):
        if isinstance(obj, ox.NamedNode):
            inverse.setdefault(subject, obj)
            inverse.setdefault(obj, subject)
    for subject, _ in pairs(RDF_TYPE, SYMMETRIC):
        inverse.setdefault(subject, subject)
    direct: dict = {}
    for subject, obj in pairs(SUBPROPERTY_OF):
        if isinstance(obj, ox.NamedNode):
            direct.setdefault(subject, set()).add(obj)
    for subject, obj in pairs(EQUIVALENT_PROPERTY):
        if isinstance(obj, ox.NamedNode):
            direct.setdefault(subject, set()).add(obj)
            direct.setdefault(obj, set()).add(subject)
    supers = {prop: frozenset(found - {prop}) for prop, found in reach_by_search(direct).items()}
    return PropertyRelations(inverse, supers)


@dataclass
class _Fact:
    direction: str  # "out": N p X; "in": X p N
    predicate: ox.NamedNode
    value: object
    inferred: bool
    graphs: set
    forms: set  # every (direction, property) the fact was seen as


def one_row_per_fact(outgoing: list[Statement], incoming: list[Statement], relations: PropertyRelations,
                     node=None) -> tuple[list[Statement], list[Statement]]:
    """Return (outgoing, incoming) statements with each fact once (see the module's docstring).

    :param node: the resource the statements are about: a triple from it to itself is outgoing only.
    """
    facts: dict[tuple, _Fact] = {}
    views = [("out", s) for s in outgoing] + [("in", s) for s in incoming if node is None or s.value != node]
    for direction, statement in views:
        predicate = statement.predicate
        if direction == "in" and predicate in relations.inverse:
            key = ("out", relations.inverse[predicate], statement.value)
        else:
            key = (direction, predicate, statement.value)
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = _Fact(key[0], key[1], statement.value, True, set(), set())
        fact.inferred = fact.inferred and statement.inferred
        fact.graphs |= statement.graphs
        fact.forms.add((direction, predicate))
        fact.forms.add((key[0], key[1]))
    by_value: dict = {}
    for fact in facts.values():
        by_value.setdefault(fact.value, []).append(fact)
    kept_out, kept_in = [], []
    for fact in facts.values():
        if fact.inferred and _restates(fact, by_value[fact.value], relations):
            continue
        statement = Statement(fact.predicate, fact.value, fact.inferred, fact.graphs)
        (kept_out if fact.direction == "out" else kept_in).append(statement)
    return kept_out, kept_in


def _restates(fact: _Fact, others: list[_Fact], relations: PropertyRelations) -> bool:
    """Tell whether another fact about the same value says the same more specifically."""
    for other in others:
        if other is fact:
            continue
        for direction, narrow in other.forms:
            wider = relations.supers.get(narrow, frozenset())
            for d, p in fact.forms:
                if d != direction or p not in wider:
                    continue
                equivalent = narrow in relations.supers.get(p, frozenset())
                if not (equivalent and other.inferred and str(fact.predicate) < str(other.predicate)):
                    return True  # (of two equivalent inferred facts, the first by IRI stays)
    return False
