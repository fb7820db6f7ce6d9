"""Write a validation report as text (for people), JSON, JUnit XML (for CI systems) or HTML."""

from __future__ import annotations

import html
import json
from xml.etree import ElementTree as ET

import click

from ..namespaces import PREFIXES, SHAPES
from .report import Report

FORMATS = ("text", "json", "junit")

_MARK = {"Violation": ("✗", "red"), "Warning": ("!", "yellow"), "Info": ("i", "blue")}
_PLURALS = {
    "en": {"Violation": "violations", "Warning": "warnings", "Info": "infos"},
    "ca": {"Violation": "violacions", "Warning": "avisos", "Info": "informacions"},
    "es": {"Violation": "violaciones", "Warning": "avisos", "Info": "informaciones"},
}
_LABELS = {
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info", "conforms": "Conforms.",
           "fails": "Does not conform.", "bundle": "(bundled graph)", "files": "file(s)", "triples": "triples",
           "value": "value", "strict": "(strict: warnings count)"},
    "ca": {"Violation": "violació", "Warning": "avís", "Info": "informació", "conforms": "És conforme.",
           "fails": "No és conforme.", "bundle": "(graf inclòs)", "files": "fitxer(s)", "triples": "triples",
           "value": "valor", "strict": "(estricte: els avisos compten)"},
    "es": {"Violation": "violación", "Warning": "aviso", "Info": "información", "conforms": "Es conforme.",
           "fails": "No es conforme.", "bundle": "(grafo incluido)", "files": "fichero(s)", "triples": "triples",
           "value": "valor", "strict": "(estricto: los avisos cuentan)"},
}


def _words(lang: str) -> dict:
    return _LABELS.get(lang, _LABELS["en"])


def summary_line(report: Report, lang: str = "en", strict: bool = False) -> str:
    """Return the one-line summary: counts by severity and the verdict."""
    w = _words(lang)
    plurals = _PLURALS.get(lang, _PLURALS["en"])
    counts = ", ".join(
        f"{n} {w[s] if n == 1 else plurals[s]}" for s, n in ((s, report.count(s)) for s in ("Violation", "Warning", "Info"))
    )
    verdict = w["conforms"] if report.conforms(strict) else w["fails"]
    files = f"{len(report.files)} {w['files']}, " if report.files else ""
    return f"{counts} ({files}{report.triples} {w['triples']}). {verdict}" + (f" {w['strict']}" if strict else "")


def to_text(report: Report, lang: str = "en", strict: bool = False) -> str:
    """Return the readable report, grouped by file and resource (ANSI colours, which click strips off a TTY)."""
    w = _words(lang)
    lines = []
    for file, resources in report.by_file().items():
        lines.append(click.style(file or w["bundle"], bold=True))
        for focus, findings in resources.items():
            at = f"  ({file}:{findings[0].line})" if file and findings[0].line else ""
            lines.append(f"  {click.style(focus, underline=True)}{at}")
            for f in findings:
                mark, colour = _MARK.get(f.severity, _MARK["Violation"])
                where = f.path + (f" = {f.value}" if f.value else "") if f.path else f.value
                indent = "      " if f.cause else "    "
                lines.append(f"{indent}{click.style(mark + ' ' + w.get(f.severity, f.severity), fg=colour, bold=True)}"
                             f"  {where}" + (click.style(f"  (follows from {f.cause})", dim=True) if f.cause else ""))
                lines.append(f"{indent}    {f.message(lang)} " + click.style(f"[{f.source}]", dim=True))
        lines.append("")
    colour = "green" if report.conforms(strict) else "red"
    lines.append(click.style(summary_line(report, lang, strict), fg=colour, bold=True))
    return "\n".join(lines)


def to_json(report: Report, lang: str = "en", strict: bool = False) -> str:
    """Return the report as JSON (prefixes included, to expand the short IRIs)."""
    return "".join(iter_json(report, lang, strict))


