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


def main() -> None:
    # Command modules register themselves on import; importing here keeps start-up lazy
    # for `import kofuplan` users who never touch the CLI.
    from kofuplan.adapters.cli import commands  # noqa: F401

    app()
