"""``kgserver explain S P O``: say why a triple holds in the served dataset."""

from __future__ import annotations

import json
import re

import click

from ..errors import InputError
from ..namespaces import PREFIXES

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:(.*)$")
_LITERAL = re.compile(r'^(".*")(@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(\S+))?$', re.DOTALL)


def parse_term(text: str, position: str, *, literal_ok: bool = False) -> str:
    """Return the N-Triples form of a term typed on the command line.

    Accepts ``<iri>``, a bare ``http(s)://`` IRI, a prefixed name (``esskg:territory/barcelona``,
    prefixes of ``kgserver.namespaces.PREFIXES``), ``a`` for ``rdf:type`` and, for the object,
    a literal in N-Triples syntax whose datatype may be a prefixed name (``'"2016"^^xsd:gYear'``).

    :raises InputError: naming the position and the problem.
    """
    text = text.strip()
    if text == "a" and position == "predicate":
        return _RDF_TYPE
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return _check_iri(text[1:-1], position)
    if text.startswith(("http://", "https://", "urn:")):
        return _check_iri(text, position)
    if text.startswith('"'):
        if not literal_ok:
            raise InputError(f"the {position} cannot be a literal: {text}")
        match = _LITERAL.match(text)
        if not match:
            raise InputError(f"the {position} {text} is not a literal in N-Triples syntax ('\"text\"@ca', "
                             "'\"2016\"^^xsd:gYear')")
        datatype = match.group(3)
        if datatype:
            text = f"{match.group(1)}^^{parse_term(datatype, position + ' datatype')}"
        from ..reasoning.terms import from_nt

        try:
            return str(from_nt(text))  # canonical form: "x"^^xsd:string is written "x"
        except ValueError as err:
            raise InputError(f"the {position} {text} is not a literal in N-Triples syntax: {err}") from None
    match = _PREFIXED.match(text)
    if match:
        prefix = match.group(1) or ""
        if prefix not in PREFIXES:
            raise InputError(f"unknown prefix {prefix!r} in the {position} {text!r}; known prefixes: "
                             f"{', '.join(sorted(PREFIXES))}")
        return _check_iri(PREFIXES[prefix] + match.group(2), position)
    raise InputError(f"the {position} {text!r} is not an IRI (<...>), a prefixed name (ess:Plan) or a literal")


def _check_iri(iri: str, position: str) -> str:
    if any(c in iri for c in ' <>"{}|^`\\') or not iri:
        raise InputError(f"the {position} <{iri}> is not a valid IRI")
    return f"<{iri}>"


@click.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("object_", metavar="OBJECT")
@click.option("--json", "as_json", is_flag=True, help="Print the derivation tree as JSON.")
def explain(subject, predicate, object_, as_json):
    """Explain why the triple SUBJECT PREDICATE OBJECT holds in the served dataset.

    Terms are IRIs (<https://...>), prefixed names (esskg:territory/barcelona, ess:withinTerritory,
    'a' for rdf:type) or, for OBJECT, literals in N-Triples syntax ('"2016"^^xsd:gYear').
    Prints the derivation: the rule, the ontology axioms it used and its premises,
    recursively, down to asserted triples and the named graph (source file) of each.

    Exit codes: 0 the triple holds (asserted or inferred); 1 it does not hold; 2 bad input.
    """
    from ..reasoning.explain import Explainer, shorten
    from ..store import open_store

    triple = (parse_term(subject, "subject"), parse_term(predicate, "predicate"),
              parse_term(object_, "object", literal_ok=True))
    explanation = Explainer(open_store()).explain(triple)
    shown = " ".join(shorten(t) for t in triple)
    if explanation is None:
        click.echo(f"{shown}: does not hold (neither asserted nor inferred)", err=True)
        click.get_current_context().exit(1)
    if as_json:
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    elif explanation.asserted:
        graphs = ", ".join(f"<{g}>" for g in explanation.graphs)
        click.echo(f"{shown}: asserted in {graphs}")
    else:
        click.echo(explanation.to_text())
