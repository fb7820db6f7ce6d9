"""Whole-graph consistency checks: SPARQL files run on Oxigraph, each returning ``?focus ?path ?value``.

Each check is a ``shapes/checks/*.rq`` file: a ``#+`` YAML header (as grlc's named
queries) with ``summary``, ``severity`` and ``message`` (ca, es, en; ``{name}`` in a message is
replaced by the row's value of ``?name``, for variables the query selects besides ``?focus
?path ?value``, such as the period a year falls outside of), and optionally
``fallback: true`` (the row is dropped when a shape already reported the same value), or
``cycle: true`` (the query returns links as ``?from ?to`` too, and only the rows whose link lies on
a cycle are kept: see :mod:`.cycles`, linear where a property path from each node to itself is
quadratic), or ``focus_query`` (the same check written for a few foci bound in advance, see
:func:`focus_scoped`), on top of a SELECT query.  A row is a finding; no rows means the graph passes the check.  One
query over the whole graph is far faster than the same rule as a pyshacl SPARQL
constraint run per focus node (see docs/validation.md for the figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import yaml

from .. import bundle
from ..errors import ConfigurationError
from .cycles import on_cycle
from .oxterms import ox_n3
from .report import SEVERITIES, Finding


@dataclass(frozen=True)
class Check:
    """One SPARQL consistency check."""

    name: str
    summary: str
    severity: str
    messages: dict[str, str]
    query: str
    fallback: bool = False
    cycle: bool = False
    focus_query: str | None = None


def check_files() -> list[Path]:
    """Return the bundled check files (``shapes/checks/*.rq``), sorted by name."""
    return sorted((bundle.part_dir("shapes") / "checks").glob("*.rq"))


def parse_check(path: Path) -> Check:
    """Read one check file: its ``#+`` header and its query.

    :raises ConfigurationError: if the header is missing a field or is not valid YAML.
    """
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[3:] for line in text.splitlines() if line.startswith("#+ ") or line == "#+")
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as err:
        raise ConfigurationError(f"{path}: the #+ header is not valid YAML: {err}") from None
    severity = str(meta.get("severity", "")).capitalize()
    messages = meta.get("message") or {}
    if severity not in SEVERITIES or not isinstance(messages, dict) or not messages.get("en"):
        raise ConfigurationError(f"{path}: the #+ header needs severity ({', '.join(SEVERITIES)}) and message.en")
    return Check(
        name=path.stem,
        summary=str(meta.get("summary", path.stem)),
        severity=severity,
        messages={str(k): str(v).strip() for k, v in messages.items()},
        query=text,
        fallback=bool(meta.get("fallback", False)),
        cycle=bool(meta.get("cycle", False)),
        focus_query=_with_prologue(text, meta["focus_query"]) if meta.get("focus_query") else None,
    )


def _with_prologue(text: str, query: str) -> str:
    """Return ``query`` after the ``PREFIX`` lines of the check file ``text``."""
    prologue = [line for line in text.splitlines() if line.startswith("PREFIX ")]
    return "\n".join(prologue + [query])


@lru_cache(maxsize=1)
def bundled_checks() -> tuple[Check, ...]:
    """Return every bundled check (parsed once per process)."""
    return tuple(parse_check(path) for path in check_files())


class _Blank(dict):
    """Values for a message's ``{name}`` placeholders; an unknown name stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


#: The opening of a query's outermost group (the first ``WHERE {``: subqueries come inside it).
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def focus_scoped(check: Check, foci) -> str:
    """Return the query of ``check`` with ``?focus`` bound to the IRIs ``foci`` at the start of its outermost group.

    The same rows as the whole query whose focus is one of ``foci`` (every check binds ``?focus`` in each of
    its rows, and groups by it where it groups at the top), but Oxigraph then reads only their statements
    where a check looks at the focus's own statements (the literals, links and classes of a contribution's
    resources) instead of the whole bundle's.  A check whose whole-graph query gathers its candidates in a
    subquery first (fast on a whole graph, but blind to the foci) has a ``focus_query`` saying the same per
    focus, which is bound instead; one that needs the foci inside its subqueries writes ``VALUES ?focus { $foci }``
    where it wants them (``$foci`` is replaced by the IRIs, and nothing is added at the start).  Not for the
    ``cycle`` checks, which need every link.
    """
    if check.cycle:
        raise ValueError(f"{check.name}: a cycle check needs every link, not those of some foci")
    query = check.focus_query or check.query
    iris = " ".join(f"<{iri}>" for iri in sorted(foci))
    if _FOCI in query:
        return query.replace(_FOCI, iris)
    opening = _outermost_group(query)
    return f"{query[:opening]}\n  VALUES ?focus {{ {iris} }}\n{query[opening:]}"


@lru_cache(maxsize=256)
def _outermost_group(query: str) -> int:
    """Return where the outermost group of ``query`` opens (after its first ``WHERE {`` outside a comment)."""
    return next(m for m in _WHERE.finditer(query)
                if not query[query.rfind("\n", 0, m.start()) + 1:m.start()].lstrip().startswith("#")).end()


#: Where a ``focus_query`` wants the foci written (not valid SPARQL in a ``VALUES`` block: never run as is).
_FOCI = "$foci"


def run_check(store: ox.Store, check: Check, focus_filter=None, foci=None) -> list[Finding]:
    """Run one check on ``store`` (default graph = union of its graphs) and return its findings.

    :param focus_filter: if given, a callable ``focus -> bool`` (focus in Turtle syntax, as
        :func:`kgserver.validation.terms.n3` writes it) choosing which rows to keep.
    :param foci: if given, the IRIs (strings) outside which no row is wanted: the query is then
        :func:`focus_scoped` (the same rows among those, found faster); ignored for the cycle checks.
    """
    findings = []
    query = check.query if foci is None or check.cycle else focus_scoped(check, foci)
    try:
        rows = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise ConfigurationError(f"shapes/checks/{check.name}.rq is not valid SPARQL: {err}") from None
    own = ("focus", "path", "value", "from", "to") if check.cycle else ("focus", "path", "value")
    extra = [v.value for v in rows.variables if v.value not in own]
    if check.cycle:
        rows = list(rows)
        rows = [row for row, kept in zip(rows, on_cycle([(row["from"], row["to"]) for row in rows])) if kept]
    for row in rows:
        if row["focus"] is None:
            continue
        focus = ox_n3(row["focus"])
        if focus_filter is not None and not focus_filter(focus):
            continue
        messages = check.messages
        if extra:
            values = _Blank({name: _placeholder(row[name]) for name in extra})
            messages = {lang: text.format_map(values) for lang, text in check.messages.items()}
        findings.append(
            Finding(
                severity=check.severity,
                focus=focus,
                path=ox_n3(row["path"]),
                value=ox_n3(row["value"]),
                messages=messages,
                source=f"checks/{check.name}.rq",
                fallback=check.fallback,
            )
        )
    return findings


def _placeholder(term) -> str:
    """Return a term as a message shows it: a literal's lexical form, anything else in short Turtle."""
    if term is None:
        return "?"
    if isinstance(term, ox.Literal):
        return term.value
    return ox_n3(term)
