"""Draw the model picture: every ``ess:`` class as a box with its main object properties.

The layout is a forest, packed into columns: each class without an ``ess:`` superclass starts a
tree, and a subclass is drawn below its superclass, indented, joined by a tree line (read it as
``rdfs:subClassOf``).  Each box lists the object properties whose domain names the class, as
``property → range``.  Text is monospaced, so box widths are exact and no text leaves its box;
boxes are stacked in their column with a gap, so no two boxes overlap.  Same model, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .model import OntologyModel, Ref, Term

FONT = 12
CHAR = FONT * 0.62  # advance of one monospaced glyph (DejaVu Sans Mono: 0.602 em), rounded up
LINE = 16
PAD = 8
INDENT = 28
GAP = 12
COLUMN_GAP = 36
COLUMNS = 3
SHARED = 2  # properties whose domain names more classes are drawn in a box of their own
MARGIN = 20
FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, monospace"


@dataclass
class Box:
    """One class box: its lines of text and its place."""

    term: Term
    depth: int
    lines: list[tuple[str, str]]  # (css class, text)
    children: list["Box"] = field(default_factory=list)
    shared: bool = False  # a box of properties shared by several classes, not a class
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        return max(len(text) for _, text in self.lines) * CHAR + 2 * PAD

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2 * PAD - 4


def _short(r: Ref) -> str:
    return r.anchor if r.local else r.text


def _main_property(prop: Term, model: OntologyModel) -> bool:
    """Return whether an object property is drawn: asserted direction, not an inferred-only closure."""
    if prop.kind != "object" or not prop.forward:
        return False
    return not ("transitive" in prop.characteristics and prop.subs)


def _row(prop: Term) -> str:
    return f"{prop.name} → {' | '.join(_short(r) for r in prop.range) or '?'}"


def _rows(cls: Term, model: OntologyModel) -> list[str]:
    """Return the rows of a class box: main properties whose domain names the class among at most two."""
    return [
        _row(prop)
        for prop in model.properties["object"]
        if _main_property(prop, model)
        and len(prop.domain) <= SHARED
        and any(r.local and r.anchor == cls.name for r in prop.domain)
    ]


def _shared_boxes(model: OntologyModel) -> list["Box"]:
    """Return one box per domain shared by more than two classes, listing the properties it has."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for prop in model.properties["object"]:
        if _main_property(prop, model) and len(prop.domain) > SHARED:
            groups.setdefault(tuple(_short(r) for r in prop.domain), []).append(_row(prop))
    boxes = []
    for domain, rows in sorted(groups.items()):
        title = " | ".join(domain)
        boxes.append(Box(Term(title, title, "shared"), 0, [("name", title)] + [("row", r) for r in rows], shared=True))
    return boxes


def _forest(model: OntologyModel) -> list[Box]:
    names = {c.name: c for c in model.classes}
    parent: dict[str, str | None] = {}
    for cls in model.classes:
        local_supers = sorted(r.anchor for refs in cls.supers for r in refs if r.local and len(refs) == 1)
        parent[cls.name] = local_supers[0] if local_supers else None
    boxes: dict[str, Box] = {}

    def make(cls: Term, depth: int) -> Box:
        lines = [("name", cls.name)]
        others = [
            _short(r)
            for refs in cls.supers
            for r in refs
            if len(refs) == 1 and not (r.local and r.anchor == parent[cls.name])
        ]
        if others:
            lines.append(("super", "⊑ " + ", ".join(others)))
        if cls.equivalents:
            lines.append(("super", "≡ " + ", ".join(_short(r) for r in cls.equivalents)))
        lines += [("row", row) for row in _rows(cls, model)]
        box = Box(cls, depth, lines)
        boxes[cls.name] = box
        for child_name in sorted(n for n, p in parent.items() if p == cls.name):
            box.children.append(make(names[child_name], depth + 1))
        return box

    return [make(c, 0) for c in model.classes if parent[c.name] is None]


def _walk(box: Box):
    yield box
    for child in box.children:
        yield from _walk(child)


def _tree_height(root: Box) -> float:
    return sum(b.height + GAP for b in _walk(root))


def _reading_order(roots: list[Box]) -> list[Box]:
    """Order the trees so that links read left to right.

    Start with the tree whose root has most rows (the plans), then follow the rows' ranges,
    breadth first; trees reached by nothing come last.  Single-box trees go after the others.
    """
    owner = {box.term.name: root.term.name for root in roots for box in _walk(root)}
    by_name = {root.term.name: root for root in roots}
    big = sorted((r for r in roots if r.children), key=lambda r: (-len(r.lines), r.term.name))
    order: list[str] = []
    queue = [big[0].term.name] if big else []
    while queue:
        name = queue.pop(0)
        if name in order:
            continue
        order.append(name)
        for box in _walk(by_name[name]):
            for kind, text in box.lines:
                if kind == "row":
                    for target in text.split(" → ", 1)[1].split(" | "):
                        if target in owner and owner[target] not in order:
                            queue.append(owner[target])
    ordered = [by_name[n] for n in order if by_name[n].children]
    ordered += [r for r in big if r not in ordered]
    ordered += sorted((r for r in roots if r not in ordered), key=lambda r: r.term.name)
    return ordered


