"""Say what is wrong with a query in words a person understands, with its line and column.

The parsers report what they expected as a list of grammar tokens ("expected one of LATERAL,
SERVICE, [_]").  :func:`explain` turns a :class:`~kgserver.engine.errors.QuerySyntaxError` into
a sentence: a triple without its object, a ``{`` or a string left open, a misspelt keyword, an
undeclared prefix (with the ``PREFIX`` line to add when the prefix is one this project uses).
The parser's own words follow, shortened, for those who want them.
"""

from __future__ import annotations

import difflib
import re

from ..namespaces import PREFIXES

KEYWORDS = ["SELECT", "CONSTRUCT", "ASK", "DESCRIBE", "WHERE", "PREFIX", "BASE", "FILTER", "OPTIONAL", "UNION",
            "MINUS", "GRAPH", "BIND", "VALUES", "GROUP", "ORDER", "BY", "HAVING", "LIMIT", "OFFSET", "DISTINCT",
            "REDUCED", "FROM", "NAMED", "AS", "NOT", "EXISTS", "IN", "ASC", "DESC", "COUNT", "SUM", "MIN", "MAX",
            "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "STR", "LANG", "LANGMATCHES", "REGEX", "CONTAINS",
            "STRSTARTS", "STRENDS", "LCASE", "UCASE", "BOUND", "IF", "COALESCE", "ISIRI", "ISURI", "ISLITERAL",
            "ISBLANK", "YEAR", "NOW", "CONCAT", "REPLACE", "SUBSTR", "STRLEN", "DATATYPE", "IRI", "URI"]
_UNKNOWN_PREFIX = re.compile(r"unknown prefix '([^':]*):'")
_EXPECTED = re.compile(r"expected (?:one of )?(.*)", re.S)
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([A-Z][A-Z_]+)')


def explain(detail: str, line: int | None, column: int | None, source_line: str | None, query: str | None) -> str:
    """Return what went wrong, in words (without the position, which the caller adds).

    :param detail: the parser's message.
    :param line: 1-based line of the error, if known.
    :param column: 1-based column of the error, if known.
    :param source_line: the text of that line, if known.
    :param query: the whole query text, if known (to find what was left open).
    """
    prefix = _UNKNOWN_PREFIX.search(detail)
    if prefix:
        return _unknown_prefix(prefix.group(1))
    expected = _EXPECTED.search(detail)
    if not expected or source_line is None or column is None:
        return detail
    before = source_line[: column - 1]
    words = (_misspelt(before + source_line[column - 1:].split(" ", 1)[0])
             or (_left_open(query, line) if query is not None else None)
             or _incomplete_triple(before)
             or _near(before, source_line[column - 1:]))
    technical = _tokens(expected.group(1))
    return f"{words} (the parser expected {technical})" if technical else words


def _bare_words(text: str) -> list[str]:
    """Return the words of ``text`` that are neither variables, prefixed names, IRIs nor strings."""
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?|<[^<>\s]*>?|#.*', " ", text)
    return [w for w in re.findall(r"(?<![?$:\w])([A-Za-z_]+)(?![\w:(])", text)]


def _misspelt(text: str) -> str | None:
    for word in _bare_words(text):
        if word.upper() in KEYWORDS or word == "a":
            continue
        close = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
        if close:
            return f"'{word}' is not a SPARQL keyword; did you mean {close[0]}?"
    return None


def _left_open(query: str, line: int | None) -> str | None:
    """Say what the query leaves open up to the error's line: a string, a brace, a parenthesis."""
    lines = query.splitlines()
    text = "\n".join(lines[:line] if line else lines)
    text = re.sub(r"#[^\n]*", "", re.sub(r'"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>', "x", text))
    if text.count('"') % 2:
        return "a string is not closed: a quote (\") is missing."
    if line is not None and line < len(lines):
        return None  # the query goes on: braces may close later
    if text.count("{") > text.count("}"):
        missing = text.count("{") - text.count("}")
        return f"the query ends too early: {missing} '{{' {'is' if missing == 1 else 'are'} not closed with '}}'."
    if text.count("(") > text.count(")"):
        return "a '(' is not closed with ')'."
    return None


def _incomplete_triple(before: str) -> str | None:
    """Say which part of the triple pattern just before the error is missing."""
    text = before.rstrip()
    if text.endswith(("}", ".")):
        text = text[:-1]
    pattern = re.split(r"[{.;]", text)[-1].strip()
    if not pattern or re.search(r"[()=!\"]|\b(FILTER|BIND|VALUES|OPTIONAL|MINUS|GRAPH|SERVICE)\b", pattern, re.I):
        return None
    terms = pattern.split()
    if len(terms) == 2:
        return f"the triple pattern '{pattern}' has no object: a triple needs a subject, a predicate and an object."
    if len(terms) == 1:
        return f"the triple pattern '{pattern}' has a subject only: its predicate and object are missing."
    return None


def _near(before: str, rest: str) -> str:
    """Describe the place of the error by the text around it."""
    found = rest.strip().split()[0][:30] if rest.strip() else ""
    last = before.rstrip()[-20:]
    if found:
        return f"'{found}' cannot come here, after '{last.strip()}'."
    return f"something is missing after '{last.strip()}'."


def _unknown_prefix(name: str) -> str:
    namespace = PREFIXES.get(name)
    if namespace:
        return (f"unknown prefix '{name}:': it is not declared in this query. "
                f"Add this line at the top: PREFIX {name}: <{namespace}>")
    return (f"unknown prefix '{name}:': it is not declared in this query. "
            f"Add a line PREFIX {name}: <namespace IRI> at the top, or write the full IRI in <...>")


def _tokens(expected: str) -> str:
    """Return the expected grammar tokens that a person can type, without character classes."""
    names = []
    for quoted, keyword in _TOKEN.findall(expected.split("[", 1)[0]):
        if keyword:  # the grammar's keyword lists are partial (LATERAL, SERVICE): they mislead
            return ""
        if quoted not in names:
            names.append(quoted)
    return ", ".join(f"'{name}'" for name in names) if 0 < len(names) <= 8 else ""


def describe_error(err, query: str | None = None) -> str:
    """Return the message of any kgserver error; a query syntax error is explained in words.

    :param query: the query's text (by default the current request's ``query`` or body).
    """
    from flask import has_request_context, request

    from ..engine.errors import QuerySyntaxError

    if not isinstance(err, QuerySyntaxError) or not err.detail:
        return str(err)
    if query is None and has_request_context():
        query = request.values.get("query")
        if query is None and request.mimetype == "application/sparql-query":
            query = request.get_data(as_text=True)
    words = explain(err.detail, err.line, err.column, err.text, query)
    where = f" at line {err.line}, column {err.column}" if err.line is not None and err.column is not None else ""
    message = f"Query syntax error{where}: {words}"
    if err.text is not None:
        message += f"\n{err.text}"
        if err.column is not None:
            message += "\n" + " " * max(err.column - 1, 0) + "^"
    return message
