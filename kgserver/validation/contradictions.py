"""The reasoner's contradictions (disjoint classes, functional properties...) as validation findings."""

from __future__ import annotations

from itertools import chain

import pyoxigraph as ox
from rdflib import URIRef

from .context import BundleContext
from .graphs import CONTRIBUTION_GRAPH
from .report import Finding
from .terms import n3


def contradictions(store: ox.Store, keep, context: BundleContext | None = None) -> list[Finding]:
    """Return the reasoner's contradictions (disjoint classes, functional properties...), if it is installed.

    :param context: given when ``store`` is lent (:func:`.graphs.lent_store`): its bundled graphs are then
        read as the context's triples written out once, only the contribution's graph is written out.
    """
    try:
        from ..reasoning.consistency import CHECK_ONLY_TYPES, check, check_triples, reason_for_checks
        from ..reasoning.engine import Reasoner, encode
        from ..reasoning.materialise import asserted_graphs, iter_store_triples
        from ..reasoning.vocab import is_schema_triple
    except ImportError:
        return []
    if context is None:
        problems = check(store)
    else:
        contributed = ox.NamedNode(str(CONTRIBUTION_GRAPH))
        graphs = asserted_graphs(store)
        bundled = [context.written_out(graph, lambda graph=graph: [tuple(t) for t in iter_store_triples(store, [graph])])
                   for graph in graphs if graph != contributed]
        added = [tuple(t) for t in iter_store_triples(store, [contributed])] if contributed in graphs else []
        at = sum(graph.value < contributed.value for graph in graphs)  # the graphs' order, as before
        triples = list(chain.from_iterable([*bundled[:at], added, *bundled[at:]]))
        inference = None
        if not any(map(is_schema_triple, added)):
            # the schema is the bundle's: its compiled TBox is the same, compiled once per context, and the
            # bundle's triples are numbered once per context too (the reasoner copies them and adds the contribution)
            tbox = context.kept("tbox", lambda: reason_for_checks(list(chain.from_iterable(bundled))).tbox)
            encoded = context.kept("encoded", lambda: encode(chain.from_iterable(bundled)))
            inference = Reasoner(tbox=tbox).run(added, keep_types=CHECK_ONLY_TYPES, base=encoded)
        problems = check_triples(triples, inference)
    findings = []
    for problem in problems:
        located = _locate(problem.rule, [_nt_to_n3(r) for r in problem.resources], keep)
        if located is None:
            continue
        focus, path, value = located
        text = problem.message
        findings.append(
            Finding(
                "Violation",
                focus,
                path,
                value,
                {
                    "ca": f"Contradicció amb l'ontologia (regla OWL {problem.rule}): {text}",
                    "es": f"Contradicción con la ontología (regla OWL {problem.rule}): {text}",
                    "en": f"Contradiction with the ontology (OWL rule {problem.rule}): {text}",
                },
                f"reasoning/{problem.rule}",
            )
        )
    return findings


def _locate(rule: str, terms: list[str], keep) -> tuple[str, str, str] | None:
    """Return focus, path and value of a contradiction, the focus being a resource ``keep`` accepts."""
    candidates = []
    if rule == "cls-nothing2":
        candidates = [(terms[0], "rdf:type", "owl:Nothing")]
    elif rule in ("cax-dw", "cax-adc") and len(terms) == 3:
        candidates = [(terms[0], "rdf:type", f"{terms[1]}, {terms[2]}")]
    elif rule == "prp-fp" and len(terms) == 4:
        candidates = [(terms[0], terms[1], f"{terms[2]}, {terms[3]}")]
    elif rule == "prp-ifp" and len(terms) == 4:
        candidates = [(terms[0], terms[2], terms[3]), (terms[1], terms[2], terms[3])]
    elif rule == "prp-irp" and len(terms) == 2:
        candidates = [(terms[0], terms[1], terms[0])]
    elif rule == "prp-asyp" and len(terms) == 3:
        candidates = [(terms[0], terms[2], terms[1]), (terms[1], terms[2], terms[0])]
    else:
        candidates = [(term, "", " ".join(t for t in terms if t != term)) for term in terms]
    return next((c for c in candidates if keep(c[0])), None)


def _nt_to_n3(term: str) -> str:
    if term.startswith("<") and term.endswith(">"):
        return n3(URIRef(term[1:-1]))
    if term.startswith("_:"):
        return term
    return term
