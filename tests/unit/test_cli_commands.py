"""The CLI's lazy loading knows every command, and `kofuplan plan` stays light."""

from __future__ import annotations

import subprocess
import sys

from typer.main import get_command

from kofuplan.adapters.cli import app, commands


def test_every_registered_command_is_in_the_lazy_table() -> None:
    commands.load()
    group = get_command(app)
    registered = set(group.commands)  # type: ignore[attr-defined]
    assert registered == set(commands.COMMAND_MODULES)


def test_a_plan_run_does_not_import_the_excel_chart_or_web_stacks() -> None:
    code = (
        "import sys; from kofuplan.adapters.cli import commands; commands.load(['plan']); "
        "print(sorted(m for m in ('matplotlib', 'openpyxl', 'fastapi', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_single_loaded_command_runs_as_a_subcommand() -> None:
    """The console script loads only the named command's module; it must still be found."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "kofuplan",
            "counters",
            "--per-day",
            "300",
            "--hours",
            "7.5",
            "--service-minutes",
            "10",
            "--within-minutes",
            "15",
            "--service-level",
            "0.8",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert '"counters"' in out.stdout
