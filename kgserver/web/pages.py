"""Linked-data pages: every IRI under the base answers at its path, for people and for machines.

Decisions (see ``docs/linked-data.md``):

* An IRI of a *thing* (``/id/...``, the dataset) answers ``303 See Other`` to the document
  that describes it in the negotiated format: ``/id/plan/x`` -> ``/id/plan/x.html`` or
  ``/id/plan/x.ttl`` (Cool URIs, "303 URIs forwarding to different documents").
* An IRI of a *document* (the ontology, a named graph) answers ``200`` with the negotiated
  representation and ``Content-Location`` naming the suffixed URL.
* Suffixed URLs (``.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``) always answer ``200``.
* Negotiated responses carry ``Vary: Accept``; nothing acceptable is ``406``; an IRI the
  graph does not use is ``404`` with a page that suggests close IRIs and a search.
"""

from __future__ import annotations

import difflib

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, redirect, render_template, request

from .. import bundle, dataset
from ..namespaces import BASE, ID_PATH, ONTOLOGY_IRI
from ..search_index import SearchIndexError
from ..void import VOID_PATH, dataset_iri, void_store
from .conneg import FORMATS, RDF_FORMATS, Format, acceptable_media_types, negotiate, split_suffix
from .facts import property_relations
from .figures import figures_for, kind
from .render import PageBuilder, explainer
from .rule_texts import rule_text
from .resource import Labeller, Sources, description, local_name, ordered, outgoing, serialize, used_prefixes
from .sources import Bound
from ..storage import DatasetStore
from .page_cache import PagesCache
from .state import get_state
from .ui import LANGUAGES, request_languages, ui_strings

bp = Blueprint("pages", __name__)

_EXT = "kgserver.pages"


def init_app(app) -> None:
    """Give the application its (empty, lazily filled) page cache; the last resources' values are kept only
    over the embedded build, which cannot change while it is served."""
    app.extensions[_EXT] = PagesCache(keep_recent=app.extensions["kgserver"].runner is None)


def _cache() -> PagesCache:
    return current_app.extensions[_EXT]


def base_iri() -> str:
    """Return the configured base IRI (``BASE_IRI``)."""
    return current_app.config["BASE_IRI"]


def href_for(iri: str) -> str:
    """Return the local URL of an IRI under the base (with its fragment), else the IRI itself."""
    return hrefs()(iri)


def hrefs():
    """Return :func:`href_for` with this request's base IRI and script root read once (for thousands of links)."""
    base, root = base_iri(), request.script_root
    return lambda iri: f"{root}/{iri[len(base):]}" if iri.startswith(base) else iri


def _store() -> DatasetStore:
    return get_state().query_store  # each query within the time limit (kgserver.web.pooled_store)


def _bound() -> Bound:
    """Return how much of one resource a request reads (``LINKS_PER_PROPERTY``, ``LINKS_PER_RESOURCE``)."""
    config = current_app.config
    return Bound(int(config.get("LINKS_PER_PROPERTY", Bound.per_property)),
                 int(config.get("LINKS_PER_RESOURCE", Bound.per_resource)))


def _sources(*local: ox.Store) -> Sources:
    """Return a new :class:`Sources` for this request (kept on ``g``: the provenance box reuses what it fetched)."""
    sources = g.kgserver_sources = Sources(_store(), *local, bound=_bound())
    return sources


def _void() -> ox.Store:
    return _cache().get("void", lambda: void_store(_store(), base=base_iri()))


def _dataset_iri() -> ox.NamedNode:
    return _cache().get("dataset_iri", lambda: dataset_iri(_store(), base_iri()))


def _graph_names() -> frozenset:
    return _cache().get("graph_names", lambda: frozenset(_store().named_graphs()))


def _common_context(languages: list[str], **extra) -> dict:
    ui_lang, words = ui_strings(languages)
    return {"ui_lang": ui_lang, "t": words, "void_path": VOID_PATH, "dataset_href": href_for(_dataset_iri().value),
            "root": request.script_root, "base_iri": base_iri(), "lang_links": _language_links(ui_lang), **extra}


def _language_links(current: str) -> list[dict]:
    """Return links to this page in each interface language (``?lang=``, the other parameters kept)."""
    from urllib.parse import urlencode

    out = []
    for lang in LANGUAGES:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
        out.append({"lang": lang, "href": f"{request.script_root}{request.path}?{urlencode(args)}", "current": lang == current})
    return out


