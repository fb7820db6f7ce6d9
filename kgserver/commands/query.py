"""``kgserver query NAME``: run a named query (or a ``.rq`` file) on the bundled graph."""

from __future__ import annotations

import click

from ..errors import InputError

FORMATS = ("table", "csv", "json")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"--param expects NAME=VALUE, got {pair!r}")
        params[name] = value
    return params


def short_term(term, prefixes: dict[str, str]) -> str:
    """Return a compact, readable form of a term for the table view (prefixed IRIs, bare literals)."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            local = term.value[len(iri):]
            if term.value.startswith(iri) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def format_table(result, prefixes: dict[str, str]) -> str:
    """Return a SELECT/ASK result as an aligned text table, with a row count."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind != "select":
        raise InputError("only SELECT and ASK queries can be shown as a table")
    cells = [[short_term(t, prefixes) for t in row] for row in result.rows]
    widths = [len(v) for v in result.variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(result.variables), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


@click.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table: aligned text; csv and json: SPARQL 1.1 query results formats.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter declared in the query's #+ params header (repeatable).")
@click.option("--asserted-only", is_flag=True, help="Query the asserted graphs only (no inferred triples).")
def query(name, fmt, params, asserted_only):
    """Run a named query (e.g. cq05, or a path to a .rq file) on the bundled graph.

    NAME is a query's file name without .rq, a unique prefix of it (cq05), or a file path.
    Exit codes: 0 success; 2 unknown query, bad parameter or query syntax error.
    """
    from .. import queries
    from ..namespaces import PREFIXES
    from ..store import open_store

    named = queries.find_query(name)
    bound = queries.bind_params(named, _parse_params(params))
    store = open_store(include_inferred=not asserted_only)
    result = queries.run_query(named.text, store, bindings=bound, source=str(named.path))
    if fmt == "table":
        click.echo(format_table(result, PREFIXES))
    else:
        click.echo(queries.serialize(result, fmt).decode("utf-8"), nl=False)
