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
per ``PUT`` (Turtle), so a blank node shared by two graphs becomes one node per graph there.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import FIGURES, MERGE_GRAPH, RELEASE, RELEASE_GRAPH, STAGING
from .client import SparqlClient, StoreUnavailable
from .store import read_figures

#: Seconds one load or the switch may take.
LOAD_TIMEOUT = 600.0


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


def _graph_triples(disk: ox.Store, graph: str, figures: dict):
    """Return the triples to load for one target graph (the merge is the build's default graph)."""
    if graph == RELEASE_GRAPH:
        return [_figures_triple(figures)]
    name = ox.DefaultGraph() if graph == MERGE_GRAPH else ox.NamedNode(graph)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in disk.quads_for_pattern(None, None, None, name)]


def _load_dataset(client: SparqlClient, disk: ox.Store, staging: dict, figures: dict, sizes: dict) -> None:
    """Load every staging graph in one N-Quads request (the Oxigraph server's ``POST /store``)."""
    quads = []
    for graph, stage in staging.items():
        triples = _graph_triples(disk, graph, figures)
        sizes[graph] = len(triples)
        name = ox.NamedNode(stage)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    response = client.request("POST", client.endpoints.graphs, data, timeout=LOAD_TIMEOUT, authenticate=True,
                              headers={"Content-Type": "application/n-quads"})
    client.expect_success(response, "loading the release")


def _load_graphs(client: SparqlClient, disk: ox.Store, staging: dict, figures: dict, sizes: dict, progress) -> None:
    """Load each staging graph by its own Graph Store ``PUT`` (Virtuoso)."""
    for graph, stage in staging.items():
        triples = _graph_triples(disk, graph, figures)
        sizes[graph] = len(triples)
        client.put_graph(stage, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", "text/turtle",
                         timeout=LOAD_TIMEOUT)
