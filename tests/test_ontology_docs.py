"""The generated ontology documentation: current, complete, self-contained, and a picture without overlaps."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kgserver import ontodoc
from kgserver.cli import cli
from kgserver.ontodoc import svg as svgmod
from kgserver.ontodoc.model import build_model

DOCS = Path(__file__).resolve().parents[1] / "docs" / "ontology"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="session")
def graph():
    return ontodoc.ontology_graph()


@pytest.fixture(scope="session")
def rendered(graph):
    return ontodoc.render_all(graph)


@pytest.fixture(scope="session")
def model(graph):
    return build_model(graph)


@pytest.mark.parametrize("name", ontodoc.OUTPUT_FILES)
def test_committed_docs_are_current(name, rendered):
    path = DOCS / name
    assert path.is_file(), f"{path} is missing: run `kgserver docs`"
    assert path.read_text(encoding="utf-8") == rendered[name], f"{path} is out of date: run `kgserver docs`"


def test_output_is_deterministic(graph, rendered):
    assert ontodoc.render_all(graph) == rendered


def test_page_documents_every_term_in_three_languages(model, rendered):
    page = rendered["index.html"]
    terms = model.all_terms()
    assert len(model.classes) >= 8 and model.properties["object"]
    for term in terms:
        assert f'id="{term.name}"' in page, term.name
        for lang in ("ca", "es", "en"):
            assert term.labels.get(lang), (term.name, lang)
            assert f'<span lang="{lang}">' in page


def test_page_is_self_contained(rendered):
    page = rendered["index.html"]
    assert "<svg" in page  # the picture is inlined
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=\"(https?:)?//", page), "no external assets"


def test_render_html_is_the_page(graph, rendered):
    assert ontodoc.render_html(graph) == rendered["index.html"]


def _boxes(svg_text):
    root = ET.fromstring(svg_text)
    boxes = {}
    for group in root.iter(f"{SVG_NS}g"):
        rect = group.find(f"{SVG_NS}rect")
        texts = [t.text or "" for t in group.findall(f"{SVG_NS}text")]
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        boxes[group.get("id")] = (x, y, w, h, texts)
    return root, boxes


def test_picture_has_a_box_per_class(model, rendered):
    _, boxes = _boxes(rendered["model.svg"])
    assert {f"class-{c.name}" for c in model.classes} <= set(boxes)


def test_picture_boxes_do_not_overlap_and_text_fits(rendered):
    root, boxes = _boxes(rendered["model.svg"])
    width, height = float(root.get("width")), float(root.get("height"))
    items = sorted(boxes.items())
    for i, (name, (x, y, w, h, texts)) in enumerate(items):
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height, name
        for text in texts:
            assert len(text) * svgmod.CHAR + 2 * svgmod.PAD <= w + 0.5, (name, text)
        for other, (x2, y2, w2, h2, _) in items[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, (name, other)


def test_picture_shows_the_main_structure(rendered):
    _, boxes = _boxes(rendered["model.svg"])
    rows = {line for *_, texts in boxes.values() for line in texts}
    for row in ("hasSection → PlanSection", "hasGoal → Goal", "hasAction → Action", "withinTerritory → Territory"):
        assert row in rows


def test_docs_command_writes_and_checks(runner, tmp_path):
    out = tmp_path / "site"
    result = runner.invoke(cli, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(ontodoc.OUTPUT_FILES)
    assert runner.invoke(cli, ["docs", "--out", str(out), "--check"]).exit_code == 0
    (out / "model.svg").write_text("<svg/>", encoding="utf-8")
    result = runner.invoke(cli, ["docs", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "model.svg: out of date" in result.output


def test_docs_command_refuses_a_file_as_folder(runner, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(cli, ["docs", "--out", str(target)])
    assert result.exit_code == 2
    assert "a-file" in result.output


def test_ess_ttl_alone_gives_the_same_page(rendered):
    """The web server renders ``ontology/ess.ttl`` alone; the page must not depend on the imports."""
    from kgserver import bundle
    from kgserver.rdfio import parse_file

    assert ontodoc.render_html(parse_file(bundle.ontology_file())) == rendered["index.html"]
