"""``kgserver docs``: regenerate the ontology's HTML reference page and model picture."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(
    epilog=(
        "Exit codes: 0 written (or, with --check, up to date); 1 with --check, a file is missing "
        "or out of date; 2 could not run (an ontology file does not parse, the folder is not writable)."
    )
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/ontology"),
    show_default=True,
    help="Folder to write index.html and model.svg into (relative to the current directory).",
)
@click.option("--check", is_flag=True, help="Write nothing; fail if the files in --out differ from what would be written.")
def docs(out_dir: Path, check: bool):
    """Generate docs/ontology/index.html and docs/ontology/model.svg from ontology/ess.ttl.

    The page documents every ess: class and property (labels in Catalan, Spanish and English,
    definitions, domain, range, inverse, super- and subclasses, alignments) with the ontology's
    metadata; the picture shows the classes and the main object properties.  The output depends
    only on the ontology, so run this after every change to ontology/ess.ttl and commit both files.
    """
    from ..errors import InputError
    from ..ontodoc import stale_files, write_docs

    if check:
        stale = stale_files(out_dir)
        for name in stale:
            click.echo(f"{out_dir / name}: out of date; run `kgserver docs --out {out_dir}`", err=True)
        if stale:
            raise SystemExit(1)
        click.echo(f"{out_dir}: up to date")
        return
    try:
        written = write_docs(out_dir)
    except OSError as err:
        raise InputError(f"{out_dir}: cannot write the documentation: {err.strerror or err}") from None
    for path in written:
        click.echo(f"wrote {path}")
