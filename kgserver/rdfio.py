"""Read RDF files and documents safely, with precise syntax errors.

Every RDF text that enters kgserver (bundled files, contributions, HTTP bodies)
comes through :func:`parse_bytes`.  It parses with Oxigraph's parsers, which are
fast, conformant, report ``line:column`` and never fetch anything: a JSON-LD
remote ``@context`` is refused, and so are RDF/XML DTDs with external entities
and remote ``owl:imports``.  The triples are returned as an rdflib graph.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from .bundle import RDF_SUFFIXES
from .errors import RDFSyntaxError, UnsafeInputError

#: rdflib format name -> Oxigraph format.
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}

#: Media types accepted for RDF documents -> rdflib format name.
MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/rdf+xml": "xml",
    "text/n3": "n3",
}

_XML_ENTITY = re.compile(rb"<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_XML_DOCTYPE_EXTERNAL = re.compile(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_LOCAL_IMPORT_PREFIXES = ("https://w3id.org/esskg/",)


def format_for_path(path: Path | str) -> str:
    """Return the rdflib format name for a file, from its suffix.

    :raises InputError: when the suffix is not an RDF format kgserver reads.
    """
    suffix = Path(path).suffix.lower()
    try:
        return RDF_SUFFIXES[suffix]
    except KeyError:
        raise RDFSyntaxError(
            str(path), f"unknown RDF file type {suffix!r}; expected one of {', '.join(sorted(RDF_SUFFIXES))}"
        ) from None


def format_for_media_type(content_type: str | None) -> str | None:
    """Return the rdflib format name for a ``Content-Type`` header, or None if it is not RDF."""
    if not content_type:
        return None
    return MEDIA_TYPES.get(content_type.split(";")[0].strip().lower())


def _to_rdflib(term, bnode_scope: str):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(f"{bnode_scope}{term.value}")
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


def _check_safe(data: bytes, fmt: str, source: str) -> None:
    if fmt == "xml" and (_XML_ENTITY.search(data) or _XML_DOCTYPE_EXTERNAL.search(data)):
        raise UnsafeInputError(
            f"{source}: RDF/XML declares an external entity or DTD; kgserver never loads external resources"
        )


def parse_bytes(data: bytes, fmt: str, source: str = "<input>", base_iri: str | None = None) -> Graph:
    """Parse one RDF document into a new rdflib graph, all or nothing.

    :param data: the document's bytes (UTF-8).
    :param fmt: rdflib format name (``turtle``, ``nt``, ``nquads``, ``trig``, ``json-ld``, ``xml``).
    :param source: name used in error messages (a file path, ``<request>``).
    :param base_iri: base IRI for relative IRIs.
    :raises RDFSyntaxError: with line and column when the text does not parse.
    :raises UnsafeInputError: when the text asks for a network fetch.
    """
    try:
        ox_format = _OX_FORMATS[fmt]
    except KeyError:
        raise RDFSyntaxError(source, f"unsupported RDF format {fmt!r}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise RDFSyntaxError(source, "the document is not valid UTF-8", line, column) from None
    _check_safe(data, fmt, source)
    try:
        quads = list(ox.parse(data, format=ox_format, base_iri=base_iri))
    except SyntaxError as err:
        message = str(err)
        if "LoadDocumentCallback" in message or "remote context" in message.lower():
            raise UnsafeInputError(
                f"{source}: JSON-LD remote @context refused; kgserver never fetches URLs named in input, "
                "inline the context instead"
            ) from None
        raise RDFSyntaxError(source, message, getattr(err, "lineno", None), getattr(err, "offset", None)) from None
    except ValueError as err:
        raise RDFSyntaxError(source, str(err)) from None

    graph = Graph()
    scope = f"b{uuid.uuid4().hex[:8]}"
    add = graph.add
    for quad in quads:
        add((_to_rdflib(quad.subject, scope), _to_rdflib(quad.predicate, scope), _to_rdflib(quad.object, scope)))
    for imported in graph.objects(None, OWL.imports):
        if not str(imported).startswith(_LOCAL_IMPORT_PREFIXES):
            raise UnsafeInputError(
                f"{source}: owl:imports <{imported}> refused; kgserver never fetches imports from the network "
                "(external vocabularies are kept as local copies in ontology/imports)"
            )
    return graph


def parse_file(path: Path | str, fmt: str | None = None, base_iri: str | None = None) -> Graph:
    """Parse one RDF file into a new rdflib graph (see :func:`parse_bytes`).

    :raises RDFSyntaxError: when the file cannot be read or does not parse.
    """
    path = Path(path)
    fmt = fmt or format_for_path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RDFSyntaxError(str(path), f"cannot read file: {err.strerror}") from None
    return parse_bytes(data, fmt, source=str(path), base_iri=base_iri)


__all__ = ["parse_bytes", "parse_file", "format_for_path", "format_for_media_type", "MEDIA_TYPES", "RDF"]
