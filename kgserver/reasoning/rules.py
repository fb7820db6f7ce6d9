"""One semi-naive evaluation of the kept OWL 2 RL rules over integer-encoded facts.

The compiled schema (:class:`.tbox.TBox`) is turned into look-up tables keyed by term ids; each
round applies every rule to the delta (the facts new since the previous round), joined with all
facts where a rule has two premises.  :mod:`.stratified` evaluates the same tables in fewer passes
when the schema allows it; :class:`.engine.Reasoner` decides which runs.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import compress
from operator import methodcaller

from . import vocab as V
from .tbox import TBox


class Evaluation:
    """One semi-naive evaluation over integer-encoded facts (mutates ``facts``)."""

    def __init__(self, ids: dict[str, int], tbox: TBox, facts: dict[int, set[tuple[int, int]]]):
        self.ids = ids
        self.facts = facts
        self.literal = set(compress(ids.values(), map(methodcaller("startswith", '"'), ids)))

        def enc(term: str) -> int:
            i = ids.get(term)
            if i is None:
                i = ids[term] = len(ids)
                if term[0] == '"':
                    self.literal.add(i)
            return i

        self.type = enc(V.TYPE)
        self.same_as = enc(V.SAME_AS)
        self.thing = enc(V.THING)
        live = live_classes(tbox)
        self.superclasses = {enc(c): {enc(d) for d in ds if d in live} for c, ds in tbox.superclasses.items()}
        self.superproperties = {enc(p): {enc(q) for q in qs} for p, qs in tbox.superproperties.items()}
        self.inverses = {enc(p): {enc(q) for q in qs} for p, qs in tbox.inverses.items()}
        self.domains = {enc(p): {enc(c) for c in cs if c in live} for p, cs in tbox.domains.items()}
        self.ranges = {enc(p): {enc(c) for c in cs if c in live} for p, cs in tbox.ranges.items()}
        self.symmetric = {enc(p) for p in tbox.symmetric} | {self.same_as}  # eq-sym
        self.transitive = {enc(p) for p in tbox.transitive} | {self.same_as}  # eq-trans
        self.intersections = {enc(c): tuple(enc(m) for m in ms) for c, ms in tbox.intersections.items()}
        self.intersections_of: dict[int, list[int]] = defaultdict(list)
        for cls, members in self.intersections.items():
            for member in set(members):
                self.intersections_of[member].append(cls)
        # restrictions, indexed by property and by the restriction class
        self.hv_by_prop: dict[int, list[tuple[int, int]]] = defaultdict(list)  # p -> (value, R)
        self.hv_by_class: dict[int, list[tuple[int, int]]] = defaultdict(list)  # R -> (p, value)
        self.svf_by_prop: dict[int, list[tuple[int, int]]] = defaultdict(list)  # p -> (D, R)
        self.svf_by_filler: dict[int, list[tuple[int, int]]] = defaultdict(list)  # D -> (p, R)
        self.avf_by_prop: dict[int, list[tuple[int, int]]] = defaultdict(list)  # p -> (R, D)
        self.avf_by_class: dict[int, list[tuple[int, int]]] = defaultdict(list)  # R -> (p, D)
        self.datatype_fillers: set[int] = set()
        for r in tbox.restrictions:
            node, prop = enc(r.node), enc(r.on_property)
            if r.has_value is not None:
                value = enc(r.has_value)
                self.hv_by_prop[prop].append((value, node))
                self.hv_by_class[node].append((prop, value))
            if r.some_values_from is not None:
                filler = enc(r.some_values_from)
                self.svf_by_prop[prop].append((filler, node))
                self.svf_by_filler[filler].append((prop, node))
            if r.all_values_from is not None:
                filler = enc(r.all_values_from)
                self.avf_by_prop[prop].append((node, filler))
                self.avf_by_class[node].append((prop, filler))
                if r.all_values_from.startswith(V.BUILTIN_PREFIXES):
                    self.datatype_fillers.add(filler)  # cls-avf never types a literal: see stratified
        # indexes: successors and predecessors for the properties that take part in joins
        joined = set(self.transitive) | set(self.svf_by_prop) | set(self.avf_by_prop)
        self.succ: dict[int, dict[int, set[int]]] = {p: defaultdict(set) for p in joined}
        self.pred: dict[int, dict[int, set[int]]] = {p: defaultdict(set) for p in joined}
        # the types cls-int1, cls-svf1 and cls-avf look up, per individual
        self.indexed_types = set(self.intersections_of) | set(self.svf_by_filler) | set(self.avf_by_class)
        self.types_of: dict[int, set[int]] | None = defaultdict(set) if self.indexed_types else None
        self.same: dict[int, set[int]] = defaultdict(set)
        #: predicate -> the facts derived (not asserted), filled by :meth:`run`
        self.new: dict[int, set[tuple[int, int]]] = {}
        self.flips = set(self.inverses) | self.symmetric | set(self.ranges) | set(self.avf_by_prop)

    def _index(self, delta: dict[int, set[tuple[int, int]]]) -> None:
        for p, pairs in delta.items():
            if p in self.succ:
                succ, pred = self.succ[p], self.pred[p]
                for s, o in pairs:
                    succ[s].add(o)
                    pred[o].add(s)
        if self.types_of is not None and self.type in delta:
            types_of, indexed = self.types_of, self.indexed_types
            for x, c in delta[self.type]:
                if c in indexed:
                    types_of[x].add(c)

    def run(self) -> int:
        """Evaluate to the fixed point; return the number of rounds."""
        delta = {p: pairs for p, pairs in self.facts.items() if pairs}
        self._index(delta)
        rounds = 0
        while delta:
            rounds += 1
            candidates = self._apply(delta)
            delta = {}
            for p, pairs in candidates.items():
                known = self.facts[p]
                new = pairs - known
                if new:
                    known |= new
                    delta[p] = new
                    if p in self.new:
                        self.new[p] |= new
                    else:
                        self.new[p] = set(new)
            self._index(delta)
        return rounds

    def _apply(self, delta: dict[int, set[tuple[int, int]]]) -> dict[int, set[tuple[int, int]]]:
        out: dict[int, set[tuple[int, int]]] = defaultdict(set)
        literal = self.literal
        type_ = self.type
        out_type = out[type_]
        for p, pairs in delta.items():
            for q in self.superproperties.get(p, ()):  # prp-spo1, prp-eqp1/2
                out[q] |= pairs
            if p in self.flips:  # the rules below put the object in subject position
                objects_ok = [(s, o) for s, o in pairs if o not in literal] if literal else pairs
            for q in self.inverses.get(p, ()):  # prp-inv1/2
                out[q].update([(o, s) for s, o in objects_ok])
            if p in self.symmetric:  # prp-symp, eq-sym
                out[p].update([(o, s) for s, o in objects_ok])
            for c in self.domains.get(p, ()):  # prp-dom
                out_type.update([(s, c) for s, _ in pairs])
            for c in self.ranges.get(p, ()):  # prp-rng
                out_type.update([(o, c) for _, o in objects_ok])
            if p in self.transitive:  # prp-trp, eq-trans
                succ, pred = self.succ[p], self.pred[p]
                target = out[p]
                for s, o in pairs:
                    for z in succ.get(o, ()):
                        target.add((s, z))
                    for w in pred.get(s, ()):
                        target.add((w, o))
            for value, r in self.hv_by_prop.get(p, ()):  # cls-hv2
                out_type.update([(s, r) for s, o in pairs if o == value])
            for filler, r in self.svf_by_prop.get(p, ()):  # cls-svf1/2
                if filler == self.thing:
                    out_type.update([(s, r) for s, _ in pairs])
                else:
                    types_of = self.types_of
                    out_type.update([(s, r) for s, o in pairs if filler in types_of.get(o, ())])
            for r, filler in self.avf_by_prop.get(p, ()):  # cls-avf
                types_of = self.types_of
                out_type.update([(o, filler) for s, o in objects_ok if r in types_of.get(s, ())])
            if p == type_:
                self._apply_types(pairs, out)
            if p == self.same_as:
                self._apply_same_as(pairs, out)
        if self.same:
            self._replace_equals(delta, out)  # eq-rep-s, eq-rep-o for the new facts
        return out

    def _apply_types(self, pairs: set[tuple[int, int]], out: dict[int, set[tuple[int, int]]]) -> None:
        out_type = out[self.type]
        superclasses = self.superclasses
        for x, c in pairs:
            supers = superclasses.get(c)
            if supers:  # cax-sco, cax-eqc1/2, cls-int2, cls-uni
                out_type.update([(x, d) for d in supers])
            for prop, value in self.hv_by_class.get(c, ()):  # cls-hv1
                out[prop].add((x, value))
            for cls in self.intersections_of.get(c, ()):  # cls-int1
                types = self.types_of.get(x, ())
                if all(m in types for m in self.intersections[cls]):
                    out_type.add((x, cls))
            for prop, r in self.svf_by_filler.get(c, ()):  # cls-svf1, the filler's type is new
                out_type.update([(w, r) for w in self.pred[prop].get(x, ())])
            for prop, filler in self.avf_by_class.get(c, ()):  # cls-avf, the restriction's type is new
                out_type.update([(y, filler) for y in self.succ[prop].get(x, ()) if y not in self.literal])

    def _apply_same_as(self, pairs: set[tuple[int, int]], out: dict[int, set[tuple[int, int]]]) -> None:
        """Record new owl:sameAs pairs and copy every known fact across them (eq-rep-s/o)."""
        fresh: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            if a != b and a not in self.literal and b not in self.literal:
                self.same[a].add(b)
                fresh[a].add(b)
        if fresh:
            self._replace(list(self.facts.items()), fresh, out)

    def _replace_equals(self, delta, out) -> None:
        self._replace(delta.items(), self.same, out)

    def _replace(self, facts, same: dict[int, set[int]], out) -> None:
        """Copy ``facts`` (property, pairs) across the equalities ``same`` (eq-rep-s, eq-rep-o, eq-rep-p)."""
        for p, pairs in facts:
            if p == self.same_as:
                continue
            target = out[p]
            for s, o in pairs:
                if s in same:
                    target.update([(b, o) for b in same[s]])
                if o in same:
                    target.update([(s, b) for b in same[o]])
            for q in same.get(p, ()):  # eq-rep-p: the property under another name
                out[q] |= pairs


def live_classes(tbox: TBox) -> set[str]:
    """Return the classes whose instances matter: kept in the output, or read by a rule or a check.

    Types to the other classes (anonymous unions used as domains, owl:Thing...) would be
    dropped as junk and lead nowhere, so the rules do not derive them at all.
    """
    def base(c: str) -> bool:
        return (c[0] == "<" and not c.startswith(V.BUILTIN_PREFIXES)) or c in special

    special = {V.NOTHING}
    special.update(c for pair in tbox.disjoint for c in pair)
    for members in tbox.intersections.values():
        special.update(members)
    special.update(tbox.intersections)
    for r in tbox.restrictions:
        special.add(r.node)
        if r.some_values_from is not None:
            special.add(r.some_values_from)
    classes = set(tbox.superclasses) | {d for ds in tbox.superclasses.values() for d in ds}
    classes |= {c for cs in tbox.domains.values() for c in cs} | {c for cs in tbox.ranges.values() for c in cs}
    return {c for c in classes if base(c) or any(base(d) for d in tbox.superclasses.get(c, ()))}
