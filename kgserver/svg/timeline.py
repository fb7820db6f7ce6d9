"""A Gantt-like timeline: one row per action, grouped by measure, one column per year.

Each run of consecutive active years is one bar; years that are not consecutive give
separate bars (the source's "Accions Anys" blocks can skip a year).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import esc, fit

LABEL_WIDTH = 400
YEAR_WIDTH = 64
ROW_HEIGHT = 26
GROUP_HEIGHT = 28
HEADER_HEIGHT = 28
MARGIN = 12
FONT_SIZE = 12
BAR_FILL = "#c55a11"
BOLD = 1.15  # bold glyphs are about this much wider than regular ones


@dataclass
class TimelineRow:
    """One action: its name, link and the years it runs."""

    label: str
    years: set[int]
    href: str | None = None
    iri: str | None = None


@dataclass
class TimelineGroup:
    """A measure (or work area) and its actions, in display order."""

    label: str
    rows: list[TimelineRow] = field(default_factory=list)
    href: str | None = None
    iri: str | None = None


def runs(years: set[int]) -> list[tuple[int, int]]:
    """Return the runs of consecutive years as (first, last) pairs, in order."""
    out: list[tuple[int, int]] = []
    for year in sorted(years):
        if out and year == out[-1][1] + 1:
            out[-1] = (out[-1][0], year)
        else:
            out.append((year, year))
    return out


def _link(href: str | None, body: str) -> str:
    return f'<a href="{esc(href)}">{body}</a>' if href else body


def render_timeline(groups: list[TimelineGroup], *, svg_id: str, title: str, years: range | None = None) -> str:
    """Return an SVG timeline of the groups' rows.

    :param years: the year columns; by default from the first to the last active year.
    :param svg_id: the ``id`` of the ``<svg>`` element.
    :param title: an accessible title.
    """
    all_years = {year for group in groups for row in group.rows for year in row.years}
    if years is None:
        years = range(min(all_years), max(all_years) + 1) if all_years else range(0)
    columns = list(years)
    if all_years:
        columns = list(range(min([*columns, *all_years]), max([*columns, *all_years]) + 1))
    width = 2 * MARGIN + LABEL_WIDTH + len(columns) * YEAR_WIDTH
    body_height = sum(GROUP_HEIGHT + len(group.rows) * ROW_HEIGHT for group in groups)
    height = 2 * MARGIN + HEADER_HEIGHT + body_height
    grid_left = MARGIN + LABEL_WIDTH

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(svg_id)}" class="diagram timeline" role="img" '
        f'aria-labelledby="{esc(svg_id)}-title" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{esc(svg_id)}-title">{esc(title)}</title>',
    ]
    # year header and vertical grid
    for index, year in enumerate(columns):
        x = grid_left + index * YEAR_WIDTH
        parts.append(
            f'<g class="timeline-year" data-year="{year}">'
            f'<rect x="{x}" y="{MARGIN}" width="{YEAR_WIDTH}" height="{height - 2 * MARGIN}" '
            f'fill="{"#fafafa" if index % 2 else "#f0f0f0"}"/>'
            f'<text x="{x + YEAR_WIDTH / 2:.1f}" y="{MARGIN + 18}" font-size="{FONT_SIZE}" font-weight="bold" '
            f'text-anchor="middle" fill="#333">{year}</text></g>'
        )
    y = MARGIN + HEADER_HEIGHT
    for group in groups:
        label = fit(group.label, (LABEL_WIDTH + len(columns) * YEAR_WIDTH - 16) / BOLD, FONT_SIZE)
        data_iri = f' data-iri="{esc(group.iri)}"' if group.iri else ""
        parts.append(
            f'<g class="timeline-group"{data_iri}><title>{esc(group.label)}</title>'
            f'<rect x="{MARGIN}" y="{y + 2}" width="{width - 2 * MARGIN}" height="{GROUP_HEIGHT - 4}" fill="#fff2cc" '
            f'stroke="#bf9000" rx="3"/>'
            + _link(group.href, f'<text x="{MARGIN + 6}" y="{y + 18}" font-size="{FONT_SIZE}" font-weight="bold" '
                    f'fill="#3d2e00">{esc(label)}</text>')
            + "</g>"
        )
        y += GROUP_HEIGHT
        for row in group.rows:
            text = fit(row.label, LABEL_WIDTH - 16, FONT_SIZE)
            data_iri = f' data-iri="{esc(row.iri)}"' if row.iri else ""
            years_attr = " ".join(str(year) for year in sorted(row.years))
            bars = []
            for first, last in runs(row.years):
                x = grid_left + columns.index(first) * YEAR_WIDTH + 4
                bar_width = (last - first + 1) * YEAR_WIDTH - 8
                bars.append(
                    f'<rect class="timeline-bar" x="{x}" y="{y + 5}" width="{bar_width}" height="{ROW_HEIGHT - 10}" '
                    f'rx="4" fill="{BAR_FILL}"><title>{first}{"–" + str(last) if last != first else ""}</title></rect>'
                )
            parts.append(
                f'<g class="timeline-row"{data_iri} data-years="{years_attr}"><title>{esc(row.label)}</title>'
                f'<line x1="{MARGIN}" x2="{width - MARGIN}" y1="{y + ROW_HEIGHT}" y2="{y + ROW_HEIGHT}" stroke="#e0e0e0"/>'
                + _link(row.href, f'<text x="{MARGIN + 14}" y="{y + 17}" font-size="{FONT_SIZE}" fill="#1a1a1a">'
                        f"{esc(text)}</text>")
                + "".join(bars)
                + "</g>"
            )
            y += ROW_HEIGHT
    parts.append("</svg>")
    return "".join(parts)
