"""Read what the endpoint must know about a query text before any engine runs it.

A linear lexical scan, not a parse: one pass over the text (after expanding the
``\\uXXXX`` escapes SPARQL applies to the whole text) splits it into strings, IRIs,
comments and the code between them, then looks at the keywords of the code.  Every
token pattern is anchored where the previous one ended and an unterminated string
runs to the end of its line, so no input makes the scan go back over the text: the
work is proportional to the input.

The scan is a cheap first filter, never the last word.  What a query *does* (a
``SERVICE`` clause) is decided on its parsed form by :mod:`kgserver.engine.structure`
whenever the text merely mentions the word, and query workers cannot open network
sockets at all (:mod:`kgserver.engine.isolation`).
"""

from __future__ import annotations

import re
from itertools import accumulate
from dataclasses import dataclass

from .errors import QuerySyntaxError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# One token at a time, each alternative consuming at least one character; strings and
# long strings without their closing quote run to the end of the line (or text): a
# syntax error the engine reports, never a reason to scan the same text again.
_TOKEN = re.compile(
    r'(?P<opaque>"""(?:[^"\\]|\\.|"(?!""))*+(?:""")?'
    r"|'''(?:[^'\\]|\\.|'(?!''))*+(?:''')?"
    r'|"(?:[^"\\\n\r]|\\.)*+"?'
    r"|'(?:[^'\\\n\r]|\\.)*+'?"
    r"|<[^<>\"'{}|^`\\\x00-\x20]*+>"
    r"|#[^\n\r]*+)"
    r"|(?P<code>(?:[^\"'<#]++|<(?![^<>\"'{}|^`\\\x00-\x20]*+>))++)",
    re.DOTALL,
)
_WORD = re.compile(r"(?<![\w?$:\-])([A-Za-z]+)(?![\w:\-])")
_SERVICE = re.compile(r"(?<![\w?$:\-])SERVICE(?![\w:\-])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w?$:\-])FROM(?![\w:\-])(\s++NAMED(?![\w:\-]))?", re.IGNORECASE)
_PROLOGUE_WORDS = {"PREFIX", "BASE"}
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
#: Deepest nesting of brackets a query may have (Oxigraph's parser overflows its stack near 2,500).
MAX_NESTING = 256
#: Most binary operators and group elements (``BIND``, ``UNION``, ``FILTER``, ...) a query may hold:
#: Oxigraph parses and evaluates their chains recursively, and a chain of about 3,000 ``BIND``s,
#: ``MINUS``es or ``VALUES``, 10,000 ``UNION``s or ``FILTER``s, or 30,000 ``+`` or ``&&`` overflows
#: a worker's stack.  Counted in the code only (not in strings, IRIs or comments), and not ``-`` (also
#: part of names): a chain this misses kills only its worker, and the pool answers 400.
MAX_CHAIN = 2000
_CHAIN = re.compile(
    r"\|\||&&|!=|<=|>=|[+*/|^=<>]"
    r"|(?<![\w?$:\-])(?:BIND|VALUES|MINUS|OPTIONAL|FILTER|UNION|GRAPH|SERVICE|EXISTS|IN)(?![\w:\-])",
    re.IGNORECASE,
)
_BRACKET = re.compile(r"[{(\[]|<<|[})\]]|>>")
_DELTA = {"{": 1, "(": 1, "[": 1, "<<": 1, "}": -1, ")": -1, "]": -1, ">>": -1}


def expand_escapes(text: str) -> str:
    """Return ``text`` with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes replaced by the characters.

    :raises QuerySyntaxError: for an escape that names no character (past U+10FFFF, or a surrogate).
    """
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise QuerySyntaxError(f"the escape {match.group(0)} names no Unicode character", line, column)
        return chr(code)

    return _ESCAPE.sub(char, text)


