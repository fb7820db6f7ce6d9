"""Generate data/editorial/anchors.ttl: where in its source text each resource a document states is named.

For every subject of a source graph (``data/sources/<doc>.ttl``) find the first passage of the document's
text (``data/sources/text/<file>``, named by ``ess:sourceFile`` in data/editorial/catalogue.ttl) that
names it: a hint below when the resource's name is not written as one string, else its Catalan label,
alternative label or acronym as that graph gives it. Line breaks and spaces in the text match any run of
white space, a hyphen at a line break may split a word, ' and ’ are the same. The anchor is a W3C Web
Annotation whose target carries three selectors: the exact quote with 32 characters of prefix and
suffix, the character positions (0-based, end exclusive) and the line range as an RFC 5147 fragment.

Usage: python scripts/anchors.py [--check]   (--check: exit 1 if the file is not what it would write)
Exit 1 also when a subject cannot be anchored (each printed with its graph).
Deterministic: the same data and texts always give the same file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgserver.namespaces import ESS, ID  # noqa: E402

DATA = ROOT / "data"
OUT = DATA / "editorial" / "anchors.ttl"
CONTEXT = 32
#: Resources whose name is not one string of the text: the quote that names them (by IRI path).
HINTS = {
    "entity/municipis-membres-xmess": "municipis i Consells Comarcals membres",
    "entity/consells-comarcals-membres-xmess": "municipis i Consells Comarcals membres",
    "entity/xmess-comissions-tecniques": "Comissions Executives i tècniques",
    "entity/xmess-comissio-executiva": "Comissió Executiva",
    "entity/sect-agro": "SECT (AGRO",
    "entity/sect-consum": "CONSUM",
    "entity/sect-habit": "HABIT",
    "entity/sect-textil": "TÈXTIL",
    "entity/sect-trans": "TRANS)",
    "plan/estrategia-ess-2030": "l’Estratègia",
    "plan/xmess-pla-treball-2024": "PLA DE TREBALL 2024",
}
NAME_PROPERTIES = (RDFS.label, SKOS.altLabel, ESS.acronym)


def pattern(name: str) -> str:
    """Return a regex that finds ``name`` in a text whatever its line breaks."""
    parts: list[str] = []
    for i, ch in enumerate(name):
        if ch.isspace():
            if parts and parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in "'’":
            parts.append("['’]")
        else:
            parts.append(re.escape(ch))
            if ch.isalpha() and i + 1 < len(name) and name[i + 1].isalpha():
                parts.append(r"(?:-\s+)?")
    body = "".join(parts)
    return rf"(?<!\w){body}(?!\w)" if len(name) <= 6 else body


def find(name: str, text: str) -> re.Match | None:
    """Return the first passage of ``text`` naming ``name`` (case-sensitive first, then not for long names)."""
    name = name.strip()
    match = re.search(pattern(name), text)
    if match is None and len(name) > 6:
        match = re.search(pattern(name), text, re.I)
    return match


def names(graph: Graph, subject: URIRef) -> list[str]:
    """Return the hint and the names ``graph`` gives ``subject``, in a stable order."""
    path = str(subject)[len(str(ID)):]
    found = [HINTS[path]] if path in HINTS else []
    for prop in NAME_PROPERTIES:
        found += sorted(str(o) for o in graph.objects(subject, prop)
                        if isinstance(o, Literal) and o.language in (None, "ca"))
    return found


def line_of(text: str, offset: int) -> int:
    """Return the 1-based line number of character ``offset``."""
    return text.count("\n", 0, offset) + 1


def turtle_literal(value: str) -> str:
    return Literal(value).n3()


def anchors_for(doc: str, graph: Graph, text: str) -> tuple[list[str], list[str]]:
    """Return the Turtle blocks of ``doc``'s anchors and the subjects that could not be anchored."""
    blocks, missing = [], []
    document = ID[f"document/{doc}"]
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str):
        match = next((m for m in (find(n, text) for n in names(graph, subject)) if m), None)
        if match is None:
            missing.append(f"{doc}: {subject}")
            continue
        start, end = match.span()
        first, last = line_of(text, start), line_of(text, end - 1)
        path = str(subject)[len(str(ID)):]
        blocks.append(
            f"<anchor/{doc}/{path}> a oa:Annotation ;\n"
            f"    oa:motivatedBy oa:identifying ;\n"
            f"    oa:hasBody <{path}> ;\n"
            f"    oa:hasTarget [\n"
            f"        a oa:SpecificResource ;\n"
            f"        oa:hasSource <document/{doc}> ;\n"
            f"        oa:hasSelector [\n"
            f"            a oa:TextQuoteSelector ;\n"
            f"            oa:exact {turtle_literal(text[start:end])} ;\n"
            f"            oa:prefix {turtle_literal(text[max(0, start - CONTEXT):start])} ;\n"
            f"            oa:suffix {turtle_literal(text[end:end + CONTEXT])}\n"
            f"        ] , [\n"
            f"            a oa:TextPositionSelector ;\n"
            f"            oa:start {start} ;\n"
            f"            oa:end {end}\n"
            f"        ] , [\n"
            f"            a oa:FragmentSelector ;\n"
            f"            dcterms:conformsTo <http://tools.ietf.org/rfc/rfc5147> ;\n"
            f"            rdf:value \"line={first - 1},{last}\"\n"
            f"        ]\n"
            f"    ] .\n"
        )
    return blocks, missing


def source_files() -> dict[str, str]:
    """Return document slug -> text file name, from the catalogue."""
    catalogue = Graph().parse(DATA / "editorial" / "catalogue.ttl")
    return {str(d)[len(str(ID["document/"])):]: str(f) for d, f in catalogue.subject_objects(ESS.sourceFile)}


def render() -> tuple[str, list[str]]:
    """Return the anchors file's text and the subjects that could not be anchored."""
    files = source_files()
    out = [
        "# Graph <https://w3id.org/esskg/graph/editorial/anchors>: GENERATED by scripts/anchors.py, do not edit.\n"
        "# For each subject of a source graph, the passage of the document's text that names it (W3C Web\n"
        "# Annotation: exact quote with prefix/suffix, character positions 0-based end-exclusive, and the\n"
        "# line range as an RFC 5147 fragment: line=a,b selects lines a+1..b of the file).\n\n"
        f"@base <{ID}> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    ]
    missing: list[str] = []
    for path in sorted((DATA / "sources").glob("*.ttl")):
        doc = path.stem
        text = (DATA / "sources" / "text" / files[doc]).read_text(encoding="utf-8")
        blocks, lost = anchors_for(doc, Graph().parse(path), text)
        out += ["\n" + b for b in blocks]
        missing += lost
    return "".join(out), missing


def main(argv: list[str]) -> int:
    text, missing = render()
    for m in missing:
        print(f"no passage names {m}", file=sys.stderr)
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run python scripts/anchors.py", file=sys.stderr)
            return 1
        return 1 if missing else 0
    OUT.write_text(text, encoding="utf-8")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
