"""The site's front page (``/``), the query editor's own path (``/query``) and ``/favicon.ico``.

The front page says what the graph is, shows its figures (counted once per application by a
query through the store interface) and leads to the plans, the territories, search, the
question index and the query editor.
"""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, Response, has_request_context, redirect, render_template, request

from ..namespaces import ESS
from ..storage import DatasetStore
from ..void import FRONT_PAGE_FIGURES, VOID_PATH, instance_counts
from .conneg import FORMATS, negotiate
from .pages import _cache, _common_context, _store, href_for
from .resource import Labeller, Sources, fold
from .ui import request_languages

bp = Blueprint("site", __name__)

#: Figures of the front page: UI word key -> ontology class counted (with its subclasses, inferred types).
FIGURES = FRONT_PAGE_FIGURES


def count_instances(store: DatasetStore) -> dict[str, int]:
    """Return UI word key -> number of resources of the class: the build's figure (counted there once)."""
    counted = store.figures.get("instances")
    return dict(counted) if counted is not None else instance_counts(store)  # a build from before the figure


def _members(store: DatasetStore, cls: str) -> list:
    query = f"SELECT DISTINCT ?s WHERE {{ ?s a <{ESS[cls]}> FILTER(isIRI(?s)) }}"
    return [row["s"] for row in store.query(query)]


def _top_territories(store: DatasetStore) -> list:
    """Return the territories that contain others (a city, a district), or lie within none."""
    query = f"""SELECT DISTINCT ?t WHERE {{
        ?t a <{ESS.Territory}> FILTER(isIRI(?t))
        FILTER(EXISTS {{ ?inner <{ESS.withinTerritory}> ?t }} || NOT EXISTS {{ ?t <{ESS.withinTerritory}> ?outer }}) }}"""
    return [row["t"] for row in store.query(query)]


@bp.get("/")
def home():
    """Show the front page: what the graph is, its figures, and the ways in.

    ``/`` is the dataset's landing page (``dcat:landingPage``): a client that asks for RDF is sent
    (303) to the dataset's description, in the format it asked for.
    """
    if request.accept_mimetypes:
        fmt = negotiate(request.accept_mimetypes, list(FORMATS))
        if fmt is not None and fmt.rdf_format is not None:
            response = redirect(VOID_PATH, code=303)
            response.headers["Vary"] = "Accept"
            return response
    languages = request_languages()
    store = _store()
    labeller = Labeller(Sources(store), languages)
    counts = _cache().get("home:counts", lambda: count_instances(store))

    def links(nodes):
        items = [{"href": href_for(n.value), "label": labeller.label(n), "lang": labeller.label_and_language(n)[1]}
                 for n in nodes]
        return sorted(items, key=lambda item: fold(item["label"]))

    plan_nodes = _cache().get("home:plans", lambda: _members(store, "Plan"))
    territory_nodes = _cache().get("home:territories", lambda: _top_territories(store))
    labeller.prefetch([*plan_nodes, *territory_nodes])
    plans = links(plan_nodes)
    territories = links(territory_nodes)
    figures = [{"key": key, "count": counts[key]} for key in FIGURES]
    html = render_template("pages/home.html", figures=figures, plans=plans, territories=territories,
                           **_common_context(languages, title=None))
    return Response(html, content_type="text/html; charset=utf-8")


@bp.get("/favicon.ico")
def favicon():
    """Serve the site's icon (browsers ask for it on every page)."""
    data = files("kgserver").joinpath("static/pages/favicon.ico").read_bytes()
    response = Response(data, content_type="image/x-icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def init_app(app) -> None:
    """Give every template the interface words of the request's language (the query editor's too)."""
    from .question_texts import QUESTIONS, question

    app.jinja_env.globals["question"] = question
    app.jinja_env.globals["question_texts"] = lambda lang: {
        name: texts[("ca", "es").index(lang)] for name, texts in QUESTIONS.items()} if lang in ("ca", "es") else {}

    @app.context_processor
    def _words():
        return _common_context(request_languages()) if has_request_context() else {}
