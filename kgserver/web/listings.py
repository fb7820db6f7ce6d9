"""Pages over many resources: ``/search`` (the store's label search) and ``/browse`` (classes, then a page of members).

Their routes are on the pages blueprint (``pages.search``, ``pages.browse``); :mod:`.pages` imports this module.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, abort, render_template, request

from ..namespaces import ID_PATH
from .figures import class_legend, kind, prefetch_kinds
from .pages import _common_context, _sources, _store, base_iri, bp, href_for
from .resource import Labeller, fold
from .ui import request_languages, ui_strings

#: Resources a search page lists (the first in IRI order; the page says how many matched).
SEARCH_HITS = 200
#: Members of a class one browse page lists.
BROWSE_PAGE = 200


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


def _under() -> str:
    """Return where browse looks: the resources under ``<base>id/``."""
    return base_iri() + ID_PATH


@bp.get("/browse")
def browse():
    """List the classes of the resources under ``<base>id/`` with their counts, or one page of a class's members.

    ``?class=<IRI>``: the first :data:`BROWSE_PAGE` members of a class in IRI order; ``&after=<IRI>``: those after
    an IRI (the next page), ``&before=<IRI>``: those before one (the previous page).  Keyset paging: a page
    deep in a large class costs what the first does, on the build's index and on any SPARQL store (no
    ``OFFSET``).  404 for a class no resource has, or a page with no member.  What is read is bounded: the
    build's figures for the counts, one page of the index (or one query) for the members, and their labels.
    """
    languages = request_languages()
    labeller = Labeller(_sources(), languages)
    counts = _store().class_counts(_under())
    cls = request.args.get("class")
    if cls is None:
        return _classes_page(counts, labeller, languages)
    after, before = request.args.get("after"), request.args.get("before")
    if not counts.get(cls) or (after is not None and before is not None):
        abort(404)
    found = _store().class_members(cls, under=_under(), after=after, before=before, limit=BROWSE_PAGE + 1)
    more = len(found) > BROWSE_PAGE  # a page beyond this one, on the side read towards
    if not found:
        abort(404)
    if before is not None:
        found = found[-BROWSE_PAGE:]
        previous, following = (_browse_href(cls, before=found[0]) if more else None), _browse_href(cls, after=found[-1])
    else:
        found = found[:BROWSE_PAGE]
        previous = _browse_href(cls, before=found[0]) if after is not None else None
        following = _browse_href(cls, after=found[-1]) if more else None
    members = [ox.NamedNode(m) for m in found]
    labeller.prefetch([ox.NamedNode(cls), *members])
    title = labeller.label(ox.NamedNode(cls))
    html = render_template(
        "pages/browse_class.html", title_label=title, class_href=href_for(cls), class_iri=cls, total=counts[cls],
        items=[{"href": href_for(m.value), "label": labeller.label(m), "iri": m.value} for m in members],
        previous=previous, next=following,
        **_common_context(languages, title=f"{ui_strings(languages)[1]['browse']}: {title}"))
    return Response(html, content_type="text/html; charset=utf-8")


def _classes_page(counts: dict[str, int], labeller: Labeller, languages: list[str]) -> Response:
    """Render the classes with their counts, sorted by label in the page's language."""
    labeller.prefetch(sorted((ox.NamedNode(c) for c in counts), key=str))
    classes = [{"label": labeller.label(ox.NamedNode(c)), "href": _browse_href(c), "class_href": href_for(c),
                "iri": c, "count": n} for c, n in counts.items()]
    classes.sort(key=lambda item: (fold(item["label"]), item["iri"]))
    html = render_template("pages/browse.html", classes=classes, page_size=BROWSE_PAGE,
                           **_common_context(languages, title=ui_strings(languages)[1]["browse"]))
    return Response(html, content_type="text/html; charset=utf-8")


def _browse_href(cls: str, **bound: str) -> str:
    """Return the local URL of a page of a class's members (``after=`` or ``before=`` an IRI; the language kept)."""
    query = {"class": cls, **bound}
    lang = request.args.get("lang")
    if lang:
        query["lang"] = lang
    return f"{request.script_root}/browse?{urlencode(query)}"
