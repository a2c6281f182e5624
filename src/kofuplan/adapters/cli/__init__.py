"""The `kofuplan` command line. Each command lives in its own module and registers on `app`.

Every command runs inside :class:`KofuplanGroup`, the one place that turns errors into exit
codes: an error a user can cause (:class:`~kofuplan.errors.KofuplanError`) prints one line and
exits 2; anything else is a bug: one line asking for a report, exit 70 (EX_SOFTWARE), and the
traceback only under ``--debug``.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from kofuplan.adapters.cli.console import settings
from kofuplan.errors import KofuplanError

USER_ERROR = 2
INTERNAL_ERROR = 70  # sysexits.h EX_SOFTWARE


def _debug_wanted(ctx: Any) -> bool:
    return bool(ctx.params.get("debug")) or os.environ.get("KOFUPLAN_DEBUG", "") not in ("", "0")


def _refused(exc: typer.TyperException) -> BaseException:
    """A bad option or argument (Click's own refusals, in Japanese: :mod:`.usage`): one line
    naming it, as every other refusal (Typer's default is an English, framed usage box that a
    log cannot hold on one line). A group called without its command shows its help."""
    from kofuplan.adapters.cli.usage import is_help, usage_message

    if is_help(exc):
        return exc
    typer.echo(f"エラー: {one_line(usage_message(exc))}", err=True)
    return typer.Exit(getattr(exc, "exit_code", USER_ERROR))


class KofuplanGroup(TyperGroup):
    """The root group: one error policy for every command and sub-command."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        # The root's own options are parsed here, before invoke (``kofuplan --bogus``).
        try:
            return super().make_context(info_name, args, parent, **extra)
        except typer.TyperException as exc:
            raise _refused(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KofuplanError as exc:
            typer.echo(f"エラー: {one_line(str(exc))}", err=True)
            raise typer.Exit(USER_ERROR) from None
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as exc:
            raise _refused(exc) from None
        except Exception as exc:
            if _debug_wanted(ctx):
                traceback.print_exc(file=sys.stderr)
            typer.echo(
                f"内部エラー（{type(exc).__name__}）: kofuplan の不具合です。"
                "実行したコマンドと入力を添えて報告してください"
                "（--debug で詳細を表示します）。",
                err=True,
            )
            raise typer.Exit(INTERNAL_ERROR) from None


def one_line(message: str) -> str:
    """A message on one line: a file's bytes echoed in a message must not break the log."""
    return " / ".join(part.strip() for part in message.splitlines() if part.strip()) or "?"


app = typer.Typer(
    name="kofuplan",
    help="マイナンバーカード交付円滑化計画: plan, check and follow up card issuance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=KofuplanGroup,
)


@app.callback()
def _root(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an internal error.")
    ] = False,
) -> None:
    """マイナンバーカード交付円滑化計画: plan, check and follow up card issuance."""
    # A callback keeps `kofuplan` a group of commands even when only the one command a run
    # needs has been loaded (Typer would otherwise make that command the whole program).
    settings.quiet = quiet


def main() -> None:
    # Command modules register themselves on import; only the one named is imported, so a
    # plan run does not load the Excel, chart and web stacks.
    from kofuplan.adapters.allocator import keep_freed_memory
    from kofuplan.adapters.cli import commands

    keep_freed_memory()  # a re-plan reuses its freed arrays' pages (adapters/allocator.py)
    commands.load(sys.argv[1:])
    app()
