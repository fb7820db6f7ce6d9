"""Decide from a query's parsed form whether it asks for ``SERVICE`` (a request to another server).

The lexical scan (:mod:`kgserver.engine.scan`) is cheap but only reads text; here the
query is parsed for real (rdflib's SPARQL grammar) and its parse tree walked for a
``SERVICE`` clause.  Parsing costs milliseconds, so it runs only when the text holds
the letters ``service`` at all (in any case, after escapes): no other text can hold a
``SERVICE`` clause.  It runs inside the query worker, within the time limit.

This check is one of two walls: query workers cannot open network sockets either
(:mod:`kgserver.engine.isolation`), so a gap between this parser and the engine's
can never become a request to another server.
"""

from __future__ import annotations

from .errors import ServiceRefused

SERVICE_REFUSED = (
    "SERVICE is not allowed: this endpoint never sends requests to other servers (federated queries are off)"
)


def _contains_service(tree) -> bool:
    """Tell whether an rdflib parse tree holds a ``ServiceGraphPattern`` (iteratively: no recursion limit)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return False


def refuse_service(text: str) -> None:
    """Refuse a query whose parsed form holds ``SERVICE``, or that mentions it and cannot be parsed.

    :param text: the query, its escapes already expanded or not (rdflib expands them).
    :raises ServiceRefused: when the query holds a ``SERVICE`` clause, or when it mentions
        ``service`` and the parser cannot read it (a query that cannot be checked is not run).
    """
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except RecursionError:
        raise ServiceRefused(
            "the query mentions SERVICE and nests too deeply to be checked; simplify it"
        ) from None
    except Exception as err:  # a text the checking parser cannot read is not run
        detail = str(getattr(err, "msg", err)).splitlines()[0][:200] if str(err) else type(err).__name__
        raise ServiceRefused(
            f"the query mentions SERVICE and could not be checked ({detail}); "
            "federated queries are off, and a query this endpoint cannot check is not run"
        ) from None
    if _contains_service(tree):
        raise ServiceRefused(SERVICE_REFUSED)


def preload() -> None:
    """Import the checking parser now (in the zygote) rather than in each worker's first check."""
    import rdflib.plugins.sparql.parser  # noqa: F401
