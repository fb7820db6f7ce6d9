"""Gather what a resource page draws: a plan's structure and timeline, a territory's and a project's links.

These functions read the store and return the SVG markup of :mod:`kgserver.svg`; the
drawing itself knows nothing about RDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox

from ..namespaces import ESS, INFERRED_GRAPH, PREFIXES
from ..svg import TimelineGroup, TimelineRow, TreeNode, render_timeline, render_tree
from .resource import NAMING_PROPERTIES, RDF_TYPE, Labeller, Sources

SUBCLASS = ox.NamedNode(PREFIXES["rdfs"] + "subClassOf")
INFERRED = ox.NamedNode(str(INFERRED_GRAPH))


def _e(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(ESS[name]))


#: ontology class -> diagram kind (most specific first does not matter: a resource has one kind).
KIND_OF_CLASS = {
    "Plan": "plan", "PlanSection": "section", "StrategicLine": "line", "Goal": "goal",
    "Objective": "objective", "Challenge": "challenge", "Measure": "measure", "WorkArea": "workarea",
    "Action": "action", "Project": "project", "Territory": "territory", "Entity": "entity",
}
#: Properties that make a plan's tree, in display order.
STRUCTURE = ["hasSection", "hasStrategicLine", "hasChallenge", "hasWorkArea", "hasObjective", "hasGoal",
             "hasMeasure", "hasAction"]
MAX_LEVELS = 5
MAX_CHILDREN = 40  # beyond this a "… n more" box stands for the rest
MAX_INNER = 2000  # most places a territory diagram reads as the parts of the places it draws

Href = Callable[[str], str]


@dataclass
class Figure:
    """One diagram of a page."""

    svg_id: str
    title: str
    svg: str


def superclasses(sources: Sources, classes: set) -> set:
    """Return the classes and all their superclasses (``rdfs:subClassOf*``), one query per level."""
    seen: set = set()
    level = set(classes)
    while level:
        seen |= level
        sources.prefetch(sorted(level, key=str), (SUBCLASS,))
        level = {q.object for cls in level for q in sources.quads(cls, SUBCLASS, None)
                 if isinstance(q.object, ox.NamedNode)} - seen
    return seen


#: What drawing a node of a diagram reads: its names, types and the links the diagrams follow.
DRAWN = (*NAMING_PROPERTIES, RDF_TYPE)


def prefetch_kinds(sources: Sources, nodes) -> None:
    """Fetch the types of ``nodes`` and their superclasses (before :func:`kind` of each), in a few queries."""
    nodes = [n for n in nodes if isinstance(n, ox.NamedNode)]
    sources.prefetch(nodes, DRAWN)
    superclasses(sources, {q.object for n in nodes for q in sources.quads(n, RDF_TYPE, None)})


def kinds(sources: Sources, node) -> set[str]:
    """Return the diagram kinds of a resource (``plan``, ``territory``, ...) from its types."""
    types = {q.object for q in sources.quads(node, RDF_TYPE, None)}
    classes = superclasses(sources, types)
    return {kind for name, kind in KIND_OF_CLASS.items() if _e(name) in classes}


def kind(sources: Sources, node) -> str:
    """Return the one diagram kind of a resource (``other`` when none)."""
    found = kinds(sources, node)
    for candidate in KIND_OF_CLASS.values():  # stable choice if a resource has two kinds
        if candidate in found:
            return candidate
    return "other"


def _objects(sources: Sources, node, prop: str) -> list:
    return list(dict.fromkeys(q.object for q in sources.quads(node, _e(prop), None) if isinstance(q.object, ox.NamedNode)))


def _subjects(sources: Sources, node, prop: str) -> list:
    return list(dict.fromkeys(q.subject for q in sources.quads(None, _e(prop), node) if isinstance(q.subject, ox.NamedNode)))


def _node(sources: Sources, labeller: Labeller, href: Href, node, **kwargs) -> TreeNode:
    label = labeller.label(node)
    notation = labeller.notation(node)
    if notation and not label.startswith(notation):
        label = f"{notation} · {label}"
    return TreeNode(label=label, kind=kwargs.pop("kind", None) or kind(sources, node), href=href(node.value),
                    iri=node.value, **kwargs)


def _capped(children: list[TreeNode], more: str, total: int | None = None) -> list[TreeNode]:
    """Return at most :data:`MAX_CHILDREN` boxes, the last a "… +n" for the rest (of ``total``, when more than were read)."""
    total = max(total or 0, len(children))
    if total <= MAX_CHILDREN:
        return children
    rest = total - MAX_CHILDREN + 1
    return children[: MAX_CHILDREN - 1] + [TreeNode(label=more.format(n=rest), kind="group")]


def structure_tree(sources: Sources, labeller: Labeller, href: Href, plan, projects_label: str) -> TreeNode:
    """Return the tree plan -> sections/lines -> goals/measures -> actions, plus the plan's projects."""

    def build(node, level: int, path: frozenset) -> TreeNode:
        tree = _node(sources, labeller, href, node, current=(level == 0))
        if level + 1 >= MAX_LEVELS:
            return tree
        children = []
        for prop in STRUCTURE:
            for child in sorted(_objects(sources, node, prop), key=labeller.sort_key):
                if child not in path:
                    children.append(build(child, level + 1, path | {child}))
        tree.children = _capped(children, "… +{n}")
        return tree

    structure = [_e(p) for p in (*STRUCTURE, "hasProject", "hasLinkedProject")]
    prefetch_kinds(sources, sources.prefetch_reachable([plan], structure, (*DRAWN, *structure, _e("activeYear"))))
    root = build(plan, 0, frozenset([plan]))
    projects = sorted(_objects(sources, plan, "hasProject"), key=labeller.sort_key)
    if projects:
        group = TreeNode(label=f"{projects_label} ({len(projects)})", kind="group")
        for project in projects:
            item = _node(sources, labeller, href, project)
            linked = sorted(_objects(sources, project, "hasLinkedProject"), key=labeller.sort_key)
            item.children = _capped([_node(sources, labeller, href, p) for p in linked], "… +{n}")
            group.children.append(item)
        group.children = _capped(group.children, "… +{n}")
        root.children.append(group)
    return root


