"""Publish a build into an external SPARQL store, replacing the previous release in one small switch.

The served names stay fixed (queries name graphs, and answers bind ``?g`` to them), so a new
release cannot be switched in by renaming; what the switch writes is kept as small as the
two releases' difference:

- **First publication** (no release in the store): every graph is loaded under its served
  name, the release graph last.  No server reads the store before the release graph exists
  (``serve --store`` refuses to start without it), so nothing needs switching.
- **Later publications**: for each graph, the triples to remove and to add (the difference
  between the served graph and the new one) are computed into two *staging* graphs, outside any
  reader's view.  Then **one SPARQL Update request** applies the differences to the served
  graphs, drops the graphs the new release no longer has and replaces the release's figures.
  The staging graphs are dropped afterwards.  A release identical to the served one writes only
  its blank nodes' triples (each release names its blank nodes afresh, see below) and its figures.

How a difference is computed depends on the graph's *fingerprint* (:func:`fingerprint`: its
triples, those naming a blank node, and an order-free hash of the others), computed from the
build and published with the release's figures.  A graph whose triples without blank nodes are
the served release's (same fingerprint, and the store still counts the triples it recorded) is
not loaded again: only its blank nodes' triples are, straight into the "added" graph, and the
"removed" graph is the served graph's blank nodes' triples.  Any other graph (changed, new, or
published before fingerprints were) is loaded whole under a staging name and the store computes
both differences (``FILTER NOT EXISTS``).

How atomic the switch is depends on the store: the Oxigraph server runs an update request in
one transaction (readers see the old release or the new one); Virtuoso runs it as one
transaction too, but its readers read committed rows without waiting for locks, so a reader
may see part of the difference applied for the instant of the commit (see ``docs/store.md``;
the test reads during a switch and asserts what each store gives).  When loading or the
difference fails, the staging graphs are dropped and the served release is unchanged.

Which graphs make the served default graph is decided in one place, :data:`DEFAULT_GRAPHS`,
and published with the release's figures (``default_graphs``), from where ``serve --store``
reads it.

Loading: the Oxigraph server takes all graphs in one N-Quads ``POST`` to ``/store`` (a
blank node shared by several graphs stays one node); Virtuoso's Graph Store takes one graph
per ``PUT``.  A blank node label is local to one document, so each ``PUT`` would make its own
blank nodes; instead every blank node of the release is written as ``<nodeID://bN>``, the
name Virtuoso gives its own blank nodes, with one ``N`` per blank node for the whole release:
Virtuoso stores it as that blank node (``isBlank`` is true, answers write it as a blank
node), so a blank node shared by a named graph, the inferred graph and the merge is one node
there too, as in the build.  Each release takes its ``N`` from a range of its own, far above
the numbers Virtuoso allocates (it counts up from 10,000).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import DEFAULT_GRAPHS, FIGURES, MERGE_GRAPH, RELEASE, RELEASE_GRAPH, STAGING
from ..errors import ConfigurationError
from ..streaming import Fingerprint
from .client import SparqlClient
from .store import read_figures

#: Seconds one load, one difference or the switch may take.
LOAD_TIMEOUT = 600.0

#: Virtuoso blank node numbers of a release: ``FIRST_BLANK + release * RELEASE_BLANKS + n`` (below 2**60,
#: the largest Virtuoso keeps; its own counter starts at 10,000).
FIRST_BLANK, RELEASE_BLANKS = 1 << 56, 1 << 32


@dataclass
class Published:
    """What a publication loaded: graphs (served names), triples in each, the seconds it took.

    :ivar changed: triples the switch removed and added (None: the first publication, loaded in place).
    :ivar unchanged: graphs whose triples without blank nodes were the served ones (not loaded again).
    :ivar leftover: what could not be cleaned up after the switch (the release is served all the same).
    """

    graphs: dict[str, int]
    seconds: float
    load_seconds: float
    switch_seconds: float
    changed: tuple[int, int] | None = None
    unchanged: int = 0
    leftover: str | None = None

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def publish(url: str, build_path: Path, manifest: dict, *, client: SparqlClient | None = None,
            progress=lambda message: None) -> Published:
    """Load the build at ``build_path`` into the store at ``url`` and switch readers to it.

    :param manifest: the build's manifest (its figures are published with the data).
    :raises StoreUnavailable: when the store is unreachable or refuses the credentials or a request.
    """
    from ..reasoning.build import STORE_DIR

    started = time.perf_counter()
    client = client or SparqlClient(url)
    figures = release_figures(manifest)
    try:
        served = read_figures(client, 60.0)
        previous = set(served.get("graphs", {}))
    except ConfigurationError:  # no release yet (or an unreadable one, which no server can start on)
        served, previous = {}, None
    release = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.urandom(4).hex()}"
    targets = list(figures["graphs"]) + [MERGE_GRAPH]
    disk = ox.Store.read_only(str(Path(build_path) / STORE_DIR))
    prints = figures["fingerprints"] = build_fingerprints(manifest, targets) or {
        graph: fingerprint(_iter_graph_triples(disk, graph)) for graph in targets}
    sizes = {graph: prints[graph][0] for graph in targets}
    if previous is None:
        names, kept = {graph: graph for graph in targets}, {}
        loads = {graph: (graph, False) for graph in targets}
    else:
        names = {graph: f"{STAGING}{release}:{index}" for index, graph in enumerate(targets)}
        kept = _kept(client, served.get("fingerprints", {}), prints)
        loads = {graph: (_delta_graphs(names[graph])[1], True) if graph in kept else (names[graph], False)
                 for graph in targets if graph not in kept or prints[graph][1]}
    changed = None
    try:
        if previous is None:  # leftovers of a publication that failed before its release graph: gone
            client.update(_drop(names.values(), client), timeout=LOAD_TIMEOUT)
        if client.endpoints.kind == "oxigraph":
            _load_dataset(client, disk, loads)
        else:
            _load_graphs(client, disk, loads, progress)
        load_seconds = time.perf_counter() - started
        progress(f"loaded {len(loads)} graphs ({len(kept)} of them unchanged but for blank nodes) "
                 f"({load_seconds:.1f} s)")
        mark = time.perf_counter()
        if previous is None:
            client.update(first_release_update(figures), timeout=LOAD_TIMEOUT)
        else:
            changes = differences(client, names, kept)
            changed = (sum(removed for removed, _ in changes.values()), sum(added for _, added in changes.values()))
            progress(f"the switch removes {changed[0]} and adds {changed[1]} triples")
            mark = time.perf_counter()
            client.update(switch_update(names, changes, previous - set(figures["graphs"]), figures),
                          timeout=LOAD_TIMEOUT)
    except BaseException:
        try:
            dropped = list(names.values()) + [RELEASE_GRAPH] * (previous is None)
            dropped += [] if previous is None else [g for stage in names.values() for g in _delta_graphs(stage)]
            client.update(_drop(dropped, client), timeout=LOAD_TIMEOUT)
        except Exception:  # noqa: BLE001 - the original error is what the user needs
            pass
        raise
    finally:
        del disk
    switch_seconds = time.perf_counter() - mark
    leftover = None
    if previous is not None:  # the staging graphs are nobody's view: dropped outside the switch
        try:
            client.update(_drop([g for stage in names.values() for g in (stage, *_delta_graphs(stage))], client),
                          timeout=LOAD_TIMEOUT)
        except Exception as err:  # noqa: BLE001 - the release is served; say what is left to drop
            leftover = f"the staging graphs {STAGING}{release}:* were not dropped ({err})"
    graphs = {graph: sizes[graph] for graph in figures["graphs"]}
    graphs[MERGE_GRAPH] = sizes[MERGE_GRAPH]
    return Published(graphs, time.perf_counter() - started, load_seconds, switch_seconds, changed, len(kept), leftover)


def release_figures(manifest: dict) -> dict:
    """Return the figures published with a build: its own, the graphs making the served default graph, and the
    build's key (``serve --store --build-dir`` checks that a build beside the store is this release's)."""
    return {**manifest["figures"], "default_graphs": list(DEFAULT_GRAPHS), "build_key": manifest["key"]}


def first_release_update(figures: dict) -> str:
    """Return the update a first publication ends with: the release graph, once every graph is loaded."""
    return f"INSERT DATA {{ GRAPH <{RELEASE_GRAPH}> {{ {_figures_triple(figures)} }} }}"


def _delta_graphs(stage: str) -> tuple[str, str]:
    """Return the staging graphs holding what the switch removes from and adds to a served graph."""
    return stage + ":removed", stage + ":added"


def _bulk(client: SparqlClient) -> str:
    """Prefix of an update outside the switch: on Virtuoso, commit row by row (no transaction log limit)."""
    return "DEFINE sql:log-enable 3\n" if client.endpoints.kind == "virtuoso" else ""


def _drop(graphs, client: SparqlClient) -> str:
    return _bulk(client) + " ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs)


def fingerprint(triples) -> list:
    """Return a graph's fingerprint: [triples, triples naming a blank node, hash of the other triples]
    (:class:`kgserver.streaming.Fingerprint`, which the build also computes while it writes the dumps)."""
    print_ = Fingerprint()
    for triple in triples:
        print_.add(str(triple).encode())
    return print_.value()


def build_fingerprints(manifest: dict, targets: list[str]) -> dict[str, list] | None:
    """Return the fingerprints of ``targets`` the build recorded (the merge as :data:`MERGE_GRAPH`), or None.

    A build made before the builds recorded them has none; they are then computed from the store.
    """
    recorded = manifest.get("fingerprints")
    if not recorded:
        return None
    prints = {**recorded["graphs"], MERGE_GRAPH: recorded["merge"]}
    return {graph: prints[graph] for graph in targets} if all(graph in prints for graph in targets) else None


def _kept(client: SparqlClient, served: dict, prints: dict) -> dict[str, int]:
    """Return the graphs whose triples without blank nodes are the served ones, with their blank node triples.

    A graph is kept when the served release recorded the same fingerprint for it and the store still
    holds as many triples in it as recorded (a graph changed behind the release's back is loaded whole).
    """
    same = [graph for graph, mark in prints.items() if served.get(graph) == mark]
    counted = _graph_sizes(client, same) if same else {}
    return {graph: prints[graph][1] for graph in same if counted.get(graph, 0) == prints[graph][0]}


def differences(client: SparqlClient, staging: dict[str, str],
                kept: dict[str, int] | None = None) -> dict[str, tuple[int, int]]:
    """Write, for each served graph, the triples the switch removes and adds; return their counts by graph.

    Each difference is computed by the store into its own staging graph (``_delta_graphs``), before
    the switch and outside it: the switch then only applies them.  For a graph in ``kept`` (its new
    blank node triples already loaded into its "added" graph), what is removed is the served graph's
    blank node triples.
    """
    kept = kept or {}
    for graph, stage in staging.items():
        removed, added = _delta_graphs(stage)
        if graph in kept:
            if kept[graph]:
                client.update(
                    _bulk(client)
                    + f"INSERT {{ GRAPH <{removed}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                      f"FILTER (isBlank(?s) || isBlank(?o)) }}", timeout=LOAD_TIMEOUT)
            continue
        client.update(
            _bulk(client)
            + f"INSERT {{ GRAPH <{removed}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
              f"FILTER NOT EXISTS {{ GRAPH <{stage}> {{ ?s ?p ?o }} }} }}", timeout=LOAD_TIMEOUT)
        client.update(
            _bulk(client)
            + f"INSERT {{ GRAPH <{added}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{stage}> {{ ?s ?p ?o }} "
              f"FILTER NOT EXISTS {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}", timeout=LOAD_TIMEOUT)
    deltas = [g for stage in staging.values() for g in _delta_graphs(stage)]
    counts = _graph_sizes(client, deltas)
    return {graph: (counts.get(_delta_graphs(stage)[0], 0), counts.get(_delta_graphs(stage)[1], 0))
            for graph, stage in staging.items()}


def _graph_sizes(client: SparqlClient, graphs: list[str]) -> dict[str, int]:
    """Return the triples in each of ``graphs`` (one query: a union of one count per graph).

    Not ``GRAPH ?g … GROUP BY ?g``: Virtuoso 7 answers that over a list of named graphs about a hundred
    times slower (measured on the bundled release: 3 s of its CPU against 0.03 s).
    """
    from .store import JSON_RESULTS

    counts = " UNION ".join(f"{{ SELECT (<{graph}> AS ?g) (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}"
                            for graph in graphs)
    response = client.query(f"SELECT ?g ?n WHERE {{ {counts} }}", JSON_RESULTS, timeout=LOAD_TIMEOUT,
                            named_graphs=graphs)
    try:
        return {row["g"].value: int(row["n"].value)
                for row in ox.parse_query_results(response, ox.QueryResultsFormat.JSON)}
    finally:
        response.close()


def switch_update(staging: dict[str, str], changes: dict[str, tuple[int, int]], dropped, figures: dict) -> str:
    """Return the one update request that serves the staged release.

    It applies each graph's difference (computed by :func:`differences`), drops the graphs the
    new release no longer has and replaces the release's figures.
    """
    operations = []
    for graph, stage in staging.items():
        removed, added = _delta_graphs(stage)
        if changes[graph][0]:
            operations.append(f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{removed}> {{ ?s ?p ?o }} }}")
        if changes[graph][1]:
            operations.append(f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{added}> {{ ?s ?p ?o }} }}")
    operations += [f"DROP SILENT GRAPH <{graph}>" for graph in sorted(dropped)]
    operations.append(f"DELETE WHERE {{ GRAPH <{RELEASE_GRAPH}> {{ <{RELEASE}> <{FIGURES}> ?figures }} }}")
    operations.append(f"INSERT DATA {{ GRAPH <{RELEASE_GRAPH}> {{ {_figures_triple(figures)} }} }}")
    return " ;\n".join(operations)


def _figures_triple(figures: dict) -> ox.Triple:
    return ox.Triple(ox.NamedNode(RELEASE), ox.NamedNode(FIGURES), ox.Literal(json.dumps(figures, sort_keys=True)))


def _load_dataset(client: SparqlClient, disk: ox.Store, loads: dict) -> None:
    """Load every staging graph in one N-Quads request (the Oxigraph server's ``POST /store``).

    :param loads: graph -> (the graph it is loaded into, whether only its blank node triples are).

    One request, so that a blank node shared by several graphs stays one node; the body is
    written graph by graph (the quads are never all held as Python objects).
    """
    import io

    if not loads:
        return
    body = io.BytesIO()
    for graph, (stage, blank_only) in loads.items():
        name = ox.NamedNode(stage)
        quads = (ox.Quad(triple.subject, triple.predicate, triple.object, name)
                 for triple in _iter_graph_triples(disk, graph, blank_only))
        ox.serialize(quads, body, ox.RdfFormat.N_QUADS)
    response = client.request("POST", client.endpoints.graphs, body.getvalue(), timeout=LOAD_TIMEOUT,
                              authenticate=True, headers={"Content-Type": "application/n-quads"})
    client.expect_success(response, "loading the release")


class VirtuosoBlanks:
    """Name each blank node of a release ``<nodeID://bN>``: one blank node in Virtuoso whatever graph it is loaded in."""

    def __init__(self, release: int | None = None):
        release = int.from_bytes(os.urandom(3), "big") if release is None else release
        self.first = FIRST_BLANK + release * RELEASE_BLANKS
        self.names: dict[ox.BlankNode, ox.NamedNode] = {}

    def term(self, term):
        if not isinstance(term, ox.BlankNode):
            return term
        name = self.names.get(term)
        if name is None:
            if len(self.names) >= RELEASE_BLANKS:
                raise ValueError(f"a release holds more than {RELEASE_BLANKS} blank nodes")
            name = self.names[term] = ox.NamedNode(f"nodeID://b{self.first + len(self.names)}")
        return name

    def triple(self, triple: ox.Triple) -> ox.Triple:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            return ox.Triple(self.term(triple.subject), triple.predicate, self.term(triple.object))
        return triple


def _load_graphs(client: SparqlClient, disk: ox.Store, loads: dict, progress) -> None:
    """Load each staging graph by the Graph Store Protocol (Virtuoso), blank nodes named for the release.

    :param loads: as for :func:`_load_dataset`.

    A graph goes in pieces of ``CHUNK_TRIPLES`` (a ``PUT``, then ``POST``s adding to it): Virtuoso
    parses one request in one transaction, and the pieces keep its memory and the request's size
    bounded.  Blank nodes keep their identity across pieces and graphs (:class:`VirtuosoBlanks`).
    """
    blanks = VirtuosoBlanks()
    for graph, (stage, blank_only) in loads.items():
        count, method, chunk = 0, "PUT", []
        for triple in _iter_graph_triples(disk, graph, blank_only):
            chunk.append(blanks.triple(triple))
            if len(chunk) == CHUNK_TRIPLES:
                _send_chunk(client, stage, chunk, method)
                count, method, chunk = count + len(chunk), "POST", []
        if chunk or method == "PUT":  # an empty graph is still PUT (it exists, empty)
            _send_chunk(client, stage, chunk, method)
            count += len(chunk)
        if count > CHUNK_TRIPLES:
            progress(f"loaded {count} triples of {graph}")


#: Triples per Graph Store request to Virtuoso.
CHUNK_TRIPLES = 250_000


def _send_chunk(client: SparqlClient, stage: str, triples: list, method: str) -> None:
    client.put_graph(stage, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", "text/turtle",
                     timeout=LOAD_TIMEOUT, method=method)


def _iter_graph_triples(disk: ox.Store, graph: str, blank_only: bool = False):
    """Yield the triples of one target graph as the build holds them (no list of the whole graph).

    :param blank_only: only the triples naming a blank node.
    """
    name = ox.DefaultGraph() if graph == MERGE_GRAPH else ox.NamedNode(graph)
    for quad in disk.quads_for_pattern(None, None, None, name):
        if not blank_only or isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            yield ox.Triple(quad.subject, quad.predicate, quad.object)
