"""Runs the real `kofuplan` app in-process, as the console script would."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from kofuplan.adapters.cli import app, commands

commands.load()  # every command, as `kofuplan --help` sees them


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)