def _year(literal) -> int | None:
    try:
        return int(str(literal.value)[:4]) if isinstance(literal, ox.Literal) else None
    except ValueError:
        return None


def timeline_groups(sources: Sources, labeller: Labeller, href: Href, plan) -> tuple[list[TimelineGroup], range | None]:
    """Return the plan's actions that have active years, grouped by measure or work area, and the plan's years."""
    groups: list[TimelineGroup] = []
    seen = {plan}
    queue = [plan]
    holders = []
    while queue:  # breadth first through the structure, in display order
        node = queue.pop(0)
        for prop in STRUCTURE[:-1]:
            for child in sorted(_objects(sources, node, prop), key=labeller.sort_key):
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
                    holders.append(child)
    for holder in holders:
        rows = []
        for action in sorted(_objects(sources, holder, "hasAction"), key=labeller.sort_key):
            years = {y for q in sources.quads(action, _e("activeYear"), None) if (y := _year(q.object)) is not None}
            if years:
                label = labeller.label(action)
                notation = labeller.notation(action)
                rows.append(TimelineRow(label=f"{notation} · {label}" if notation else label, years=years,
                                        href=href(action.value), iri=action.value))
        if rows:
            label = labeller.label(holder)
            notation = labeller.notation(holder)
            groups.append(TimelineGroup(label=f"{notation} · {label}" if notation and not label.startswith(notation) else label,
                                        rows=rows, href=href(holder.value), iri=holder.value))
    start = [y for q in sources.quads(plan, _e("startYear"), None) if (y := _year(q.object))]
    end = [y for q in sources.quads(plan, _e("endYear"), None) if (y := _year(q.object))]
    years = range(min(start), max(end) + 1) if start and end and min(start) <= max(end) else None
    return groups, years


