"""`kofuplan renewals`: the renewal wave of every municipality, from the statistics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kofuplan.adapters.cli import app, one_line
from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.renewal_inputs import RenewalSources
from kofuplan.adapters.renewal_out import write_renewals
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.wareki import reiwa_month
from kofuplan.errors import KofuplanError
from kofuplan.services.renewal_planning import check_renewal_plan, run_renewal_plan
from kofuplan.services.renewals import run_renewals

err = Console(stderr=True)


@app.command("renewals")
def renewals_command(
    stats: Annotated[
        Path, typer.Option(help="Municipality statistics CSV (long format)", exists=True)
    ],
    first: Annotated[str, typer.Option("--from", help="First month, e.g. 2025-04")],
    last: Annotated[str, typer.Option("--to", help="Last month, e.g. 2031-03")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    prefectures: Annotated[
        Path | None,
        typer.Option(help="prefectures_long.csv (default: next to --stats)", exists=True),
    ] = None,
    national: Annotated[
        Path | None,
        typer.Option(help="national_monthly.csv (default: next to --stats)", exists=True),
    ] = None,
    ages: Annotated[
        Path | None,
        typer.Option(help="national_by_age_sex_long.csv (default: next to --stats)", exists=True),
    ] = None,
    secondary: Annotated[
        Path | None,
        typer.Option(
            help="national_reference_points_secondary.csv (default: next to --stats, if there)",
            exists=True,
        ),
    ] = None,
) -> None:
    """Expiring certificates and cards and expected renewals, per municipality and month."""
    try:
        sources = RenewalSources.beside(stats, prefectures, national, ages, secondary)
        run = run_renewals(sources, first, last)
        summary = write_renewals(out, run, first, last)
    except KofuplanError as exc:
        err.print(f"[red]エラー:[/red] {one_line(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    nat = summary["national"]
    console = Console()
    console.print(
        f"{summary['municipalities']} 団体 / {reiwa_month(first)}〜{reiwa_month(last)} "
        f"更新見込み {nat['totals']['expected_renewals']:,.0f} 人"
    )
    console.print(
        f"ピーク月 {reiwa_month(nat['peak_month'])}: {nat['peak_expected_renewals']:,.0f} 人"
    )
    console.print(f"出力: {out}")


def plan_renewals(stats: Path, as_of: dt.date, profiles: Path | None, out: Path) -> None:
    """`kofuplan plan --kind renewal`: the renewal plan and the checks that apply to it."""
    from kofuplan.adapters.renewal_out import staged
    from kofuplan.adapters.renewal_plan_out import write_renewal_findings, write_renewal_plan

    try:
        files = StatsFiles(stats, profiles)
        sources = RenewalSources.beside(stats)
        run = run_renewal_plan(files, as_of, sources)
        out.mkdir(parents=True, exist_ok=True)
        with staged(out) as stage:
            summary = write_renewal_plan(stage, run)
            # The checks read the written plan back, as they would any plan.
            rows = read_plan_rows(stage / "plan_monthly.csv")
            checked = check_renewal_plan(rows, files, as_of, sources, made_with=run)
            counts = write_renewal_findings(stage, checked.findings)
    except KofuplanError as exc:
        err.print(f"[red]エラー:[/red] {one_line(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    nat = summary["national"]
    months = summary["months"]
    console = Console()
    console.print(
        f"{summary['municipalities']} 団体 / 更新見込み {summary['target_total']:,} 人 "
        f"({reiwa_month(months[0])}〜{reiwa_month(months[-1])})"
    )
    console.print(f"ピーク月 {reiwa_month(nat['peak_month'])}: {nat['peak_issuance']:,} 人")
    console.print(
        f"最終月の窓口の増減 {nat['counters_added_by_end']:+,} / 職員の増減 "
        f"{nat['staff_added_by_end']:+,}（{summary['renewal']['setup_from_statistics_snapshot']}"
        f" の体制比） / エラーのある団体 {counts['municipalities_with_errors']:,}"
    )
    console.print(f"出力: {out}")


def check_renewals(
    plan: Path, stats: Path, as_of: dt.date, profiles: Path | None, out: Path
) -> None:
    """`kofuplan check --kind renewal`: the checks that apply to a renewal plan."""
    from kofuplan.adapters.renewal_plan_out import write_renewal_findings

    try:
        checked = check_renewal_plan(
            read_plan_rows(plan), StatsFiles(stats, profiles), as_of, RenewalSources.beside(stats)
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        counts = write_renewal_findings(out.parent, checked.findings, out.name)
    except KofuplanError as exc:
        err.print(f"[red]エラー:[/red] {one_line(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    sev = counts["findings_by_severity"]
    codes = ", ".join(f"{c} {n:,}" for c, n in counts["findings_by_code"].items() if n)
    Console(soft_wrap=True).print(
        f"更新計画 {len(checked.figures.lg_code):,} 団体を審査: エラー {sev['error']:,} 件"
        f"（{counts['municipalities_with_errors']:,} 団体）、警告 {sev['warning']:,} 件;"
        f" 内訳: {codes or 'なし'} → {out}"
    )
