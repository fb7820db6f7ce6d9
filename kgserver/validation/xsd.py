"""The lexical forms of the XSD Gregorian datatypes, which rdflib leaves unchecked: one rule for both engines.

rdflib has no parser for ``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:gMonthDay``, ``xsd:gDay`` and
``xsd:gMonth``: it leaves ``"+2022"^^xsd:gYear`` neither well- nor ill-typed, and pyshacl then
passes it for ``sh:datatype xsd:gYear``.  XSD 1.1 (part 2, section 3.3) allows no ``+`` sign, no
year of fewer than four digits and no day 30 in February.  The fast engine tests these patterns
in its queries (:mod:`.shacl_compiler`) and the pyshacl engine marks the literals that break them
ill-typed before pyshacl runs (:func:`mark_ill_typed`), so both say what the specification says.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal
from rdflib.namespace import XSD

_YEAR = "-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = "(0[1-9]|1[0-2])"
_DAY = "(0[1-9]|[12][0-9]|3[01])"
_ZONE = "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
#: A month and a day that exist in some year (29 February does, 30 February does not).
_MONTH_DAY = "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|[12][0-9]))"

#: datatype -> regular expression of its lexical space (anchored; no backslash, so it reads the same in SPARQL).
GREGORIAN = {
    XSD.gYear: f"^{_YEAR}{_ZONE}$",
    XSD.gYearMonth: f"^{_YEAR}-{_MONTH}{_ZONE}$",
    XSD.gMonthDay: f"^--{_MONTH_DAY}{_ZONE}$",
    XSD.gDay: f"^---{_DAY}{_ZONE}$",
    XSD.gMonth: f"^--{_MONTH}{_ZONE}$",
}
_COMPILED = {datatype: re.compile(pattern) for datatype, pattern in GREGORIAN.items()}


class IllTypedLiteral(Literal):
    """A literal whose lexical form is not in its datatype's lexical space (what pyshacl asks ``ill_typed``)."""

    __slots__ = ()

    @property
    def ill_typed(self) -> bool:
        return True


def mark_ill_typed(graph: Graph) -> int:
    """Replace, in ``graph``, each Gregorian literal with an ill-typed lexical form by an :class:`IllTypedLiteral`.

    The replacement is equal to the literal it replaces (same lexical form and datatype): only
    ``ill_typed`` differs.  Return how many triples were changed.
    """
    wrong = [(s, p, o) for s, p, o in graph.triples((None, None, None))
             if isinstance(o, Literal) and o.datatype in _COMPILED and not _COMPILED[o.datatype].match(str(o))]
    for s, p, o in wrong:
        graph.remove((s, p, o))
        graph.add((s, p, IllTypedLiteral(str(o), datatype=o.datatype)))
    return len(wrong)
