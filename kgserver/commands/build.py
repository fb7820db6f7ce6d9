"""``kgserver build``: build the served dataset (asserted graphs + inferred graph) into a directory."""

from __future__ import annotations

import click


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Build directory (default: $KGSERVER_BUILD_DIR, else ~/.cache/kgserver/<input hash>).")
@click.option("--force", is_flag=True, help="Rebuild even if a build of the same inputs exists.")
@click.option("--add", "extra", multiple=True, type=click.Path(dir_okay=False),
              help="Also load this RDF file (in graph .../graph/extra/<stem>); repeatable. "
                   "Checks a contribution against the bundled graph.")
@click.option("--no-dumps", "no_dumps", is_flag=True,
              help="Do not write the dumps (faster; the server then makes a dump when asked, up to "
                   "DUMPS_MAX_QUADS quads).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(out, force, extra, no_dumps, quiet):
    """Build the served dataset: parse, check consistency, materialise inferences, write the store.

    The build directory holds the Oxigraph store exactly as served (store/: one named graph
    per file, the inferred graph, and the asserted graphs' merge as the default graph), the search
    index, the dumps served at /dumps/ (dumps/) and manifest.json (SHA-256 of every input file,
    kgserver version, counts, the figures the pages show, the dumps' sizes and hashes).
    A build whose input hashes match is reused; `kgserver serve` opens it read-only.
    Progress is shown on stderr when it is a terminal; the time of each phase is printed.

    Exit codes: 0 built (or reused); 1 the graph is inconsistent (the contradictions, the
    resources involved and their files are listed) or states what a "never" check
    (ontology/checks/never/*.rq) forbids (each check and example rows are listed); 2 a file
    is broken or the directory cannot be written.
    """
    from ..reasoning.build import build as run_build
    from ..reasoning.progress import Progress

    progress = Progress(enabled=False) if quiet else Progress()
    sources = None
    if extra:
        from pathlib import Path

        from ..dataset import Source, bundled_sources
        from ..namespaces import GRAPH

        sources = bundled_sources() + [Source(Path(p), GRAPH[f"extra/{Path(p).stem}"]) for p in extra]
    result = run_build(sources, out=out, force=force, progress=progress, dumps=not no_dumps)
    if not quiet:
        counts = result.manifest.get("counts", {})
        state = "reused" if result.reused else "built"
        click.echo(f"{state} {result.path}: {len(result.manifest['inputs'])} files, "
                   f"{counts.get('asserted', '?')} asserted triples, {counts.get('inferred', '?')} inferred")
        if result.manifest.get("build_seconds") is not None and not result.reused:
            phases = result.manifest.get("phases", {})
            detail = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
            click.echo(f"in {result.manifest['build_seconds']} s ({detail})")

