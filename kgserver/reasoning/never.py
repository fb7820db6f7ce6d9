"""The "must never hold" checks: SPARQL files whose rows are statements the served graph must not make.

Each ``ontology/checks/never/*.rq`` is a SELECT over the served graph (asserted named graphs and the
inferred graph, as one union), with a comment header saying what must never hold and why.  A build
whose graph answers any of them with a row is unsound: :func:`kgserver.reasoning.build.build` refuses
to write it (``kgserver build`` exits with 1, naming each check and example rows), so the server
never serves it.  Every file in that folder is run; adding a check is adding a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import bundle
from ..errors import InconsistentGraphError

#: Example rows shown per failing check.
EXAMPLES = 5


class UnsoundGraphError(InconsistentGraphError):
    """The materialised graph states something a "never" check forbids (exit code 1)."""


@dataclass
class NeverViolation:
    """A check that returned rows: its file stem, what it forbids (first header line), rows as text."""

    check: str
    summary: str
    rows: list[dict[str, str]]

    def __str__(self) -> str:
        shown = "; ".join(" ".join(f"{k}={v}" for k, v in row.items()) for row in self.rows[:EXAMPLES])
        more = f" (and {len(self.rows) - EXAMPLES} more)" if len(self.rows) > EXAMPLES else ""
        return f"[{self.check}] {self.summary}: {len(self.rows)} row(s): {shown}{more}"


def check_files(folder: Path | None = None) -> list[Path]:
    """Return the never-check files, sorted by name (``ontology/checks/never/*.rq`` by default)."""
    folder = folder or bundle.part_dir("ontology") / "checks" / "never"
    return sorted(folder.glob("*.rq"))


def summary_of(path: Path) -> str:
    """Return what a check forbids: its header up to ``# Why:``, without ``#`` and ``NEVER:``."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or line.lstrip("# ").startswith("Why"):
            break
        words.append(line.lstrip("#").strip())
    return " ".join(words).removeprefix("NEVER:").strip().rstrip(".")


def _text(term) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def run_check(path: Path, store: ox.Store) -> list[dict[str, str]]:
    """Return the rows of one check over the union of the store's graphs."""
    solutions = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: _text(s[n]) for n in names if s[n] is not None} for s in solutions]


def violations(store: ox.Store, files: list[Path] | None = None) -> list[NeverViolation]:
    """Run every never-check over ``store`` (asserted + inferred graphs); return those with rows."""
    found = []
    for path in check_files() if files is None else files:
        rows = run_check(path, store)
        if rows:
            found.append(NeverViolation(path.stem, summary_of(path), rows))
    return found


def ensure_sound(store: ox.Store, files: list[Path] | None = None) -> None:
    """Raise :class:`UnsoundGraphError` naming each failing check and example rows, if any fails."""
    found = violations(store, files)
    if found:
        lines = "\n".join(f"  - {v}" for v in found)
        err = UnsoundGraphError(f"the graph states what must never hold ({len(found)} check(s) failed, "
                                f"ontology/checks/never/):\n{lines}")
        err.violations = found
        raise err
