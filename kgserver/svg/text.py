"""Text helpers for SVG: escaping, width estimates and wrapping into a box.

Widths come from Helvetica's advance widths (per 1000 em) with a 25% margin, which covers the
wider sans-serif fonts browsers substitute (DejaVu Sans, Liberation Sans): text measured here
fits in its box in a real browser (the browser test checks it).
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape as _escape

_WIDTHS = {
    **dict.fromkeys("abdeghnopqu0123456789", 556), **dict.fromkeys("ckosvxyz", 500), "s": 500,
    **dict.fromkeys("fjt", 278), "i": 222, "l": 222, "j": 222, "r": 333, "m": 833, "w": 722,
    **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("GOQ", 778), "I": 278, "J": 500, "L": 556, "M": 833, "W": 944,
    " ": 278, ".": 278, ",": 278, ":": 278, ";": 278, "'": 191, "’": 222, "‘": 222, "-": 333, "–": 556,
    "(": 333, ")": 333, "·": 278, "«": 556, "»": 556, '"': 355, "“": 333, "”": 333, "/": 278, "…": 1000,
    "!": 278, "?": 556, "%": 889, "&": 667, "+": 584, "=": 584, "_": 556, "@": 1015,
}
_DEFAULT_WIDTH = 600
MARGIN = 1.25


def esc(text: str) -> str:
    """Escape text for an SVG element or a double-quoted attribute."""
    return _escape(str(text), {'"': "&quot;"})


def _char_width(char: str) -> int:
    width = _WIDTHS.get(char)
    if width is None:  # accented letters are as wide as their base letter (remembered: NFKD costs)
        width = _WIDTHS[char] = _WIDTHS.get(unicodedata.normalize("NFKD", char)[:1], _DEFAULT_WIDTH)
    return width


def text_width(text: str, font_size: float) -> float:
    """Return a generous estimate of the rendered width of ``text`` in pixels."""
    return sum(map(_char_width, str(text))) * font_size / 1000 * MARGIN


def fit(text: str, width: float, font_size: float) -> str:
    """Return ``text`` cut with an ellipsis so that it fits in ``width`` pixels."""
    text = " ".join(str(text).split())
    if text_width(text, font_size) <= width:
        return text
    budget = width * 1000 / (font_size * MARGIN) - _char_width("…")  # in font units, the ellipsis kept
    used, end = 0, 0
    for end, char in enumerate(text):  # the longest prefix that fits with the ellipsis (as cutting char by char)
        used += _char_width(char)
        if used > budget:
            break
    else:
        end = len(text)
    return text[:end].rstrip() + "…"


def wrap(text: str, width: float, font_size: float, max_lines: int = 2) -> list[str]:
    """Split ``text`` into at most ``max_lines`` lines that fit ``width``; the last one ends in … if cut."""
    words = str(text).split()
    lines: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if text_width(candidate, font_size) <= width:
            current = candidate
            continue
        if current:
            lines.append(fit(current, width, font_size))
        current = word
        if len(lines) == max_lines - 1:
            rest = " ".join([current] + words[index + 1 :])
            lines.append(fit(rest, width, font_size))
            return lines
    if current:
        lines.append(fit(current, width, font_size))
    return lines[:max_lines] or [""]
