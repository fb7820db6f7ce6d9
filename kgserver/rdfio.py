"""Read RDF files and documents safely, with precise syntax errors.

Every RDF text that enters kgserver (bundled files, contributions, HTTP bodies)
comes through :func:`parse_bytes`.  It parses with Oxigraph's parsers, which are
fast, conformant, report ``line:column`` and never fetch anything: a JSON-LD
remote ``@context`` is refused, and so are RDF/XML DTDs with external entities
and remote ``owl:imports``.  The triples are returned as an rdflib graph.
"""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from .bundle import RDF_SUFFIXES
from .errors import RDFSyntaxError, UnsafeInputError
from .namespaces import BASE, ID
from .terms import to_rdflib

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

_XML_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PARSER_PREFIX = re.compile(r"^Parser error (at|between) [^:]*: ")
_PARSER_SUFFIX = re.compile(r" \(line \d+\)$")
_LOCAL_IMPORT_PREFIXES = (BASE,)
#: Ontologies of which ontology/imports holds the copy or our declarations (ontology/imports/SOURCES.md):
#: an official file that imports one of them (DCAT 3 imports DCTERMS, SKOS and PROV-O) asks for nothing
#: kgserver lacks.  Exact IRIs, not prefixes.
_LOCAL_IMPORTS = frozenset({
    "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core", "http://www.w3.org/ns/prov-o#",
})


class _IllTypedLiteralFilter(logging.Filter):
    """Drop rdflib's traceback for an ill-typed literal ("abc"^^xsd:integer): the shapes report it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


_ILL_TYPED_FILTER = _IllTypedLiteralFilter()


def _quiet_ill_typed_literals() -> None:
    logger = logging.getLogger("rdflib.term")
    if _ILL_TYPED_FILTER not in logger.filters:
        logger.addFilter(_ILL_TYPED_FILTER)


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


class _DoctypeDone(Exception):
    """Raised by the expat handler at the end of the document type declaration: the check is over."""


def _check_safe(data: bytes, fmt: str, source: str) -> None:
    """Refuse RDF/XML that would fetch something (external entity or DTD) or expand without bound.

    The declarations are read by expat (a linear C parser that never fetches anything),
    which stops at the end of the document type declaration: the check reads each byte of
    the DTD once, whatever the input (no regular expression going back over the text).
    """
    if fmt != "xml" or b"<!" not in data:
        return
    import xml.parsers.expat

    external = "RDF/XML declares an external entity or DTD; kgserver never loads external resources"
    expanding = (
        "RDF/XML declares a parameter entity or an entity built from other entities "
        "(an entity-expansion attack); only plain internal entities (e.g. namespace abbreviations) are accepted"
    )
    problems: list[str] = []
    sizes: dict[bytes, int] = {}  # plain internal entity -> length of its value

    def doctype(name, system_id, public_id, has_internal_subset):
        if system_id or public_id:
            problems.append(external)
            raise _DoctypeDone

    def entity(name, is_parameter, value, base, system_id, public_id, notation):
        if system_id or public_id or notation:
            problems.append(external)
        elif is_parameter or (value is not None and "&" in value):
            problems.append(expanding)
        if problems:
            raise _DoctypeDone
        sizes[name.encode("utf-8")] = len((value or "").encode("utf-8"))

    def end_doctype():
        raise _DoctypeDone

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.EndDoctypeDeclHandler = end_doctype
    try:
        parser.Parse(data, True)
    except _DoctypeDone:
        pass
    except xml.parsers.expat.ExpatError as err:
        if _XML_ENTITY.search(data):
            problems.append(
                f"RDF/XML declares entities in a document that is not well-formed XML "
                f"({xml.parsers.expat.ErrorString(err.code)} at line {err.lineno}); its entities cannot be checked"
            )
    if not problems and sizes:  # one pass over the references: a large entity used many times
        expansion = sum(sizes.get(match.group(1), 0) for match in _ENTITY_REFERENCE.finditer(data))
        if expansion > max(len(data), MAX_ENTITY_EXPANSION):
            problems.append(f"RDF/XML entities expand to {expansion} bytes, more than the document itself "
                            "(an entity-expansion attack); only abbreviations are accepted")
    if problems:
        raise UnsafeInputError(f"{source}: {problems[0]}")


#: Bytes the internal entities of an RDF/XML document may add when expanded (or the document's size, if larger).
MAX_ENTITY_EXPANSION = 1024 * 1024
_ENTITY_REFERENCE = re.compile(rb"&([A-Za-z_][\w.\-]*+);")


def _clean_message(message: str) -> str:
    """Drop the position Oxigraph repeats in its message (kgserver reports it as file:line:column)."""
    return _PARSER_SUFFIX.sub("", _PARSER_PREFIX.sub("", message))


def _xml_position(data: bytes) -> tuple[int | None, int | None, str | None]:
    """Return line, column and message of the first XML well-formedness error, found with expat."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as err:
        return err.lineno, err.offset + 1, xml.parsers.expat.ErrorString(err.code)
    return None, None, None


