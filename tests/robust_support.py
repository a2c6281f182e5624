"""A small world of valid inputs for every command, and how to call each command on it
(issue 13): the regression tests and the fuzz suite break one input or option at a time.

The world: sample statistics of 36 municipalities with four month-end snapshots (so the same
file serves `plan` at 2020-10-01 and the follow-up's actuals for 2020-10…2020-12), the plan
written by `kofuplan plan`, one filled workbook and `excel read`'s folder of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from typer.testing import Result

from kofuplan.adapters.sample_stats import sample_stats_rows
from kofuplan.adapters.stats_csv import STATS_COLUMNS
from tests.cli_runner import run_cli

AS_OF = "2020-10-01"
# Snapshot dates (first of the next month) standing for the month ends 2020-09…2020-12.
SNAPSHOTS = ("2020-10-01", "2020-11-01", "2020-12-01", "2021-01-01")
ACTUALS_MONTH = "2020-11"


@dataclass(frozen=True)
class World:
    root: Path
    stats: Path
    plan_dir: Path
    workbook: Path
    imported: Path
    code: str

    @property
    def plan(self) -> Path:
        return self.plan_dir / "plan_monthly.csv"


def write_stats(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(STATS_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def stats_rows() -> list[dict[str, str]]:
    """Sample statistics at four snapshots, each month adding 3% of the population."""
    base = sample_stats_rows(np.random.default_rng(20201027), dt.date.fromisoformat(AS_OF))
    rows = []
    for k, day in enumerate(SNAPSHOTS):
        for row in base:
            grown = int(row["cards_issued_cumulative"]) + k * int(row["population"]) * 3 // 100
            rows.append({**row, "snapshot_date": day, "cards_issued_cumulative": str(grown)})
    return rows


def make_world(root: Path) -> World:
    root.mkdir(parents=True, exist_ok=True)
    stats = write_stats(root / "stats.csv", stats_rows())
    code = stats.read_text(encoding="utf-8-sig").splitlines()[1].split(",")[3]
    plan_dir = root / "plan"
    must(run_cli("plan", "--stats", str(stats), "--as-of", AS_OF, "--out", str(plan_dir)))
    books = root / "books"
    workbook = books / f"{code}.xlsx"
    must(
        run_cli(
            "excel", "template", "--stats", str(stats), "--as-of", AS_OF,
            "--lg-code", code, "--out", str(workbook),
        )
    )  # fmt: skip
    imported = root / "imported"
    must(run_cli("excel", "read", str(books), "--out", str(imported)))
    return World(root, stats, plan_dir, workbook, imported, code)


def must(result: Result) -> None:
    assert result.exit_code == 0, result.output


# How to call each writing command: (world, inputs overridden, output path) -> arguments.
# ``kind`` says whether the output is a file or a folder.
Args = Callable[[World, dict[str, Path], Path], list[str]]


def _get(world: World, given: dict[str, Path], name: str) -> str:
    default = {
        "stats": world.stats,
        "plan": world.plan,
        "actuals": world.stats,
        "plans_dir": world.imported,
        "books": world.workbook.parent,
    }[name]
    return str(given.get(name, default))


COMMANDS: dict[str, tuple[str, Args]] = {
    "plan": (
        "folder",
        lambda w, g, out: [
            "plan", "--stats", _get(w, g, "stats"), "--as-of", AS_OF, "--out", str(out)
        ],
    ),
    "check": (
        "file",
        lambda w, g, out: [
            "check", "--plan", _get(w, g, "plan"), "--stats", _get(w, g, "stats"),
            "--as-of", AS_OF, "--out", str(out),
        ],
    ),
    "submit": (
        "file",
        lambda w, g, out: [
            "submit", "--pref", "13", "--plans", _get(w, g, "plan"), "--stats",
            _get(w, g, "stats"), "--on", "2020-11-01", "--out", str(out),
        ],
    ),
    "focus": (
        "file",
        lambda w, g, out: [
            "focus", "--stats", _get(w, g, "actuals"), "--month", ACTUALS_MONTH, "--out", str(out)
        ],
    ),
    "followup": (
        "folder",
        lambda w, g, out: [
            "followup", "--plan", _get(w, g, "plan"), "--actuals", _get(w, g, "actuals"),
            "--month", ACTUALS_MONTH, "--out", str(out),
        ],
    ),
    "replay": (
        "folder",
        lambda w, g, out: [
            "replay", "--plan", _get(w, g, "plan"), "--actuals", _get(w, g, "actuals"),
            "--from", "2020-10", "--to", "2020-12", "--out", str(out),
        ],
    ),
    "risk": (
        "file",
        lambda w, g, out: [
            "risk", "--plan", _get(w, g, "plan"), "--seed", "1", "--draws", "20", "--out", str(out)
        ],
    ),
    "excel template": (
        "file",
        lambda w, g, out: [
            "excel", "template", "--stats", _get(w, g, "stats"), "--as-of", AS_OF,
            "--lg-code", w.code, "--out", str(out),
        ],
    ),
    "excel template --pref": (
        "folder",
        lambda w, g, out: [
            "excel", "template", "--stats", _get(w, g, "stats"), "--as-of", AS_OF,
            "--pref", "13", "--out-dir", str(out),
        ],
    ),
    "excel read": (
        "folder",
        lambda w, g, out: ["excel", "read", _get(w, g, "books"), "--out", str(out)],
    ),
    "excel prefecture": (
        "file",
        lambda w, g, out: [
            "excel", "prefecture", "--pref", "13", "--plans", _get(w, g, "plans_dir"),
            "--out", str(out),
        ],
    ),
}  # fmt: skip

# The output a command writes, as a file or folder name that suits it.
OUT_NAMES = {
    "submit": "13.xlsx",
    "excel template": "book.xlsx",
    "excel prefecture": "13.xlsx",
    "check": "findings.csv",
    "focus": "focus.csv",
    "risk": "risk.csv",
}

_PROGRESS = re.compile(r"^\[\s*\d+\.\d+s\] ")


def error_lines(result: Result) -> list[str]:
    """stderr without the progress lines."""
    return [line for line in result.stderr.splitlines() if line and not _PROGRESS.match(line)]


def assert_refused(result: Result, *needles: str) -> str:
    """Exit 2, no traceback, one line of error naming every needle; returns the line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = error_lines(result)
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def leftovers(folder: Path) -> list[Path]:
    """Temporary files a writer left behind (ours are hidden ``.name.xxxx.tmp``)."""
    return [
        p
        for p in folder.rglob("*")
        if p.name.endswith((".tmp", ".part")) or (p.name.startswith(".") and p.is_file())
    ]


def snapshot(folder: Path) -> dict[Path, tuple[bool, int]]:
    """Every path under ``folder`` with whether it is a file and its size (a before/after)."""
    return {p: (p.is_file(), p.stat().st_size if p.is_file() else 0) for p in folder.rglob("*")}
