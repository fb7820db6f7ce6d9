"""Choose a representation: content negotiation by ``Accept`` (q-values) or by file suffix.

One table, :data:`FORMATS`, names the representations every linked-data URL offers; the
pages, the VoID description and the ontology all negotiate through :func:`negotiate`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept


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
    ranges = []
    for value, q in accept:
        main, _, sub = value.split(";")[0].strip().lower().partition("/")
        ranges.append((main, sub or "*", q))
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
