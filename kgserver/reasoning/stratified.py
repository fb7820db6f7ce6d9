"""The stratified evaluation: property facts first, then types in one pass.

When the schema has no class expression that turns types back into property values or
needs joins between types (``owl:hasValue``, ``owl:someValuesFrom``, ``owl:allValuesFrom``,
``owl:intersectionOf`` restrictions) and the data states no ``owl:sameAs``, the kept rules
split into two strata:

1. property facts: ``prp-spo1``, ``prp-eqp1/2``, ``prp-inv1/2``, ``prp-symp`` are compiled into
   one table, property -> the (property, direction) pairs it implies; every fact is copied
   along that table once, then ``prp-trp`` closes each transitive property by a depth-first
   walk (its new facts are copied along the table again, until nothing changes).  A transitive
   property whose facts always mirror another one's (``ess:isPartOfPlan`` / ``ess:planIncludes``)
   is closed by mirroring instead of a second walk;
2. types: ``prp-dom`` and ``prp-rng`` on the final property facts, then ``cax-sco`` (with
   ``cax-eqc``, ``cls-uni``, ``cls-int2`` compiled into the superclass table) in one pass.

It gives the same facts as the general semi-naive loop of :mod:`.engine` (a test checks it)
in far fewer set operations.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import repeat
from operator import itemgetter

_DONE = object()
_first = itemgetter(0)
_second = itemgetter(1)
_swap = itemgetter(1, 0)


def applies(evaluation) -> bool:
    """Return True if the stratified evaluation gives the same result as the general loop."""
    if evaluation.facts.get(evaluation.same_as):
        return False
    if not (evaluation.intersections or evaluation.hv_by_prop or evaluation.svf_by_prop or evaluation.avf_by_prop):
        return True
    return class_expressions_inert(evaluation)


def class_expressions_inert(evaluation) -> bool:
    """Return True if no ``owl:hasValue``, ``owl:someValuesFrom``, ``owl:allValuesFrom`` or intersection rule can fire.

    The official vocabularies bring such class expressions (OWL-Time's ``time:DateTimeDescription``,
    ORG's ``org:OrganizationalCollaboration``) that the data never reaches.  A rule cannot fire when:
    its property has no fact, asserted or implied (``cls-hv2``, ``cls-svf1/2``); its restriction class
    can have no instance (``cls-hv1``); either of those, or its filler is a datatype (``cls-avf``: the
    reasoner never types a literal); one member of the intersection can have no instance (``cls-int1``).
    "Can have an instance": a class some fact types a resource with, a domain or range of a property
    with facts, or one of their superclasses.  Cheap: one pass over the distinct classes of the types.
    """
    ev = evaluation
    table = implied_properties(ev)
    used = {p for p, pairs in ev.facts.items() if pairs}
    used |= {q for p in list(used) for q, _ in table.get(p, ())}
    seeds = set(map(_second, ev.facts.get(ev.type, ())))
    for p in used:
        seeds |= ev.domains.get(p, set()) | ev.ranges.get(p, set())
    possible = set(seeds)
    for c in seeds:
        possible |= ev.superclasses.get(c, set())
    read = set(ev.svf_by_filler) | {m for members in ev.intersections.values() for m in members}
    if any(p in used for p in ev.hv_by_prop) or any(r in possible for r in ev.hv_by_class):
        return False
    if any(p in used for p in ev.svf_by_prop):
        return False
    for p, items in ev.avf_by_prop.items():
        for r, filler in items:
            datatype = filler in ev.datatype_fillers and filler not in read
            if p in used and r in possible and not datatype:
                return False
    return not any(all(m in possible for m in members) for members in ev.intersections.values())


def implied_properties(evaluation) -> dict[int, set[tuple[int, bool]]]:
    """Return property -> the (property, flipped) pairs its facts imply, by sub-property, inverse, symmetry."""
    props = set(evaluation.superproperties) | set(evaluation.inverses) | set(evaluation.symmetric)
    table: dict[int, set[tuple[int, bool]]] = {}
    for start in props:
        seen: set[tuple[int, bool]] = set()
        stack = [(start, False)]
        while stack:
            p, flipped = stack.pop()
            nexts = [(q, flipped) for q in evaluation.superproperties.get(p, ())]
            nexts += [(q, not flipped) for q in evaluation.inverses.get(p, ())]
            if p in evaluation.symmetric:
                nexts.append((p, not flipped))
            for item in nexts:
                if item not in seen:
                    seen.add(item)
                    stack.append(item)
        seen.discard((start, False))
        if seen:
            table[start] = seen
    return table


def transitive_closure(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Return the transitive closure of a relation (a depth-first walk with memoised reach sets)."""
    succ: dict[int, list[int]] = defaultdict(list)
    for s, o in pairs:
        succ[s].append(o)
    reach: dict[int, set[int]] = {}
    try:
        for root in succ:
            if root in reach:
                continue
            on_stack = {root}
            stack = [(root, iter(succ[root]))]
            while stack:
                node, children = stack[-1]
                child = next(children, _DONE)
                if child is _DONE:
                    found: set[int] = set()
                    for c in succ[node]:
                        found.add(c)
                        below = reach.get(c)
                        if below:
                            found |= below
                    reach[node] = found
                    on_stack.discard(node)
                    stack.pop()
                elif child in succ and child not in reach:
                    if child in on_stack:
                        raise _Cycle
                    on_stack.add(child)
                    stack.append((child, iter(succ[child])))
    except _Cycle:
        reach = reach_by_search(succ)
    return {(s, o) for s, found in reach.items() for o in found}


class _Cycle(Exception):
    """The relation has a cycle: memoised reach sets would be incomplete."""


def reach_by_search(succ: dict) -> dict:
    """Return, for every node with successors, the nodes reachable from it in one or more steps."""
    reach: dict[int, set[int]] = {}
    for root in succ:
        found: set[int] = set()
        stack = list(succ[root])
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(succ.get(node, ()))
        reach[root] = found
    return reach


def _flipped(pairs: set[tuple[int, int]], literal: set[int]) -> set[tuple[int, int]]:
    """Return the ``(o, s)`` of the pairs whose object is not a literal (in C when none is)."""
    if literal and not literal.isdisjoint(map(_second, pairs)):
        return {(o, s) for s, o in pairs if o not in literal}
    return set(map(_swap, pairs))


def run(evaluation) -> int:
    """Evaluate to the fixed point; fill ``evaluation.new``; return the number of passes."""
    facts = evaluation.facts
    literal = evaluation.literal
    new = evaluation.new
    table = implied_properties(evaluation)
    transitive = evaluation.transitive - {evaluation.same_as}

    def add(p: int, pairs) -> bool:
        known = facts[p]
        fresh = pairs - known if isinstance(pairs, set) else set(pairs) - known
        if not fresh:
            return False
        known |= fresh
        if p in new:
            new[p] |= fresh
        else:
            new[p] = fresh
        return True

    def spread(p: int, pairs: set[tuple[int, int]]) -> set[int]:
        """Copy ``pairs`` of ``p`` along the implication table; return the properties that grew."""
        grown = set()
        flipped = None
        for q, flip in table.get(p, ()):
            if flip:
                if flipped is None:
                    flipped = _flipped(pairs, literal)
                changed = add(q, flipped)
            else:
                changed = add(q, pairs)
            if changed:
                grown.add(q)
        return grown

    passes = 1
    for p in [p for p in list(facts) if p in table]:
        feeds_itself = any(q == p for q, _ in table[p])  # symmetric: copy, the set grows while read
        spread(p, set(facts[p]) if feeds_itself else facts[p])
    mirrors = {p: {q for q, flip in table.get(p, ()) if flip and q in transitive and (p, True) in table.get(q, ())}
               for p in transitive}
    pending = [p for p in transitive if facts.get(p)]
    closed: set[int] = set()
    while pending:
        passes += 1
        p = pending.pop()
        if p in closed:
            continue
        fresh = transitive_closure(facts[p]) - facts[p]
        closed.add(p)
        if not fresh:
            continue
        add(p, fresh)
        closed.update(mirrors[p])  # a mirror of a closed relation is closed
        for q in spread(p, fresh):
            if q in transitive and q not in mirrors[p]:
                closed.discard(q)
                pending.append(q)

    # types: domains and ranges of the final property facts, then superclasses in one pass
    type_ = evaluation.type
    types: set[tuple[int, int]] = set()
    for p, classes in evaluation.domains.items():
        if classes and facts.get(p):
            subjects = set(map(_first, facts[p]))
            for c in classes:
                types.update(zip(subjects, repeat(c)))
    for p, classes in evaluation.ranges.items():
        if classes and facts.get(p):
            objects = set(map(_second, facts[p])) - literal
            for c in classes:
                types.update(zip(objects, repeat(c)))
    types |= facts.get(type_, set())
    superclasses = evaluation.superclasses
    by_class: dict[int, list[int]] = defaultdict(list)
    for x, c in types:
        if c in superclasses:
            by_class[c].append(x)
    for c, members in by_class.items():
        for d in superclasses[c]:
            types.update([(x, d) for x in members])
    add(type_, types)
    return passes
