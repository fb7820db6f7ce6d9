"""Walk the site in headless Chromium as a reader would, in ca, es and en, at 1024, 1280 and 1920 px:
the front page, every plan, Barcelona, a project and an entity.  No diagram is clipped, no interface
string is in another language than the page's, and each fact is listed once."""

from __future__ import annotations

import pytest

from kgserver.namespaces import BASE, ESS
from kgserver.web.term_labels import term_labels
from kgserver.web.ui import UI

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.xdist_group("browser")]

WIDTHS = (1024, 1280, 1920)
LANGS = ("ca", "es", "en")


def _one(app, query: str) -> str:
    rows = list(app.extensions["kgserver"].store.query(query, use_default_graph_as_union=True))
    assert rows, query
    return rows[0]["x"].value


@pytest.fixture(scope="module")
def paths(app) -> list[str]:
    """The front page, every plan, Barcelona, the project with most lines, the entity with most links."""
    plans = [row["x"].value for row in app.extensions["kgserver"].store.query(
        f"SELECT ?x WHERE {{ ?x a <{ESS.Plan}> }} ORDER BY ?x", use_default_graph_as_union=True)]
    project = _one(app, f"SELECT ?x WHERE {{ ?x <{ESS.contributesToLine}> ?l }} GROUP BY ?x ORDER BY DESC(COUNT(?l)) ?x LIMIT 1")
    entity = _one(app, f"SELECT ?x WHERE {{ ?x a <{ESS.Entity}> ; ?p ?o }} GROUP BY ?x ORDER BY DESC(COUNT(?o)) ?x LIMIT 1")
    iris = plans + [BASE + "id/territory/barcelona", project, entity]
    return ["/"] + ["/" + iri[len(BASE):] + ".html" for iri in iris]


def foreign_strings(lang: str) -> set[str]:
    """Return interface strings of the other languages that the page's language does not share."""
    own = set(UI[lang].values()) | {names[LANGS.index(lang)] for names in term_labels().values()}
    other = {v for code in LANGS if code != lang for v in UI[code].values()}
    other |= {names[i] for names in term_labels().values() for i, code in enumerate(LANGS) if code != lang}
    return {s for s in other - own if len(s) > 3}


CLIPPED = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.diagram')) {
    const box = (svg.closest('.figure-scroll') || svg.parentElement).getBoundingClientRect();
    const r = svg.getBoundingClientRect();
    const scroller = svg.closest('.figure-scroll');
    if (r.right > box.right + 0.5 || r.left < box.left - 0.5 || (scroller && scroller.scrollWidth > scroller.clientWidth + 1))
      out.push(svg.id);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('page');
  return out;
}"""

TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('[lang]:not(html), svg, script, style, code, pre')) continue;  // data in its own language
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]'))
    for (const name of ['title', 'placeholder', 'aria-label'])
      if (el.getAttribute(name) && !el.closest('[lang]:not(html)')) out.push(el.getAttribute(name).trim());
  return out;
}"""

FACT_LINKS = """() => [...document.querySelectorAll('section.properties > table.props > tbody > tr > td li > a[href],'
  + 'section.properties > table.props > tbody > tr > td details li > a[href],'
  + 'section.incoming > table.props > tbody > tr > td li > a[href]')].map(a => a.getAttribute('href'))"""

HEADER_ROWS = """() => new Set([...document.querySelectorAll('header.site > *, header.site nav a')]
  .map(e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })).size"""


@pytest.mark.parametrize("lang", LANGS)
def test_walk_the_site(live_server, browser, paths, lang):
    context = browser.new_context(locale={"ca": "ca-ES", "es": "es-ES", "en": "en-GB"}[lang],
                                  extra_http_headers={"Accept-Language": lang})
    page = context.new_page()
    foreign = foreign_strings(lang)
    problems = []
    for path in paths:
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(live_server + path)
        assert response.ok, path
        assert page.evaluate("() => document.documentElement.lang") == lang, path
        wrong = sorted({text for text in page.evaluate(TEXTS) if text in foreign})
        if wrong:
            problems.append(f"{path}: strings of another language: {wrong}")
        # the dataset names Barcelona as its example and its coverage: two facts; explanation links are per fact
        links = [href for href in page.evaluate(FACT_LINKS) if href != "/id/dataset" and not href.startswith("/explain")]
        if len(links) != len(set(links)):
            problems.append(f"{path}: listed twice: {sorted({h for h in links if links.count(h) > 1})}")
        if page.evaluate(HEADER_ROWS) != 1:
            problems.append(f"{path}: the header wraps at 1280 px")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            clipped = page.evaluate(CLIPPED)
            if clipped:
                problems.append(f"{path} at {width} px: clipped {clipped}")
        if page.locator("svg.diagram").count():
            titles = page.evaluate("() => [...document.querySelectorAll('svg.diagram g.node')].filter(g => !g.querySelector('title')).length")
            if titles:
                problems.append(f"{path}: {titles} diagram boxes without their full label")
    context.close()
    assert problems == []
