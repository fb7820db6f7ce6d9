"""Publish a build into an external SPARQL store, replacing the previous release in one switch.

1. Every graph of the build (the asserted named graphs, the inferred graph), their merge and
   the figures are loaded under *staging* names of their own (Graph Store Protocol): readers
   still see the previous release, untouched.
2. One SPARQL Update request moves each staging graph onto its served name (``MOVE``) and
   drops the graphs of the previous release that the new one no longer has.
3. Nothing is left to drop: ``MOVE`` removed each staging graph.  When loading fails, the
   staging graphs loaded so far are dropped and the served release is unchanged.

How atomic step 2 is depends on the store: the Oxigraph server runs an update request in
one transaction (readers see the old release or the new one, never a mix); Virtuoso runs it
as one transaction of its SQL engine too, but its readers read committed rows without
waiting for locks, so a reader may see a graph half-moved for the instant of the commit
(see ``docs/store.md``; the test reads during a switch and asserts what each store gives).

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

from ..storage import SERVED_DEFAULT_GRAPH
from . import FIGURES, MERGE_GRAPH, RELEASE, RELEASE_GRAPH, STAGING
from .client import SparqlClient, StoreUnavailable
from .store import read_figures

#: Seconds one load or the switch may take.
LOAD_TIMEOUT = 600.0

#: Virtuoso blank node numbers of a release: ``FIRST_BLANK + release * RELEASE_BLANKS + n`` (below 2**60,
#: the largest Virtuoso keeps; its own counter starts at 10,000).
FIRST_BLANK, RELEASE_BLANKS = 1 << 56, 1 << 32


@dataclass
class Published:
    """What a publication loaded: graphs (served names), triples in each, and the seconds it took."""

    graphs: dict[str, int]
    seconds: float
    load_seconds: float
    switch_seconds: float

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
    figures = manifest["figures"]
    try:
        previous = set(read_figures(client, 60.0).get("graphs", {}))
    except StoreUnavailable:
        raise
    except Exception:  # noqa: BLE001 - no release yet (or an unreadable one): nothing to drop
        previous = set()
    release = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.urandom(4).hex()}"
    targets = list(figures["graphs"]) + [MERGE_GRAPH, RELEASE_GRAPH]
    staging = {graph: f"{STAGING}{release}:{index}" for index, graph in enumerate(targets)}
    disk = ox.Store.read_only(str(Path(build_path) / STORE_DIR))
    sizes: dict[str, int] = {}
    try:
        if client.endpoints.kind == "oxigraph":
            _load_dataset(client, disk, staging, figures, sizes)
        else:
            _load_graphs(client, disk, staging, figures, sizes, progress)
        load_seconds = time.perf_counter() - started
        progress(f"loaded {len(sizes)} graphs into staging graphs ({load_seconds:.1f} s)")
        mark = time.perf_counter()
        client.update(switch_update(staging, previous - set(figures["graphs"])), timeout=LOAD_TIMEOUT)
    except BaseException:
        try:
            client.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging.values()), timeout=60.0)
        except Exception:  # noqa: BLE001 - the original error is what the user needs
            pass
        raise
    finally:
        del disk
    switch_seconds = time.perf_counter() - mark
    graphs = {graph: sizes[graph] for graph in figures["graphs"]}
    graphs[MERGE_GRAPH] = sizes[MERGE_GRAPH]
    return Published(graphs, time.perf_counter() - started, load_seconds, switch_seconds)


def switch_update(staging: dict[str, str], dropped) -> str:
    """Return the one update request that serves the staged release (and drops graphs it no longer has)."""
    operations = [f"MOVE SILENT GRAPH <{stage}> TO GRAPH <{graph}>" for graph, stage in staging.items()]
    operations += [f"DROP SILENT GRAPH <{graph}>" for graph in sorted(dropped)]
    return " ;\n".join(operations)


def _figures_triple(figures: dict) -> ox.Triple:
    return ox.Triple(ox.NamedNode(RELEASE), ox.NamedNode(FIGURES), ox.Literal(json.dumps(figures, sort_keys=True)))


def _load_dataset(client: SparqlClient, disk: ox.Store, staging: dict, figures: dict, sizes: dict) -> None:
    """Load every staging graph in one N-Quads request (the Oxigraph server's ``POST /store``).

    One request, so that a blank node shared by several graphs stays one node; the body is
    written graph by graph (the quads are never all held as Python objects).
    """
    import io

    body = io.BytesIO()
    for graph, stage in staging.items():
        name, counter = ox.NamedNode(stage), [0]

        def quads(graph=graph, name=name, counter=counter):
            for triple in _iter_graph_triples(disk, graph, figures):
                counter[0] += 1
                yield ox.Quad(triple.subject, triple.predicate, triple.object, name)

        ox.serialize(quads(), body, ox.RdfFormat.N_QUADS)
        sizes[graph] = counter[0]
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


def _load_graphs(client: SparqlClient, disk: ox.Store, staging: dict, figures: dict, sizes: dict, progress) -> None:
    """Load each staging graph by the Graph Store Protocol (Virtuoso), blank nodes named for the release.

    A graph goes in pieces of ``CHUNK_TRIPLES`` (a ``PUT``, then ``POST``s adding to it): Virtuoso
    parses one request in one transaction, and the pieces keep its memory and the request's size
    bounded.  Blank nodes keep their identity across pieces and graphs (:class:`VirtuosoBlanks`).
    """
    blanks = VirtuosoBlanks()
    for graph, stage in staging.items():
        count, method, chunk = 0, "PUT", []
        for triple in _iter_graph_triples(disk, graph, figures):
            chunk.append(blanks.triple(triple))
            if len(chunk) == CHUNK_TRIPLES:
                _send_chunk(client, stage, chunk, method)
                count, method, chunk = count + len(chunk), "POST", []
        if chunk or method == "PUT":  # an empty graph is still PUT (it exists, empty)
            _send_chunk(client, stage, chunk, method)
            count += len(chunk)
        sizes[graph] = count
        if count > CHUNK_TRIPLES:
            progress(f"loaded {count} triples of {graph}")


#: Triples per Graph Store request to Virtuoso.
CHUNK_TRIPLES = 250_000


def _send_chunk(client: SparqlClient, stage: str, triples: list, method: str) -> None:
    client.put_graph(stage, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", "text/turtle",
                     timeout=LOAD_TIMEOUT, method=method)


def _iter_graph_triples(disk: ox.Store, graph: str, figures: dict):
    """Yield the triples of one target graph as the store holds them (no list of the whole graph)."""
    if graph == RELEASE_GRAPH:
        yield _figures_triple(figures)
        return
    names = SERVED_DEFAULT_GRAPH if graph == MERGE_GRAPH else (ox.NamedNode(graph),)  # disjoint graphs
    for name in names:
        for quad in disk.quads_for_pattern(None, None, None, name):
            yield ox.Triple(quad.subject, quad.predicate, quad.object)
