"""Read what a page shows from the store through SPARQL: a resource's neighbourhood in a few queries.

Pages ask for triple patterns with the subject or the object bound (``quads(s, p, o)``); a
:class:`Sources` answers them from what it has fetched for the request, and fetches what it lacks
in batches: every statement of a resource (with the blank nodes it reaches) in one query, the
labels of every IRI a page links to in another.  It only ever sends queries through
:meth:`kgserver.storage.DatasetStore.query`, with terms written in their N-Triples form (escaped
by pyoxigraph), and never asks for a pattern with neither subject nor object bound: no page
scans the store.

What a request reads about one resource is bounded too (:class:`Bound`): at most
``per_property`` statements of one property in one direction (incoming or outgoing), at most
``per_resource`` in all.  A resource with more (Catalunya, which every place in the region lies
within) has the rest counted, per property (:attr:`Sources.cut`), and listed page by page on
request (:meth:`Sources.links`), in the order of their IRIs (``ORDER BY STR(...)``, the
same on every store), as Pubby's "path pages" and the Linked Data Fragments' paged fragments do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ..storage import DatasetStore

#: Most terms in one ``VALUES`` block.
CHUNK = 400
_MAX_DEPTH = 256


@dataclass(frozen=True)
class Bound:
    """How many statements of one resource a request reads (see the module docstring).

    :ivar per_property: most statements of one property, in one direction.
    :ivar per_resource: most statements in one direction, all properties together.
    """

    per_property: int = 200
    per_resource: int = 1000


def values(variable: str, terms: Iterable) -> str:
    """Return a ``VALUES`` block of IRIs and literals in N-Triples form (blank nodes cannot be named: left out)."""
    return f"VALUES ?{variable} {{ " + " ".join(str(t) for t in terms if not isinstance(t, ox.BlankNode)) + " }"


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _addressable(term) -> bool:
    return isinstance(term, (ox.NamedNode, ox.Literal))


class Sources:
    """The statements a request reads, fetched from a :class:`DatasetStore` in batches and kept for the request.

    :param store: the served dataset (None: only ``local``).
    :param local: small in-memory stores of computed metadata (the VoID description) read as part of it.
    :ivar queries: how many queries this object sent.
    """

    def __init__(self, store: DatasetStore | None, *local: ox.Store, bound: Bound = Bound()):
        self.store = store
        self.local = local
        self.bound = bound
        self.queries = 0
        #: (node, "incoming" or "outgoing") -> {property: how many statements it has} for the properties not read whole
        self.cut: dict[tuple, dict[ox.NamedNode, int]] = {}
        self._out: dict = {}  # subject -> every quad it is the subject of (blank nodes it reaches included)
        self._first: dict = {}  # IRI -> its own statements, read by exists(): the blank nodes they reach not yet followed
        self._in: dict = {}  # object -> every quad it is the object of
        self._some: dict = {}  # (subject, predicate) -> quads
        self._some_in: dict = {}  # (object, predicate) -> quads

    def _quads(self, text: str) -> list[ox.Quad]:
        self.queries += 1
        rows = self.store.query(text)
        names = [variable.value for variable in rows.variables]
        s, p, o, g = (names.index(name) for name in "spog")  # by position: a third of the time by name
        return [ox.Quad(row[s], row[p], row[o], row[g]) for row in rows]

    def quads(self, s=None, p=None, o=None, g=None) -> Iterator[ox.Quad]:
        """Yield the quads matching a pattern whose subject or object is bound.

        :raises ValueError: for a pattern with neither (that would scan the store).
        """
        for store in self.local:
            yield from store.quads_for_pattern(s, p, o, g)
        if self.store is None:
            return
        if s is not None:
            if s in self._first:  # its statements were read by exists(): follow its blank nodes now
                self.fetch_outgoing([s])
            found = self._known(s, p, self._out, self._some, self.fetch_outgoing)
        elif o is not None:
            found = self._known(o, p, self._in, self._some_in, self.fetch_incoming)
        else:
            raise ValueError("a pattern must bind its subject or its object")
        for quad in found:
            if (p is None or quad.predicate == p) and (o is None or quad.object == o) \
                    and (s is None or quad.subject == s) and (g is None or quad.graph_name == g):
                yield quad

    @staticmethod
    def _known(node, predicate, complete: dict, some: dict, fetch) -> list[ox.Quad]:
        """Return what was fetched about ``node`` (all its statements, or those with ``predicate``), fetching if need be."""
        if node in complete:
            return complete[node]
        if predicate is not None and (node, predicate) in some:
            return some[(node, predicate)]
        fetch([node])
        return complete.get(node, [])

    def fetch_outgoing(self, nodes: Iterable) -> None:
        """Fetch every statement of ``nodes`` and of the blank nodes they reach (one query per blank-node hop).

        A resource without blank nodes costs one query; each further hop is asked only when the last one
        reached a blank node not yet fetched.  One query per hop, not a ``UNION`` of several hops: Virtuoso 7
        answers such a union wrongly (no rows) and slowly (seconds), each hop alone right and at once.
        """
        nodes = list(nodes)
        roots = [n for n in dict.fromkeys(nodes) if _addressable(n) and n not in self._out]
        for batch in _chunks(roots):
            for root in batch:
                self._out[root] = []
            for depth in range(_MAX_DEPTH):
                if depth and self._named_blanks(batch):
                    break
                found = self._roots(batch) if depth == 0 else self._quads(self._closure_query(batch, depth))
                for quad in found:
                    bucket = self._out.setdefault(quad.subject, [])
                    if quad not in bucket:
                        bucket.append(quad)
                # blank nodes this hop reached whose statements are not fetched yet (a cycle of blank nodes ends here)
                if not any(isinstance(q.object, ox.BlankNode) and q.object not in self._out for q in found):
                    break
        for node in nodes:
            if isinstance(node, ox.BlankNode):
                self._out.setdefault(node, [])  # a blank node not reached from a fetched IRI cannot be named

    def _roots(self, roots: list) -> list[ox.Quad]:
        """Return the statements of ``roots`` (within the bound): those :meth:`exists` read, and the others'."""
        read = [root for root in roots if root in self._first]
        rest = [root for root in roots if root not in self._first]
        found = [quad for root in read for quad in self._first.pop(root)]
        return found + (self._bounded(rest, incoming=False) if rest else [])

    def _named_blanks(self, roots: list) -> bool:
        """Fetch the statements of the blank nodes ``roots`` reach, by name, one query each (see below).

        Only on a store that can name its blank nodes (:meth:`DatasetStore.blank_node_iri`): there
        the path query from the resource (:meth:`_closure_query`, depth 2) takes Virtuoso 7 over 20 s,
        a blank node's own statements a few milliseconds.  Returns False where the store cannot.
        """
        todo = [q.object for root in roots for q in self._out.get(root, []) if isinstance(q.object, ox.BlankNode)]
        if not todo or self.store.blank_node_iri(todo[0]) is None:
            return False
        for _ in range(4 * _MAX_DEPTH):  # a bound on the blank nodes followed, as the path queries bound the depth
            todo = [node for node in dict.fromkeys(todo) if node not in self._out]
            if not todo:
                break
            node = todo.pop(0)
            iri = self.store.blank_node_iri(node)
            self.queries += 1
            quads = self._out[node] = []
            for row in self.store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"):
                quads.append(ox.Quad(node, row["p"], row["o"], row["g"]))
                if isinstance(row["o"], ox.BlankNode):
                    todo.append(row["o"])
        return True

    @staticmethod
    def _closure_query(roots: list, depth: int) -> str:
        """Return the statements of the blank nodes ``depth`` hops from ``roots`` (0 hops: the roots')."""
        if depth == 0:
            return f"SELECT ?s ?p ?o ?g WHERE {{ {values('s', roots)} GRAPH ?g {{ ?s ?p ?o }} }}"
        hops = ["?r"] + [f"?b{i}" for i in range(1, depth)] + ["?s"]
        path = " ".join(f"{hops[i]} ?h{i} {hops[i + 1]} FILTER(isBlank({hops[i + 1]}))" for i in range(depth))
        reached = f"SELECT DISTINCT ?s WHERE {{ {values('r', roots)} {path} }}"
        return f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {{ {reached} }} GRAPH ?g {{ ?s ?p ?o }} }}"

    def fetch_incoming(self, nodes: Iterable) -> None:
        """Fetch the statements whose object is one of ``nodes`` (one query per 400 nodes), within :attr:`bound`."""
        nodes = list(nodes)
        targets = [n for n in dict.fromkeys(nodes) if _addressable(n) and n not in self._in]
        for batch in _chunks(targets):
            for target in batch:
                self._in[target] = []
            for quad in self._bounded(batch, incoming=True):
                self._in[quad.object].append(quad)
        for node in nodes:
            self._in.setdefault(node, [])

    def _bounded(self, nodes: list, *, incoming: bool) -> list[ox.Quad]:
        """Return the statements of ``nodes`` in one direction (quads, every graph), within :attr:`bound`.

        One query when they are few (the usual case: a ``LIMIT`` tells); else the statements are
        counted per node and property (one query), the properties read whole while the bound allows
        (one query per node), and of each other property the first ``per_property`` by IRI.
        """
        end = "o" if incoming else "s"
        limit = 2 * self.bound.per_resource  # quads: a statement may be in two graphs (asserted and inferred)
        found = self._quads(f"SELECT ?s ?p ?o ?g WHERE {{ {values(end, nodes)} GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {limit + 1}")
        if len(found) <= limit and self._within_bound(found, incoming):
            return found
        counts: dict = {}
        self.queries += 1
        for row in self.store.query(f"SELECT ?{end} ?p (COUNT(*) AS ?n) WHERE {{ {values(end, nodes)} ?s ?p ?o }} "
                                    f"GROUP BY ?{end} ?p"):
            counts.setdefault(row[end], {})[row["p"]] = int(row["n"].value)
        out: list[ox.Quad] = []
        small = []  # nodes read whole, together
        for node in nodes:
            whole, parts = [], []
            for predicate, count, take in self._shares(counts.get(node, {})):
                if take == count:
                    whole.append(predicate)
                    continue
                self.cut.setdefault((node, "incoming" if incoming else "outgoing"), {})[predicate] = count
                if take:
                    parts.append((predicate, take))
            if not parts and len(whole) == len(counts.get(node, {})):
                small.append(node)
                continue
            if whole:
                out += self._quads(f"SELECT ?s ?p ?o ?g WHERE {{ {values(end, [node])} GRAPH ?g {{ ?s ?p ?o }} "
                                   f"FILTER(?p IN ({', '.join(str(p) for p in whole)})) }}")
            for predicate, take in parts:
                out += self.links(node, predicate, incoming=incoming, limit=take, offset=0)
        if small:
            out += self._quads(f"SELECT ?s ?p ?o ?g WHERE {{ {values(end, small)} GRAPH ?g {{ ?s ?p ?o }} }}")
        return out

    def _within_bound(self, quads: list[ox.Quad], incoming: bool) -> bool:
        """Tell whether the statements ``quads`` hold (each once, whatever its graphs) are within the bound."""
        per_node: dict = {}
        for quad in quads:
            node, other = (quad.object, quad.subject) if incoming else (quad.subject, quad.object)
            per_node.setdefault(node, {}).setdefault(quad.predicate, set()).add(other)
        return all(sum(map(len, props.values())) <= self.bound.per_resource
                   and max(map(len, props.values())) <= self.bound.per_property for props in per_node.values())

    def _shares(self, counts: dict) -> list[tuple]:
        """Return (property, count, how many to read) sharing ``per_resource`` fairly: the smallest properties
        first, each at most its share of what is left and ``per_property`` (so every property shows some)."""
        budget, out = self.bound.per_resource, []
        ordered = sorted(counts.items(), key=lambda item: (item[1], item[0].value))
        for position, (predicate, count) in enumerate(ordered):
            take = min(count, self.bound.per_property, budget // (len(ordered) - position))
            budget -= take
            out.append((predicate, count, take))
        return out

    def links(self, node, predicate: ox.NamedNode, *, incoming: bool, limit: int, offset: int) -> list[ox.Quad]:
        """Return one page of the statements of ``node`` with ``predicate`` in one direction, in the order of the
        other end's string form (blank nodes left out: they have none that stays the same across stores)."""
        other = "s" if incoming else "o"
        triple = f"?s {predicate} {node}" if incoming else f"{node} {predicate} ?o"
        ordered = (f"SELECT ?{other} WHERE {{ {triple} FILTER(!isBlank(?{other})) }} "
                   f"ORDER BY STR(?{other}) LANG(?{other}) STR(DATATYPE(?{other})) LIMIT {limit} OFFSET {offset}")
        self.queries += 1
        rows = self.store.query(f"SELECT ?{other} ?g WHERE {{ {{ {ordered} }} GRAPH ?g {{ {triple} }} }}")
        if incoming:
            return [ox.Quad(row["s"], predicate, node, row["g"]) for row in rows]
        return [ox.Quad(node, predicate, row["o"], row["g"]) for row in rows]

    def count_links(self, node, predicate: ox.NamedNode, *, incoming: bool) -> int:
        """Return how many statements :meth:`links` pages through."""
        other = "s" if incoming else "o"
        triple = f"?s {predicate} {node}" if incoming else f"{node} {predicate} ?o"
        self.queries += 1
        for row in self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {triple} FILTER(!isBlank(?{other})) }}"):
            return int(row["n"].value)
        return 0

    def prefetch(self, nodes: Iterable, predicates: Iterable[ox.NamedNode]) -> None:
        """Fetch the statements of ``nodes`` with the given predicates (labels, types, ...), in one query per 400 nodes."""
        self._prefetch(nodes, predicates, incoming=False)

    def prefetch_incoming(self, nodes: Iterable, predicates: Iterable[ox.NamedNode]) -> None:
        """Fetch the statements pointing at ``nodes`` with the given predicates."""
        self._prefetch(nodes, predicates, incoming=True)

    def _prefetch(self, nodes: Iterable, predicates: Iterable[ox.NamedNode], *, incoming: bool) -> None:
        predicates = list(predicates)
        complete, some = (self._in, self._some_in) if incoming else (self._out, self._some)
        todo = [n for n in dict.fromkeys(nodes) if _addressable(n) and n not in complete
                and (incoming or n not in self._first) and any((n, p) not in some for p in predicates)]
        for batch in _chunks(todo):
            for node in batch:
                for predicate in predicates:
                    some.setdefault((node, predicate), [])
            named = [node for node in batch if not isinstance(node, ox.BlankNode)]
            if incoming:
                # one VALUES of (node, predicate) pairs: a node's incoming statements can be many (a class's
                # instances), the pair reads only those with the predicates.  Two separate VALUES blocks
                # made Oxigraph scan every quad and join (19 ms against 4.5 ms for 40 nodes, 5 predicates)
                pairs = " ".join(f"({node} {predicate})" for node in named for predicate in predicates)
                text = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?o ?p) {{ {pairs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            else:
                # a node's own statements, filtered by predicate: as fast on Oxigraph (10 against 15 ms of CPU for
                # 120 nodes and 4 predicates), and Virtuoso 7 scans its store for the pairs form (22 s at 130k
                # triples against 0.2 s)
                text = (f"SELECT ?s ?p ?o ?g WHERE {{ {values('s', named)} GRAPH ?g {{ ?s ?p ?o }} "
                        f"FILTER(?p IN ({', '.join(str(p) for p in predicates)})) }}")
            for quad in self._quads(text):
                bucket = some[(quad.object if incoming else quad.subject, quad.predicate)]
                if quad not in bucket:
                    bucket.append(quad)

    def prefetch_reachable(self, roots: Iterable, path: Iterable[ox.NamedNode],
                           predicates: Iterable[ox.NamedNode]) -> list[ox.NamedNode]:
        """Fetch, in one query, the statements with ``predicates`` of every IRI reachable from ``roots`` along ``path``.

        :returns: the IRIs reached (the roots included).
        """
        roots = [r for r in dict.fromkeys(roots) if isinstance(r, ox.NamedNode)]
        predicates = list(predicates)
        if not roots:
            return []
        steps = "|".join(str(p) for p in path)
        text = (f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ {values('r', roots)} ?r ({steps})* ?s FILTER(isIRI(?s)) "
                f"OPTIONAL {{ {values('p', predicates)} GRAPH ?g {{ ?s ?p ?o }} }} }}")
        self.queries += 1
        reached: dict = {}
        for row in self.store.query(text):
            node = reached.setdefault(row["s"], row["s"])
            if node in self._out or node in self._first:
                continue
            for predicate in predicates:
                self._some.setdefault((node, predicate), [])
            if row["p"] is not None:
                quad = ox.Quad(node, row["p"], row["o"], row["g"])
                bucket = self._some[(node, quad.predicate)]
                if quad not in bucket:
                    bucket.append(quad)
        return list(reached)

    def exists(self, node: ox.NamedNode) -> bool:
        """Tell whether an IRI is used as a subject or an object anywhere.

        Its own statements are read (one query, kept for the request), not yet the blank nodes they reach:
        a request that only redirects (303) needs no more, and a description follows them when it reads them.
        """
        for store in self.local:
            for _ in store.quads_for_pattern(node, None, None):
                return True
        if self.store is not None and node not in self._out and node not in self._first:
            self._first[node] = self._bounded([node], incoming=False)
        if self._out.get(node) or self._first.get(node):
            return True
        for _ in self.quads(None, None, node):
            return True
        return False