def _check_utf8(data: bytes, source: str) -> None:
    """Raise :class:`RDFSyntaxError` at the first byte that is not UTF-8 (checked in slices: no copy of a large text)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    view, step = memoryview(data), 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start:start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:  # rare: find the offset on the whole text
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
            raise RDFSyntaxError(source, "the document is not valid UTF-8", line, column) from None


def _prepare(data: bytes, fmt: str, source: str) -> tuple[ox.RdfFormat, bytes]:
    """Return the Oxigraph format and the bytes to parse: UTF-8 checked, byte order mark dropped, RDF/XML safe.

    :raises RDFSyntaxError: for an unknown format or bytes that are not UTF-8.
    :raises UnsafeInputError: for RDF/XML that would fetch or expand entities.
    """
    try:
        ox_format = _OX_FORMATS[fmt]
    except KeyError:
        raise RDFSyntaxError(source, f"unsupported RDF format {fmt!r}") from None
    _check_utf8(data, source)
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, as some editors write
        data = data[3:]
    _check_safe(data, fmt, source)
    return ox_format, data


def _parse_error(err: Exception, data: bytes, fmt: str, source: str) -> Exception:
    """Return the error to raise for an Oxigraph parse failure: what and where (line, column)."""
    if not isinstance(err, SyntaxError):
        return RDFSyntaxError(source, _clean_message(str(err)))
    message = str(err)
    if "LoadDocumentCallback" in message or "remote context" in message.lower():
        return UnsafeInputError(
            f"{source}: JSON-LD remote @context refused; kgserver never fetches URLs named in input, "
            "inline the context instead"
        )
    line, column = getattr(err, "lineno", None), getattr(err, "offset", None)
    message = _clean_message(message)
    if "No scheme found" in message:
        message += f" (a relative IRI with no base: declare one, e.g. @base <{ID}> .)"
    if line is None and fmt == "xml":
        line, column, xml_message = _xml_position(data)
        if xml_message:
            message = f"{message} (XML: {xml_message})"
    return RDFSyntaxError(source, message, line, column)


def parse_bytes(data: bytes, fmt: str, source: str = "<input>", base_iri: str | None = None, *,
                into: Graph | None = None) -> Graph:
    """Parse one RDF document into a new rdflib graph (or ``into``), all or nothing.

    :param data: the document's bytes (UTF-8).
    :param fmt: rdflib format name (``turtle``, ``nt``, ``nquads``, ``trig``, ``json-ld``, ``xml``).
    :param source: name used in error messages (a file path, ``<request>``).
    :param base_iri: base IRI for relative IRIs.
    :param into: add the triples to this graph and return it, instead of a new graph: several documents merged
        without copying each one's triples again (``graph += parse_bytes(...)`` adds every triple twice: a third of
        the CPU of reading the bundle's ontology, data and shapes).  The document's blank nodes stay its own.  A
        syntax error adds nothing; after an :class:`UnsafeInputError` (a triple term, an import) the graph holds
        part of the document: discard it then.
    :raises RDFSyntaxError: with line and column when the text does not parse.
    :raises UnsafeInputError: when the text asks for a network fetch.
    """
    ox_format, data = _prepare(data, fmt, source)
    try:
        quads = list(ox.parse(data, format=ox_format, base_iri=base_iri))
    except (SyntaxError, ValueError) as err:
        raise _parse_error(err, data, fmt, source) from None

    _quiet_ill_typed_literals()
    graph = Graph() if into is None else into
    scope = f"b{uuid.uuid4().hex[:8]}"
    add = graph.add
    iris: dict[str, URIRef] = {}  # the same IRIs recur: convert each once

    def term(t):
        if type(t) is ox.NamedNode:
            value = t.value
            iri = iris.get(value)
            if iri is None:
                iri = iris[value] = URIRef(value)
            return iri
        return to_rdflib(t, scope)

    for quad in quads:
        if type(quad.object) is ox.Triple or type(quad.subject) is ox.Triple:
            raise _triple_term_refused(data, source)
        add((term(quad.subject), term(quad.predicate), term(quad.object)))
    for imported in graph.objects(None, OWL.imports):
        _check_import(str(imported), source)
    return graph


def _check_import(imported: str, source: str) -> None:
    if not imported.startswith(_LOCAL_IMPORT_PREFIXES) and imported not in _LOCAL_IMPORTS:
        raise UnsafeInputError(
            f"{source}: owl:imports <{imported}> refused; kgserver never fetches imports from the network "
            "(external vocabularies are kept as local copies in ontology/imports)"
        )


def load_into_store(store: ox.Store, data: bytes, fmt: str, graph_name: str, source: str = "<input>",
                    base_iri: str | None = None) -> int:
    """Parse one RDF document straight into ``store``'s graph ``graph_name``, all or nothing; return its size.

    The checks and errors are those of :func:`parse_bytes`, without an rdflib graph (many times
    faster and smaller on large inputs).  The named graphs of TriG and N-Quads are merged into
    ``graph_name``, as :func:`parse_bytes` merges them.  A syntax error adds nothing to the store; after
    an :class:`UnsafeInputError` (triple terms, ``owl:imports``) the caller discards the store.

    :raises RDFSyntaxError: with line and column when the text does not parse.
    :raises UnsafeInputError: when the text asks for a network fetch.
    """
    ox_format, data = _prepare(data, fmt, source)
    target = ox.NamedNode(graph_name)
    size = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_name}> {{ ?s ?p ?o }} }}"
    before = int(next(iter(store.query(size)))["n"].value)
    try:
        if fmt in ("trig", "nquads"):
            store.extend(ox.Quad(q.subject, q.predicate, q.object, target)
                         for q in ox.parse(data, format=ox_format, base_iri=base_iri))
        else:
            store.load(data, format=ox_format, base_iri=base_iri, to_graph=target)
    except (SyntaxError, ValueError) as err:
        raise _parse_error(err, data, fmt, source) from None
    problem = None
    if b"<<" in data or b"{|" in data:
        triple_terms = f"ASK {{ GRAPH <{graph_name}> {{ ?s ?p ?o FILTER(isTRIPLE(?s) || isTRIPLE(?o)) }} }}"
        if store.query(triple_terms):
            problem = _triple_term_refused(data, source)
    if problem is None:
        imports = store.quads_for_pattern(None, ox.NamedNode(str(OWL.imports)), None, target)
        for quad in imports:
            try:
                _check_import(quad.object.value, source)
            except UnsafeInputError as err:
                problem = err
                break
    if problem is not None:
        raise problem
    return int(next(iter(store.query(size)))["n"].value) - before


def _triple_term_refused(data: bytes, source: str) -> RDFSyntaxError:
    """Return the error for RDF 1.2 triple terms, placed at the first ``<<`` or ``{|`` when there is one."""
    found = [i for i in (data.find(b"<<"), data.find(b"{|")) if i >= 0]
    line = column = None
    if found:
        at = min(found)
        line = data.count(b"\n", 0, at) + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
    return RDFSyntaxError(
        source,
        "RDF 1.2 triple terms (<<( s p o )>>, << s p o >> or {| |} annotations) are not supported: "
        "the ESS graph states facts about resources only; state the fact itself, or describe it with a resource",
        line,
        column,
    )


def parse_file(path: Path | str, fmt: str | None = None, base_iri: str | None = None, *,
               into: Graph | None = None) -> Graph:
    """Parse one RDF file into a new rdflib graph, or into ``into`` (see :func:`parse_bytes`).

    :raises RDFSyntaxError: when the file cannot be read or does not parse.
    """
    path = Path(path)
    fmt = fmt or format_for_path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RDFSyntaxError(str(path), f"cannot read file: {err.strerror}") from None
    return parse_bytes(data, fmt, source=str(path), base_iri=base_iri, into=into)


__all__ = ["parse_bytes", "parse_file", "load_into_store", "format_for_path", "format_for_media_type", "MEDIA_TYPES", "RDF"]
