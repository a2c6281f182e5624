"""`kofuplan plan` and `kofuplan demo`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kofuplan.adapters.cli import app, console
from kofuplan.adapters.cli.console import steps
from kofuplan.adapters.output import check_place
from kofuplan.adapters.plan_csv import write_plan
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.schedule import METHODS
from kofuplan.services.planning import PlanRun, run_plan


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"--as-of は日付（YYYY-MM-DD）で指定してください（{value!r}）"
        ) from None


def run_and_write(
    stats: Path,
    as_of: dt.date,
    profiles: Path | None,
    method: str | None,
    out: Path,
    sample: bool,
    waits: bool = True,
) -> tuple[PlanRun, dict[str, object], list[Path]]:
    """Plan and write the plan folder; returns the run, its summary and the files written."""
    with steps() as progress:
        run = run_plan(StatsFiles(stats, profiles), as_of, method, progress.step, progress.advance)
        progress.step("書き出し")
        paths = write_plan(out, run.plan, run.params, as_of.isoformat(), sample, waits)
    summary: dict[str, object] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return run, summary, paths


@app.command("plan")
def plan_command(
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)", exists=True)],
    as_of: Annotated[str, typer.Option("--as-of", help="Snapshot date, e.g. 2020-10-01")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    profiles: Annotated[
        Path | None, typer.Option(help="Municipalities' own inputs (CSV)", exists=True)
    ] = None,
    method: Annotated[
        str | None, typer.Option(help=f"Schedule method: {' | '.join(METHODS)} (default: rules)")
    ] = None,
    waits: Annotated[
        bool,
        typer.Option(
            help="Waits per kind of day in plan_monthly.csv (summary.json: waits_included)"
        ),
    ] = True,
    kind: Annotated[
        str,
        typer.Option(help="issuance | renewal (the renewal wave from FY2025: docs/renewals.md)"),
    ] = "issuance",
) -> None:
    """Plan every municipality's monthly issuance, counters, staff and budget."""
    if kind not in ("issuance", "renewal"):
        raise typer.BadParameter(f"--kind は issuance か renewal で指定してください（{kind!r}）")
    if kind == "renewal":
        if method is not None:
            raise typer.BadParameter("--method は交付計画（--kind issuance）にだけ指定できます")
        from kofuplan.adapters.cli.renewals_cmd import plan_renewals

        plan_renewals(stats, _as_of(as_of), profiles, out)
        return
    if method is not None and method not in METHODS:
        raise typer.BadParameter(
            f"--method は {', '.join(METHODS)} のいずれかで指定してください（{method!r}）"
        )
    day = _as_of(as_of)
    check_place(out, folder=True)
    _, summary, paths = run_and_write(stats, day, profiles, method, out, sample=False, waits=waits)
    print_summary(console.stdout(), summary, paths)


def print_summary(console: Console, summary: dict[str, object], paths: list[Path]) -> None:
    nat = summary["national"]
    assert isinstance(nat, dict)
    console.print(
        f"{summary['municipalities']} 団体 / 交付目標 {summary['target_total']:,} 枚 "
        f"({summary['months'][0]}〜{summary['months'][-1]}, method={summary['method']})"  # type: ignore[index]
    )
    console.print(
        f"ピーク月 {nat['peak_month']}: {nat['peak_issuance']:,} 枚 "
        f"(月間目標 {nat['monthly_aim']:,} 枚; 到達月 {nat['first_month_at_aim'] or 'なし'})"
    )
    console.print(
        f"窓口の増加 {nat['counters_added_by_end']:,} / 職員の増加 {nat['staff_added_by_end']:,}"
    )
    console.print(f"出力: {', '.join(str(p) for p in paths)}")
