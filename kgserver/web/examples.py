"""The named queries offered as examples in the query UI."""

from __future__ import annotations

from ..queries import load_queries


def example_queries() -> list[dict[str, str]]:
    """Return the bundled named queries as ``{"name", "summary", "query"}`` records, sorted by path."""
    return [
        {"name": query.name, "summary": query.summary or query.name, "query": query.text}
        for query in load_queries()
    ]
