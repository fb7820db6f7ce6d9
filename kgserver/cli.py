"""The ``kgserver`` command line: one Click group whose verbs live in their own modules.

Verbs are imported lazily (Click's documented LazyGroup pattern), so ``kgserver --help``
is fast and a verb's heavy imports (pyshacl, owlrl, gunicorn) load only when it runs.

Exit codes, common to every verb: 0 success, 1 the data does not conform / the graph
is inconsistent, 2 the command could not run (bad input, bad usage, broken file).
"""

from __future__ import annotations

import importlib

import click

from . import __version__
from .errors import KGError

#: verb -> "module:attribute" of its click.Command.
COMMANDS: dict[str, str] = {
    "serve": "kgserver.commands.serve:serve",
    "query": "kgserver.commands.query:query",
    "validate": "kgserver.commands.validate:validate",
    "build": "kgserver.commands.build:build",
    "explain": "kgserver.commands.explain:explain",
    "export": "kgserver.commands.export:export",
    "docs": "kgserver.commands.docs:docs",
    "publish": "kgserver.commands.publish:publish",
}


class LazyGroup(click.Group):
    """A group that imports each verb's module only when the verb is used."""

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands or {}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx, cmd_name):
        if cmd_name in self.lazy_commands:
            module_name, attr = self.lazy_commands[cmd_name].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx):
        """Run the verb; report kgserver's own errors as a message and their exit code."""
        try:
            return super().invoke(ctx)
        except KGError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(err.exit_code)


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    epilog="Exit codes: 0 success; 1 the data does not conform or is inconsistent; 2 could not run.",
)
@click.version_option(__version__, prog_name="kgserver")
def cli():
    """ESS Knowledge Graph: serve, query, validate and reason over the ESS policy graph."""


def main(argv=None):
    """Entry point of the ``kgserver`` console script."""
    from .collector import tune

    tune()
    cli.main(args=argv, prog_name="kgserver")


if __name__ == "__main__":  # python -m kgserver.cli
    main()
