"""A left-to-right tree diagram: one column per level, one row band per leaf.

Used for a plan's structure (plan -> sections or lines -> goals and measures -> actions and
projects), a project's lines and goals and a territory's containment.  Every leaf gets a row
band of its own and a parent sits in the middle of its children's bands, so boxes never
overlap; labels are wrapped to two lines inside their box and given in full in a tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import esc, fit, text_width, wrap

BOX_WIDTH = 230
BOX_HEIGHT = 36
ROW_PITCH = 44
COLUMN_GAP = 44
MARGIN = 12
LEGEND_HEIGHT = 28
FONT_SIZE = 12

#: kind -> (fill, stroke, text colour)
PALETTE: dict[str, tuple[str, str, str]] = {
    "plan": ("#1f4e79", "#163a5a", "#ffffff"),
    "section": ("#2e75b6", "#1f5a8f", "#ffffff"),
    "line": ("#2e75b6", "#1f5a8f", "#ffffff"),
    "goal": ("#e2efda", "#70ad47", "#1b3510"),
    "objective": ("#e2efda", "#70ad47", "#1b3510"),
    "challenge": ("#e2efda", "#70ad47", "#1b3510"),
    "measure": ("#fff2cc", "#bf9000", "#3d2e00"),
    "workarea": ("#fff2cc", "#bf9000", "#3d2e00"),
    "action": ("#fce4d6", "#c55a11", "#4a2000"),
    "project": ("#ead1f5", "#7030a0", "#2c0a45"),
    "territory": ("#ddebf7", "#2f5597", "#102444"),
    "entity": ("#f2f2f2", "#7f7f7f", "#222222"),
    "group": ("#f7f7f7", "#a6a6a6", "#333333"),
    "other": ("#ffffff", "#7f7f7f", "#222222"),
}


@dataclass
class TreeNode:
    """A box of the diagram and its children (drawn in the given order)."""

    label: str
    kind: str = "other"
    href: str | None = None
    iri: str | None = None
    children: list["TreeNode"] = field(default_factory=list)
    current: bool = False  # the resource the page is about: drawn with a thick border

    def depth(self) -> int:
        """Return the number of levels of the subtree (1 for a leaf)."""
        return 1 + max((child.depth() for child in self.children), default=0)

    def count(self) -> int:
        """Return the number of nodes of the subtree."""
        return 1 + sum(child.count() for child in self.children)


def _layout(node: TreeNode, level: int, next_row: list[int], out: list) -> float:
    """Place ``node``'s subtree; return the node's row (fractional for parents)."""
    if node.children:
        rows = [_layout(child, level + 1, next_row, out) for child in node.children]
        row = (rows[0] + rows[-1]) / 2
    else:
        row = next_row[0]
        next_row[0] += 1
    out.append((node, level, row))
    return row


def _xy(level: int, row: float, top: float) -> tuple[float, float]:
    return MARGIN + level * (BOX_WIDTH + COLUMN_GAP), top + row * ROW_PITCH


def _box(node: TreeNode, x: float, y: float, css_class: str) -> str:
    fill, stroke, ink = PALETTE.get(node.kind, PALETTE["other"])
    lines = wrap(node.label, BOX_WIDTH - 16, FONT_SIZE, max_lines=2)
    stroke_width = 3 if node.current else 1
    text_y = y + BOX_HEIGHT / 2 - (len(lines) - 1) * 7 + 4
    tspans = "".join(
        f'<tspan x="{x + 8:.1f}" y="{text_y + i * 14:.1f}">{esc(line)}</tspan>' for i, line in enumerate(lines)
    )
    data_iri = f' data-iri="{esc(node.iri)}"' if node.iri else ""
    body = (
        f'<g class="{css_class} node-{esc(node.kind)}{" current" if node.current else ""}"{data_iri}>'
        f"<title>{esc(node.label)}</title>"
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="5" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>'
        f'<text font-size="{FONT_SIZE}" fill="{ink}">{tspans}</text></g>'
    )
    if node.href and not node.current:
        return f'<a href="{esc(node.href)}">{body}</a>'
    return body


def render_tree(root: TreeNode, *, svg_id: str, title: str, legend: dict[str, str] | None = None) -> str:
    """Return an SVG drawing of the tree rooted at ``root``.

    :param svg_id: the ``id`` of the ``<svg>`` element (what pages and tests find it by).
    :param title: an accessible title (``<title>`` of the drawing).
    :param legend: kind -> name to show in the legend (only kinds present are shown).
    """
    placed: list = []
    _layout(root, 0, [0], placed)
    rows = max(row for _n, _l, row in placed) + 1
    levels = root.depth()
    kinds = []
    for node, _level, _row in sorted(placed, key=lambda item: (item[1], item[2])):
        if node.kind not in kinds:
            kinds.append(node.kind)
    legend_items = [(kind, legend[kind]) for kind in kinds if legend and kind in legend]
    top = MARGIN + (LEGEND_HEIGHT if legend_items else 0)
    width = 2 * MARGIN + levels * BOX_WIDTH + (levels - 1) * COLUMN_GAP
    height = top + (rows - 1) * ROW_PITCH + BOX_HEIGHT + MARGIN

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(svg_id)}" class="diagram tree" role="img" '
        f'aria-labelledby="{esc(svg_id)}-title" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{esc(svg_id)}-title">{esc(title)}</title>',
    ]
    x = MARGIN
    for kind, name in legend_items:
        fill, stroke, _ink = PALETTE.get(kind, PALETTE["other"])
        text = fit(name, 150, FONT_SIZE)
        parts.append(
            f'<g class="legend-item"><rect x="{x}" y="{MARGIN}" width="14" height="14" rx="3" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + 20}" y="{MARGIN + 11}" font-size="{FONT_SIZE}" fill="#333">'
            f"{esc(text)}</text></g>"
        )
        x += 20 + text_width(text, FONT_SIZE) + 18

    positions = {id(node): _xy(level, row, top) for node, level, row in placed}
    edges = []
    for node, _level, _row in placed:
        if not node.children:
            continue
        px, py = positions[id(node)]
        x1, y1 = px + BOX_WIDTH, py + BOX_HEIGHT / 2
        xm = x1 + COLUMN_GAP / 2
        for child in node.children:
            cx, cy = positions[id(child)]
            y2 = cy + BOX_HEIGHT / 2
            edges.append(f"M{x1:.1f} {y1:.1f}H{xm:.1f}V{y2:.1f}H{cx:.1f}")
    if edges:
        parts.append(f'<path class="edges" d="{" ".join(edges)}" fill="none" stroke="#8c8c8c" stroke-width="1.2"/>')
    for node, level, row in sorted(placed, key=lambda item: (item[1], item[2])):
        x, y = positions[id(node)]
        parts.append(_box(node, x, y, "node"))
    parts.append("</svg>")
    return "".join(parts)
