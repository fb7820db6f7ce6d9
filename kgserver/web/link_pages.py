"""The paged lists of one resource's links (``<resource>?incoming=<property>&page=K``; see :mod:`.paging`).

Dereferenced like the resource: the IRI without a suffix answers 303 to the negotiated document
(the query kept), ``.html`` is a page for people, the RDF suffixes give the page's statements, the
names of what they link to, and the Hydra controls (the list's size, the pages around).  Its route is
the resource's (:func:`kgserver.web.pages.dereference`), which hands requests with a list over here.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, redirect, render_template, request

from .conneg import FORMATS, RDF_FORMATS, Format, negotiate
from .pages import _bound, _common_context, _finish, _sources, href_for, not_acceptable
from .paging import requested_list
from .render import PageBuilder
from .resource import Labeller, add_names, merge_quads, ordered, serialize
from .ui import request_languages


def answer(node: ox.NamedNode, stem: str, fmt: Format | None) -> Response | None:
    """Answer a request for one page of a list of ``node``'s links; None when the request asks for no list."""
    try:
        asked = requested_list(node, request.args, _bound().per_property)
    except ValueError as err:
        return _finish(Response(f"400 Bad Request: {err}\n", status=400, content_type="text/plain; charset=utf-8"),
                       vary=False)
    if asked is None:
        return None
    links, page = asked
    if fmt is None:
        chosen = negotiate(request.accept_mimetypes)
        if chosen is None:
            return not_acceptable()
        query = request.query_string.decode("ascii", "replace")
        return _finish(redirect(f"{request.script_root}/{stem}.{chosen.suffix}?{query}", code=303), vary=True)
    sources = _sources()
    total = sources.count_links(node, links.predicate, incoming=links.incoming)
    if page > links.pages(total):
        return _finish(Response(f"404 Not Found: this list has {links.pages(total)} page(s).\n", status=404,
                                content_type="text/plain; charset=utf-8"), vary=False)
    quads = sources.links(node, links.predicate, incoming=links.incoming, limit=links.per_page,
                          offset=(page - 1) * links.per_page)
    statements = sorted(merge_quads(quads, incoming=links.incoming),
                        key=lambda s: (s.value.value, getattr(s.value, "language", None) or "", str(getattr(s.value, "datatype", ""))))
    formats = [{"label": FORMATS[k].label, "media": FORMATS[k].media_type,
                "href": f"{request.script_root}/{stem}.{k}?{links.query(page)}"}
               for k in RDF_FORMATS]
    if fmt.rdf_format is not None:
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        add_names(sources, triples, node)
        triples |= set(links.view_triples(page, total))
        return _finish(Response(serialize(ordered(triples), fmt.rdf_format), content_type=fmt.content_type),
                       vary=False)
    languages = request_languages()
    labeller = Labeller(sources, languages)
    labeller.prefetch([node, links.predicate, *(s.value for s in statements)])
    builder = PageBuilder(sources, labeller, href_for)
    last = links.pages(total)
    def page_href(number: int) -> str:
        return f"{request.script_root}/{stem}.html?{links.query(number)}"

    html = render_template(
        "pages/links.html", resource=builder.value(node), incoming=links.incoming, page=page, last=last, total=total,
        property={"iri": links.predicate.value, "href": href_for(links.predicate.value),
                  "label": labeller.label(links.predicate)},
        values=[builder.value(s.value, s.inferred) for s in statements], formats=formats,
        previous=page_href(page - 1) if page > 1 else None, next=page_href(page + 1) if page < last else None,
        **_common_context(languages, title=f"{labeller.label(node)} · {labeller.label(links.predicate)} ({total})"))
    response = Response(html, content_type=FORMATS["html"].content_type)
    response.vary.add("Accept-Language")
    return _finish(response, vary=False)
