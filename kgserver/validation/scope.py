"""Which resources a validation reports on, and the file (and line) each finding is located in."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from .contribution import ContributedFile
from .graphs import CONTRIBUTION_GRAPH
from .report import Finding
from .terms import n3


class Scope:
    """Which resources a run reports on, and the file each is described in.

    With a contribution parsed into rdflib graphs, the maps are filled up front; with one parsed
    straight into the validation store (``store``), a resource is looked up there when a finding
    names it, so nothing is kept per triple.
    """

    def __init__(self, store: ox.Store | None = None, files: list[ContributedFile] | None = None):
        self.described: dict[str, str] = {}  # focus (n3) -> file describing it
        self.referenced: dict[str, str] = {}  # IRI (n3) linked to by the contribution -> file
        self.lines: dict[str, tuple[str, int]] = {}  # focus (n3) -> file and line of its description
        self.everything = False
        self.store = store
        self.only_file = files[0].name if files and len(files) == 1 else None
        self.blank_files = {blank: item.name for item in files or () for blank in item.blank_subjects}
        self._looked_up: dict[tuple[str, bool], bool] = {}

    def _in_store(self, focus: str, as_subject: bool) -> bool:
        key = (focus, as_subject)
        if key not in self._looked_up:
            from .oxterms import from_n3

            term = from_n3(focus)
            graph = ox.NamedNode(str(CONTRIBUTION_GRAPH))
            quads = (() if term is None else self.store.quads_for_pattern(term, None, None, graph) if as_subject
                     else self.store.quads_for_pattern(None, None, term, graph) if isinstance(term, ox.NamedNode)
                     else ())
            self._looked_up[key] = next(iter(quads), None) is not None
        return self._looked_up[key]

    def is_described(self, focus: str) -> bool:
        """Return whether the contribution describes ``focus`` (it is the subject of a contributed triple)."""
        return focus in self.described if self.store is None else self._in_store(focus, True)

    def is_referenced(self, focus: str) -> bool:
        """Return whether the contribution links to the IRI ``focus``."""
        return focus in self.referenced if self.store is None else self._in_store(focus, False)

    def file_of(self, focus: str) -> str | None:
        if focus in self.lines:
            return self.lines[focus][0]
        if self.store is not None:
            if focus in self.blank_files:
                return self.blank_files[focus]
            return self.only_file if self.is_described(focus) or self.is_referenced(focus) else None
        return self.described.get(focus) or self.referenced.get(focus)

    def keeps(self, finding: Finding) -> bool:
        """Keep findings about described resources, and violations of resources the contribution links to."""
        if self.everything or self.is_described(finding.focus):
            return True
        return finding.severity == "Violation" and self.is_referenced(finding.focus)

    def locate(self, contribution: list[ContributedFile], findings: list[Finding]) -> None:
        """Find the line of each described resource that has a finding (a second, targeted read of the files)."""
        from ..rdfio import format_for_path
        from .lines import subject_lines
        from .oxterms import from_n3

        wanted = {}
        for finding in findings:
            if finding.focus not in wanted and self.is_described(finding.focus):
                term = from_n3(finding.focus)
                if isinstance(term, ox.NamedNode):
                    wanted[finding.focus] = term.value
        for item in contribution:
            missing = {iri for focus, iri in wanted.items() if focus not in self.lines}
            if item.path is None or not missing:
                continue
            if self.store is None:  # the file a resource is described in is known: look there only
                missing = {wanted[f] for f in wanted if f not in self.lines and self.described.get(f) == item.name}
            fmt = format_for_path(item.path)
            iri_base = item.path.as_uri() if fmt == "json-ld" else None
            for focus, line in subject_lines(item.path, fmt, iri_base, missing).items():
                self.lines.setdefault(focus, (item.name, line))

    def with_file(self, finding: Finding) -> Finding:
        """Return ``finding`` with the file (and the line, where :meth:`locate` found it) it is about."""
        from dataclasses import replace

        file = self.file_of(finding.focus)
        where = self.lines.get(finding.focus)
        return replace(finding, file=file, line=where[1] if where and where[0] == file else None)


def describe(scope_map: dict[str, str], graph: Graph, name: str) -> None:
    """Record each subject of ``graph`` (in Turtle syntax) as described in the file ``name``, unless known."""
    for subject in graph.subjects(unique=True):
        scope_map.setdefault(n3(subject), name)
