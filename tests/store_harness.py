"""Serve the site over any :class:`kgserver.storage.DatasetStore` and check it answers as the embedded store does.

Reusable for every store implementation (the embedded one here; the remote stores in their own tests)::

    app, recorder = interface_app(my_store)
    for path, accept in sample_requests(my_store):
        ...compare app.test_client().get(path) with the embedded app's answer...
    assert_no_scan(recorder, my_store.figures)

:class:`InterfaceOnly` wraps a store and offers *only* the interface (``query``, ``named_graphs``,
``dump``, ``figures``): anything else the web layer tried (``quads_for_pattern``, ``len``,
iteration, the raw Oxigraph store) raises.  Every answer makes a round trip through the SPARQL
JSON results format, as a remote store's does, and every query is recorded with its row count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from kgserver.namespaces import BASE, INFERRED_GRAPH
from kgserver.storage import DatasetStore

_JSON = ox.QueryResultsFormat.JSON


@dataclass
class Recorder:
    """The queries a store answered: (query text, rows returned)."""

    queries: list[tuple[str, int]] = field(default_factory=list)

    def mark(self) -> int:
        return len(self.queries)

    def since(self, mark: int) -> list[tuple[str, int]]:
        return self.queries[mark:]


class InterfaceOnly(DatasetStore):
    """A store that offers only the :class:`DatasetStore` interface, recording what it is asked."""

    def __init__(self, inner: DatasetStore, recorder: Recorder | None = None, *, index=None):
        """:param index: a search index to offer (``label_index``); by default none: search sends the label query."""
        self._inner = inner
        self.figures = inner.figures
        self.recorder = recorder or Recorder()
        self.label_index = index

    def query(self, sparql: str, *, timeout: float | None = None):
        result = self._inner.query(sparql, timeout=timeout)
        if isinstance(result, ox.QuerySolutions):  # as a remote store parses its JSON answer
            data = result.serialize(format=_JSON)
            self.recorder.queries.append((sparql, sum(1 for _ in ox.parse_query_results(data, format=_JSON))))
            return ox.parse_query_results(data, format=_JSON)
        if isinstance(result, ox.QueryBoolean):
            self.recorder.queries.append((sparql, 1))
            return result
        triples = list(result)
        self.recorder.queries.append((sparql, len(triples)))
        return triples

    def named_graphs(self):
        return list(self._inner.named_graphs())

    def dump(self, output=None, format=None, *, from_graph=None):  # noqa: A002
        return self._inner.dump(output, format, from_graph=from_graph)

    def __getattr__(self, name):
        raise AttributeError(f"the web layer asked the store for {name!r}, which is not in the DatasetStore interface")


def interface_app(store: DatasetStore, engine_factory=None):
    """Return (app, recorder): the site served from ``store`` wrapped in :class:`InterfaceOnly`.

    :param engine_factory: makes the query engine of the pool's workers (``/sparql`` and the named-query
        API run there); by default the embedded engine on the build, as ``serve`` does.
    """
    from kgserver.app import create_app

    app = create_app({"TESTING": True, "QUERY_WORKERS": 1})
    state = app.extensions["kgserver"]
    recorder = Recorder()
    wrapped = InterfaceOnly(store, recorder)
    embedded = state._make_engine
    state.opener = lambda: wrapped
    state._store = None
    state._make_engine = engine_factory or (lambda: _embedded_engine(state, embedded))
    return app, recorder


def _embedded_engine(state, make):
    """Build the embedded engine on the build itself (in the pool's zygote), not on the wrapper."""
    from kgserver.engine import make_engine
    from kgserver.web.state import embedded_opener

    opener, _, _ = embedded_opener(True)
    return make_engine(state.engine, opener().store)


def sample_requests(store: DatasetStore) -> list[tuple[str, str]]:
    """Return (path, Accept) for every kind of page: resources of each kind in every format, documents,
    VoID, search, browse (a class's first two pages), dumps, explain, the API, the service description, the
    front page and two 404s (one with suggestions)."""
    kinds = ["plan/", "territory/", "project/", "action/", "entity/", "measure/", "line/"]
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(STRSTARTS(STR(?s), \"{BASE}id/\")) }}")
    subjects = sorted(row["s"].value for row in rows)
    picked = [next(s for s in subjects if s[len(BASE) + 3:].startswith(k)) for k in kinds
              if any(s[len(BASE) + 3:].startswith(k) for s in subjects)]
    picked.append(BASE + "id/dataset")
    requests = []
    for iri in picked:
        stem = iri[len(BASE):]
        for suffix in ("html", "ttl", "nt", "jsonld", "rdf"):
            requests.append((f"/{stem}.{suffix}", "*/*"))
        requests.append((f"/{stem}", "text/turtle"))
    for graph in sorted(g.value for g in store.named_graphs()):
        if graph.startswith(BASE):
            requests += [(f"/{graph[len(BASE):]}.html", "*/*"), (f"/{graph[len(BASE):]}.ttl", "*/*")]
    inferred = next(iter(store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} FILTER(isIRI(?s) && isIRI(?o) "
        f"&& STRSTARTS(STR(?s), \"{BASE}id/\")) }} ORDER BY ?s ?p ?o LIMIT 1")))
    from urllib.parse import urlencode

    explain = urlencode({"s": str(inferred["s"]), "p": str(inferred["p"]), "o": str(inferred["o"])})
    classes = store.figures["browse"]["classes"]
    largest = max(classes, key=lambda c: (classes[c], c))  # more than a page of members
    second = store.class_members(largest, under=BASE + "id/", limit=2)[-1]  # the second page starts after it
    browse = [(f"/browse?{urlencode({'class': largest, **bound})}", "text/html") for bound in ({}, {"after": second})]
    near_miss = picked[0][len(BASE):-1] + "~"  # a mistyped end: the 404 page suggests the resource
    requests += [
        ("/", "text/html"), ("/browse", "text/html"), *browse, (f"/{near_miss}", "text/html"),
        ("/search?q=economia+social", "text/html"),
        ("/search?q=barcelona", "text/html"), ("/.well-known/void", "text/turtle"), ("/.well-known/void", "text/html"),
        ("/ontology.html", "*/*"), ("/ontology.ttl", "*/*"), ("/ontology", "text/turtle"),
        ("/dumps/", "text/html"), ("/dumps/esskg.nq.gz", "*/*"), ("/dumps/esskg-inferred.ttl.gz", "*/*"),
        (f"/explain?{explain}", "text/html"), ("/id/no-such-thing", "text/html"), ("/sparql", "text/turtle"),
        ("/api/", "text/html"), ("/api/queries/cq01-actions-of-measure-15", "application/sparql-results+json"),
        ("/api/queries/cq12-actions-per-year-measures-11-17?format=csv", "*/*"),
    ]
    return requests


def assert_no_scan(recorder: Recorder, figures: dict, *, share: float = 0.25) -> None:
    """Fail if a query read the whole store: more rows than ``share`` of its quads, except a document
    (one named graph read whole, ``GRAPH <iri> { ?s ?p ?o }``) up to that graph's size; or a count at request
    time of anything but the links of named resources (what a page reads of a resource over the bound:
    ``VALUES ?o { <iri> } ?s ?p ?o``, ``?s <p> <iri>``)."""
    total = figures["quads"]
    sizes = figures["graphs"]
    for text, rows in recorder.queries:
        if "COUNT(" in text.upper():
            assert re.search(r"VALUES \?[so] \{ <[^>]+>[^}]*\} \?s \?p \?o \}|\?s <[^>]+> <[^>]+>|<[^>]+> <[^>]+> \?o",
                             text), f"a request counted at request time: {text}"
        document = re.search(r"GRAPH <([^>]+)> \{ \?s \?p \?o \}", text)
        limit = sizes.get(document.group(1), 0) if document else 0
        assert rows <= max(limit, share * total), f"a query read {rows} of {total} quads: {text}"
