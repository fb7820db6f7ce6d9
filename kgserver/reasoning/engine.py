"""The fast reasoner: the kept OWL 2 RL rules, compiled against the schema, evaluated semi-naively.

Terms are N-Triples strings encoded as integers; facts are kept per predicate as sets of
``(subject, object)`` pairs.  Each round applies every rule to the facts that are new since
the previous round (the delta), joined with all facts where a rule has two premises
(``prp-trp``, ``cls-int1``, ``cls-svf1``, ``cls-avf``), until a round adds nothing.
The schema rules were applied once by :mod:`.tbox`, so most rules are table look-ups.

Rules evaluated (names from the OWL 2 RL profile, section 4.3): ``prp-dom``, ``prp-rng``,
``prp-spo1``, ``prp-eqp1/2``, ``prp-inv1/2``, ``prp-symp``, ``prp-trp``, ``cax-sco``,
``cax-eqc1/2``, ``cls-int1/2``, ``cls-uni``, ``cls-hv1/2``, ``cls-svf1/2``, ``cls-avf``,
``eq-sym``, ``eq-trans``, ``eq-rep-s/p/o`` (also on the schema: an axiom about a resource holds of
every resource ``owl:sameAs`` it, see :func:`_schema_triples`).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from itertools import chain, compress, count, repeat
from operator import call, itemgetter, methodcaller

from . import stratified
from . import vocab as V
from .nogc import paused_gc
from .rules import Evaluation
from .tbox import TBox, compile_tbox

_first = itemgetter(0)
_second = itemgetter(1)


class Inference:
    """The outcome of a materialisation: the new useful triples and figures about the run.

    The triples are kept integer-encoded and decoded on demand: :attr:`triples` as
    N-Triples term-string tuples, :meth:`ntriples` as N-Triples text (the fast way into Oxigraph).
    """

    def __init__(self, terms: list[str], kept: dict[int, set[tuple[int, int]]], asserted: int,
                 derived: int, rounds: int, tbox: TBox | None = None):
        self.terms = terms
        self.kept = kept
        self.asserted = asserted
        self.derived = derived  # every new triple the rules produced, before dropping the junk
        self.rounds = rounds
        self.tbox = tbox
        self._triples: list[tuple[str, str, str]] | None = None

    def __len__(self) -> int:
        return sum(len(pairs) for pairs in self.kept.values())

    @property
    def triples(self) -> list[tuple[str, str, str]]:
        """Return the new useful triples as (subject, predicate, object) N-Triples term strings."""
        if self._triples is None:
            terms = self.terms
            self._triples = [(terms[s], terms[p], terms[o]) for p, pairs in self.kept.items() for s, o in pairs]
        return self._triples

    def ntriples_chunks(self, graph: str | None = None, size: int = 200_000, *,
                        consume: bool = False) -> Iterator[bytes]:
        """Yield the new useful triples as N-Triples text (UTF-8), or as N-Quads in ``graph``.

        :param graph: an IRI: write N-Quads in that named graph instead of N-Triples.
        :param size: about how many lines one chunk holds (chunks keep memory bounded and let a
            reader load one while the next is written).
        :param consume: drop each predicate's triples from this inference once it is written
            (their memory is freed as the text is made; the inference is empty afterwards).
        """
        terms = self.terms
        end = f" <{graph}> .\n" if graph else " .\n"
        for p in list(self.kept):
            pairs = list(self.kept.pop(p) if consume else self.kept[p])
            for start in range(0, len(pairs), size):
                with paused_gc():
                    text = _lines(terms, terms[p], pairs[start:start + size], end).encode("utf-8")
                yield text
            del pairs

    def ntriples(self) -> bytes:
        """Return the new useful triples as N-Triples text (UTF-8)."""
        return b"".join(self.ntriples_chunks())

    def partition_blank(self) -> tuple[Inference, list[tuple[str, str, str]]]:
        """Return this inference without the triples that name a blank node, and those triples.

        Text loaded into Oxigraph is a document of its own, whose blank nodes get new labels:
        the triples about the store's blank nodes must be added as terms, not as text.
        """
        terms = self.terms
        blank = set(compress(range(len(terms)), map(methodcaller("startswith", "_:"), terms)))
        if not blank:
            return self, []
        kept: dict[int, set[tuple[int, int]]] = {}
        triples: list[tuple[str, str, str]] = []
        for p, pairs in self.kept.items():
            if blank.isdisjoint(chain.from_iterable(pairs)):
                kept[p] = pairs
                continue
            plain = {(s, o) for s, o in pairs if s not in blank and o not in blank}
            triples.extend((terms[s], terms[p], terms[o]) for s, o in pairs - plain)
            if plain:
                kept[p] = plain
        return Inference(terms, kept, self.asserted, self.derived, self.rounds, self.tbox), triples

    def without_types(self, classes: frozenset[str]) -> Inference:
        """Return this inference without the ``rdf:type`` triples to ``classes`` (junk kept for the checks)."""
        type_ = next((p for p in self.kept if self.terms[p] == V.TYPE), None)
        drop = {self.terms.index(c) for c in classes if c in self.terms} if type_ is not None else set()
        kept = dict(self.kept)
        if drop and any(o in drop for _, o in kept[type_]):
            kept[type_] = {(s, o) for s, o in kept[type_] if o not in drop}
            if not kept[type_]:
                del kept[type_]
        return Inference(self.terms, kept, self.asserted, self.derived, self.rounds, self.tbox)


def _lines(terms: list[str], predicate: str, pairs: list[tuple[int, int]], end: str) -> str:
    """Return the text of ``pairs`` of ``predicate``: one ``s p o<end>`` line each.

    The pieces are laid out in one list by slice assignment and joined once: no string per
    line and no Python step per line, which matters for millions of inferred triples.
    """
    n = len(pairs)
    parts: list[str] = [end] * (4 * n)
    get = terms.__getitem__
    parts[0::4] = map(get, map(_first, pairs))
    parts[1::4] = repeat(f" {predicate} ", n)
    parts[2::4] = map(get, map(_second, pairs))
    return "".join(parts)


def is_useful(s: str, p: str, o: str) -> bool:
    """Return True if an inferred triple is worth serving (see ``docs/reasoning.md``).

    Dropped: literal subjects, subjects from the built-in vocabulary (rdf:, rdfs:, owl:,
    xsd:), schema axioms (rdfs:subClassOf, owl:inverseOf... the TBox is served as asserted),
    types that are built-in classes (owl:Thing, rdfs:Resource, owl:Class...) or anonymous
    class expressions, ``x owl:sameAs x``, owl:sameAs involving blank nodes or literals, and
    triples whose predicate is not an IRI.
    """
    if s[0] == '"' or s.startswith(V.BUILTIN_PREFIXES) or p[0] != "<":
        return False  # a blank-node predicate (from an inverse of an anonymous property) is not RDF
    if p == V.TYPE:
        return o[0] == "<" and not o.startswith(V.BUILTIN_PREFIXES)
    if p == V.SAME_AS:
        return s != o and s[0] == "<" and o[0] == "<"
    if p.startswith(V.BUILTIN_PREFIXES):
        return p in V.KEPT_BUILTIN_PREDICATES
    return True


class Reasoner:
    """Materialise the kept entailments of a set of triples.

    :param tbox: the compiled schema; by default it is compiled from the triples given to :meth:`run`.
    :param strategy: ``auto`` uses the stratified evaluation (:mod:`.stratified`) when it applies,
        ``general`` always uses the semi-naive loop.
    """

    def __init__(self, tbox: TBox | None = None, strategy: str = "auto"):
        if strategy not in ("auto", "general"):
            raise ValueError(f"unknown strategy {strategy!r}; expected 'auto' or 'general'")
        self.tbox = tbox
        self.strategy = strategy

    def run(self, triples: Iterable[tuple[str, str, str]], keep_types: frozenset[str] = frozenset(),
            base: tuple | None = None) -> Inference:
        """Return the useful triples (see :func:`is_useful`) entailed by ``triples`` that are not among them.

        :param triples: (subject, predicate, object) N-Triples term strings, schema and data together.
        :param keep_types: classes whose inferred instances are returned even though
            :func:`is_useful` would drop them (the consistency check asks for ``owl:Nothing``).
        :param base: :func:`encode` of more triples, reasoned on with ``triples`` (and left unchanged).
        """
        with paused_gc():
            return self._run(triples, keep_types, base)

    def _run(self, triples: Iterable[tuple[str, str, str]], keep_types: frozenset[str], base=None) -> Inference:
        ids, facts = encode(triples, base)
        n_asserted = sum(len(v) for v in facts.values())
        terms = list(ids)
        tbox = self.tbox if self.tbox is not None else compile_tbox(_schema_triples(ids, terms, facts))
        evaluation = Evaluation(ids, tbox, facts)
        if self.strategy == "auto" and stratified.applies(evaluation):
            rounds = stratified.run(evaluation)
        else:
            rounds = evaluation.run()
        terms = list(ids)  # the rules may have encoded schema terms absent from the data
        derived = sum(len(v) for v in evaluation.new.values())
        _check_new(evaluation.facts, n_asserted, derived)
        kept = _useful_facts(terms, evaluation.new, keep_types)
        return Inference(terms, kept, n_asserted, derived, rounds, tbox)


def _check_new(facts: dict[int, set[tuple[int, int]]], asserted: int, derived: int) -> None:
    """Check that the new facts are none of the asserted ones (the served store relies on it).

    The rules add to ``facts`` (the asserted facts at first) exactly what they add to the new
    facts, and only pairs ``facts`` did not hold; the fact tables then hold as many pairs as the
    asserted and new facts together only if no new fact was asserted.  Counting costs nothing;
    served, an asserted triple also inferred would be matched twice (:mod:`kgserver.engine.layout`).

    :raises RuntimeError: if a new fact is an asserted one (a fault in the rules' code).
    """
    held = sum(len(pairs) for pairs in facts.values())
    if held != asserted + derived:
        raise RuntimeError(f"the reasoner's new facts overlap the asserted ones ({asserted} asserted + "
                           f"{derived} new facts, {held} held)")


def encode(triples: Iterable[tuple[str, str, str]],
           base: tuple | None = None) -> tuple[dict[str, int], dict[int, set[tuple[int, int]]]]:
    """Number the terms of ``triples`` (in order of first use) and group the facts by predicate.

    :param base: an earlier ``encode`` result, copied (never changed) and added to: the triples' new terms
        are numbered after its own (a contribution's few triples on top of the bundle's, encoded once per
        validation context instead of at each validation).
    :returns: term -> id, and predicate id -> the set of (subject id, object id) pairs.

    Every step runs in C (``dict.fromkeys``, ``map``, slices, ``operator.call``): a Python loop
    over a million triples took several times as long.
    """
    flat = list(chain.from_iterable(triples))
    if len(flat) % 3:
        raise ValueError("every triple must have three terms")
    facts: dict[int, set[tuple[int, int]]] = defaultdict(set)
    if base is None:
        ids = dict(zip(dict.fromkeys(flat), count()))
    else:
        ids = dict(base[0])
        ids.update(zip([term for term in dict.fromkeys(flat) if term not in ids], count(len(ids))))
        facts.update((p, set(pairs)) for p, pairs in base[1].items())
    numbers = list(map(ids.__getitem__, flat))
    del flat
    predicates = numbers[1::3]
    grouped: dict[int, list[tuple[int, int]]] = {p: [] for p in dict.fromkeys(predicates)}
    appenders = {p: pairs.append for p, pairs in grouped.items()}
    deque(map(call, map(appenders.__getitem__, predicates), zip(numbers[0::3], numbers[2::3])), maxlen=0)
    for p, pairs in grouped.items():
        facts[p].update(pairs)
    return ids, facts


def _schema_triples(ids: dict[str, int], terms: list[str], facts) -> list[tuple[str, str, str]]:
    """Return the schema triples among integer-encoded facts, decoded."""
    schema = []
    for predicate in V.SCHEMA_PREDICATES:
        p = ids.get(predicate)
        if p is not None and p in facts:
            schema.extend((terms[s], predicate, terms[o]) for s, o in facts[p])
    type_ = ids.get(V.TYPE)
    kinds = {ids[k]: k for k in V.SCHEMA_TYPES if k in ids}
    if type_ is not None and kinds and type_ in facts:
        schema.extend((terms[s], V.TYPE, kinds[o]) for s, o in facts[type_] if o in kinds)
    same_as = ids.get(V.SAME_AS)
    if same_as is not None and facts.get(same_as):
        schema = _substitute_equals(schema, [(terms[a], terms[b]) for a, b in facts[same_as]])
    return schema


def _substitute_equals(schema: list[tuple[str, str, str]], same: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Return the schema triples plus their copies with each term replaced by a resource owl:sameAs it.

    eq-rep-s/o on schema axioms: the schema is compiled once, before the instance rules run, so the
    equalities are applied to it here (those the data asserts, closed under symmetry and transitivity).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in same:
        if a[0] != '"' and b[0] != '"':
            parent[find(a)] = find(b)
    classes: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        classes[find(x)].add(x)
        classes[find(x)].add(find(x))
    members = {x: classes[find(x)] for x in parent}
    out = set(schema)
    for s, p, o in schema:
        for s2 in members.get(s, (s,)):
            for o2 in members.get(o, (o,)):
                out.add((s2, p, o2))
    return sorted(out)


def _useful_facts(terms: list[str], new: dict[int, set[tuple[int, int]]],
                  keep_types: frozenset[str]) -> dict[int, set[tuple[int, int]]]:
    """Return the new facts that :func:`is_useful` keeps, deciding per predicate and per class."""
    kept: dict[int, set[tuple[int, int]]] = {}
    bad_subjects = _bad_subject_ids(terms)
    for p, pairs in new.items():
        ps = terms[p]
        if ps[0] != "<":  # a blank node or literal as predicate: not an RDF triple
            continue
        if ps == V.TYPE:
            classes = set(map(_second, pairs))
            good = {c for c in classes if is_useful("<s>", V.TYPE, terms[c]) or terms[c] in keep_types}
            if good == classes:
                bad = None if bad_subjects.isdisjoint(map(_first, pairs)) else {s for s, _ in pairs} & bad_subjects
                chosen = {(s, o) for s, o in pairs if s not in bad} if bad else pairs
            else:
                chosen = {(s, o) for s, o in pairs if o in good and s not in bad_subjects}
        elif ps == V.SAME_AS:
            chosen = {(s, o) for s, o in pairs
                      if s != o and terms[s][0] == "<" and terms[o][0] == "<" and s not in bad_subjects}
        elif is_useful("<s>", ps, "<o>"):
            bad = None if bad_subjects.isdisjoint(map(_first, pairs)) else {s for s, _ in pairs} & bad_subjects
            chosen = {(s, o) for s, o in pairs if s not in bad} if bad else pairs
        else:
            continue
        if chosen:
            kept[p] = chosen
    return kept


def _bad_subject_ids(terms: list[str]) -> set[int]:
    """Return the ids of the literals and of the IRIs in the built-in namespaces among ``terms``.

    The scan runs in C (``compress`` over ``map``): it visits every term, a million at 1M triples.
    """
    starts = methodcaller("startswith", ('"', *V.BUILTIN_PREFIXES))
    return set(compress(range(len(terms)), map(starts, terms)))


def iter_graph_triples(graph) -> Iterator[tuple[str, str, str]]:
    """Yield the triples of an rdflib graph as N-Triples term strings."""
    from .terms import to_nt

    for s, p, o in graph:
        yield to_nt(s), to_nt(p), to_nt(o)
