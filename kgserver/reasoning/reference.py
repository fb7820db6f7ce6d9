"""The reference: owlrl's OWL 2 RL closure, reduced to the entailments kgserver keeps.

Used by the tests (the fast reasoner must give exactly this set) and the benchmark.
owlrl computes every OWL 2 RL rule; :func:`kgserver.reasoning.engine.is_useful` then drops
the same junk the fast reasoner drops.
"""

from __future__ import annotations

from rdflib import Graph

from .engine import is_useful
from .terms import to_nt


def owlrl_inferred(graph: Graph, closure: Graph | None = None) -> set[tuple[str, str, str]]:
    """Return the useful triples owlrl infers from ``graph`` (N-Triples term strings), not asserted ones.

    ``graph`` is copied, not changed.

    :param closure: owlrl's closure of ``graph`` when the caller has it already (tests share it).
    """
    import owlrl

    asserted = {(to_nt(s), to_nt(p), to_nt(o)) for s, p, o in graph}
    if closure is None:
        closure = Graph()
        for triple in graph:
            closure.add(triple)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    inferred = set()
    for s, p, o in closure:
        triple = (to_nt(s), to_nt(p), to_nt(o))
        if triple not in asserted and is_useful(*triple):
            inferred.add(triple)
    return inferred
