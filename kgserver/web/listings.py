"""Pages over many resources: ``/search`` (from the store's label search) and ``/browse`` (one query, once per process).

Their routes are on the pages blueprint (``pages.search``, ``pages.browse``); :mod:`.pages` imports this module.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, render_template, request

from .figures import class_legend, kind, prefetch_kinds
from .pages import INFERRED, RDF_TYPE_NT, _cache, _common_context, _sources, _store, base_iri, bp, href_for
from .resource import Labeller, fold
from .ui import request_languages, ui_strings

#: Resources a search page lists (the first in IRI order; the page says how many matched).
SEARCH_HITS = 200


@bp.get("/search")
def search():
    """List the resources whose labels contain every word of ``q`` (accents and case ignored)."""
    query = request.args.get("q", "").strip()[:200]
    words = fold(query).split()
    languages = request_languages()
    sources = _sources()
    labeller = Labeller(sources, languages)
    total, hits = _store().search_labels(words, under=base_iri(), limit=SEARCH_HITS)
    legend = class_legend(sources, labeller)
    prefetch_kinds(sources, [ox.NamedNode(iri) for iri in hits])
    results = []
    for iri in hits:
        node_kind = kind(sources, ox.NamedNode(iri))
        results.append({"href": href_for(iri), "label": labeller.label(ox.NamedNode(iri)), "iri": iri,
                        "kind": node_kind, "kind_label": legend.get(node_kind, "")})
    results.sort(key=lambda r: (r["kind"], fold(r["label"])))
    html = render_template("pages/search.html", query=query, results=results, total=total,
                           **_common_context(languages, title=query or ui_strings(languages)[1]["search"]))
    return Response(html, content_type="text/html; charset=utf-8")


def _asserted_types() -> list[tuple]:
    """Return (class, resource) for the asserted types of the resources under ``<base>id/`` (one query)."""
    query = (f"SELECT DISTINCT ?c ?s WHERE {{ GRAPH ?g {{ ?s {RDF_TYPE_NT} ?c }} "
             f"FILTER(?g != {INFERRED} && isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(base_iri() + 'id/')})) }}")
    return [(row["c"], row["s"]) for row in _store().query(query)]


@bp.get("/browse")
def browse():
    """List every resource under the base, grouped by its class."""
    languages = request_languages()
    sources = _sources()
    labeller = Labeller(sources, languages)
    groups: dict = {}
    for cls, member in _cache().get("browse", _asserted_types):
        groups.setdefault(cls, set()).add(member)
    labeller.prefetch(sorted({*groups, *(m for members in groups.values() for m in members)}, key=str))
    out = []
    for cls, members in groups.items():
        items = sorted(({"href": href_for(m.value), "label": labeller.label(m)} for m in members),
                       key=lambda item: fold(item["label"]))
        out.append({"label": labeller.label(cls), "href": href_for(cls.value), "items": items})
    out.sort(key=lambda g: fold(g["label"]))
    html = render_template("pages/browse.html", groups=out,
                           **_common_context(languages, title=ui_strings(languages)[1]["browse"]))
    return Response(html, content_type="text/html; charset=utf-8")