def _rdf_response(triples, fmt: Format, *, vary: bool, prefixes: dict[str, str] | None = None) -> Response:
    response = Response(serialize(triples, fmt.rdf_format, prefixes), content_type=fmt.content_type)
    return _finish(response, vary=vary)


def _finish(response: Response, *, vary: bool) -> Response:
    if vary:
        response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def not_acceptable(offered: list[str] | None = None) -> Response:
    """Return a 406 listing the media types on offer."""
    types = acceptable_media_types(offered)
    response = Response(
        f"406 Not Acceptable: none of the media types in Accept ({request.headers.get('Accept', '')}) is offered here.\n"
        f"Offered: {', '.join(types)}; or add a suffix: {', '.join('.' + k for k in (offered or FORMATS))}\n",
        status=406, content_type="text/plain; charset=utf-8")
    return _finish(response, vary=True)


#: Typed resources a 404 page compares the missing IRI with: this many on each side of it in IRI order.
NEAR = 50


def _suggestions(iri: str) -> list[str]:
    """Return up to 8 IRIs of typed resources under ``<base>id/`` close to ``iri`` (difflib's ratio 0.75 or more).

    The candidates are the :data:`NEAR` typed resources on each side of ``iri`` in IRI order, within its folder
    (``id/plan/`` for ``id/plan/x``), or under ``id/`` when the folder has none (a mistyped folder): a mistyped
    or cut end, or a changed last part, is found (in a folder of up to twice :data:`NEAR` resources, anything
    close in it); a wrong first letter of the last part in a larger folder is left to the search box.  One page
    of the build's index, or one query (two for a folder with no resource).
    """
    under = base_iri() + ID_PATH
    folder = iri[: iri.rfind("/") + 1]
    try:
        near = _store().typed_near(iri, under=under, prefix=folder, limit=NEAR) if folder.startswith(under) else []
        if not near:
            near = _store().typed_near(iri, under=under, prefix=under, limit=NEAR)
    except SearchIndexError as err:  # a 404 stays a 404: the broken build is logged (search and browse report it)
        current_app.logger.error("404 page without suggestions: %s", err)
        return []
    return difflib.get_close_matches(iri, near, n=8, cutoff=0.75)


def not_found(iri: str) -> Response:
    """Return a 404: a page with close IRIs and a search box for people, one line for programs."""
    fmt = negotiate(request.accept_mimetypes, ["html"])
    if fmt is None:
        response = Response(f"404 Not Found: <{iri}> is not used in the graph.\n", status=404,
                            content_type="text/plain; charset=utf-8")
        return _finish(response, vary=True)
    languages = request_languages()
    labeller = Labeller(Sources(_store()), languages)
    close = _suggestions(iri)
    labeller.prefetch([ox.NamedNode(s) for s in close])
    suggestions = [{"href": href_for(s), "label": labeller.label(ox.NamedNode(s)), "iri": s} for s in close]
    query = local_name(iri).replace("-", " ") if iri.startswith(base_iri()) else ""
    html = render_template("pages/not_found.html", iri=iri, suggestions=suggestions, query=query,
                           **_common_context(languages, title="404"))
    return _finish(Response(html, status=404, content_type="text/html; charset=utf-8"), vary=True)


@bp.app_errorhandler(404)
def _handle_404(_error):
    """Answer every unknown URL with the helpful 404 (not only IRIs under the base)."""
    base = base_iri()
    return not_found(base + request.path.lstrip("/"))


def _explain_href(s, p, o) -> str:
    from urllib.parse import urlencode

    return f"{request.script_root}/explain?" + urlencode({"s": str(s), "p": str(p), "o": str(o)})


def _resource_html(sources: Sources, node: ox.NamedNode, stem: str) -> Response:
    languages = request_languages()
    labeller = Labeller(sources, languages)
    relations = _cache().get("relations", lambda: property_relations(_store()))
    href = hrefs()
    builder = PageBuilder(sources, labeller, href, _explain_href if explainer() is not None else None, relations)
    context = builder.page(node)
    _ui_lang, words = ui_strings(languages)
    context["figures"] = figures_for(sources, labeller, href, node, words)
    context["kind"] = kind(sources, node)
    context["explain_available"] = explainer() is not None
    formats = [{"label": FORMATS[k].label, "media": FORMATS[k].media_type,
                "href": f"{request.script_root}/{stem}.{k}"} for k in RDF_FORMATS]
    html = render_template("pages/resource.html", formats=formats, **_common_context(languages), **context)
    response = Response(html, content_type=FORMATS["html"].content_type)
    response.vary.add("Accept-Language")
    return _finish(response, vary=False)


