"""``kgserver validate``: check contributed RDF files (or the bundled graph) against the shapes."""

from __future__ import annotations

import click

from ..validation.render import FORMATS


@click.command(
    epilog=(
        "\b\nExit codes:\n"
        "  0 the data conforms (warnings allowed unless --strict)\n"
        "  1 it does not conform (a violation; or a warning with --strict)\n"
        "  2 the validation could not run (a file does not parse, a path does not\n"
        "    exist, a file asks for a network fetch)"
    )
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--lang", type=click.Choice(["ca", "es", "en"]), default="en", show_default=True,
              help="Language of the messages.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: grouped by file and resource; json; junit: JUnit XML for CI systems.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on violations.")
@click.option("--shacl-engine", "--engine", "engine", type=click.Choice(["auto", "pyshacl", "fast", "sparql"]),
              default="auto", show_default=True,
              help="SHACL engine: pyshacl; fast: the shapes compiled to SPARQL on Oxigraph (same findings, "
                   "refuses by name what it does not support; 'sparql' is its former name); "
                   "auto: pyshacl up to 20,000 triples.")
@click.option("--shapes", "shapes", multiple=True, type=click.Path(path_type=str),
              help="Validate against these shapes files (or folders) instead; needs --no-bundle.")
@click.option("--no-bundle", is_flag=True,
              help="Leave out the ontology, the bundled data, the whole-graph checks and the consistency "
                   "check: plain SHACL of PATHS against --shapes, as pyshacl's command line.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the report to this file instead of standard output.")
def validate(paths, lang, fmt, strict, engine, shapes, no_bundle, output):
    """Validate RDF files or folders against the ESS shapes, with the graph they join.

    PATHS are Turtle, N3, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML files, or folders searched
    for them.  They are checked together with the ontology and the bundled data, so links to
    existing resources count, and only problems of the resources they describe are reported:
    SHACL shapes (shapes/*.ttl), whole-graph checks (shapes/checks/*.rq: years within the
    plan's period, unique measure numbers, duplicates, dangling links, undeclared terms...)
    and OWL consistency.  Syntax errors are reported first, with file:line:column, and nothing
    is validated then.  With no PATH, the bundled graph itself is validated.

    With --shapes SHAPES --no-bundle, PATHS are validated against SHAPES alone (any data, any
    SHACL Core shapes), with the same reports and exit codes.
    """
    from ..validation.engine import validate_paths
    from ..validation.render import render

    if bool(shapes) != no_bundle:
        raise click.UsageError("--shapes and --no-bundle go together (plain SHACL of PATHS against SHAPES)")
    if no_bundle:
        from ..validation.standalone import validate_standalone

        if not paths:
            raise click.UsageError("--no-bundle needs at least one PATH to validate")
        report = validate_standalone(paths, shapes, shacl_engine=engine, progress=_progress())
    else:
        report = validate_paths(paths, shacl_engine=engine, progress=_progress())
    if fmt == "json":  # in pieces: a large contribution's findings are not held twice more as text
        from ..validation.render import iter_json

        pieces = iter_json(report, lang, strict)
    else:
        pieces = [render(report, fmt, lang, strict)]
    _write(pieces, output, color=None if fmt == "text" else False)
    raise SystemExit(report.exit_code(strict))


def _write(pieces, output: str, color) -> None:
    """Write the report, given as an iterable of text ``pieces``, to ``output`` (``-``: standard output).

    A file name that is not UTF-8 (kept by Python as surrogate escapes) is written as its own
    bytes.  :raises InputError: when the report cannot be written (a full disk, a folder).
    """
    from ..errors import InputError

    try:
        if output == "-":
            for piece in pieces:
                try:
                    click.echo(piece, color=color, nl=False)
                except UnicodeEncodeError:
                    click.echo(piece.encode("utf-8", "surrogateescape"), color=color, nl=False)
            click.echo("")
            return
        with open(output, "w", encoding="utf-8", errors="surrogateescape") as out:
            for piece in pieces:
                out.write(piece if color else click.unstyle(piece))
            out.write("\n")
    except OSError as err:
        raise InputError(f"cannot write the report to {output}: {err.strerror or err}") from None


def _progress():
    """Return a callback showing (done, total) on standard error, if it is a terminal; else None."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\rvalidating: {done}/{total} steps" + ("\n" if done == total else ""))
        sys.stderr.flush()

    return show
