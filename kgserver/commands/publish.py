"""``kgserver publish --store URL``: load the built dataset into an external SPARQL store."""

from __future__ import annotations

import click


@click.command()
@click.option("--store", "store", envvar="KGSERVER_STORE", required=True, metavar="URL",
              help="The store's SPARQL endpoint: Virtuoso's http://HOST:8890/sparql or the Oxigraph "
                   "server's http://HOST:7878/query (default: $KGSERVER_STORE).")
@click.option("--build-dir", type=click.Path(file_okay=False), default=None,
              help="A build to publish as it is (`kgserver build`, any inputs; default: the bundled "
                   "build, made if missing).")
def publish(store, build_dir):
    """Publish the built dataset into an external SPARQL store, replacing the previous release.

    Loads every named graph of the build (the asserted graphs, the inferred graph), their merge
    (the served default graph) and the build's figures.  Into a store holding no release they go
    in place; otherwise under staging names, and one SPARQL Update request then switches readers
    to the new release by writing only what differs from the served one.  Credentials come from KGSERVER_STORE_USER
    and KGSERVER_STORE_PASSWORD (HTTP digest or basic); they are never printed.

    Exit codes: 0 published; 2 could not run (the store is unreachable, refused the
    credentials or a request, or the build failed).
    """
    from pathlib import Path

    from ..errors import ConfigurationError
    from ..reasoning.build import read_manifest
    from ..remote.publish import publish as run_publish
    from ..store import prepare_build

    if build_dir:  # published as it is: a build of other inputs than the bundle's (never rebuilt here)
        path, manifest = Path(build_dir), read_manifest(Path(build_dir))
        if manifest is None:
            raise ConfigurationError(f"{build_dir} holds no complete build (run `kgserver build` first)")
    else:
        result = prepare_build()
        path, manifest = result.path, result.manifest
    published = run_publish(store, path, manifest)
    from ..remote.client import endpoints_for

    click.echo(f"published {len(published.graphs) - 1} graphs and their merge, {published.triples} triples, "
               f"into {endpoints_for(store).display} in {published.seconds:.1f} s "
               f"(load {published.load_seconds:.1f} s, switch {published.switch_seconds:.2f} s)")
    if published.changed is None:
        click.echo("  first release in this store: loaded in place, nothing switched")
    else:
        click.echo(f"  the switch removed {published.changed[0]} and added {published.changed[1]} triples "
                   f"({published.unchanged} of {len(published.graphs)} graphs unchanged but for their blank nodes)")
    if published.leftover:
        click.echo(f"warning: {published.leftover}", err=True)
    for graph, count in published.graphs.items():
        click.echo(f"  {count:>8}  {graph}")


