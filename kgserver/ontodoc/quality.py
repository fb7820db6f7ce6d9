"""Quality checks of the ontology: the ``ontology/checks/*-violation.rq`` queries and an OWL RL consistency run.

A check query follows ODK's convention: every row it returns is a problem.  The queries run over
the *checked graph*: every ontology file (``ontology/*.ttl``, imports included), the data and the
shapes, so that "a term used in data/ or shapes/ is not declared" is a query like the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF

#: owlrl writes inconsistencies it finds as ``[] a err:ErrorMessage ; err:error "..."``.
OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def check_files() -> list[Path]:
    """Return the check queries (``ontology/checks/*-violation.rq``), sorted by name."""
    from .. import bundle

    return sorted((bundle.part_dir("ontology") / "checks").glob("*-violation.rq"))


def ontology_files() -> list[Path]:
    """Return every file of the ontology: ``ontology/*.ttl`` (pending terms included) and ``ontology/imports``."""
    from .. import bundle

    return bundle.rdf_files("ontology") + bundle.import_files()


def load(paths: list[Path]) -> Graph:
    """Parse ``paths`` into one rdflib graph.

    :raises RDFSyntaxError: for the first file that does not parse.
    """
    from ..rdfio import parse_file

    graph = Graph()
    for path in paths:
        parse_file(path, into=graph)
    return graph


def checked_graph() -> Graph:
    """Return the graph the check queries run over: ontology, imports, data and shapes."""
    from .. import bundle

    return load(ontology_files() + bundle.rdf_files("data", recursive=True) + bundle.rdf_files("shapes", recursive=True))


def to_store(graph: Graph):
    """Return an in-memory Oxigraph store holding ``graph`` in its default graph."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def run_check(path: Path, store) -> list[dict[str, str]]:
    """Run one check query on ``store``; return its rows (variable -> value), each one a problem."""
    solutions = store.query(Path(path).read_text(encoding="utf-8"))
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        rows.append({name: (solution[name].value if solution[name] is not None else "") for name in names})
    return rows


@dataclass(frozen=True)
class Contradiction:
    """One way the reasoned graph contradicts the ontology."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def owl_rl_closure(graph: Graph) -> Graph:
    """Return a new graph: ``graph`` plus everything the OWL 2 RL rules (owlrl) infer from it.

    The closure is kept in rdflib's ``SimpleMemory`` store (no named graphs): owlrl looks triples up
    millions of times, and the default store's per-triple context bookkeeping made it a quarter slower
    (same triples either way); it is read straight from that store's indexes (:class:`_IndexedGraph`).
    """
    import owlrl

    canonical = _constant_namespace_terms()
    closure = _IndexedGraph(store="SimpleMemory")
    add = closure.store.add  # what Graph.addN calls per triple, without its checks of each quad's context
    for s, p, o in graph:
        add((canonical(s), canonical(p), canonical(o)), closure)
    owlrl.DeductiveClosure(_owlrl_semantics()).expand(closure)
    return closure


def _owlrl_semantics():
    """Return owlrl's ``OWLRL_Semantics`` with its list of the graph's blank nodes also kept as a set.

    owlrl collects, in its first cycle, every blank node of the graph in a list, asking for each term of each
    triple whether the list already holds it (a scan of the list, rdflib's ``__eq__`` in Python on each
    element): an eighth of its time on the bundle.  The subclass answers that question from a set; the list,
    its order and owlrl's rules are unchanged (it removes, after the last cycle, the triples whose predicate
    is one of those blank nodes).
    """
    import owlrl

    class _BlankNodes(list):
        def __init__(self):
            super().__init__()
            self._members = set()

        def __contains__(self, node) -> bool:
            return node in self._members

        def append(self, node) -> None:
            self._members.add(node)
            super().append(node)

    class Semantics(owlrl.OWLRL_Semantics):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.bnodes = _BlankNodes()

        def store_triple(self, t):
            """Keep ``t`` for the end of the cycle unless its predicate is a literal or the graph holds it: owlrl's
            test, with the lookup in the closure's own index (:class:`_IndexedGraph`) and the predicate's type
            checked first (an IRI almost always; ``isinstance`` on rdflib's terms goes through ``ABCMeta``)."""
            graph = self.graph
            if self._debug or owlrl.Closure.offlineGeneration or graph is not self.destination \
                    or type(graph) is not _IndexedGraph:
                return super().store_triple(t)
            s, p, o = t
            if s is None or p is None or o is None:
                return super().store_triple(t)
            if type(p) is not URIRef and isinstance(p, Literal):
                return None
            objects = graph._spo.get(s, _NOTHING).get(p)
            if objects is None or o not in objects:
                self.added_triples.add(t)
            return None

    return Semantics


_NOTHING: dict = {}


class _IndexedGraph(Graph):
    """An rdflib graph over ``SimpleMemory`` whose lookups read the store's three indexes directly.

    owlrl asks, for every triple in every cycle, whether some triples are already there (``in``) and for the
    triples around a term.  rdflib answers through ``Graph.triples`` and the store's generator, which also
    makes a context iterator per triple: most of owlrl's time on the bundle.  These are the same answers from
    the same dictionaries (the store keeps ``spo``, ``pos`` and ``osp``); patterns with a property path go the
    usual way.  owlrl's closure of the bundle: 25 to 27 s of CPU through ``Graph``, 13.5 to 14.7 s through this
    class (three interleaved rounds, the same 61,731 triples).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        store = self.store  # the store keeps these three dictionaries for its whole life
        self._spo, self._pos, self._osp = store._SimpleMemory__spo, store._SimpleMemory__pos, store._SimpleMemory__osp

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        if s is None or p is None or o is None:
            return super().__contains__(triple)
        objects = self._spo.get(s, _NOTHING).get(p)
        return objects is not None and o in objects

    def triples(self, triple):  # noqa: C901 - one branch per bound position, as the store's own method
        s, p, o = triple
        if p is not None and not isinstance(p, str):  # a property path
            return super().triples(triple)
        if s is not None:
            by_predicate = self._spo.get(s)
            if not by_predicate:
                return iter(())
            if p is not None:
                objects = by_predicate.get(p)
                if not objects:
                    return iter(())
                if o is not None:
                    return iter(((s, p, o),) if o in objects else ())
                return ((s, p, x) for x in objects)
            if o is not None:
                return ((s, q, o) for q, objects in by_predicate.items() if o in objects)
            return ((s, q, x) for q, objects in by_predicate.items() for x in objects)
        if p is not None:
            by_object = self._pos.get(p)
            if not by_object:
                return iter(())
            if o is not None:
                return ((x, p, o) for x in by_object.get(o, ()))
            return ((x, p, y) for y, subjects in by_object.items() for x in subjects)
        if o is not None:
            by_subject = self._osp.get(o)
            if not by_subject:
                return iter(())
            return ((x, q, o) for x, predicates in by_subject.items() for q in predicates)
        return ((x, q, y) for x, by_predicate in self._spo.items() for q, objects in by_predicate.items() for y in objects)


def _constant_namespace_terms():
    """Make the terms of rdflib's RDF, RDFS, OWL and XSD namespaces ordinary class attributes (idempotent);
    return a function that gives, for a term equal to one of them, that attribute's object.

    rdflib's ``DefinedNamespace`` answers ``OWL.sameAs`` in ``__getattr__``: it checks the name and makes a new
    ``URIRef`` each time. owlrl's rules read such names millions of times, a fifth of its time on the bundle.
    As attributes they are the same ``URIRef`` values, found by ordinary lookup: owlrl's closure of the
    bundle took 36 to 41 s of CPU before, 20 to 22 s after, with the same triples.  The closure's triples are
    stored with those same objects, so that a dictionary lookup of ``(x, RDF.type, ...)`` matches by identity
    instead of calling rdflib's ``__eq__`` (written in Python): 12.2 to 15.0 s became 10.9 to 12.9 s (three
    rounds each, interleaved, load average 3-4; the same 61,731 triples).
    """
    from rdflib.namespace import OWL, RDF, RDFS, XSD

    terms = {}
    for namespace in (RDF, RDFS, OWL, XSD):
        for name in getattr(namespace, "__annotations__", {}):
            if name not in vars(namespace):
                type.__setattr__(namespace, name, namespace._NS[name])
            term = vars(namespace)[name]
            terms[term] = term
    return lambda term: terms.setdefault(term, term)


def contradictions(closure: Graph) -> list[Contradiction]:
    """Return the contradictions in an OWL RL closure (see :func:`owl_rl_closure`), sorted.

    Looks for: inconsistencies owlrl reported; resources typed ``owl:Nothing``; two named
    resources inferred ``owl:sameAs`` (the graph gives every thing one IRI, so this means a
    functional property joined two different things); a resource in two disjoint classes; a
    functional (or inverse functional) property with two different values; ``owl:sameAs``
    against ``owl:differentFrom``.
    """
    found: set[Contradiction] = set()
    for message in closure.objects(None, OWLRL_ERROR):
        found.add(Contradiction("owlrl", " ".join(str(message).split())))
    for thing in closure.subjects(RDF.type, OWL.Nothing):
        found.add(Contradiction("owl:Nothing", f"<{thing}> is typed owl:Nothing"))
    for a, b in closure.subject_objects(OWL.sameAs):
        if isinstance(a, URIRef) and isinstance(b, URIRef) and str(a) < str(b):
            found.add(Contradiction("owl:sameAs", f"<{a}> and <{b}> are inferred to be the same resource"))
            if (a, OWL.differentFrom, b) in closure or (b, OWL.differentFrom, a) in closure:
                found.add(Contradiction("owl:differentFrom", f"<{a}> and <{b}> are both same and different"))
    for group in _disjoint_groups(closure):
        members = set(group)
        for cls in group:
            for thing in closure.subjects(RDF.type, cls):
                for other in closure.objects(thing, RDF.type):
                    if other in members and other != cls and str(cls) < str(other):
                        found.add(Contradiction("disjointness", f"<{thing}> is both <{cls}> and <{other}>"))
    for prop in closure.subjects(RDF.type, OWL.FunctionalProperty):
        for subject in set(closure.subjects(prop, None)):
            values = _distinct(closure.objects(subject, prop))
            if len(values) > 1:
                shown = ", ".join(sorted(v.n3() for v in values))
                found.add(Contradiction("functional property", f"<{subject}> <{prop}> has {len(values)} values: {shown}"))
    for prop in closure.subjects(RDF.type, OWL.InverseFunctionalProperty):
        for value in set(closure.objects(None, prop)):
            subjects = _distinct(closure.subjects(prop, value))
            if len(subjects) > 1:
                shown = ", ".join(sorted(s.n3() for s in subjects))
                found.add(Contradiction("inverse functional property", f"<{prop}> <{value}> is shared by {shown}"))
    return sorted(found, key=lambda c: (c.kind, c.detail))


def _distinct(values) -> set:
    """Return the values that certainly differ: IRIs (one IRI per thing) and literals by value."""
    out: dict[object, object] = {}
    for value in values:
        if isinstance(value, BNode):
            continue
        key = ("lit", value.datatype, value.value if value.value is not None else str(value), value.language) if isinstance(value, Literal) else value
        out.setdefault(key, value)
    return set(out.values())


def _disjoint_groups(graph: Graph) -> list[list[URIRef]]:
    groups = [[a, b] for a, b in graph.subject_objects(OWL.disjointWith)]
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = graph.value(node, OWL.members)
        if members is not None:
            groups.append(list(Collection(graph, members)))
    return groups
