"""Find the line where each subject is described in an RDF file, so that findings say ``file:line``.

The parsers keep no positions, so the file is read once more, line by line (linear, no regular
expression that can backtrack): in N-Triples and N-Quads every statement is one line; in Turtle, N3
and TriG a subject's block starts at the first term of a line after a line that ended a statement
(``.``) or opened or closed a graph (``{``, ``}``), outside ``[ ]``, with the ``@prefix`` / ``@base``
(or ``PREFIX`` / ``BASE``) declarations applied.  In
JSON-LD a node's line is that of its ``"@id"`` when the value is an absolute IRI or a prefixed name
of the context's simple prefixes.  RDF/XML: the line of ``rdf:about="…"``.  A subject described in
several places gets its first line.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

from rdflib import URIRef

from .terms import n3

_STOP = " \t;,"


def _token(line: str) -> str:
    """Return the first term of a line (up to a space, ``;`` or ``,``; a whole ``<...>``)."""
    if line.startswith("<"):
        end = line.find(">")
        return line[: end + 1] if end > 0 else ""
    end = len(line)
    for stop in _STOP:
        found = line.find(stop)
        if found != -1:
            end = min(end, found)
    return line[:end]


def _expand(token: str, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.startswith("<") and token.endswith(">"):
        iri = token[1:-1]
        return urljoin(base, iri) if base and ":" not in iri.split("/")[0] else iri
    if token.startswith("_:") or ":" not in token:
        return None
    prefix, _, local = token.partition(":")
    return prefixes[prefix] + local if prefix in prefixes else None


def _declaration(line: str, prefixes: dict[str, str], base: str | None) -> str | None:
    """Read an ``@prefix`` / ``@base`` line into ``prefixes``; return the new base, if it sets one."""
    words = line.replace("\t", " ").split()
    keyword = words[0].lower()
    if keyword in ("@prefix", "prefix") and len(words) >= 3 and words[2].startswith("<"):
        iri = words[2].rstrip(".").strip("<>")
        prefixes[words[1].rstrip(":")] = urljoin(base, iri) if base else iri
    elif keyword in ("@base", "base") and len(words) >= 2 and words[1].startswith("<"):
        iri = words[1].rstrip(".").strip("<>")
        return urljoin(base, iri) if base else iri
    return None


def subject_lines(path: Path, fmt: str, base: str | None = None) -> dict[str, int]:
    """Return subject (in report syntax, as :func:`.terms.n3` writes it) -> first line it is described on."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    if fmt == "json-ld":
        return _jsonld_lines(text, base)
    if fmt == "xml":
        start = text.find('xml:base="')
        if start != -1:
            base = text[start + 10:text.find('"', start + 10)]
        return _attribute_lines(text, ('rdf:about="', "rdf:about='"), base)
    lines: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    statement_per_line = fmt in ("nt", "nquads")
    depth = 0  # inside [ ... ] spanning lines, a line start is no subject
    expect_subject = True  # after ".", "{" or "}" (TriG graphs), the next term is a subject
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        if statement_per_line:
            iri = _expand(_token(line), prefixes, base)
            if iri is not None:
                lines.setdefault(n3(URIRef(iri)), number)
            continue
        if line[0] in "@PBpb" and line.split(None, 1)[0].lower() in ("@prefix", "prefix", "@base", "base"):
            base = _declaration(line, prefixes, base) or base
            continue
        if line.startswith(("GRAPH ", "graph ")):
            line = line.split(None, 1)[1] if " " in line else line
        if expect_subject and depth <= 0 and line[0] not in "[(])}{":
            iri = _expand(_token(line), prefixes, base)
            if iri is not None:
                lines.setdefault(n3(URIRef(iri)), number)
        depth += raw.count("[") - raw.count("]")
        code = line.split(" #", 1)[0].rstrip()
        expect_subject = code.endswith((".", "{", "}")) and not code.endswith("..")
    return lines


def _attribute_lines(text: str, markers: tuple[str, ...], base: str | None) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for marker in markers:
            start = line.find(marker)
            if start != -1:
                end = line.find(marker[-1], start + len(marker))
                if end != -1:
                    iri = line[start + len(marker):end]
                    lines.setdefault(n3(URIRef(urljoin(base, iri) if base else iri)), number)
    return lines


def _jsonld_lines(text: str, base: str | None) -> dict[str, int]:
    try:
        document = json.loads(text)
    except ValueError:
        return {}
    context = document.get("@context", {}) if isinstance(document, dict) else {}
    prefixes = {k: v for k, v in context.items() if isinstance(v, str)} if isinstance(context, dict) else {}
    base = context.get("@base", base) if isinstance(context, dict) else base
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        start = line.find('"@id"')
        if start == -1:
            continue
        rest = line[start + 5:].lstrip(" \t:")
        if not rest.startswith('"'):
            continue
        value = rest[1:rest.find('"', 1)]
        prefix, _, local = value.partition(":")
        iri = prefixes[prefix] + local if local and prefix in prefixes else (
            urljoin(base, value) if base and ":" not in value else value)
        lines.setdefault(n3(URIRef(iri)), number)
    return lines
