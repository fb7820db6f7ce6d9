"""``kgserver export``: write the dumps the server publishes at ``/dumps/``."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dumps"),
    show_default=True,
    help="Folder to write the dumps into (created if missing).",
)
def export(out_dir: Path) -> None:
    """Write the asserted and inferred dumps (Turtle, N-Triples, N-Quads, JSON-LD; gzipped).

    The files are the ones served at /dumps/ (byte for byte): copied from the build, which wrote
    them once, or written from the store (streaming, in bounded memory) for a build made before
    builds wrote them. Exit codes: 0 written; 2 could not run (a broken source file, an
    unwritable folder).
    """
    from ..errors import InputError
    from ..export import export as write_dumps
    from ..store import open_store

    store = open_store(include_inferred=True)
    try:
        paths = write_dumps(store, out_dir)
    except OSError as err:
        raise InputError(f"{out_dir}: cannot write the dumps: {err.strerror}") from None
    for path in paths:
        click.echo(f"{path}\t{path.stat().st_size} bytes")