def _direct_parent(sources: Sources, node, memo: dict) -> ox.NamedNode | None:
    parents = _objects(sources, node, "withinTerritory")
    if not parents:
        return None
    ancestors = {p: _ancestors(sources, p, memo) for p in parents}
    # the direct parent is the smallest place: every other parent is one of its ancestors
    direct = [p for p in parents if all(q == p or q in ancestors[p] for q in parents)]
    return sorted(direct or parents, key=str)[0]


def _ancestors(sources: Sources, node, memo: dict) -> set:
    if node in memo:
        return memo[node]
    memo[node] = set()
    out = set()
    for parent in _objects(sources, node, "withinTerritory"):
        out.add(parent)
        out |= _ancestors(sources, parent, memo)
    memo[node] = out
    return out


def inner_places(sources: Sources, places: list) -> dict:
    """Return place -> the places *asserted* within it (its candidate direct parts), in one query for all ``places``.

    A step of the chain is asserted (``docs/conventions.md``: the data asserts one step, the reasoner the
    rest), so what lies within a region only by transitivity (every neighbourhood of Catalunya: 6,843
    places at 1M synthetic triples) is never read; :func:`_direct_parent` then keeps the direct ones.
    At most :data:`MAX_INNER` in all.
    """
    places = [p for p in places if isinstance(p, ox.NamedNode)]
    if not places:
        return {}
    within = _e("withinTerritory")
    text = (f"SELECT DISTINCT ?x ?c WHERE {{ VALUES ?x {{ {' '.join(str(p) for p in places)} }} "
            f"GRAPH ?g {{ ?c {within} ?x }} FILTER(?g != {INFERRED} && isIRI(?c) && ?c != ?x) }} "
            f"ORDER BY STR(?x) STR(?c) LIMIT {MAX_INNER}")
    sources.queries += 1
    out: dict = {place: [] for place in places}
    for row in sources.store.query(text):
        out[row["x"]].append(row["c"])
    return out


def _count(sources: Sources, node, prop: str, shown: list) -> int:
    """Return how many resources link to ``node`` with ``prop``: those read, or the store's count when it read fewer."""
    return sources.cut.get((node, "incoming"), {}).get(_e(prop), len(shown))


def territory_tree(sources: Sources, labeller: Labeller, href: Href, territory, located_label: str) -> TreeNode:
    """Return the chain of places ``territory`` lies within, then what it contains and what is located there."""
    memo: dict = {}
    within = _e("withinTerritory")
    reached = sources.prefetch_reachable([territory], [within], (*DRAWN, within))
    inner = inner_places(sources, [territory])
    children = inner[territory]
    # the names, types and parents of the places drawn (their chains upwards are the territory's, read above):
    # no path query from hundreds of places (Virtuoso 7 took 31 s over the 430 municipalities at 1M), and the
    # parts of the first MAX_CHILDREN children only, those drawn with theirs (85 comarques at 1M, 39 drawn)
    sources.prefetch(children, (*DRAWN, within))
    drawn = sorted(children, key=labeller.sort_key)[:MAX_CHILDREN]
    inner.update(inner_places(sources, drawn))
    grandchildren = [c for child in drawn for c in inner.get(child, [])]
    sources.prefetch(grandchildren, (*DRAWN, within))
    reached += children + grandchildren
    located_in, applying = _subjects(sources, territory, "locatedIn"), _subjects(sources, territory, "appliesTo")
    located = set(located_in) | set(applying)
    located_count = max(len(located), _count(sources, territory, "locatedIn", located_in)
                        + _count(sources, territory, "appliesTo", applying) - len(set(located_in) & set(applying)))
    prefetch_kinds(sources, [*reached, *sorted(located, key=str)])
    chain = [territory]
    while (parent := _direct_parent(sources, chain[-1], memo)) is not None and parent not in chain:
        chain.append(parent)

    def contents(node, level: int) -> list[TreeNode]:
        if node not in inner:  # a child drawn that was not among the first by name (a candidate was not direct)
            inner.update(inner_places(sources, [node]))
        children = [c for c in inner[node] if _direct_parent(sources, c, memo) == node]
        out = []
        for position, child in enumerate(sorted(children, key=labeller.sort_key)):
            item = _node(sources, labeller, href, child)
            if level < 1 and position < MAX_CHILDREN:  # the others are left out of the drawing (_capped)
                item.children = _capped(contents(child, level + 1), "… +{n}")
            out.append(item)
        return _capped(out, "… +{n}")

    current = _node(sources, labeller, href, territory, current=True)
    current.children = contents(territory, 0)
    if located:
        group = TreeNode(label=f"{located_label} ({located_count})", kind="group")
        group.children = _capped([_node(sources, labeller, href, n) for n in sorted(located, key=labeller.sort_key)],
                                 "… +{n}", located_count)
        current.children.append(group)
    tree = current
    for place in chain[1:]:
        outer = _node(sources, labeller, href, place)
        outer.children = [tree]
        tree = outer
    return tree


