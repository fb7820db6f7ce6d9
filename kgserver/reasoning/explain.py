"""Say why a triple holds: the rule, its premises, recursively, down to asserted triples.

Derivations are not recorded during materialisation (that would cost memory on every
inferred triple); they are found again on demand by a backward search over the kept rules,
on the served store (asserted named graphs + inferred graph).  Every premise the search
uses holds in the store, so the search only chooses among real facts; it avoids cycles
(a triple is never used to derive itself) and prefers asserted premises, which gives
short derivations (for a transitive property, it steps along asserted links first).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH, PREFIXES
from . import vocab as V
from .tbox import TBox, compile_tbox
from .terms import from_nt, to_nt

if TYPE_CHECKING:  # the interface only (reasoning does not depend on the store layer)
    from ..storage import DatasetStore

_INFERRED = str(INFERRED_GRAPH)
MAX_DEPTH = 64

#: Rule name -> a sentence used in text output.
RULE_TEXT = {
    "cax-sco": "subclass: an instance of a class is an instance of its superclasses",
    "prp-dom": "domain: the subject of a property is an instance of its domain",
    "prp-rng": "range: the object of a property is an instance of its range",
    "prp-spo1": "sub-property: a sub-property's values are values of its super-property",
    "prp-inv": "inverse: a property's values hold backwards for its inverse",
    "prp-symp": "symmetric property: the value holds both ways",
    "prp-trp": "transitive property: two steps make one",
    "eq-sym": "owl:sameAs is symmetric",
    "eq-trans": "owl:sameAs is transitive",
    "eq-rep-s": "equality: what holds of a resource holds of the same resource under another name",
    "eq-rep-o": "equality: a value can be replaced by the same resource under another name",
    "eq-rep-p": "equality: a property can be replaced by the same property under another name",
}

Triple = tuple[str, str, str]


@dataclass
class Explanation:
    """A derivation tree.

    ``rule`` is None for an asserted triple (a leaf), whose ``graphs`` name the named graphs
    (source documents, editorial graphs, files) that assert it.  Otherwise ``premises`` are the
    explanations of the facts the rule used, ``schema`` the ontology axioms it relied on and
    ``schema_graphs`` the named graphs that assert each axiom (same order).
    """

    triple: Triple
    rule: str | None = None
    premises: list[Explanation] = field(default_factory=list)
    schema: list[Triple] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    schema_graphs: list[list[str]] = field(default_factory=list)

    @property
    def asserted(self) -> bool:
        """Return True if the triple is asserted (a leaf)."""
        return self.rule is None

    def leaves(self) -> Iterator[Explanation]:
        """Yield the asserted triples the derivation rests on."""
        if self.asserted:
            yield self
        for premise in self.premises:
            yield from premise.leaves()

    def to_dict(self) -> dict:
        """Return a JSON-ready tree (terms in N-Triples syntax)."""
        out: dict = {"triple": list(self.triple), "asserted": self.asserted}
        if self.asserted:
            out["graphs"] = list(self.graphs)
        else:
            out["rule"] = self.rule
            out["rule_text"] = RULE_TEXT.get(self.rule, self.rule)
            out["schema"] = [list(t) for t in self.schema]
            out["schema_graphs"] = [list(g) for g in self.schema_graphs]
            out["premises"] = [p.to_dict() for p in self.premises]
        return out

    def to_text(self, prefixes: dict[str, str] | None = None) -> str:
        """Return the tree as indented text, with prefixed names."""
        prefixes = PREFIXES if prefixes is None else prefixes
        lines: list[str] = []
        self._text(lines, 0, prefixes)
        return "\n".join(lines)

    def _text(self, lines: list[str], depth: int, prefixes: dict[str, str]) -> None:
        pad = "    " * depth
        triple = " ".join(shorten(t, prefixes) for t in self.triple)
        if self.asserted:
            where = ", ".join(shorten(f"<{g}>", prefixes) for g in self.graphs)
            lines.append(f"{pad}{triple}  [asserted in {where}]")
            return
        lines.append(f"{pad}{triple}  [inferred by {self.rule}: {RULE_TEXT.get(self.rule, self.rule)}]")
        for i, axiom in enumerate(self.schema):
            graphs = self.schema_graphs[i] if i < len(self.schema_graphs) else []
            where = f"  [in {', '.join(shorten(f'<{g}>', prefixes) for g in graphs)}]" if graphs else ""
            lines.append(f"{pad}    ontology: {' '.join(shorten(t, prefixes) for t in axiom)}{where}")
        for premise in self.premises:
            premise._text(lines, depth + 1, prefixes)


def shorten(term: str, prefixes: dict[str, str] | None = None) -> str:
    """Return an N-Triples IRI as a prefixed name when a prefix fits, else unchanged."""
    prefixes = PREFIXES if prefixes is None else prefixes
    if term.startswith("<") and term.endswith(">"):
        iri = term[1:-1]
        best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
        if best is not None:
            local = iri[len(best):]
            if local and all(c.isalnum() or c in "-_./" for c in local) and not local.endswith("."):
                prefix = next(p for p, ns in prefixes.items() if ns == best)
                return f"{prefix}:{local}"
    return term


class Explainer:
    """Explain triples of one store; compiles the ontology once.

    :param store: the served store (named graphs for the sources, plus the inferred graph).
    """

    def __init__(self, store: DatasetStore):
        self.store = store
        self._memo: dict = {}
        inferred = str(ox.NamedNode(_INFERRED))
        predicates = " ".join(str(from_nt(p)) for p in V.SCHEMA_PREDICATES)
        kinds = " ".join(str(from_nt(k)) for k in V.SCHEMA_TYPES)
        found: dict[str, list] = {}
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {inferred}) }}"
        for row in store.query(query):
            found.setdefault(to_nt(row["p"]), []).append((to_nt(row["s"]), to_nt(row["p"]), to_nt(row["o"])))
        query = (f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {kinds} }} GRAPH ?g {{ ?s {from_nt(V.TYPE)} ?o }} "
                 f"FILTER(?g != {inferred}) }}")
        for row in store.query(query):
            found.setdefault(to_nt(row["o"]), []).append((to_nt(row["s"]), V.TYPE, to_nt(row["o"])))
        schema = [axiom for key in (*V.SCHEMA_PREDICATES, *V.SCHEMA_TYPES) for axiom in found.get(key, [])]
        self.tbox: TBox = compile_tbox(schema)
        self.subclasses = _invert(self.tbox.superclasses)
        self.subproperties = _invert(self.tbox.superproperties)
        self.with_domain = _invert(self.tbox.domains)
        self.with_range = _invert(self.tbox.ranges)

    # -- facts in the store
    def _quads(self, s: str | None, p: str | None, o: str | None) -> list[ox.Quad]:
        """Return the quads of the named graphs matching a pattern of N-Triples terms (one read, remembered).

        A derivation asks many patterns of the same subject: its statements are read once
        (:meth:`DatasetStore.statements_of`) and indexed by predicate.  Other patterns are one
        query; terms go into it as pyoxigraph writes them, and a blank node a store cannot name
        in a query is matched after the query (the predicate is always bound then), whose answer is
        read once and indexed by the blank nodes' terms (not read again for each blank node asked about).
        """
        if s is not None:
            by_predicate = self._memo.get(s)
            if by_predicate is None:
                by_predicate = self._subject_statements(s)
            if by_predicate is not None:
                if p is None:
                    found = [q for qs in by_predicate.values() for q in qs]
                    return found if o is None else [q for q in found if to_nt(q.object) == o]
                found = by_predicate.get(p, [])
                return found if o is None or not found else self._by_object(s, p, found).get(o, [])
        key = (s, p, o)
        found = self._memo.get(key)
        if found is not None:
            return found
        parts, fixed, blank = [], {}, {}
        for name, term in zip("spo", key):
            if term is None:
                parts.append(f"?{name}")
            elif term.startswith("_:"):
                parts.append(f"?{name}")
                blank[name] = term
            else:
                fixed[name] = from_nt(term)
                parts.append(str(fixed[name]))
        query = f"SELECT * WHERE {{ GRAPH ?g {{ {' '.join(parts)} }} }}"
        index_key = (query, tuple(blank))
        index = self._memo.get(index_key)
        if index is None:
            index = {}
            for row in self.store.query(query):
                terms = {name: fixed[name] if name in fixed else row[name] for name in "spo"}
                at = tuple(to_nt(terms[name]) for name in blank)
                index.setdefault(at, []).append(ox.Quad(terms["s"], terms["p"], terms["o"], row["g"]))
            self._remember(index_key, index)
        found = index.get(tuple(blank.values()), [])
        self._remember(key, found)
        return found

    def _subject_statements(self, s: str) -> dict[str, list[ox.Quad]] | None:
        """Read the statements of subject ``s`` once, indexed by predicate; None if the store cannot name it."""
        quads = self.store.statements_of(from_nt(s))
        if quads is None:
            return None
        by_predicate: dict[str, list[ox.Quad]] = {}
        for quad in quads:
            by_predicate.setdefault(to_nt(quad.predicate), []).append(quad)
        self._remember(s, by_predicate)
        return by_predicate

    def _by_object(self, s: str, p: str, quads: list[ox.Quad]) -> dict[str, list[ox.Quad]]:
        """Return the statements ``quads`` of ``s`` and ``p`` indexed by object (made once: a derivation asks
        whether ``s`` has each of many types, or values)."""
        index = self._memo.get((s, p))
        if index is None:
            index = {}
            for quad in quads:
                index.setdefault(to_nt(quad.object), []).append(quad)
            self._remember((s, p), index)
        return index

    def _remember(self, key, value) -> None:
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[key] = value

    def asserted_in(self, triple: Triple) -> list[str]:
        """Return the named graphs (not the inferred one) that assert ``triple``."""
        return sorted({g for g in (_graph(q) for q in self._quads(*triple)) if g and g != _INFERRED})

    def holds(self, triple: Triple) -> bool:
        """Return True if ``triple`` is in the store (asserted or inferred)."""
        return bool(self._quads(*triple))

    def _objects(self, s: str, p: str) -> set[str]:
        return {to_nt(q.object) for q in self._quads(s, p, None)}

    def _subjects(self, p: str, o: str) -> set[str]:
        return {to_nt(q.subject) for q in self._quads(None, p, o)}

    # -- search
    def explain(self, triple: Triple) -> Explanation | None:
        """Return the derivation of ``triple`` (N-Triples term strings), or None if it does not hold."""
        if not self.holds(triple):
            return None
        for bound in (2, 4, 8, 16, 32, MAX_DEPTH):  # iterative deepening: the shallowest derivation wins
            found, _ = self._prove(triple, frozenset(), 0, bound, set())
            if found is not None:
                return found
        return None

    def _prove(self, goal: Triple, path: frozenset, depth: int, bound: int,
               failed: set[Triple]) -> tuple[Explanation | None, bool]:
        """Return (explanation or None, whether a cycle or the depth bound cut the search).

        ``failed`` holds the goals already known not to be derivable within this bound (per call,
        so one :class:`Explainer` can serve several threads).
        """
        graphs = self.asserted_in(goal)
        if graphs:
            return Explanation(goal, graphs=graphs), False
        if goal in failed:
            return None, False
        if depth >= bound:
            return None, True  # not a failure: a deeper bound may find it
        path = path | {goal}
        cut = False
        candidates = sorted(self._candidates(goal), key=lambda c: -self._asserted_count(c[1]))
        for rule, premises, schema in candidates:
            if any(p in path for p in premises):
                cut = True
                continue
            proofs = []
            for premise in premises:
                proof, premise_cut = self._prove(premise, path, depth + 1, bound, failed)
                cut = cut or premise_cut
                if proof is None:
                    break
                proofs.append(proof)
            else:
                return Explanation(goal, rule, proofs, schema,
                                   schema_graphs=[self.asserted_in(a) for a in schema]), cut
        if not cut:
            failed.add(goal)
        return None, cut

    def _asserted_count(self, premises: list[Triple]) -> int:
        return sum(1 for p in premises if self.asserted_in(p))

    def _candidates(self, goal: Triple) -> Iterator[tuple[str, list[Triple], list[Triple]]]:
        """Yield (rule, premises, schema axioms) whose premises hold in the store and entail ``goal``."""
        s, p, o = goal
        tbox = self.tbox
        if p == V.TYPE:
            for d in sorted(self._objects(s, V.TYPE) & self.subclasses.get(o, set())):
                yield "cax-sco", [(s, V.TYPE, d)], self._chain(d, o, tbox.direct_superclasses, V.SUB_CLASS_OF)
            for q in sorted(self.with_domain.get(o, ())):
                for y in sorted(self._objects(s, q))[:20]:
                    yield "prp-dom", [(s, q, y)], [(q, V.DOMAIN, o)]
            for q in sorted(self.with_range.get(o, ())):
                for x in sorted(self._subjects(q, s))[:20]:
                    yield "prp-rng", [(x, q, s)], [(q, V.RANGE, o)]
            return
        for q in sorted(self.subproperties.get(p, ())):
            if self.holds((s, q, o)):
                yield "prp-spo1", [(s, q, o)], self._chain(q, p, tbox.direct_superproperties, V.SUB_PROPERTY_OF)
        for q in sorted(tbox.inverses.get(p, ())):
            if self.holds((o, q, s)):
                axiom = (p, V.INVERSE_OF, q) if (p, V.INVERSE_OF, q) in tbox.triples else (q, V.INVERSE_OF, p)
                yield "prp-inv", [(o, q, s)], [axiom]
        if p in tbox.symmetric and self.holds((o, p, s)):
            yield "prp-symp", [(o, p, s)], [(p, V.TYPE, V.SYMMETRIC_PROPERTY)]
        if p == V.SAME_AS and self.holds((o, p, s)):
            yield "eq-sym", [(o, p, s)], []
        if p == V.SAME_AS:
            for z in sorted(self._objects(s, V.SAME_AS) - {s, o}):
                if self.holds((z, V.SAME_AS, o)):
                    yield "eq-trans", [(s, V.SAME_AS, z), (z, V.SAME_AS, o)], []
        else:
            for q in sorted(self._objects(p, V.SAME_AS) - {p}):
                if self.holds((s, q, o)):
                    yield "eq-rep-p", [(p, V.SAME_AS, q), (s, q, o)], []
            for z in sorted(self._objects(s, V.SAME_AS) - {s}):
                if self.holds((z, p, o)):
                    yield "eq-rep-s", [(s, V.SAME_AS, z), (z, p, o)], []
            if o[0] != '"':
                for z in sorted(self._objects(o, V.SAME_AS) - {o}):
                    if self.holds((s, p, z)):
                        yield "eq-rep-o", [(o, V.SAME_AS, z), (s, p, z)], []
        if p in tbox.transitive:
            for z in sorted(self._objects(s, p)):
                if z not in (s, o) and self.holds((z, p, o)):
                    yield "prp-trp", [(s, p, z), (z, p, o)], [(p, V.TYPE, V.TRANSITIVE_PROPERTY)]

    @staticmethod
    def _chain(start: str, end: str, direct: dict[str, set[str]], predicate: str) -> list[Triple]:
        """Return the axioms of a shortest subClassOf/subPropertyOf path from ``start`` to ``end``."""
        previous: dict[str, str] = {start: start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == end:
                break
            for nxt in sorted(direct.get(node, ())):
                if nxt not in previous:
                    previous[nxt] = node
                    queue.append(nxt)
        if end not in previous:
            return [(start, predicate, end)]
        chain = []
        node = end
        while node != start:
            chain.append((previous[node], predicate, node))
            node = previous[node]
        return chain[::-1]


def _graph(quad) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def _invert(relation: dict[str, set[str]]) -> dict[str, set[str]]:
    inverted: dict[str, set[str]] = {}
    for key, values in relation.items():
        for value in values:
            inverted.setdefault(value, set()).add(key)
    return inverted


def explain(store: DatasetStore, s, p, o) -> Explanation | None:
    """Return why the triple ``(s, p, o)`` holds in ``store``, or None if it does not hold.

    :param store: the served store (see :func:`kgserver.store.open_store`).
    :param s: subject, predicate, object: rdflib or pyoxigraph terms, or N-Triples strings.
    :raises ValueError: if a term is not valid N-Triples, the subject is a literal or the predicate not an IRI.
    """
    triple = tuple(t if isinstance(t, str) else to_nt(t) for t in (s, p, o))
    kinds = [type(from_nt(t)) for t in triple]  # raises ValueError on a malformed term
    if kinds[0] not in (ox.NamedNode, ox.BlankNode) or kinds[1] is not ox.NamedNode or kinds[2] is ox.Triple:
        raise ValueError("the subject must be an IRI or blank node and the predicate an IRI")
    return explainer_for(store).explain(triple)


_EXPLAINERS: dict[int, tuple[DatasetStore, Explainer]] = {}


def explainer_for(store: DatasetStore) -> Explainer:
    """Return an :class:`Explainer` for ``store``, reusing the one made for the same store object."""
    cached = _EXPLAINERS.get(id(store))
    if cached is not None and cached[0] is store:
        return cached[1]
    if len(_EXPLAINERS) >= 8:
        _EXPLAINERS.clear()
    explainer = Explainer(store)
    _EXPLAINERS[id(store)] = (store, explainer)
    return explainer
