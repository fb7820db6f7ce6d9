"""Compile the schema (TBox) into the lookup tables the rules use.

The schema rules of OWL 2 RL (``scm-sco``, ``scm-spo``, ``scm-eqc1/2``, ``scm-eqp1/2``,
``scm-int``, ``scm-uni``) are applied here once, on the few thousand schema triples,
so that the instance rules become table look-ups: ``x rdf:type C`` gives ``x rdf:type D``
for every ``D`` in ``superclasses[C]``, and so on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import vocab as V


@dataclass
class Restriction:
    """An ``owl:Restriction`` (a blank node or IRI) on one property."""

    node: str
    on_property: str
    has_value: str | None = None
    some_values_from: str | None = None
    all_values_from: str | None = None


@dataclass
class TBox:
    """The compiled schema: every table keyed by N-Triples term strings."""

    #: class -> its strict superclasses (subClassOf, equivalentClass, intersection members, unions), closed.
    superclasses: dict[str, set[str]] = field(default_factory=dict)
    #: property -> its strict super-properties (subPropertyOf, equivalentProperty), closed.
    superproperties: dict[str, set[str]] = field(default_factory=dict)
    #: property -> the properties declared inverse of it (both directions of owl:inverseOf).
    inverses: dict[str, set[str]] = field(default_factory=dict)
    transitive: set[str] = field(default_factory=set)
    symmetric: set[str] = field(default_factory=set)
    functional: set[str] = field(default_factory=set)
    inverse_functional: set[str] = field(default_factory=set)
    irreflexive: set[str] = field(default_factory=set)
    asymmetric: set[str] = field(default_factory=set)
    domains: dict[str, set[str]] = field(default_factory=dict)
    ranges: dict[str, set[str]] = field(default_factory=dict)
    #: intersection class -> its member classes (for cls-int1).
    intersections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    restrictions: list[Restriction] = field(default_factory=list)
    #: pairs of classes declared disjoint (owl:disjointWith, owl:AllDisjointClasses), each pair sorted.
    disjoint: set[tuple[str, str]] = field(default_factory=set)
    #: the pairs declared by owl:disjointWith (rule cax-dw) and by owl:AllDisjointClasses (cax-adc).
    disjoint_with: set[tuple[str, str]] = field(default_factory=set)
    all_disjoint: set[tuple[str, str]] = field(default_factory=set)
    #: class -> its direct superclasses and property -> its direct super-properties (for explanations).
    direct_superclasses: dict[str, set[str]] = field(default_factory=dict)
    direct_superproperties: dict[str, set[str]] = field(default_factory=dict)
    #: the schema triples themselves (for explanations).
    triples: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def needs_types_index(self) -> bool:
        """Return True if some rule joins two facts about types (intersections, restrictions)."""
        return bool(self.intersections or self.restrictions)


def is_schema_triple(s: str, p: str, o: str) -> bool:
    """Return True if a triple is read by :func:`compile_tbox`."""
    return p in V.SCHEMA_PREDICATES or (p == V.TYPE and o in V.SCHEMA_TYPES)


def _closure(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    """Return the transitive closure of a relation given as node -> direct successors (strict)."""
    closed: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(direct.get(node, ()))
        seen.discard(start)
        closed[start] = seen
    return closed


def _list_items(head: str, first: dict[str, str], rest: dict[str, str]) -> list[str]:
    items: list[str] = []
    seen: set[str] = set()
    node = head
    while node != V.NIL and node in first and node not in seen:
        seen.add(node)
        items.append(first[node])
        node = rest.get(node, V.NIL)
    return items


def compile_tbox(triples: Iterable[tuple[str, str, str]]) -> TBox:
    """Compile schema triples (N-Triples term strings) into a :class:`TBox`.

    Triples that are not schema triples (see :func:`is_schema_triple`) are ignored.
    """
    tbox = TBox()
    sub_class: dict[str, set[str]] = defaultdict(set)
    sub_prop: dict[str, set[str]] = defaultdict(set)
    inverses: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    rest: dict[str, str] = {}
    intersection_heads: dict[str, str] = {}
    union_heads: dict[str, str] = {}
    disjoint_lists: list[str] = []
    by_node: dict[str, dict[str, str]] = defaultdict(dict)
    characteristic = {
        V.TRANSITIVE_PROPERTY: tbox.transitive,
        V.SYMMETRIC_PROPERTY: tbox.symmetric,
        V.FUNCTIONAL_PROPERTY: tbox.functional,
        V.INVERSE_FUNCTIONAL_PROPERTY: tbox.inverse_functional,
        V.IRREFLEXIVE_PROPERTY: tbox.irreflexive,
        V.ASYMMETRIC_PROPERTY: tbox.asymmetric,
    }
    for s, p, o in triples:
        if not is_schema_triple(s, p, o):
            continue
        tbox.triples.add((s, p, o))
        if p == V.SUB_CLASS_OF:
            sub_class[s].add(o)
        elif p == V.EQUIVALENT_CLASS:
            sub_class[s].add(o)
            sub_class[o].add(s)
        elif p == V.SUB_PROPERTY_OF:
            sub_prop[s].add(o)
        elif p == V.EQUIVALENT_PROPERTY:
            sub_prop[s].add(o)
            sub_prop[o].add(s)
        elif p == V.INVERSE_OF:
            inverses[s].add(o)
            inverses[o].add(s)
        elif p == V.DOMAIN:
            domains[s].add(o)
        elif p == V.RANGE:
            ranges[s].add(o)
        elif p == V.FIRST:
            first[s] = o
        elif p == V.REST:
            rest[s] = o
        elif p == V.INTERSECTION_OF:
            intersection_heads[s] = o
        elif p == V.UNION_OF:
            union_heads[s] = o
        elif p == V.DISJOINT_WITH:
            tbox.disjoint.add(tuple(sorted((s, o))))
            tbox.disjoint_with.add(tuple(sorted((s, o))))
        elif p == V.MEMBERS:
            disjoint_lists.append((s, o))
        elif p in (V.ON_PROPERTY, V.HAS_VALUE, V.SOME_VALUES_FROM, V.ALL_VALUES_FROM):
            by_node[s][p] = o
        elif p == V.TYPE:
            if o in characteristic:
                characteristic[o].add(s)

    for cls, head in intersection_heads.items():
        members = _list_items(head, first, rest)
        if members:
            tbox.intersections[cls] = tuple(members)
            sub_class[cls].update(members)  # scm-int / cls-int2
    for cls, head in union_heads.items():
        for member in _list_items(head, first, rest):  # scm-uni / cls-uni
            sub_class[member].add(cls)
    all_disjoint = {s for s, p, o in tbox.triples if p == V.TYPE and o == V.ALL_DISJOINT_CLASSES}
    for node, head in disjoint_lists:
        if node in all_disjoint:
            members = _list_items(head, first, rest)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    tbox.disjoint.add(tuple(sorted((a, b))))
                    tbox.all_disjoint.add(tuple(sorted((a, b))))
    for node, props in by_node.items():
        if V.ON_PROPERTY in props:
            tbox.restrictions.append(
                Restriction(
                    node,
                    props[V.ON_PROPERTY],
                    props.get(V.HAS_VALUE),
                    props.get(V.SOME_VALUES_FROM),
                    props.get(V.ALL_VALUES_FROM),
                )
            )

    tbox.direct_superclasses = {c: set(s) for c, s in sub_class.items()}
    tbox.direct_superproperties = {p: set(s) for p, s in sub_prop.items()}
    tbox.superclasses = {c: s for c, s in _closure(sub_class).items() if s}
    tbox.superproperties = {p: s for p, s in _closure(sub_prop).items() if s}
    tbox.inverses = dict(inverses)
    tbox.domains = dict(domains)
    tbox.ranges = dict(ranges)
    return tbox
