"""Read what the endpoint must know about a query text before any engine runs it.

A lexical scan, not a parse: it removes comments, string literals and IRIs (after
expanding ``\\uXXXX`` escapes, which SPARQL applies to the whole text), then looks
at the keywords that are left.  It is cheap (tens of microseconds) and errs on the
side of caution: a keyword-looking ``SERVICE`` anywhere outside a string, IRI or
comment refuses the query.  The engine parses the query again for real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# Order matters: long strings before short ones; each alternative is a whole token.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)


def _keyword(word: str) -> re.Pattern:
    # Not part of a variable (?x $x), a prefixed name (p:x, x:), a blank node label or a longer word.
    return re.compile(rf"(?<![\w?$:\-]){word}(?![\w:\-])", re.IGNORECASE)


_SERVICE = _keyword("SERVICE")
_FROM = re.compile(r"(?<![\w?$:\-])FROM(?![\w:\-])(\s+NAMED(?![\w:\-]))?", re.IGNORECASE)
_FIRST_KEYWORD = re.compile(r"(?<![\w?$:\-])([A-Za-z]+)(?![\w:\-])")
_PROLOGUE_WORDS = {"PREFIX", "BASE"}
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
#: Deepest nesting of brackets a query may have (Oxigraph's parser overflows its stack near 2,500).
MAX_NESTING = 256
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


#: Deepest nesting of ``{ ( [`` the scan measures exactly; deeper texts are reported as deeper.
_BRACKETS = re.compile(r"[^{}()\[\]]+")
_OPEN = "{(["


def nesting_depth(bare: str, limit: int) -> int:
    """Return how deeply ``{``, ``(`` and ``[`` nest in ``bare`` (stops counting past ``limit``)."""
    if bare.count("{") + bare.count("(") + bare.count("[") <= limit:
        return limit  # cannot be deeper than the limit: skip the walk (nearly every query)
    depth = deepest = 0
    for char in _BRACKETS.sub("", bare):
        if char in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


@dataclass(frozen=True)
class QueryInfo:
    """What the scan found in a query text.

    :ivar form: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``; ``UPDATE`` for an update;
        None when the text starts with none of them (the engine reports the syntax error).
    :ivar uses_service: a ``SERVICE`` keyword occurs (federated query).
    :ivar from_default: number of ``FROM`` clauses (graphs merged into the default graph).
    :ivar from_named: number of ``FROM NAMED`` clauses.
    :ivar too_deep: the text nests groups, expressions or lists deeper than ``MAX_NESTING``
        (engines parse recursively: such a text could overflow the parser's stack).
    """

    form: str | None
    uses_service: bool
    from_default: int = 0
    from_named: int = 0
    too_deep: bool = False


def strip_opaque(text: str) -> str:
    """Return the query text with escapes expanded and strings, IRIs and comments blanked."""
    if "\\u" in text or "\\U" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return _OPAQUE.sub(" ", text)


def scan(text: str) -> QueryInfo:
    """Scan a SPARQL text for its form and for ``SERVICE``."""
    bare = strip_opaque(text)
    form = None
    for match in _FIRST_KEYWORD.finditer(bare):
        word = match.group(1).upper()
        if word in _PROLOGUE_WORDS:
            continue
        if word in _QUERY_FORMS:
            form = word
        elif word in _UPDATE_WORDS:
            form = "UPDATE"
        break
    named = [bool(match.group(1)) for match in _FROM.finditer(bare)]
    return QueryInfo(
        form=form,
        uses_service=bool(_SERVICE.search(bare)),
        from_default=named.count(False),
        from_named=named.count(True),
        too_deep=nesting_depth(bare, MAX_NESTING) > MAX_NESTING,
    )
