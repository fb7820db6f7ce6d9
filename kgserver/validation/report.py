"""The validation report: findings, their severity, and whether a run conforms.

A :class:`Finding` is one problem at one place: the file where the resource is
described, the resource (focus node), the property (path), the offending value,
the severity and a message in ca, es and en.  SHACL results, the whole-graph
SPARQL checks and the reasoner's findings all become findings of this one kind,
so every renderer (text, JSON, JUnit, HTML) treats them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Severities, most severe first (SHACL's sh:Violation, sh:Warning, sh:Info).
SEVERITIES = ("Violation", "Warning", "Info")
LANGUAGES = ("ca", "es", "en")


@dataclass(frozen=True, slots=True)  # slots: a large contribution has 200k findings (800 -> 150 bytes each)
class Finding:
    """One problem found at one place.

    :param severity: ``Violation``, ``Warning`` or ``Info``.
    :param focus: the resource (IRI, or ``_:id`` for a blank node).
    :param path: the property or SHACL path, as a prefixed name when possible (may be empty).
    :param value: the offending value in Turtle syntax (empty when a value is missing).
    :param messages: language -> message.
    :param source: the shape or check that found it (prefixed name or check file name).
    :param file: the file where the focus node is described (``None`` if unknown).
    :param fallback: reported only if no shape already reported the same focus, path and value.
    :param component: the SHACL constraint component (``sh:MinCountConstraintComponent``), for shapes.
    :param line: the line of ``file`` where the focus node's description starts (``None`` if unknown).
    :param cause: for a finding that follows from another (a resource left untyped by an unknown
        class), the source and value of that other finding; the report shows it under its cause.
    """

    severity: str
    focus: str
    path: str
    value: str
    messages: dict[str, str]
    source: str
    file: str | None = None
    fallback: bool = False
    component: str = ""
    line: int | None = None
    cause: str = ""

    def message(self, lang: str = "en") -> str:
        """Return the message in ``lang``, falling back to English, then to any language."""
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")

    def key(self) -> tuple:
        """Return what makes two findings the same problem (used to drop duplicates)."""
        return (self.severity, self.focus, self.path, self.value, self.source, self.component)

    def sort_key(self) -> tuple:
        rank = SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 0  # a shape's own severity
        # causes first: the resources whose findings only follow from another come after
        return (self.file or "", bool(self.cause), self.focus, rank, self.path, self.value, self.source)

    def to_dict(self, lang: str = "en") -> dict:
        """Return the finding as a JSON-ready dict with the message in ``lang``."""
        return {
            "file": self.file,
            "line": self.line,
            "focus": self.focus,
            "path": self.path or None,
            "value": self.value or None,
            "severity": self.severity,
            "message": self.message(lang),
            "source": self.source,
            "component": self.component or None,
            "cause": self.cause or None,
        }


@dataclass
class Report:
    """The outcome of one validation run.

    :param findings: every finding, sorted by file, resource and severity.
    :param files: the contributed files that were validated (empty for the bundled graph).
    :param triples: number of triples validated (contribution, or the whole graph).
    :param timings: seconds spent in each stage (``parse``, ``shacl``, ``checks``, ...).
    """

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    triples: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, findings) -> None:
        """Add findings, dropping exact duplicates, and keep the list sorted."""
        seen = {f.key() for f in self.findings}
        for finding in findings:
            if finding.key() not in seen:
                seen.add(finding.key())
                self.findings.append(finding)
        self.findings.sort(key=Finding.sort_key)

    def count(self, severity: str) -> int:
        """Return how many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)

    def conforms(self, strict: bool = False) -> bool:
        """Return True if there is no violation (and, when ``strict``, no warning either)."""
        allowed = () if strict else ("Warning", "Info")
        return not any(f.severity not in allowed and f.severity != "Info" for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        """Return the command's exit code: 0 conforms, 1 does not."""
        return 0 if self.conforms(strict) else 1

    def by_file(self) -> dict[str | None, dict[str, list[Finding]]]:
        """Group the findings: file -> resource -> findings (in report order)."""
        groups: dict[str | None, dict[str, list[Finding]]] = {}
        for finding in self.findings:
            groups.setdefault(finding.file, {}).setdefault(finding.focus, []).append(finding)
        return groups

    def to_dict(self, lang: str = "en", strict: bool = False, findings: bool = True) -> dict:
        """Return the report as a JSON-ready dict (``findings=False``: with an empty list of findings)."""
        return {
            "conforms": self.conforms(strict),
            "strict": strict,
            "language": lang,
            "files": self.files,
            "triples": self.triples,
            "summary": {s.lower() + "s": self.count(s) for s in SEVERITIES},
            "findings": [f.to_dict(lang) for f in self.findings] if findings else [],
        }
