"""Render the ontology reference page from an :class:`~kgserver.ontodoc.model.OntologyModel` (Jinja2)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..namespaces import PREFIXES
from .model import LANGUAGES, OntologyModel

KIND_TITLES = {
    "class": "Class",
    "object": "Object property",
    "datatype": "Datatype property",
    "annotation": "Annotation property",
}
SECTIONS = (
    ("object", "object-properties", "Object properties"),
    ("datatype", "datatype-properties", "Datatype properties"),
    ("annotation", "annotation-properties", "Annotation properties"),
)


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("kgserver.ontodoc", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(model: OntologyModel, svg: str) -> str:
    """Return the HTML page for ``model`` with the picture ``svg`` inlined."""
    svg_body = svg[svg.index("<svg") :]  # drop nothing today; guards against an XML declaration
    used = sorted(
        {r.text.split(":", 1)[0] for t in model.all_terms() for refs in t.supers for r in refs if not r.local}
        | {r.text.split(":", 1)[0] for t in model.all_terms() for r in t.domain + t.range if not r.local}
        | {m.text.split(":", 1)[0] for t in model.all_terms() for _, m in t.matches}
        | {"ess"}
    )
    namespaces = [(p, PREFIXES[p]) for p in used if p in PREFIXES]
    return _environment().get_template("ontology.html.j2").render(
        model=model,
        meta=model.metadata,
        languages=LANGUAGES,
        kind_titles=KIND_TITLES,
        sections=SECTIONS,
        svg=Markup(svg_body),
        namespaces=namespaces,
    )