def project_tree(sources: Sources, labeller: Labeller, href: Href, project) -> TreeNode | None:
    """Return project -> lines it contributes to -> the goals of each line it helps achieve (None if none)."""
    lines = sorted(_objects(sources, project, "contributesToLine"), key=labeller.sort_key)
    goals = sorted(_objects(sources, project, "helpsAchieveGoal"), key=labeller.sort_key)
    if not lines and not goals:
        return None
    sources.prefetch([*lines, *goals], (*DRAWN, _e("hasGoal")))
    prefetch_kinds(sources, [*lines, *goals])
    root = _node(sources, labeller, href, project, current=True)
    placed = set()
    for line in lines:
        item = _node(sources, labeller, href, line)
        line_goals = set(_objects(sources, line, "hasGoal"))
        item.children = [_node(sources, labeller, href, g) for g in goals if g in line_goals]
        placed |= line_goals
        root.children.append(item)
    root.children += [_node(sources, labeller, href, g) for g in goals if g not in placed]
    return root


def class_legend(sources: Sources, labeller: Labeller) -> dict[str, str]:
    """Return diagram kind -> the ontology's label of its class, in the page's language."""
    labeller.prefetch([_e(cls) for cls in KIND_OF_CLASS])
    return {kind_name: labeller.label(_e(cls)) for cls, kind_name in KIND_OF_CLASS.items()}


def figures_for(sources: Sources, labeller: Labeller, href: Href, node, words: dict[str, str]) -> list[Figure]:
    """Return the diagrams of a resource page, according to the resource's kinds."""
    found = kinds(sources, node)
    legend = class_legend(sources, labeller)
    out: list[Figure] = []
    if "plan" in found:
        tree = structure_tree(sources, labeller, href, node, legend.get("project", "Projects"))
        out.append(Figure("plan-structure", words["structure"],
                          render_tree(tree, svg_id="plan-structure", title=words["structure"], legend=legend)))
        groups, years = timeline_groups(sources, labeller, href, node)
        if groups:
            out.append(Figure("plan-timeline", words["timeline"],
                              render_timeline(groups, svg_id="plan-timeline", title=words["timeline"], years=years)))
    if "territory" in found:
        tree = territory_tree(sources, labeller, href, node, words["located"])
        out.append(Figure("territory-diagram", words["territory"],
                          render_tree(tree, svg_id="territory-diagram", title=words["territory"], legend=legend)))
    if "project" in found:
        tree = project_tree(sources, labeller, href, node)
        if tree is not None:
            out.append(Figure("project-diagram", words["project"],
                              render_tree(tree, svg_id="project-diagram", title=words["project"], legend=legend)))
    return out