def _thing(sources: Sources, node: ox.NamedNode, stem: str, fmt: Format | None) -> Response:
    """Answer for a thing: 303 to the negotiated document, or the suffixed document itself."""
    if fmt is None:
        chosen = negotiate(request.accept_mimetypes)
        if chosen is None:
            return not_acceptable()
        return _finish(redirect(f"{request.script_root}/{stem}.{chosen.suffix}", code=303), vary=True)
    if fmt.rdf_format is None:
        return _resource_html(sources, node, stem)
    triples, prefixes = _cache().recent(("description", node), lambda: _with_prefixes(description(sources, node)))
    return _rdf_response(triples, fmt, vary=False, prefixes=prefixes)


def _with_prefixes(triples: list[ox.Triple]) -> tuple[list[ox.Triple], dict[str, str]]:
    """Return a document's triples with the prefixes they use (kept together: each format would compute them)."""
    return triples, used_prefixes(triples)


def _document(triples_of, html_of, stem: str, fmt: Format | None) -> Response:
    """Answer for a document: 200 with the negotiated (or suffixed) representation.

    :param triples_of: returns the document's triples and the prefixes they use (see :func:`_with_prefixes`).
    """
    negotiated = fmt is None
    if negotiated:
        fmt = negotiate(request.accept_mimetypes)
        if fmt is None:
            return not_acceptable()
    if fmt.rdf_format is None:
        response = Response(html_of(), content_type=fmt.content_type)
        response.vary.add("Accept-Language")
    else:
        triples, prefixes = triples_of()
        response = Response(serialize(triples, fmt.rdf_format, prefixes), content_type=fmt.content_type)
    if negotiated:
        response.headers["Content-Location"] = f"{request.script_root}/{stem}.{fmt.suffix}"
    return _finish(response, vary=negotiated)


def _graph_triples(graph: ox.NamedNode) -> tuple[list[ox.Triple], dict[str, str]]:
    return _cache().recent(("graph triples", graph), lambda: _with_prefixes(
        ordered(ox.Triple(q.subject, q.predicate, q.object) for q in _graph_only_store(graph))))


def _graph_html(graph: ox.NamedNode, title: str | None = None) -> str:
    """Render a document (a named graph) as a list of its subjects, each with an anchor."""
    languages = request_languages()
    sources = _sources()
    labeller = Labeller(sources, languages)
    content = _graph_only_store(graph)
    subjects = sorted({q.subject for q in content if isinstance(q.subject, ox.NamedNode)}, key=lambda s: s.value)
    labeller.prefetch(sorted({t for q in content for t in (q.subject, q.predicate, q.object)
                              if isinstance(t, ox.NamedNode)}, key=str))
    graph_sources = Sources(None, content)
    href = hrefs()
    builder = PageBuilder(graph_sources, labeller, href)
    items = []
    for subject in subjects:
        statements = builder.properties(outgoing(graph_sources, subject))
        anchor = subject.value.split("#", 1)[1] if "#" in subject.value else None
        items.append({"iri": subject.value, "href": href(subject.value), "anchor": anchor,
                      "label": labeller.label(subject), "properties": statements})
    ntriples = _store().figures.get("graphs", {}).get(graph.value, len(content))
    return render_template("pages/graph.html", graph_iri=graph.value, items=items, ntriples=ntriples,
                           formats=[{"label": FORMATS[k].label, "media": FORMATS[k].media_type,
                                     "href": f"{href_for(graph.value)}.{k}"} for k in RDF_FORMATS],
                           **_common_context(languages, title=title or labeller.label(graph)))


def _graph_only_store(graph: ox.NamedNode) -> ox.Store:
    """Return a copy of one named graph (a document: served whole), read once per process."""
    def make():
        store = ox.Store()
        rows = _store().query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        store.bulk_extend(ox.Quad(row["s"], row["p"], row["o"]) for row in rows)
        return store
    return _cache().get(f"graph:{graph.value}", make)


def _ontology_graph() -> ox.NamedNode:
    return ox.NamedNode(str(dataset.graph_iri_for(bundle.ontology_file(), "ontology")))


def _ontology_html() -> str:
    """Return the ontology's HTML documentation (``kgserver.ontodoc``), or a plain listing until it exists."""
    try:
        from ..ontodoc import render_html
    except ImportError:
        return _graph_html(_ontology_graph(), title="ESS ontology")
    from ..rdfio import parse_file

    return _cache().get("ontology_html", lambda: render_html(parse_file(bundle.ontology_file())))


