"""`kofuplan demo`: the whole flow on generated SAMPLE municipalities, no server to start.

Plan → the prefecture's checks → a municipality's Excel workbook → the residents' waits; with
``--serve`` it then brings the web service up on the same kind of sample data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console

from kofuplan.adapters.cli import app
from kofuplan.adapters.cli.console import stdout
from kofuplan.adapters.cli.plan_cmd import print_summary, run_and_write
from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.domain.wareki import reiwa_month

AS_OF = dt.date(2020, 10, 1)


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(help="Output directory")] = Path("demo-output"),
    serve: Annotated[
        bool, typer.Option("--serve", help="Then start the web service with sample accounts")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve")] = 8000,
) -> None:
    """Plan, check and export generated SAMPLE municipalities, and print what they show."""
    console = stdout()
    console.print("[bold yellow]サンプルデータ（架空の団体）による計画例 / SAMPLE DATA[/]")
    stats = write_sample_stats(out / "sample_stats.csv", AS_OF)
    run, summary, paths = run_and_write(stats, AS_OF, None, None, out, sample=True)
    print_summary(console, summary, paths)
    _checks(console, stats, out)
    _waits(console, run.plan)
    _workbook(console, run, out)
    if serve:
        from kofuplan.adapters.web.server import serve_demo

        serve_demo(port=port)
    else:
        console.print(
            "Web画面: [bold]uv run kofuplan demo --serve[/] "
            "（サンプルのアカウントでログインできます）"
        )


def _checks(console: Console, stats: Path, out: Path) -> None:
    from kofuplan.adapters.check_files import check_plan_file
    from kofuplan.adapters.findings_csv import write_findings
    from kofuplan.services.checking import check_summary

    run = check_plan_file(out / "plan_monthly.csv", stats, AS_OF)
    summary = check_summary(run)
    write_findings(out / "findings.csv", run.findings, summary)
    counts = summary["findings_by_severity"]
    console.print(
        f"都道府県の確認（R6.1）: 誤り {counts['error']} / 注意 {counts['warning']} / "
        f"情報 {counts['info']} → {out / 'findings.csv'}"
    )


def _waits(console: Console, plan: object) -> None:
    from kofuplan.domain.plan import Plan

    assert isinstance(plan, Plan)
    waits = plan.waits
    if waits is None:
        return
    biggest = int(np.argmax(plan.profiles.population))
    weekend = waits.weekend.worst_hour_wait_minutes[biggest]
    month = int(np.nanargmax(np.where(np.isfinite(weekend), weekend, np.nan)))
    name = str(plan.profiles.name[biggest])
    console.print(
        f"土日の待ち時間（{name}、最も混む{reiwa_month(plan.months[month])}の最混雑時間帯）: "
        f"約{weekend[month]:.0f}分 / 平日 "
        f"{waits.weekday.worst_hour_wait_minutes[biggest, month]:.0f}分"
    )


def _workbook(console: Console, run: object, out: Path) -> None:
    from kofuplan.adapters.excel.template import write_template
    from kofuplan.services.excel_plans import template_contents
    from kofuplan.services.planning import PlanRun

    assert isinstance(run, PlanRun)
    code = str(run.plan.profiles.lg_code[0])
    [(book, calendar)] = template_contents(run, [code])
    target = out / f"{code}.xlsx"
    write_template(target, book, calendar, as_of=AS_OF)
    console.print(f"市区町村の計画様式（Excel）: {target}")
