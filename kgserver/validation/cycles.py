"""Find the links that lie on a cycle, in time linear in the number of links (Tarjan's algorithm)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable


def components(edges: Iterable[tuple[Hashable, Hashable]]) -> dict[Hashable, int]:
    """Return node -> id of its strongly connected component (iterative Tarjan, no recursion limit)."""
    graph: dict[Hashable, list] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    index: dict[Hashable, int] = {}
    low: dict[Hashable, int] = {}
    component: dict[Hashable, int] = {}
    stack: list = []
    on_stack: set = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
    return component


def on_cycle(edges: list[tuple[Hashable, Hashable]]) -> list[bool]:
    """Return, for each edge, whether it lies on a cycle (both ends in one component, or a self-loop)."""
    component = components(edges)
    return [source == target or component[source] == component[target] for source, target in edges]
