"""The reference: owlrl's OWL 2 RL closure, reduced to the entailments kgserver keeps.

Used by the tests (the fast reasoner must give exactly this set) and the benchmark.
owlrl computes every OWL 2 RL rule; :func:`kgserver.reasoning.engine.is_useful` then drops
the same junk the fast reasoner drops.
"""

from __future__ import annotations

from rdflib import Graph

from .engine import is_useful
from .terms import to_nt


def owlrl_inferred(graph: Graph) -> set[tuple[str, str, str]]:
    """Return the useful triples owlrl infers from ``graph`` (N-Triples term strings), not asserted ones.

    ``graph`` is copied, not changed.
    """
    import owlrl

    closure = Graph()
    for triple in graph:
        closure.add(triple)
    asserted = {(to_nt(s), to_nt(p), to_nt(o)) for s, p, o in graph}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    inferred = set()
    for s, p, o in closure:
        triple = (to_nt(s), to_nt(p), to_nt(o))
        if triple not in asserted and is_useful(*triple):
            inferred.add(triple)
    return inferred
