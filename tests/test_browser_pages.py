"""A plan's page in headless Chromium: the diagram and the timeline are there, readable and offline."""

from __future__ import annotations

import pytest

from kgserver.namespaces import BASE, ESS

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.xdist_group("browser")]

STRUCTURE = "|".join(f"ess:{p}" for p in ("hasSection", "hasStrategicLine", "hasChallenge", "hasWorkArea",
                                            "hasObjective", "hasGoal", "hasMeasure"))


@pytest.fixture(scope="module")
def plan(app) -> tuple[str, int]:
    """The plan with the most dated actions, and how many it has (the timeline's rows)."""
    query = f"""PREFIX ess: <{ESS}>
        SELECT ?plan (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?plan ({STRUCTURE})+ ?holder . ?holder ess:hasAction ?a . ?a ess:activeYear ?y }}
        GROUP BY ?plan ORDER BY DESC(?n) ?plan LIMIT 1"""
    rows = list(app.extensions["kgserver"].store.query(query, use_default_graph_as_union=True))
    assert rows, "no plan with dated actions"
    return rows[0]["plan"].value, int(rows[0]["n"].value)


OVERLAPS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].map(e => e.getBoundingClientRect());
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) hits.push([i, j]);
  }
  return hits.length;
}"""

TEXT_OUTSIDE_BOX = """(selector) => {
  let bad = 0;
  for (const g of document.querySelectorAll(selector)) {
    const r = g.querySelector('rect').getBoundingClientRect();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (b.left < r.left - 0.5 || b.right > r.right + 0.5) bad++;
    }
  }
  return bad;
}"""


def test_plan_page_shows_diagram_and_timeline(live_server, browser, plan):
    server = live_server
    iri, expected_rows = plan
    page = browser.new_page(viewport={"width": 1300, "height": 900}, locale="ca-ES")
    hosts = []
    page.on("request", lambda request: hosts.append(request.url.split("/")[2]))
    response = page.goto(server + "/" + iri[len(BASE):])  # the IRI's path: 303 to the HTML page
    assert response.ok and response.url.endswith(".html")

    structure = page.locator("svg#plan-structure")
    timeline = page.locator("svg#plan-timeline")
    assert structure.is_visible() and timeline.is_visible()
    assert page.locator("svg#plan-structure g.node").count() > 3
    assert page.locator("svg#plan-timeline g.timeline-row").count() == expected_rows
    assert page.locator("svg#plan-timeline .timeline-bar").count() >= expected_rows

    assert page.evaluate(OVERLAPS, "svg#plan-structure g.node rect") == 0
    assert page.evaluate(TEXT_OUTSIDE_BOX, "svg#plan-structure g.node") == 0
    assert page.evaluate(TEXT_OUTSIDE_BOX, "svg#plan-timeline g.timeline-group") == 0
    assert set(hosts) == {server.split("/")[2]}, "the page loaded something from another host"
    page.close()


def test_territory_page_shows_containment(live_server, browser, app):
    server = live_server
    query = f"SELECT ?t WHERE {{ ?x <{ESS.withinTerritory}> ?t . ?t <{ESS.withinTerritory}> ?o }} ORDER BY ?t LIMIT 1"
    rows = list(app.extensions["kgserver"].store.query(query, use_default_graph_as_union=True))
    assert rows, "no territory both within another and containing one"
    page = browser.new_page()
    page.goto(server + "/" + rows[0]["t"].value[len(BASE):])
    assert page.locator("svg#territory-diagram g.node.current").count() == 1
    assert page.locator("svg#territory-diagram g.node").count() >= 3
    assert page.evaluate(OVERLAPS, "svg#territory-diagram g.node rect") == 0
    page.close()
