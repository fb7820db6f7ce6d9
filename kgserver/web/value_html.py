"""The property table and the values of the pages (``table(props, t)``, ``value(v, t)`` in the templates).

Written here rather than as Jinja macros: a document's page holds tens of thousands of values
(/graph/inferred.html), and a macro call per value was most of the CPU of rendering it.  The HTML is
what the macros wrote, byte for byte, each text escaped as Jinja's autoescape does; the templates
call both as globals (:class:`kgserver.web.templating.PageEnvironment`), with the page's ``ui_lang``.

A value is a dict made by :meth:`kgserver.web.render.PageBuilder.value`; a table is a list of the dicts
of :meth:`kgserver.web.render.PageBuilder.properties`; ``t`` is the interface's words.
"""

from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup

#: More values than this are folded (``<details>``) under the first two.
FOLDED = 12


def escape(value) -> str:
    """Return ``value`` as HTML text, as :func:`markupsafe.escape` does (the same entities), as a plain ``str``:
    a third of the CPU of ``markupsafe.escape``, which makes a :class:`~markupsafe.Markup` of each."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def _text(mapping: dict, key: str) -> str:
    """Return ``mapping[key]`` escaped, or "" when it has no such key (an undefined name in a template)."""
    return escape(mapping[key]) if key in mapping else ""


def value_html(v: dict, t: dict, ui_lang: str | None) -> str:
    """Return the HTML of one value: a link, a literal (with its language and datatype) or a blank node's table."""
    kind, lang = v.get("kind"), v.get("lang")
    in_lang = f' lang="{escape(lang)}"' if lang else ""
    if kind == "iri":
        out = f'<a href="{_text(v, "href")}" title="{_text(v, "iri")}"{in_lang}>{_text(v, "label")}</a>'
    elif kind == "literal":
        out = f'<span class="literal"{in_lang}>{_text(v, "label")}</span>'
        if lang and lang != ui_lang:
            out += f' <span class="lang" title="{_text(t, "language")}">{escape(lang)}</span>'
        if v.get("datatype"):
            out += f' <span class="datatype">{escape(v["datatype"])}</span>'
    else:
        out = f'<div class="bnode">{table_html(v.get("nested") or [], t, ui_lang)}</div>'
    if v.get("inferred"):
        out += f' <span class="inferred-badge" title="{_text(t, "inferred_help")}">{_text(t, "inferred")}</span>'
        if v.get("explain"):
            out += f' <a class="why" href="{escape(v["explain"])}" rel="nofollow">{_text(t, "why")}</a>'
    return out


def table_html(props: list[dict], t: dict, ui_lang: str | None) -> str:
    """Return the HTML table of a resource's properties, one row each with its values."""
    parts = ['<table class="props">']
    for p in props:
        values = p["values"]
        parts.append(f'\n<tr><th scope="row"><a href="{_text(p, "href")}" title="{_text(p, "iri")}">'
                     f'{_text(p, "label")}</a></th>\n<td>')
        folded = len(values) > FOLDED
        if folded:
            parts.append(f'<details><summary>{len(values)} · {_text(values[0], "label")}, '
                         f'{_text(values[1], "label")}, …</summary>')
        parts.append('<ul class="values">')
        for v in values:
            parts.append(f'<li class="{"inferred" if v.get("inferred") else "asserted"}">{value_html(v, t, ui_lang)}</li>')
        parts.append("</ul></details>" if folded else "</ul>")
        if p.get("more"):
            parts.append(f'<p class="more"><a href="{escape(p["more"])}">'
                         f'{escape(t["all_links"].format(n=p.get("total", "")))}</a></p>')
        parts.append("</td></tr>")
    parts.append("\n</table>")
    return "".join(parts)


@pass_context
def value(context, v: dict, t: dict) -> Markup:
    """The template global ``value(v, t)``: :func:`value_html` in the page's interface language."""
    return Markup(value_html(v, t, context.get("ui_lang")))


@pass_context
def table(context, props: list[dict], t: dict) -> Markup:
    """The template global ``table(props, t)``: :func:`table_html` in the page's interface language."""
    return Markup(table_html(props, t, context.get("ui_lang")))
