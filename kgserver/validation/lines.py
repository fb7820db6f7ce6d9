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
import re
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


_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"' + r"|'(?:[^'\\\n]|\\.)*'")  # one unambiguous pass: linear


def _unescape(token: str) -> str:
    """Undo ``\\uXXXX`` escapes (IRIs) and ``\\-``-style escapes of local names, as the parser does."""
    token = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token)
    if not token.startswith("<"):
        token = re.sub(r"\\(.)", r"\1", token)
    return token


def _expand(token: str, prefixes: dict[str, str], base: str | None) -> str | None:
    if "\\" in token:
        token = _unescape(token)
    if token.startswith("<") and token.endswith(">"):
        return _resolve(base, token[1:-1])
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
        prefixes[words[1].rstrip(":")] = _resolve(base, iri)
    elif keyword in ("@base", "base") and len(words) >= 2 and words[1].startswith("<"):
        iri = words[1].rstrip(".").strip("<>")
        return _resolve(base, iri)
    return None


def _resolve(base: str | None, iri: str) -> str:
    """Resolve ``iri`` against ``base`` if it is relative (``urljoin`` would drop the empty fragment of ``ns#``)."""
    if not base or ":" in iri.split("/")[0]:
        return iri
    if iri and iri[0] not in "/?#." and "/." not in iri and "?" not in iri and "#" not in iri:
        # a plain relative path (<plan/x>): the base up to its last "/", and the path (RFC 3986, 5.2.3);
        # what urljoin does, without its half of the time of reading a large file
        cut = base.rfind("/")
        if "?" not in base and "#" not in base and cut > base.find("//") + 1:
            return base[:cut + 1] + iri
    resolved = urljoin(base, iri)
    return resolved + "#" if iri.endswith("#") and not resolved.endswith("#") else resolved


def _numbered_lines(path: Path):
    """Yield (number, text) for each line of a file, lines ending at ``\\n`` only, as the parsers count them
    (a ``\\r\\n`` ending is stripped; a U+2028 or a form feed inside a literal starts no line)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8", "replace")


def subject_lines(path: Path, fmt: str, base: str | None = None, wanted: set[str] | None = None) -> dict[str, int]:
    """Return subject (in report syntax, as :func:`.terms.n3` writes it) -> first line it is described on.

    :param wanted: absolute IRIs to look for (the resources that have findings): only those are
        returned, and the scan keeps nothing else, whatever the size of the file.
    """
    try:
        if fmt in ("json-ld", "xml"):
            text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    if fmt == "json-ld":
        return _jsonld_lines(text, base, wanted)
    if fmt == "xml":
        start = text.find('xml:base="')
        if start != -1:
            base = text[start + 10:text.find('"', start + 10)]
        return _attribute_lines(text, ('rdf:about="', "rdf:about='"), base, wanted)
    lines: dict[str, int] = {}

    def found(iri: str | None, number: int) -> None:
        if iri is not None and (wanted is None or iri in wanted):
            lines.setdefault(n3(URIRef(iri)), number)

    prefixes: dict[str, str] = {}
    statement_per_line = fmt in ("nt", "nquads")
    depth = 0  # inside [ ... ] spanning lines, a line start is no subject
    expect_subject = True  # after ".", "{" or "}" (TriG graphs), the next term is a subject
    long_string = None  # the delimiter of a long (triple-quoted) literal spanning lines: its lines are text
    try:
        for number, raw in _numbered_lines(path):
            if long_string is not None:
                end = raw.find(long_string)
                if end == -1:
                    continue
                raw, long_string = raw[end + 3:], None
                expect_subject = False
            if '"""' in raw or "'''" in raw:
                long_string = _opens_long_string(raw)
            line = raw.strip()
            if not line or line[0] == "#":
                continue
            if statement_per_line:
                found(_expand(_token(line), prefixes, base), number)
                continue
            if line[0] in "@PBpb" and line.split(None, 1)[0].lower() in ("@prefix", "prefix", "@base", "base"):
                base = _declaration(line, prefixes, base) or base
                continue
            if line.startswith(("GRAPH ", "graph ")):
                line = line.split(None, 1)[1] if " " in line else line
            if expect_subject and depth <= 0 and line[0] not in "[(])}{":
                found(_expand(_token(line), prefixes, base), number)
            if " . " in line and depth <= 0:  # another statement starts on this line
                for rest in _STRING.sub('""', line).split(" . ")[1:]:
                    rest = rest.strip()
                    if rest and rest[0] not in "[(])}{#":
                        found(_expand(_token(rest), prefixes, base), number)
            depth += raw.count("[") - raw.count("]")
            code = line.split(" #", 1)[0].rstrip()
            expect_subject = code.endswith((".", "{", "}")) and not code.endswith("..")
    except OSError:
        return lines
    return lines


def _opens_long_string(line: str) -> str | None:
    """Return the delimiter of a long string that ``line`` opens and does not close, else None."""
    at, opened = 0, None
    while True:
        starts = [(line.find(d, at), d) for d in ('"""', "'''") if line.find(d, at) != -1]
        if not starts:
            return opened
        start, delimiter = min(starts)
        end = line.find(delimiter, start + 3)
        if end == -1:
            return delimiter
        at = end + 3


def _entities(text: str) -> dict[str, str]:
    """Return the plain internal entities an RDF/XML document declares (``<!ENTITY ess "https://...#">``)."""
    found = {}
    for part in text.split("<!ENTITY")[1:]:
        words = part.split(None, 1)
        if len(words) == 2 and words[1][:1] in "\"'":
            quote = words[1][0]
            found[words[0]] = words[1][1:words[1].find(quote, 1)]
    return found


def _attribute_lines(text: str, markers: tuple[str, ...], base: str | None, wanted=None) -> dict[str, int]:
    lines: dict[str, int] = {}
    entities = _entities(text) if "<!ENTITY" in text else {}
    for number, line in enumerate(text.split("\n"), 1):
        for marker in markers:
            start = line.find(marker)
            if start != -1:
                end = line.find(marker[-1], start + len(marker))
                if end != -1:
                    iri = line[start + len(marker):end]
                    for name, value in entities.items() if "&" in iri else ():
                        iri = iri.replace(f"&{name};", value)
                    iri = _resolve(base, iri)
                    if wanted is None or iri in wanted:
                        lines.setdefault(n3(URIRef(iri)), number)
    return lines


def _jsonld_lines(text: str, base: str | None, wanted=None) -> dict[str, int]:
    try:
        document = json.loads(text)
    except ValueError:
        return {}
    context = document.get("@context", {}) if isinstance(document, dict) else {}
    prefixes = {k: v for k, v in context.items() if isinstance(v, str)} if isinstance(context, dict) else {}
    base = context.get("@base", base) if isinstance(context, dict) else base
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
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
        if wanted is None or iri in wanted:
            lines.setdefault(n3(URIRef(iri)), number)
    return lines