def iter_json(report: Report, lang: str = "en", strict: bool = False):
    """Yield the JSON report in pieces, one finding at a time: the text of :func:`to_json`, without
    holding every finding as a dict and the whole text at once (200k findings took 1 GB so)."""
    data = report.to_dict(lang, strict, findings=False)
    data["prefixes"] = {**PREFIXES, "shapes": str(SHAPES)}
    head, tail = json.dumps(data, ensure_ascii=False, indent=2).split('"findings": []', 1)
    yield head + '"findings": ['
    for i, finding in enumerate(report.findings):
        text = json.dumps(finding.to_dict(lang), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ("," if i else "") + "\n    " + text
    yield ("\n  ]" if report.findings else "]") + tail


def to_junit(report: Report, lang: str = "en", strict: bool = False) -> str:
    """Return the report as JUnit XML: a test suite per file, a test case per resource.

    A resource with a violation (or, with ``strict``, a warning) is a failed test case; its
    other findings are in ``system-out``.
    """
    passing = ("Info",) if strict else ("Warning", "Info")  # a shape's own severity fails, as a violation
    suites = ET.Element("testsuites", name="kgserver validate")
    groups = report.by_file()
    for name in report.files:
        groups.setdefault(name, {})
    total_tests = total_failures = 0
    for file, resources in groups.items():
        suite = ET.SubElement(suites, "testsuite", name=file or "bundled graph")
        tests = failures = 0
        if not resources:
            tests += 1
            ET.SubElement(suite, "testcase", classname=file or "bundled graph", name="conforms")
        for focus, findings in resources.items():
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=file or "bundled graph", name=focus)
            if file and findings[0].line:  # where CI systems put the annotation
                case.set("file", file)
                case.set("line", str(findings[0].line))
            bad = [f for f in findings if f.severity not in passing]
            other = [f for f in findings if f.severity in passing]
            if bad:
                failures += 1
                at = f"{file}:{bad[0].line}: " if file and bad[0].line else ""
                failure = ET.SubElement(
                    case, "failure", type=bad[0].severity,
                    message=f"{at}{len(bad)} {bad[0].severity.lower()}(s): {bad[0].message(lang)}",
                )
                failure.text = "\n".join(_finding_line(f, lang) for f in bad)
            if other:
                ET.SubElement(case, "system-out").text = "\n".join(_finding_line(f, lang) for f in other)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += tests
        total_failures += failures
    if not groups:
        suite = ET.SubElement(suites, "testsuite", name="bundled graph", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", classname="bundled graph", name="conforms")
        total_tests = 1
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _finding_line(f, lang: str) -> str:
    where = f" {f.path}" if f.path else ""
    value = f" = {f.value}" if f.value else ""
    return f"{f.severity}: {f.focus}{where}{value}: {f.message(lang)} [{f.source}]"


def to_html(report: Report, lang: str = "en", strict: bool = False) -> str:
    """Return the report as a small standalone HTML page."""
    w = _words(lang)
    e = html.escape
    rows = []
    for file, resources in report.by_file().items():
        rows.append(f"<h2>{e(file or w['bundle'])}</h2>")
        for focus, findings in resources.items():
            rows.append(f"<h3><code>{e(focus)}</code></h3><ul>")
            for f in findings:
                where = e(f.path) + (f" = <code>{e(f.value)}</code>" if f.value else "")
                rows.append(
                    f'<li class="{e(f.severity.lower())}"><strong>{e(w.get(f.severity, f.severity))}</strong> <code>{where}</code><br>'
                    f"{e(f.message(lang))} <small>[{e(f.source)}]</small></li>"
                )
            rows.append("</ul>")
    verdict = "ok" if report.conforms(strict) else "fail"
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8">'
        "<title>kgserver validate</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        ".violation strong{color:#b00020}.warning strong{color:#8a6d00}.info strong{color:#00569e}"
        ".ok{color:#1b5e20}.fail{color:#b00020}li{margin:.4em 0}"
        "</style></head><body><h1>kgserver validate</h1>"
        f'<p class="{verdict}"><strong>{e(summary_line(report, lang, strict))}</strong></p>'
        + "".join(rows)
        + "</body></html>\n"
    )


def render(report: Report, fmt: str = "text", lang: str = "en", strict: bool = False) -> str:
    """Return the report in ``fmt`` (``text``, ``json``, ``junit`` or ``html``)."""
    writers = {"text": to_text, "json": to_json, "junit": to_junit, "html": to_html}
    return writers[fmt](report, lang, strict)
