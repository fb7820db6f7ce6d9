"""Find contradictions between the graph and the ontology (OWL 2 RL rules whose head is false).

Checked on the asserted triples plus the kept entailments:

- ``cls-nothing2``: an individual typed ``owl:Nothing``;
- ``cax-dw`` / ``cax-adc``: an individual in two disjoint classes (``owl:disjointWith``,
  ``owl:AllDisjointClasses``);
- ``prp-fp``: a functional property with two different values (two different IRIs are two
  different things here: the data names each thing once; literals are compared by value);
- ``prp-ifp``: an inverse-functional property shared by two different IRIs;
- ``prp-irp``: an irreflexive property from a resource to itself;
- ``prp-asyp``: an asymmetric property in both directions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from . import vocab as V
from .engine import Inference, Reasoner
from .terms import to_rdflib


@dataclass
class Inconsistency:
    """One contradiction: the rule it breaks, the resources involved, a message.

    ``resources`` names everything involved (N-Triples terms: individuals, classes, properties,
    values); ``individuals`` the data resources among them; ``sources`` lists the files where the
    individuals are described (filled in by the build).
    """

    rule: str
    resources: tuple[str, ...]
    message: str
    sources: list[str] = field(default_factory=list)
    individuals: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"[{self.rule}] {self.message}"
        if self.sources:
            text += f" (described in: {', '.join(self.sources)})"
        return text

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {"rule": self.rule, "resources": [_plain(r) for r in self.resources],
                "individuals": [_plain(r) for r in self.individuals],
                "message": self.message, "sources": list(self.sources)}


def _plain(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


def _value(term: str):
    literal = to_rdflib(term)
    try:
        value = literal.toPython()
    except Exception:  # an ill-typed literal: compare it by its form
        value = term
    return (literal.datatype, value) if getattr(literal, "datatype", None) else value


def _different(a: str, b: str) -> bool:
    """Return True if two values of a functional property certainly denote different things."""
    if a == b:
        return False
    if a[0] == '"' and b[0] == '"':
        return _value(a) != _value(b)
    return a[0] == "<" and b[0] == "<"  # blank nodes may denote the same thing


#: Types inferred only for the checks (:func:`reason_for_checks`), not served.
CHECK_ONLY_TYPES = frozenset({V.NOTHING})


def reason_for_checks(triples: list[tuple[str, str, str]]) -> Inference:
    """Materialise the kept entailments plus the ``owl:Nothing`` types the checks need."""
    return Reasoner().run(triples, keep_types=CHECK_ONLY_TYPES)


def check_triples(triples: Iterable[tuple[str, str, str]], inference: Inference | None = None) -> list[Inconsistency]:
    """Return the contradictions of a set of triples (N-Triples term strings), schema included.

    :param inference: the result of :func:`reason_for_checks` on the same triples, if already computed.
    """
    asserted = list(triples)
    inference = inference or reason_for_checks(asserted)
    tbox = inference.tbox
    found: list[Inconsistency] = []
    types: dict[str, set[str]] = defaultdict(set)
    values: dict[str, set[tuple[str, str]]] = defaultdict(set)
    watched = tbox.functional | tbox.inverse_functional | tbox.irreflexive | tbox.asymmetric
    # only the classes a check reads matter; the inferred facts are read in their integer form,
    # decoding just those (at 1M triples, decoding all 2.5M inferred triples took seconds)
    checked = {V.NOTHING} | {c for pair in tbox.disjoint for c in pair}
    for s, p, o in asserted:
        if p == V.TYPE:
            if o in checked:
                types[s].add(o)
        elif p in watched:
            values[p].add((s, o))
    terms = inference.terms
    for p, pairs in inference.kept.items():
        name = terms[p]
        if name == V.TYPE:
            classes = {c for c in set(map(itemgetter(1), pairs)) if terms[c] in checked}
            for x, c in pairs:
                if c in classes:
                    types[terms[x]].add(terms[c])
        elif name in watched:
            values[name].update((terms[x], terms[y]) for x, y in pairs)

    for x in sorted(x for x, cs in types.items() if V.NOTHING in cs):
        found.append(Inconsistency("cls-nothing2", (x,), f"{_plain(x)} is an instance of owl:Nothing",
                                   individuals=(x,)))
    disjoint_with: dict[str, set[str]] = defaultdict(set)
    for a, b in tbox.disjoint:
        disjoint_with[a].add(b)
        disjoint_with[b].add(a)
    for x in sorted(types):
        classes = types[x]
        clashes = {(a, b) for a in classes for b in disjoint_with.get(a, ()) if b in classes and a <= b}
        for a, b in sorted(clashes):
            rule = "cax-dw" if (a, b) in tbox.disjoint_with else "cax-adc"
            both = (f"an instance of {_plain(a)}, which is declared disjoint with itself" if a == b
                    else f"an instance of both {_plain(a)} and {_plain(b)}, which are disjoint")
            found.append(Inconsistency(rule, (x, a, b), f"{_plain(x)} is {both}", individuals=(x,)))
    for p in sorted(tbox.functional):
        by_subject: dict[str, set[str]] = defaultdict(set)
        for s, o in values.get(p, ()):
            by_subject[s].add(o)
        for s in sorted(by_subject):
            objs = sorted(by_subject[s])
            clash = [(a, b) for i, a in enumerate(objs) for b in objs[i + 1:] if _different(a, b)]
            if clash:
                a, b = clash[0]
                found.append(Inconsistency(
                    "prp-fp", (s, p, a, b),
                    f"{_plain(s)} has two different values for the functional property {_plain(p)}: "
                    f"{_plain(a)} and {_plain(b)}", individuals=tuple(t for t in (s, a, b) if t[0] != '"')))
    for p in sorted(tbox.inverse_functional):
        by_object: dict[str, set[str]] = defaultdict(set)
        for s, o in values.get(p, ()):
            by_object[o].add(s)
        for o in sorted(by_object):
            subjects = sorted(x for x in by_object[o] if x[0] == "<")
            if len(subjects) > 1:
                found.append(Inconsistency(
                    "prp-ifp", (subjects[0], subjects[1], p, o),
                    f"{_plain(subjects[0])} and {_plain(subjects[1])} share the value {_plain(o)} of the "
                    f"inverse-functional property {_plain(p)}", individuals=(subjects[0], subjects[1], o)))
    for p in sorted(tbox.irreflexive):
        for s, o in sorted(values.get(p, ())):
            if s == o:
                found.append(Inconsistency(
                    "prp-irp", (s, p), f"{_plain(s)} is related to itself by the irreflexive property {_plain(p)}",
                    individuals=(s,)))
    for p in sorted(tbox.asymmetric):
        pairs = values.get(p, set())
        for s, o in sorted(pairs):
            if s < o and (o, s) in pairs or s == o:
                found.append(Inconsistency(
                    "prp-asyp", (s, o, p),
                    f"{_plain(s)} and {_plain(o)} are related both ways by the asymmetric property {_plain(p)}",
                    individuals=(s, o)))
    return found


def check(graph) -> list[Inconsistency]:
    """Return the contradictions of a graph with its ontology (the schema must be in the graph).

    :param graph: an rdflib ``Graph`` (e.g. the union of the bundled files), a pyoxigraph ``Store``
        (its asserted named graphs are read), or an iterable of N-Triples term-string triples.
    :returns: the inconsistencies found, empty if the graph is consistent.
    """
    import pyoxigraph as ox
    from rdflib import Graph

    if isinstance(graph, Graph):
        from .engine import iter_graph_triples

        triples = iter_graph_triples(graph)
    elif isinstance(graph, ox.Store):
        from .materialise import iter_store_triples

        triples = iter_store_triples(graph)
    else:
        triples = graph
    return check_triples(triples)
