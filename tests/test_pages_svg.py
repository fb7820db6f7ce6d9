"""The server-drawn SVG: well-formed, deterministic, escaped, and with no overlapping boxes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kgserver.svg import TimelineGroup, TimelineRow, TreeNode, render_timeline, render_tree
from kgserver.svg.text import fit, text_width, wrap
from kgserver.svg.timeline import runs

SVG = "{http://www.w3.org/2000/svg}"


def _tree() -> TreeNode:
    long = "Donar suport a processos d'articulació socioempresarial i sociocomunitària de l'ESS <&> \"quoted\""
    return TreeNode("Pla", "plan", "/id/plan/p", current=True, children=[
        TreeNode("Secció A", "section", "/id/section/a", children=[
            TreeNode(f"Mesura {i}", "measure", children=[TreeNode(f"{long} {j}", "action") for j in range(i)])
            for i in range(4)
        ]),
        TreeNode("Secció B", "section"),
    ])


def _rects(svg: str, css_class: str) -> list[tuple[float, float, float, float]]:
    root = ET.fromstring(svg)
    out = []
    for group in root.iter(f"{SVG}g"):
        if css_class in (group.get("class") or "").split():
            rect = group.find(f"{SVG}rect")
            out.append(tuple(float(rect.get(k)) for k in ("x", "y", "width", "height")))
    return out


def test_tree_is_wellformed_deterministic_and_escaped():
    svg = render_tree(_tree(), svg_id="t", title="T <x>", legend={"plan": "Pla", "measure": "Mesura"})
    assert svg == render_tree(_tree(), svg_id="t", title="T <x>", legend={"plan": "Pla", "measure": "Mesura"})
    root = ET.fromstring(svg)  # raises if the escaping is wrong
    assert root.get("id") == "t"
    assert len(_rects(svg, "node")) == _tree().count()


def test_tree_boxes_do_not_overlap():
    boxes = _rects(render_tree(_tree(), svg_id="t", title="T"), "node")
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert not (x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1)


def test_tree_labels_fit_their_boxes():
    from kgserver.svg.tree import BOX_WIDTH, FONT_SIZE

    root = ET.fromstring(render_tree(_tree(), svg_id="t", title="T"))
    spans = [span.text for span in root.iter(f"{SVG}tspan")]
    assert spans and all(text_width(text, FONT_SIZE) <= BOX_WIDTH - 16 for text in spans)


def test_timeline_rows_bars_and_years():
    groups = [
        TimelineGroup("Mesura 15", [TimelineRow("Acció 1", {2017, 2018, 2019}), TimelineRow("Acció 2", {2016, 2018})]),
        TimelineGroup("Mesura 16", [TimelineRow("Acció 3", {2019})]),
    ]
    svg = render_timeline(groups, svg_id="tl", title="T", years=range(2016, 2020))
    root = ET.fromstring(svg)
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "timeline-row"]
    assert len(rows) == 3
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "timeline-bar"]
    assert len(bars) == 1 + 2 + 1  # 2016 and 2018 are not consecutive: two bars
    years = [g.get("data-year") for g in root.iter(f"{SVG}g") if g.get("class") == "timeline-year"]
    assert years == ["2016", "2017", "2018", "2019"]
    assert svg == render_timeline(groups, svg_id="tl", title="T", years=range(2016, 2020))


def test_timeline_extends_to_years_outside_the_plan():
    svg = render_timeline([TimelineGroup("M", [TimelineRow("A", {2015, 2021})])], svg_id="tl", title="T",
                          years=range(2016, 2020))
    years = [g.get("data-year") for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "timeline-year"]
    assert years[0] == "2015" and years[-1] == "2021"


@pytest.mark.parametrize("years,expected", [
    ({2016, 2017, 2019}, [(2016, 2017), (2019, 2019)]),
    ({2018}, [(2018, 2018)]),
    (set(), []),
])
def test_runs(years, expected):
    assert runs(years) == expected


def test_wrap_and_fit_respect_the_width():
    text = "Promoure la celebració anual d'una Fira de Consum Responsable i Economia Social i Solidària"
    lines = wrap(text, 150, 12, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line, 12) <= 150 for line in lines)
    assert fit("short", 150, 12) == "short"
    assert text_width(fit(text, 100, 12), 12) <= 100
