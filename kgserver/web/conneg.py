"""Choose a representation: content negotiation by ``Accept`` (q-values), file suffix or ``format``.

One module for every URL: :data:`FORMATS` names the representations every linked-data URL offers
(the pages, the VoID description and the ontology negotiate through :func:`negotiate`), and
:func:`negotiate_query` chooses the format of a SPARQL answer with the same rules (q-values, the
most specific range wins, ``text/plain`` is N-Triples).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..results import GRAPH_FORMATS, RESULT_FORMATS


@dataclass(frozen=True)
class Format:
    """One representation of a resource: suffix, media type and Oxigraph serializer."""

    suffix: str
    media_type: str
    rdf_format: ox.RdfFormat | None  # None: HTML
    label: str

    @property
    def content_type(self) -> str:
        """Return the ``Content-Type`` header value, with the charset."""
        return f"{self.media_type}; charset=utf-8"


#: Representations in server preference order (HTML first: a bare browser or ``*/*`` gets a page).
FORMATS: dict[str, Format] = {
    "html": Format("html", "text/html", None, "HTML"),
    "ttl": Format("ttl", "text/turtle", ox.RdfFormat.TURTLE, "Turtle"),
    "jsonld": Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, "JSON-LD"),
    "nt": Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, "N-Triples"),
    "rdf": Format("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML, "RDF/XML"),
}

RDF_FORMATS = [key for key, fmt in FORMATS.items() if fmt.rdf_format is not None]

#: Media types a client may ask for -> format key (aliases included, in server preference order).
_ACCEPTED: list[tuple[str, str]] = [
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    ("text/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/n-triples", "nt"),
    ("text/plain", "nt"),  # what rdflib's parse(url, format="nt") asks for
    ("application/rdf+xml", "rdf"),
]


def _quality(ranges: list[tuple[str, str, float]], media_type: str, *, wildcards: bool) -> tuple[float, int]:
    """Return (q, specificity) of the most specific range matching ``media_type`` ((0, -1) if none).

    Specificity: 2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*`` (RFC 9110 §12.5.1).
    """
    main, _, sub = media_type.partition("/")
    best = (0.0, -1)
    for r_main, r_sub, q in ranges:
        if (r_main, r_sub) == (main, sub):
            specificity = 2
        elif wildcards and r_main == main and r_sub == "*":
            specificity = 1
        elif wildcards and r_main == "*" and r_sub == "*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (q, specificity)
    return best


def _ranges(accept) -> list[tuple[str, str, float]]:
    """Return the media ranges of a parsed ``Accept`` as (type, subtype, q), leaving out what is no range."""
    out = []
    for value, q in accept:
        main, slash, sub = value.split(";")[0].strip().lower().partition("/")
        if slash and main and sub:
            out.append((main, sub, q))
    return out


def negotiate(accept: MIMEAccept, offered: list[str] | None = None) -> Format | None:
    """Return the best format for an ``Accept`` header, or None when nothing offered is acceptable.

    Each media range applies with its q-value; a media type takes the q of the most specific range
    that matches it (so ``text/html;q=0, */*`` refuses HTML).  Aliases (``application/json`` for
    JSON-LD, ``application/xhtml+xml`` for HTML) count only when named explicitly.  Among formats of
    equal quality the more specifically named wins, then the order of :data:`FORMATS`.  A request
    without ``Accept`` is treated as ``*/*`` (the HTML page).

    :param accept: the parsed header (``request.accept_mimetypes``).
    :param offered: format keys to choose from; all of :data:`FORMATS` by default.
    """
    offered = list(FORMATS) if offered is None else offered
    if not accept:
        return FORMATS[offered[0]]
    ranges = _ranges(accept)
    best = None
    for order, key in enumerate(offered):
        primary = FORMATS[key].media_type
        scores = [_quality(ranges, primary, wildcards=True)]
        scores += [_quality(ranges, media, wildcards=False) for media, k in _ACCEPTED if k == key and media != primary]
        q, specificity = max(scores)
        if q <= 0:
            continue
        candidate = (q, specificity, -order)
        if best is None or candidate > best[0]:
            best = (candidate, key)
    return FORMATS[best[1]] if best else None


def split_suffix(path: str) -> tuple[str, Format | None]:
    """Split ``id/plan/x.ttl`` into (``id/plan/x``, the Turtle format); no known suffix -> (path, None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in FORMATS:
        return stem, FORMATS[suffix]
    return path, None


def acceptable_media_types(offered: list[str] | None = None) -> list[str]:
    """Return the media types offered, for a 406 message."""
    offered = list(FORMATS) if offered is None else offered
    return [FORMATS[key].media_type for key in offered]


# --- SPARQL answers ---------------------------------------------------------------------------

#: Result-set format key -> (media type, aliases counted only when named), in server preference order.
QUERY_RESULT_OFFERS: dict[str, tuple[str, tuple[str, ...]]] = {
    key: (media, {"json": ("application/json",), "xml": ("application/xml", "text/xml")}.get(key, ()))
    for key, media in RESULT_FORMATS.items()
}
#: Graph format key -> (media type, aliases); the first is the default graph format.
QUERY_GRAPH_OFFERS: dict[str, tuple[str, tuple[str, ...]]] = {
    key: (media, {
        "turtle": ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
        "ntriples": ("text/plain",),
        "jsonld": ("application/json", "application/x-json+ld"),
        "rdfxml": ("application/xml", "text/xml"),
    }.get(key, ()))  # Turtle is N3; text/plain is N-Triples
    for key, media in GRAPH_FORMATS.items()
}
#: Names the ``format`` parameter may give -> (result format, graph format).
QUERY_FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"), "srx": ("xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"), "nt": (None, "ntriples"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
}


def _best_offer(ranges, offers: dict[str, tuple[str, tuple[str, ...]]]) -> str | None:
    best = None
    for order, (key, (primary, aliases)) in enumerate(offers.items()):
        scores = [_quality(ranges, primary, wildcards=True)]
        scores += [_quality(ranges, media, wildcards=False) for media in aliases]
        q, specificity = max(scores)
        if q > 0 and (best is None or (q, specificity, -order) > best[0]):
            best = ((q, specificity, -order), key)
    return best[1] if best else None


def _refuses(ranges, offers: dict[str, tuple[str, tuple[str, ...]]]) -> bool:
    """Tell whether some range of ``Accept`` explicitly gives q=0 to one of ``offers``."""
    for primary, aliases in offers.values():
        for media, wildcards in [(primary, True), *((a, False) for a in aliases)]:
            q, specificity = _quality(ranges, media, wildcards=wildcards)
            if specificity >= 0 and q <= 0:
                return True
    return False


def _by_media_type(value: str) -> tuple[str | None, str | None] | None:
    media = value.split(";")[0].strip()
    found = [next((k for k, (m, al) in offers.items() if media == m or media in al), None)
             for offers in (QUERY_RESULT_OFFERS, QUERY_GRAPH_OFFERS)]
    return (found[0], found[1]) if any(found) else None


def negotiate_query(accept_header: str | None, format_param: str | None) -> tuple[str | None, str | None]:
    """Return the (result-set format, graph format) keys of a SPARQL answer; None where nothing fits.

    A ``format`` parameter that names a format (``json``, ``rdf+xml``, ``n3``, a media type) decides;
    one this server does not know is ignored, so it cannot spoil a usable ``Accept`` (SPARQLWrapper
    sends both).  A client that accepts no graph format but refuses none (roqet asks only for result
    formats, also for CONSTRUCT) gets the default graph format, Turtle.

    :param accept_header: the ``Accept`` header (q-values honoured; empty or absent accepts anything).
    :param format_param: the ``format`` request parameter, if any.
    """
    return _negotiate_query(accept_header or "", (format_param or "").strip().lower())


@lru_cache(maxsize=512)
def _negotiate_query(accept_header: str, format_param: str) -> tuple[str | None, str | None]:
    if format_param:
        named = QUERY_FORMAT_NAMES.get(format_param) or _by_media_type(format_param)
        if named is not None:
            return named
    accept = parse_accept_header(accept_header, MIMEAccept)
    if not accept:  # no header, or one Werkzeug reads as empty: anything goes
        return next(iter(QUERY_RESULT_OFFERS)), next(iter(QUERY_GRAPH_OFFERS))
    ranges = _ranges(accept)
    result = _best_offer(ranges, QUERY_RESULT_OFFERS)
    graph = _best_offer(ranges, QUERY_GRAPH_OFFERS)
    if graph is None and ranges and not _refuses(ranges, QUERY_GRAPH_OFFERS):
        graph = next(iter(QUERY_GRAPH_OFFERS))
    return result, graph
