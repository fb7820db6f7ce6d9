"""Say why, not only what: "did you mean" for unknown terms and dangling IRIs, and causes before effects.

- A link to an IRI described nowhere, or a term no vocabulary declares, gets the nearest existing
  IRI of the same kind in its message ("Did you mean esskg:entity/xarxa-xes?"), found with
  :func:`difflib.get_close_matches` among the described resources of that kind (same path up to the
  last ``/``) or the terms of that namespace.  At most :data:`MAX_HINTS` findings get one, so a
  hostile file with a million dangling links costs no more than a normal one.
- A resource whose class is unknown (``ess:Mesure``) is left without a known class, and so fails
  every shape of the class it was meant to have, and the resources linking to it fail theirs: those
  findings are marked as following from the unknown class, and the report lists them after the
  findings that have no such cause.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import get_close_matches

import pyoxigraph as ox

from .context import BundleContext
from .report import Finding
from .terms import n3

MAX_HINTS = 50
_ASK = {"en": "Did you mean {}?", "ca": "Volíeu dir {}?", "es": "¿Queríais decir {}?"}
_UNKNOWN_SOURCES = ("checks/undeclared-term.rq", "vocabulary-terms")
_DANGLING = "checks/dangling-link.rq"


def _unknown_term(finding: Finding) -> str:
    """Return the unknown term a finding is about (the class for rdf:type, else the property)."""
    return finding.value if finding.path == "rdf:type" else finding.path


def _nearest(term: str, candidates: list[str]) -> str | None:
    found = get_close_matches(term, candidates, n=1, cutoff=0.6)
    if not found:  # a case typo (ess:measure for ess:Measure) is far for difflib, near in lower case
        lowered = {c.lower(): c for c in candidates}
        found = [lowered[m] for m in get_close_matches(term.lower(), list(lowered), n=1, cutoff=0.8)]
    return found[0] if found and found[0] != term else None


def _with_hint(finding: Finding, hint: str) -> Finding:
    messages = {lang: f"{text} {_ASK.get(lang, _ASK['en']).format(hint)}" for lang, text in finding.messages.items()}
    return replace(finding, messages=messages)


def did_you_mean(findings: list[Finding], store: ox.Store, context: BundleContext) -> list[Finding]:
    """Return ``findings`` with a "did you mean" added to those about unknown terms and dangling IRIs.

    :param context: the validation's context: its ontology's terms, written and sorted once per context when
        a finding first names an unknown term.
    """
    terms: list[str] = []
    described: dict[str, list[str]] = {}
    out, hinted = [], 0
    for finding in findings:
        hint = None
        if hinted < MAX_HINTS and finding.source in _UNKNOWN_SOURCES:
            term = _unknown_term(finding)
            terms = terms or context.kept("terms written", lambda: sorted({n3(s) for s in context.declared()}))
            prefix = term.split(":", 1)[0] + ":" if ":" in term else ""
            hint = _nearest(term, [t for t in terms if t.startswith(prefix)] or terms)
        elif hinted < MAX_HINTS and finding.source == _DANGLING and finding.value.startswith(("esskg:", "<")):
            kind = finding.value.rsplit("/", 1)[0] + "/"
            if kind not in described:
                described[kind] = _described_like(store, finding.value)
            hint = _nearest(finding.value, described[kind])
        if hint:
            hinted += 1
            finding = _with_hint(finding, hint)
        out.append(finding)
    return out


def _described_like(store: ox.Store, value: str) -> list[str]:
    """Return the described resources whose IRI shares ``value``'s path up to the last ``/``."""
    from ..namespaces import PREFIXES

    iri = value[1:-1] if value.startswith("<") else PREFIXES.get(value.split(":", 1)[0], "") + value.split(":", 1)[1]
    kind = iri.rsplit("/", 1)[0] + "/"
    if kind.startswith("http://"):  # a mistyped http:// link: look among the https:// ones
        kind = "https://" + kind[len("http://"):]
    query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_quote(kind)})) }}"
    from .oxterms import ox_n3

    return [ox_n3(row["s"]) for row in store.query(query, use_default_graph_as_union=True)]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def group_by_cause(findings: list[Finding]) -> list[Finding]:
    """Mark the findings that follow from an unknown class of their resource (listed after it)."""
    unknown_class = {f.focus: f for f in findings
                     if f.source in _UNKNOWN_SOURCES and f.path == "rdf:type" and f.severity == "Violation"}
    out = []
    for finding in findings:
        if finding.source not in _UNKNOWN_SOURCES:
            own, linked = unknown_class.get(finding.focus), unknown_class.get(finding.value)
            if own is not None:  # the resource itself lacks its class
                finding = replace(finding, cause=f"the unknown class {own.value}")
            elif linked is not None:  # it links to one that does (a parent that is no measure)
                finding = replace(finding, cause=f"the unknown class {linked.value} of {linked.focus}")
        out.append(finding)
    return out
