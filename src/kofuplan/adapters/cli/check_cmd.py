"""`kofuplan check` and `kofuplan submit`: the prefecture's review and its submission."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from kofuplan.adapters.cli import app
from kofuplan.adapters.findings_csv import write_findings
from kofuplan.adapters.stats_csv import InputError
from kofuplan.parameters import RuleError
from kofuplan.services.checking import check_plan_file, check_summary

err = Console(stderr=True)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} must be a date YYYY-MM-DD, got {value!r}") from None


def fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


@app.command("check")
def check_command(
    plan: Annotated[Path, typer.Option(help="Plan CSV (plan_monthly.csv format)")],
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)")],
    as_of: Annotated[str, typer.Option("--as-of", help="Snapshot date, e.g. 2020-10-01")],
    out: Annotated[Path, typer.Option(help="Findings CSV to write")],
    profiles: Annotated[Path | None, typer.Option(help="Municipalities' own inputs (CSV)")] = None,
) -> None:
    """Check plans as the prefecture must (R6.1): findings CSV and a summary JSON beside it.

    Exits 0 with or without findings; non-zero only when an input cannot be read.
    """
    day = _date(as_of, "--as-of")
    try:
        run = check_plan_file(plan, stats, day, profiles)
        summary = check_summary(run)
        summary["plan_file"] = str(plan)
        json_path = write_findings(out, run.findings, summary)
    except (InputError, RuleError, ValueError) as exc:
        raise fail(exc) from None
    print_check_summary(Console(), summary, out, json_path)


def print_check_summary(
    console: Console, summary: dict[str, Any], out: Path, json_path: Path
) -> None:
    sev = summary["findings_by_severity"]
    console.print(
        f"{summary['municipalities_checked']} 団体を審査: エラー {sev['error']:,} 件"
        f"（{summary['municipalities_with_errors']:,} 団体）、警告 {sev['warning']:,} 件"
    )
    codes = ", ".join(f"{c} {n:,}" for c, n in summary["findings_by_code"].items() if n)
    console.print(f"指摘の内訳: {codes or 'なし'}")
    for pref, p in summary["prefectures"].items():
        if len(summary["prefectures"]) > 5 and p["without_errors"] == p["municipalities"]:
            continue
        console.print(
            f"  都道府県 {pref}: {p['municipalities']} 団体中 エラーなし {p['without_errors']}"
        )
    nat = summary["national"]
    first = nat["first_month_at_aim"] or "なし"
    console.print(
        f"全国の計画: ピーク {nat['peak_month']} {nat['peak_issuance']:,} 枚 / "
        f"月間目標 {nat['monthly_aim']:,} 枚"
        f"（到達月 {first}、到達 {len(nat['months_at_aim'])} か月）"
    )
    console.print(f"出力: {out}, {json_path}")
