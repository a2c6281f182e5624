"""`kofuplan plan` and `kofuplan demo`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kofuplan.adapters.cli import app
from kofuplan.adapters.plan_csv import write_plan
from kofuplan.domain.schedule import METHODS
from kofuplan.errors import InputError, RuleError
from kofuplan.services.planning import PlanRun, run_plan

err = Console(stderr=True)


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"--as-of must be a date YYYY-MM-DD, got {value!r}") from None


def run_and_write(
    stats: Path,
    as_of: dt.date,
    profiles: Path | None,
    method: str | None,
    out: Path,
    sample: bool,
    waits: bool = True,
) -> tuple[PlanRun, dict[str, object]]:
    console = Console()
    steps = ["統計の読込", "計画の作成", "書き出し"]
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(steps[0], total=len(steps))

        def step(name: str) -> None:
            progress.update(task, description=name, advance=0 if name == steps[0] else 1)

        try:
            run = run_plan(stats, as_of, profiles, method, progress=step)
            step(steps[2])
            write_plan(out, run.plan, run.params, as_of.isoformat(), sample, waits)
        except (InputError, RuleError, ValueError) as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2) from None
    summary: dict[str, object] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return run, summary


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
        raise typer.BadParameter(f"--kind must be issuance or renewal, got {kind!r}")
    if kind == "renewal":
        if method is not None:
            raise typer.BadParameter("--method applies to issuance plans only")
        from kofuplan.adapters.cli.renewals_cmd import plan_renewals

        plan_renewals(stats, _as_of(as_of), profiles, out)
        return
    if method is not None and method not in METHODS:
        raise typer.BadParameter(f"--method must be one of {', '.join(METHODS)}, got {method!r}")
    _, summary = run_and_write(
        stats, _as_of(as_of), profiles, method, out, sample=False, waits=waits
    )
    console = Console()
    if console.is_terminal:
        print_summary(console, summary, out)


def print_summary(console: Console, summary: dict[str, object], out: Path) -> None:
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
    console.print(f"出力: {out / 'plan_monthly.csv'}, {out / 'budget.csv'}, {out / 'summary.json'}")
