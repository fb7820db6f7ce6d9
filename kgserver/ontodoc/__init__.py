"""Document the ESS ontology: an HTML reference page and a picture of the model, from the ontology itself.

``kgserver docs`` writes both to ``docs/ontology/``; the web server reuses :func:`render_html`
for ``/ontology``.  Output depends only on the graph (no clock, no randomness), so a test can
tell when the committed files are out of date.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

#: Files written by :func:`write_docs`, relative to the output folder.
OUTPUT_FILES = ("index.html", "model.svg")


def ontology_graph() -> Graph:
    """Return the documented ontology: ``ontology/ess.ttl`` plus the local copies in ``ontology/imports``.

    Other ``ontology/*.ttl`` files (terms pending review) are left out until merged into ``ess.ttl``.

    :raises RDFSyntaxError: when a file does not parse.
    """
    from .. import bundle
    from ..rdfio import parse_file

    graph = Graph()
    for path in [bundle.ontology_file(), *bundle.import_files()]:
        parse_file(path, into=graph)
    return graph


def render_svg(graph: Graph) -> str:
    """Return the model picture (classes and main object properties) of the ontology in ``graph`` as SVG."""
    from .model import build_model
    from .svg import render_svg as draw

    return draw(build_model(graph))


def render_html(graph: Graph) -> str:
    """Return the self-contained HTML reference page of the ontology in ``graph`` (picture included).

    :param graph: the ontology (``ess.ttl``, optionally with its imports; extra data triples are ignored).
    """
    return render_all(graph)["index.html"]


def render_all(graph: Graph | None = None) -> dict[str, str]:
    """Return output file name -> text for the documentation of ``graph`` (the bundled ontology by default).

    :raises RDFSyntaxError: when ``graph`` is not given and a bundled ontology file does not parse.
    """
    graph = ontology_graph() if graph is None else graph
    from .html import render_page
    from .model import build_model
    from .svg import render_svg as draw

    model = build_model(graph)
    svg = draw(model)
    return {"index.html": render_page(model, svg), "model.svg": svg}


def write_docs(out_dir: Path | str, graph: Graph | None = None) -> list[Path]:
    """Write ``index.html`` and ``model.svg`` into ``out_dir`` (created if missing); return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_all(graph).items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_files(out_dir: Path | str, graph: Graph | None = None) -> list[str]:
    """Return the names of the files in ``out_dir`` that are missing or differ from what the generator writes now."""
    out = Path(out_dir)
    stale = []
    for name, text in render_all(graph).items():
        path = out / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


__all__ = ["OUTPUT_FILES", "ontology_graph", "render_html", "render_svg", "render_all", "write_docs", "stale_files"]