@bp.get("/<path:path>")
def dereference(path: str):
    """Serve the IRI ``<BASE_IRI><path>``: a thing (303), a document (200), or 404/406."""
    stem, fmt = split_suffix(path)
    iri = base_iri() + stem
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return not_found(iri)
    if iri == base_iri() + ONTOLOGY_IRI[len(BASE):]:
        graph = _ontology_graph()
        return _document(lambda: _graph_triples(graph), _ontology_html, stem, fmt)
    if node == _dataset_iri():
        return _thing(_sources(_void()), node, stem, fmt)
    sources = _sources()
    if node in _graph_names():
        return _document(lambda: _graph_triples(node), lambda: _graph_html(node), stem, fmt)
    if not _cache().recent(("exists", node), lambda: sources.exists(node)):
        return not_found(iri)
    listed = link_pages.answer(node, stem, fmt)  # one page of a list of its links (?incoming=...), if asked
    if listed is not None:
        return listed
    return _thing(sources, node, stem, fmt)


@bp.get(VOID_PATH)
def void():
    """Serve the VoID (and DCAT) description with counts computed from the store; Turtle unless asked otherwise."""
    fmt = negotiate(request.accept_mimetypes, RDF_FORMATS + ["html"]) if request.accept_mimetypes else FORMATS["ttl"]
    if fmt is None:
        return not_acceptable(RDF_FORMATS + ["html"])
    if fmt.rdf_format is None:
        node = _dataset_iri()
        stem = node.value[len(base_iri()):] if node.value.startswith(base_iri()) else "dataset"
        return _finish(_resource_html(_sources(_void()), node, stem), vary=True)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in _void()]
    return _rdf_response(sorted(triples, key=str), fmt, vary=True)


def _explanation_view(tree: dict, labeller: Labeller, language: str) -> dict:
    """Turn ``Explanation.to_dict()`` into what ``explain.html`` shows: labels and links for its terms."""

    def term(text: str) -> dict:
        if text.startswith("<") and text.endswith(">"):
            iri = text[1:-1]
            return {"label": labeller.label(ox.NamedNode(iri)), "href": href_for(iri), "iri": iri}
        return {"label": text, "href": None, "iri": None}

    return {
        "triple": [term(t) for t in tree["triple"]],
        "asserted": tree["asserted"],
        "graphs": [{"iri": g, "href": href_for(g)} for g in tree.get("graphs", [])],
        "rule": tree.get("rule"),
        "rule_text": rule_text(tree.get("rule"), language) or tree.get("rule_text"),
        "schema": [[term(t) for t in axiom] for axiom in tree.get("schema", [])],
        "premises": [_explanation_view(p, labeller, language) for p in tree.get("premises", [])],
    }


@bp.get("/explain")
def explain():
    """Show why a triple holds: the reasoner's derivation, down to the asserted facts and their source files.

    Query parameters ``s``, ``p`` and ``o`` are the triple's terms in N-Triples syntax.
    """
    explain_triple = explainer()
    if explain_triple is None:
        return not_found(base_iri() + "explain")
    terms = [request.args.get(name, "").strip() for name in ("s", "p", "o")]
    if not all(terms) or any(len(t) > 4000 for t in terms):
        return Response("400 Bad Request: give the triple as s, p and o in N-Triples syntax "
                        "(e.g. s=<https://...>&p=<https://...>&o=<https://...>)\n", status=400,
                        content_type="text/plain; charset=utf-8")
    try:
        explanation = explain_triple(_store(), *terms)
    except (ValueError, SyntaxError) as err:
        return Response(f"400 Bad Request: not a triple in N-Triples syntax: {err}\n", status=400,
                        content_type="text/plain; charset=utf-8")
    languages = request_languages()
    labeller = Labeller(_sources(), languages)
    if explanation is None:
        view = None
    else:
        view = _explanation_view(explanation.to_dict(), labeller, ui_strings(languages)[0])
    html = render_template("pages/explain.html", tree=view, terms=terms,
                           **_common_context(languages, title=ui_strings(languages)[1]["explanation"]))
    return Response(html, status=200 if view else 404, content_type="text/html; charset=utf-8")


from . import link_pages, listings  # noqa: E402,F401  (listings' routes, /search and /browse, are on this blueprint)
