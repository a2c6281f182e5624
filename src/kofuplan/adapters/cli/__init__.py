"""The `kofuplan` command line. Each command lives in its own module and registers on `app`."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="kofuplan",
    help="マイナンバーカード交付円滑化計画: plan, check and follow up card issuance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """マイナンバーカード交付円滑化計画: plan, check and follow up card issuance."""
    # A callback keeps `kofuplan` a group of commands even when only the one command a run
    # needs has been loaded (Typer would otherwise make that command the whole program).


def main() -> None:
    # Command modules register themselves on import; only the one named is imported, so a
    # plan run does not load the Excel, chart and web stacks.
    import sys

    from kofuplan.adapters.cli import commands

    commands.load(sys.argv[1:])
    app()
