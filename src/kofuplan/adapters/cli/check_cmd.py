"""`kofuplan check` and `kofuplan submit`: the prefecture's review and its submission."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from kofuplan.adapters.cli import app, one_line
from kofuplan.adapters.cli.console import stderr, stdout, steps
from kofuplan.adapters.findings_csv import summary_path, write_findings
from kofuplan.adapters.output import check_place
from kofuplan.domain.wareki import reiwa_date
from kofuplan.errors import KofuplanError

if TYPE_CHECKING:
    from kofuplan.services.submission import Submission


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{option} は日付（YYYY-MM-DD）で指定してください（{value!r}）"
        ) from None


def fail(exc: Exception) -> typer.Exit:
    stderr().print(f"[red]エラー:[/red] {one_line(str(exc))}", highlight=False)
    return typer.Exit(2)


@app.command("check")
def check_command(
    plan: Annotated[Path, typer.Option(help="Plan CSV (plan_monthly.csv format)")],
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)")],
    as_of: Annotated[str, typer.Option("--as-of", help="Snapshot date, e.g. 2020-10-01")],
    out: Annotated[Path, typer.Option(help="Findings CSV to write")],
    profiles: Annotated[Path | None, typer.Option(help="Municipalities' own inputs (CSV)")] = None,
    kind: Annotated[
        str, typer.Option(help="issuance | renewal (a renewal plan: docs/renewals.md)")
    ] = "issuance",
) -> None:
    """Check plans as the prefecture must (R6.1): findings CSV and a summary JSON beside it.

    Exits 0 with or without findings; non-zero only when an input cannot be read.
    """
    day = _date(as_of, "--as-of")
    if kind not in ("issuance", "renewal"):
        raise typer.BadParameter(f"--kind は issuance か renewal で指定してください（{kind!r}）")
    if kind == "renewal":
        from kofuplan.adapters.cli.renewals_cmd import check_renewals

        check_renewals(plan, stats, day, profiles, out)
        return
    check_place(out)
    check_place(summary_path(out))
    with steps() as progress:
        progress.step("計画の読込と審査")
        try:
            # Imported here: the reading stack (numpy, the plan reader) is not paid by
            # `kofuplan --help` and the other commands (issue 16).
            from kofuplan.adapters.check_files import check_plan_file
            from kofuplan.services.checking import check_summary

            run = check_plan_file(plan, stats, day, profiles)
            summary = check_summary(run)
        except KofuplanError as exc:
            raise fail(exc) from None
        summary["plan_file"] = str(plan)
        progress.step("書き出し")
        json_path = write_findings(out, run.findings, summary)
    print_check_summary(stdout(), summary, out, json_path)


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
    prefs = summary["prefectures"]
    clean = [k for k, p in prefs.items() if p["without_errors"] == p["municipalities"]]
    if len(prefs) > 5:
        console.print(f"都道府県 {len(prefs)} のうち全団体エラーなし {len(clean)}")
    for pref, p in prefs.items():
        if len(prefs) > 5 and pref in clean:
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


@app.command("submit")
def submit_command(
    pref: Annotated[str, typer.Option(help="Prefecture code, e.g. 13")],
    plans: Annotated[
        list[Path], typer.Option(help="Plan CSV files or directories (repeat the option)")
    ],
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)")],
    out: Annotated[Path, typer.Option(help="Submission file: .csv or .xlsx")],
    as_of: Annotated[
        str, typer.Option("--as-of", help="Snapshot date of the plans' baseline")
    ] = "2020-10-01",
    profiles: Annotated[Path | None, typer.Option(help="Municipalities' own inputs (CSV)")] = None,
    on: Annotated[
        str | None, typer.Option(help="Date to judge the deadline against (default: today)")
    ] = None,
) -> None:
    """Collect one prefecture's plans, checked, into one file for the Ministry (R7.1)."""
    # openpyxl only for this command: it would add 0.2 s to every other start-up.
    from kofuplan.adapters.submission_out import check_submission_name, write_submission

    day = _date(as_of, "--as-of")
    on_day = _date(on, "--on") if on is not None else None
    check_submission_name(out)
    check_place(out)
    with steps() as progress:
        progress.step("計画の読込と審査")
        try:
            from kofuplan.adapters.check_files import submit

            sub = submit(pref, plans, stats, day, profiles, on_day)
        except KofuplanError as exc:
            raise fail(exc) from None
        progress.step("書き出し")
        write_submission(out, sub)
    print_submission_summary(stdout(), sub, out)


def print_submission_summary(console: Console, sub: Submission, out: Path) -> None:
    run = sub.run
    errors = {f.lg_code for f in run.findings if f.severity == "error"}
    given = len(sub.members) - len(sub.missing)
    console.print(
        f"{sub.pref_name}（{sub.pref_code}）: {len(sub.members)} 団体中 提出 {given}、"
        f"未提出 {len(sub.missing)}、エラーのある団体 {len(errors)}"
    )
    deadline = reiwa_date(sub.deadline)
    if sub.missing:
        state = "期限を過ぎています" if sub.late else "期限前です"
        console.print(f"提出期限 {deadline}（{sub.on.isoformat()} 時点で{state}）。未提出団体:")
        for code, name in sub.missing:
            console.print(f"  {code} {name}")
    else:
        console.print(f"提出期限 {deadline}: 全団体提出済")
    from kofuplan.services.submission import unknown_code_findings

    for f in unknown_code_findings(sub):
        console.print(f"  不明な団体コード: {f.message}")
    if sub.skipped:
        console.print(
            f"計画でない CSV を読み飛ばしました: {', '.join(str(p) for p in sub.skipped)}"
        )
    console.print(f"出力: {out}")