@dataclass(frozen=True)
class QueryInfo:
    """What the scan found in a query text.

    :ivar form: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``; ``UPDATE`` for an update;
        None when the text starts with none of them (the engine reports the syntax error).
    :ivar uses_service: a ``SERVICE`` keyword occurs in the code (federated query).
    :ivar mentions_service: the letters ``service`` occur anywhere (in any case): only such a
        text can hold a ``SERVICE`` clause, which the parsed form then decides.
    :ivar from_default: number of ``FROM`` clauses (graphs merged into the default graph).
    :ivar from_named: number of ``FROM NAMED`` clauses.
    :ivar too_deep: the text may nest groups, expressions, lists or quoted triples deeper than
        ``MAX_NESTING`` (an upper bound: engines parse recursively, such a text could
        overflow the parser's stack).
    :ivar too_long_chain: the code chains more than ``MAX_CHAIN`` operators and group elements.
    """

    form: str | None
    uses_service: bool
    mentions_service: bool = False
    from_default: int = 0
    from_named: int = 0
    too_deep: bool = False
    too_long_chain: bool = False


def _tokens(text: str):
    """Yield ``(is_code, token)`` pairs covering ``text`` in order."""
    for match in _TOKEN.finditer(text):
        code = match.group("code")
        yield (True, code) if code is not None else (False, match.group("opaque"))


def strip_opaque(text: str) -> str:
    """Return the query text with escapes expanded and strings, IRIs and comments blanked."""
    return "".join(token if is_code else " " for is_code, token in _tokens(expand_escapes(text)))


def _levels(depth: int, text: str) -> tuple[int, int]:
    """Return the deepest and the final level of the brackets of ``text``, starting at ``depth`` (C loops)."""
    brackets = _BRACKET.findall(text)
    if not brackets:
        return depth, depth
    return max(accumulate(map(_DELTA.__getitem__, brackets), initial=depth)), depth + sum(
        map(_DELTA.__getitem__, brackets)
    )


def nesting_bound(text: str, limit: int) -> int:
    """Return an upper bound of how deeply brackets and ``<< >>`` nest in ``text`` (stops past ``limit``).

    Code brackets count exactly.  Where the lexer may read the text otherwise than the
    engine (inside a string, IRI or comment; and from an IRI holding ``#`` to the end of
    its line, which the engine may read as ``<`` then a comment) every bracket counts,
    but the depth at the end of the region is never lower than at its start: a ``<``
    taken for the start of an IRI, or a closing bracket inside a string, can only raise
    the bound, never hide an opening bracket.
    """
    openers = text.count("{") + text.count("(") + text.count("[") + text.count("<<")
    if openers <= limit:
        return openers  # cannot nest deeper than it opens (nearly every query)
    depth = deepest = 0
    floor = None  # depth at the start of an ambiguous region running to the end of the line
    for is_code, token in _tokens(text):
        start = depth
        if is_code and floor is not None and "\n" in token:
            head, tail = token.split("\n", 1)
            peak, depth = _levels(depth, head)
            depth, floor = max(depth, floor), None
            deepest = max(deepest, peak)
            token = tail
        peak, depth = _levels(depth, token)
        deepest = max(deepest, peak)
        if not is_code:
            depth = max(depth, start)
            if token.startswith("<") and "#" in token and floor is None:
                floor = start
        if deepest > limit:
            break
    return deepest


def scan(text: str) -> QueryInfo:
    """Scan a SPARQL text for its form, ``SERVICE``, ``FROM`` clauses and nesting.

    :raises QuerySyntaxError: for an escape that names no character.
    """
    text = expand_escapes(text)
    bare = "".join(token if is_code else " " for is_code, token in _tokens(text))
    form = None
    for match in _WORD.finditer(bare):  # the first keyword after the prologue
        word = match.group(1).upper()
        if word in _PROLOGUE_WORDS:
            continue
        if word in _QUERY_FORMS:
            form = word
        elif word in _UPDATE_WORDS:
            form = "UPDATE"
        break
    folded = bare.casefold()  # the keyword searches below run only where their word occurs
    named = [bool(match.group(1)) for match in _FROM.finditer(bare)] if "from" in folded else []
    from_default, from_named = named.count(False), named.count(True)
    return QueryInfo(
        form=form,
        uses_service="service" in folded and bool(_SERVICE.search(bare)),
        mentions_service="service" in text.casefold(),
        from_default=from_default,
        from_named=from_named,
        too_deep=nesting_bound(text, MAX_NESTING) > MAX_NESTING,
        too_long_chain=len(bare) > MAX_CHAIN and sum(1 for _ in _CHAIN.finditer(bare)) > MAX_CHAIN,
    )
