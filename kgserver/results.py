"""Serialise query results (the format is chosen by :mod:`kgserver.web.conneg`).

SELECT and ASK results are written as SPARQL 1.1 Query Results JSON, XML, CSV and
TSV; CONSTRUCT and DESCRIBE results as Turtle, N-Triples, JSON-LD and RDF/XML.
Terms are pyoxigraph terms (the rdflib engine converts its terms first), so both
engines produce byte-identical answers for the same solutions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from .namespaces import PREFIXES

#: Result-set format key -> media type (the first is the default).
RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}

#: Graph format key -> media type (the first is the default).
GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}

_XSD_STRING = PREFIXES["xsd"] + "string"
_RDF_LANG_STRING = PREFIXES["rdf"] + "langString"

_OX_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


# --- SPARQL JSON ---------------------------------------------------------------------------


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        else:
            datatype = term.datatype.value
            if datatype != _XSD_STRING:
                out["datatype"] = datatype
        return out
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unsupported RDF term {term!r}")


def _select_json(variables: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row) if term is not None} for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- SPARQL XML ----------------------------------------------------------------------------

_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _xml_text(value: str) -> str:
    return value.translate(_XML_ESCAPES).replace("\r", "&#13;")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<literal xml:lang="{_xml_text(term.language)}">{_xml_text(term.value)}</literal>'
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return f"<literal>{_xml_text(term.value)}</literal>"
        return f'<literal datatype="{_xml_text(datatype)}">{_xml_text(term.value)}</literal>'
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unsupported RDF term {term!r}")


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _select_xml(variables: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f'<variable name="{_xml_text(name)}"/>' for name in variables]
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        for name, term in zip(variables, row):
            if term is not None:
                out.append(f'<binding name="{name}">{_xml_term(term)}</binding>')
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _ask_xml(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n".encode()


# --- CSV and TSV ---------------------------------------------------------------------------


def _csv_field(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return _csv_field(f"_:{term.value}")
    if isinstance(term, ox.Triple):
        return _csv_field(str(term))
    return _csv_field(term.value)


def _select_csv(variables: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    lines = [",".join(_csv_field(v) for v in variables)]
    lines += [",".join(_csv_term(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        text = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype.value
        return text if datatype == _XSD_STRING else f"{text}^^<{datatype}>"
    return str(term)  # <iri>, _:label, << triple >> in N-Triples syntax


def _select_tsv(variables: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


_SELECT_WRITERS = {"json": _select_json, "xml": _select_xml, "csv": _select_csv, "tsv": _select_tsv}


def write_select(fmt: str, variables: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """Serialise SELECT solutions.

    :param fmt: a key of :data:`RESULT_FORMATS`.
    :param variables: the projected variable names, without ``?``.
    :param rows: one sequence of terms (or None for unbound) per solution, in ``variables`` order.
    """
    return _SELECT_WRITERS[fmt](variables, rows)


def write_ask(fmt: str, value: bool) -> bytes:
    """Serialise an ASK answer (CSV and TSV as a one-column table, as Jena and Virtuoso do)."""
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": bool(value)}, separators=(",", ":")).encode()
    if fmt == "xml":
        return _ask_xml(value)
    if fmt == "csv":
        return f"_askResult\r\n{text}\r\n".encode()
    return f"?_askResult\n{text}\n".encode()


def write_graph(fmt: str, triples: Iterable) -> bytes:
    """Serialise CONSTRUCT or DESCRIBE triples (pyoxigraph ``Triple`` objects).

    :param fmt: a key of :data:`GRAPH_FORMATS`.
    """
    ox_format = _OX_GRAPH_FORMATS[fmt]
    triples = list(triples)
    prefixes = _used_prefixes(triples) if fmt in ("turtle", "rdfxml") else None
    return ox.serialize(triples, format=ox_format, prefixes=prefixes) or b""


_NAMESPACE_PREFIX = {iri: prefix for prefix, iri in PREFIXES.items()}


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut]


def _used_prefixes(triples: list) -> dict[str, str]:
    """Return the project prefixes whose namespace some IRI of ``triples`` is directly in."""
    iris = set()
    for triple in triples:
        iris.add(triple.predicate.value)
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    namespaces = {_namespace(iri) for iri in iris}
    return {_NAMESPACE_PREFIX[ns]: ns for ns in namespaces if ns in _NAMESPACE_PREFIX}
