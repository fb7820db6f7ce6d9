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
@click.option("--engine", type=click.Choice(["auto", "pyshacl", "sparql"]), default="auto", show_default=True,
              help="SHACL engine: pyshacl, the shapes compiled to SPARQL on Oxigraph (same findings, faster), "
                   "or auto (pyshacl up to 20,000 triples).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Write the report to this file instead of standard output.")
def validate(paths, lang, fmt, strict, engine, output):
    """Validate RDF files or folders against the ESS shapes, with the graph they join.

    PATHS are Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML files, or folders searched
    for them.  They are checked together with the ontology and the bundled data, so links to
    existing resources count, and only problems of the resources they describe are reported:
    SHACL shapes (shapes/*.ttl), whole-graph checks (shapes/checks/*.rq: years within the
    plan's period, unique measure numbers, duplicates, dangling links, undeclared terms...)
    and OWL consistency.  Syntax errors are reported first, with file:line:column, and nothing
    is validated then.  With no PATH, the bundled graph itself is validated.
    """
    from ..validation.engine import validate_paths
    from ..validation.render import render

    report = validate_paths(paths, shacl_engine=engine)
    click.echo(render(report, fmt, lang, strict), file=output, color=None if fmt == "text" else False)
    raise SystemExit(report.exit_code(strict))