def render_svg(model: OntologyModel) -> str:
    """Return the model picture as a standalone SVG document (UTF-8 text)."""
    roots = _reading_order(_forest(model)) + _shared_boxes(model)
    columns: list[list[Box]] = [[] for _ in range(COLUMNS)]
    heights = [0.0] * COLUMNS
    for n, root in enumerate(roots):
        # the first trees fill the columns left to right; the rest go where there is most room
        i = n if n < COLUMNS else min(range(COLUMNS), key=lambda k: (heights[k], k))
        columns[i].append(root)
        heights[i] += _tree_height(root) + GAP

    title = "ESS ontology (ess:) — classes and main object properties"
    legend = [
        "Each box is an ess: class; a box hanging from another is its subclass (rdfs:subClassOf).",
        "⊑ other superclasses, ≡ the same class in another vocabulary. Rows: object property → range (| = or).",
        "Dashed boxes: properties whose domain is any of several classes (A | B | C).",
        "Classes hanging from the same class are disjoint: every resource has exactly one kind.",
        "Every resource may have sourceDocument → SourceDocument. Every property has a named inverse (not shown).",
    ]
    top = MARGIN + 28 + LINE * len(legend) + GAP
    x = MARGIN
    for column in columns:
        y = top
        width = 0.0
        for root in column:
            for box in _walk(root):
                box.x = x + box.depth * INDENT
                box.y = y
                y += box.height + GAP
                width = max(width, box.depth * INDENT + box.width)
            y += GAP
        x += width + COLUMN_GAP
    total_width = max(x - COLUMN_GAP + MARGIN, MARGIN * 2 + len(legend[0]) * CHAR)
    total_height = max(heights) + top + MARGIN

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{total_width:.0f}" height="{total_height:.0f}" viewBox="0 0 {total_width:.0f} {total_height:.0f}" '
        'role="img" aria-labelledby="model-title">',
        f'<title id="model-title">{escape(title)}</title>',
        "<style>"
        f"text{{font-family:{FONT_FAMILY};font-size:{FONT}px;fill:#1a1a1a}}"
        ".name{font-weight:bold;fill:#0b3d62}.super{fill:#6b4e00}.row{fill:#333}"
        ".legend{fill:#444}.title{font-size:16px;font-weight:bold}"
        ".box{fill:#f4f8fb;stroke:#0b3d62;stroke-width:1.2}.root{fill:#e3eef7}"
        ".tree{fill:none;stroke:#0b3d62;stroke-width:1.2}"
        ".shared{fill:#fffaf0;stroke:#6b4e00;stroke-dasharray:4 3}"
        "</style>",
        f'<rect x="0" y="0" width="{total_width:.0f}" height="{total_height:.0f}" fill="#ffffff"/>',
        f'<text class="title" x="{MARGIN}" y="{MARGIN + 14}">{escape(title)}</text>',
    ]
    for i, line in enumerate(legend):
        out.append(f'<text class="legend" x="{MARGIN}" y="{MARGIN + 34 + i * LINE}">{escape(line)}</text>')
    for column in columns:
        for root in column:
            for box in _walk(root):
                out.extend(_draw_tree_lines(box))
    for column in columns:
        for root in column:
            for box in _walk(root):
                out.extend(_draw_box(box))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _draw_tree_lines(box: Box) -> list[str]:
    if not box.children:
        return []
    trunk = box.x + INDENT / 2
    last = box.children[-1]
    parts = [f'<path class="tree" d="M{trunk:.1f},{box.y + box.height:.1f} V{last.y + LINE:.1f}"/>']
    for child in box.children:
        parts.append(f'<path class="tree" d="M{trunk:.1f},{child.y + LINE:.1f} H{child.x:.1f}"/>')
    # hollow triangle under the superclass: the UML sign for generalisation
    tip = box.y + box.height
    parts.append(
        f'<path class="box" d="M{trunk:.1f},{tip:.1f} L{trunk - 5:.1f},{tip + 8:.1f} L{trunk + 5:.1f},{tip + 8:.1f} Z"/>'
    )
    return parts


def _draw_box(box: Box) -> list[str]:
    css = "box shared" if box.shared else "box root" if box.depth == 0 else "box"
    ident = "shared-" + "-".join(box.term.name.split(" | ")) if box.shared else "class-" + box.term.name
    parts = [
        f'<g id="{escape(ident)}">',
        f'<rect class="{css}" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" rx="4"/>',
    ]
    for i, (kind, text) in enumerate(box.lines):
        parts.append(
            f'<text class="{kind}" x="{box.x + PAD:.1f}" y="{box.y + PAD + 10 + i * LINE:.1f}">{escape(text)}</text>'
        )
    parts.append("</g>")
    return parts
