"""The named queries offered as examples in the query editor, each with its question as text."""

from __future__ import annotations

from ..queries import load_queries


def example_queries() -> list[dict[str, str]]:
    """Return the bundled named queries as ``{"name", "question", "summary", "query"}`` records, sorted by path."""
    return [
        {"name": query.name, "question": query.summary or query.name, "summary": query.summary or query.name,
         "query": query.text}
        for query in load_queries()
    ]
