"""The site's front page (``/``), the query editor's own path (``/query``) and ``/favicon.ico``.

The front page says what the graph is, shows its figures (counted once per application by a
query through the store interface) and leads to the plans, the territories, search, the
question index and the query editor.
"""

from __future__ import annotations

from importlib.resources import files

import pyoxigraph as ox
from flask import Blueprint, Response, has_request_context, render_template

from ..namespaces import ESS
from .pages import _cache, _common_context, _store, href_for
from .resource import Labeller, Sources, fold
from .ui import request_languages

bp = Blueprint("site", __name__)

#: Figures of the front page: UI word key -> ontology class counted (with its subclasses, inferred types).
FIGURES = {"plans": "Plan", "measures": "Measure", "actions": "Action", "territories": "Territory", "entities": "Entity"}


def count_instances(store: ox.Store) -> dict[str, int]:
    """Return UI word key -> number of resources of the class (asserted or inferred type)."""
    values = " ".join(f"(<{ESS[cls]}> \"{key}\")" for key, cls in FIGURES.items())
    query = (f"SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES (?class ?key) {{ {values} }} "
             f"?s a ?class }} GROUP BY ?key")
    counts = {key: 0 for key in FIGURES}
    for row in store.query(query, use_default_graph_as_union=True):
        counts[row["key"].value] = int(row["n"].value)
    return counts


def _members(store: ox.Store, cls: str) -> list[ox.NamedNode]:
    query = f"SELECT DISTINCT ?s WHERE {{ ?s a <{ESS[cls]}> FILTER(isIRI(?s)) }}"
    return [row["s"] for row in store.query(query, use_default_graph_as_union=True)]


def _top_territories(store: ox.Store) -> list[ox.NamedNode]:
    """Return the territories that contain others (a city, a district), or lie within none."""
    query = f"""SELECT DISTINCT ?t WHERE {{
        ?t a <{ESS.Territory}> FILTER(isIRI(?t))
        FILTER(EXISTS {{ ?inner <{ESS.withinTerritory}> ?t }} || NOT EXISTS {{ ?t <{ESS.withinTerritory}> ?outer }}) }}"""
    return [row["t"] for row in store.query(query, use_default_graph_as_union=True)]


@bp.get("/")
def home():
    """Show the front page: what the graph is, its figures, and the ways in."""
    languages = request_languages()
    store = _store()
    labeller = Labeller(Sources(store), languages)
    counts = _cache().get("home:counts", lambda: count_instances(store))

    def links(nodes):
        items = [{"href": href_for(n.value), "label": labeller.label(n), "lang": labeller.label_and_language(n)[1]}
                 for n in nodes]
        return sorted(items, key=lambda item: fold(item["label"]))

    plans = links(_cache().get("home:plans", lambda: _members(store, "Plan")))
    territories = links(_cache().get("home:territories", lambda: _top_territories(store)))
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
