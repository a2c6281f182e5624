"""Runs the real `kofuplan` app in-process, as the console script would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from kofuplan.adapters.cli import app, commands
from kofuplan.adapters.sample_stats import write_sample_stats

commands.load()  # every command, as `kofuplan --help` sees them

# Typer's CliRunner builds the Click command from every command's signature on each invoke
# (evaluating their annotations: a quarter of a small command's time in the fuzz tests); the
# console script builds it once per process. The tests build it once per process too, again
# if a command is registered since (issue 12 item 6).
_BUILT: dict[int, tuple[tuple[int, int], Any]] = {}


def _command_once(typer_app: typer.Typer) -> Any:
    shape = (len(typer_app.registered_commands), len(typer_app.registered_groups))
    built = _BUILT.get(id(typer_app))
    if built is None or built[0] != shape:
        built = _BUILT[id(typer_app)] = (shape, typer.main.get_command(typer_app))
    return built[1]


typer.testing._get_command = _command_once  # type: ignore[attr-defined]


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def sample_stats(tmp_path: Path) -> tuple[Path, str]:
    """Generated sample statistics and the first municipality's code."""
    stats = write_sample_stats(tmp_path / "sample_stats.csv", dt.date(2020, 10, 1))
    code = stats.read_text(encoding="utf-8-sig").splitlines()[1].split(",")[3]
    return stats, code


def plan_with_profiles(tmp_path: Path, profiles_csv: str) -> tuple[str, Path, Result]:
    """`kofuplan plan` on sample statistics with a profile CSV; ``{code}`` in the text stands
    for the first municipality's code. Returns the code, the output folder and the result."""
    stats, code = sample_stats(tmp_path)
    prof = tmp_path / "profiles.csv"
    prof.write_text(profiles_csv.replace("{code}", code), encoding="utf-8")
    out = tmp_path / "p"
    result = run_cli(
        "plan", "--stats", str(stats), "--as-of", "2020-10-01", "--profiles", str(prof),
        "--out", str(out),
    )  # fmt: skip
    return code, out, result
