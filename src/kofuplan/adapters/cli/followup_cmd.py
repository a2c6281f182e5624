"""`kofuplan focus`, `kofuplan followup`, `kofuplan replay`: the monthly follow-up (issue 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kofuplan.adapters.actuals_csv import read_actuals
from kofuplan.adapters.cli import app, one_line
from kofuplan.adapters.cli.console import say, steps
from kofuplan.adapters.followup_files import csv_text, json_text, write_all
from kofuplan.adapters.output import check_place
from kofuplan.adapters.plan_reader import read_plan_table
from kofuplan.domain.findings import FINDING_COLUMNS
from kofuplan.domain.focus import GROUP_LABELS
from kofuplan.domain.plan_form import PlanBounds
from kofuplan.domain.planned import PlannedMonths
from kofuplan.domain.renewal import KINDS
from kofuplan.domain.snapshots import add_months, first_day, month_range, parse_month
from kofuplan.domain.wareki import reiwa_month
from kofuplan.errors import KofuplanError
from kofuplan.parameters import load_rules
from kofuplan.services.followup import (
    FOLLOWUP_COLUMNS,
    REPLAY_COLUMNS,
    ROLLUP_COLUMNS,
    focus_for_months,
    followup_rows,
    rollup_rows,
    run_followup,
    run_replay,
)

FOCUS_COLUMNS = (
    "lg_code",
    "pref_code",
    "municipality_name",
    "month",
    "designated_for",
    "group",
    "group_label",
    "coverage_pct",
    "growth_pt",
    "group_coverage_pct",
    "group_growth_pt",
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"エラー: {one_line(message)}", err=True)
    return typer.Exit(2)


def _numbers(row: dict[str, str]) -> dict[str, object]:
    """A rollup row for JSON: figures as numbers (blank: null), labels as text."""
    out: dict[str, object] = {}
    for key, value in row.items():
        if key in ("pref_code", "month"):
            out[key] = value
        elif value == "":
            out[key] = None
        else:
            number = float(value)
            out[key] = int(number) if number.is_integer() and "." not in value else number
    return out


def _month(value: str, option: str) -> str:
    try:
        parse_month(value)
    except ValueError:
        raise _fail(f"{option} {value!r} は年月（YYYY-MM）ではありません") from None
    return value


KIND_HELP = "issuance | renewal（更新の実績: kind 列が certificate / card の行の合計）"


def _kinds(kind: str) -> tuple[str, ...] | None:
    """The actuals' kinds a plan of ``kind`` is followed up against (None: issuance)."""
    if kind == "issuance":
        return None
    if kind == "renewal":
        return KINDS
    raise typer.BadParameter(
        f"issuance か renewal を指定してください: {kind!r}", param_hint="--kind"
    )


@app.command("focus")
def focus_command(
    stats: Annotated[Path, typer.Option("--stats", help="統計（長形式CSV）")],
    month: Annotated[str, typer.Option("--month", help="月末の実績で選ぶ月 YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="出力CSV")],
) -> None:
    """重点的フォローアップ: 交付率と伸びがともにグループ平均を下回る団体の一覧."""
    month = _month(month, "--month")
    check_place(out)
    with steps() as progress:
        progress.step("実績の読込と判定")
        try:
            actuals = read_actuals(stats, [add_months(month, -1), month])
            f = focus_for_months(actuals, [month], load_rules())
        except KofuplanError as exc:
            raise _fail(str(exc)) from None
    rows = []
    for i, code in enumerate(actuals.lg_codes):
        if not f.designated[i, 0]:
            continue
        group = int(f.group[i, 0])
        rows.append(
            {
                "lg_code": code,
                "pref_code": actuals.pref_codes[i],
                "municipality_name": actuals.names[i],
                "month": month,
                "designated_for": add_months(month, 1),
                "group": group,
                "group_label": GROUP_LABELS[group],
                "coverage_pct": f"{f.coverage_pct[i, 0]:.6f}",
                "growth_pt": f"{f.growth_pt[i, 0]:.6f}",
                "group_coverage_pct": f"{f.group_coverage_pct[i, 0]:.6f}",
                "group_growth_pt": f"{f.group_growth_pt[i, 0]:.6f}",
            }
        )
    write_all({out: csv_text(FOCUS_COLUMNS, rows)})
    say(
        f"{reiwa_month(month)}末の実績から{reiwa_month(add_months(month, 1))}の重点的フォローアップ"
        f"対象: {len(rows)}団体 → {out}"
    )


def _planned(plan: Path, month: str) -> PlannedMonths:
    """The plan's columns the follow-up compares with, bounded by the rules of ``month``."""
    bounds = PlanBounds.from_rules(load_rules().at(first_day(month)))
    return PlannedMonths.from_table(read_plan_table(plan, FOLLOWUP_NEEDS, bounds))


FOLLOWUP_NEEDS = ("issuance", "cumulative_issued", "required_weekend_days")


@app.command("followup")
def followup_command(
    plan: Annotated[Path, typer.Option("--plan", help="plan_monthly.csv")],
    actuals: Annotated[
        Path, typer.Option("--actuals", help="実績（統計の長形式CSV、任意の調査列つき）")
    ],
    month: Annotated[str, typer.Option("--month", help="フォローアップする月 YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="出力フォルダ")],
    kind: Annotated[str, typer.Option("--kind", help=KIND_HELP)] = "issuance",
) -> None:
    """月次フォローアップ: 計画と実績の比較、滞留・遅延・休日交付・重点団体の指摘."""
    month = _month(month, "--month")
    kinds = _kinds(kind)
    check_place(out, folder=True)
    with steps() as progress:
        progress.step("計画と実績の読込・判定")
        try:
            planned = _planned(plan, month)
            data = read_actuals(actuals, [add_months(month, -1), month], kinds=kinds)
            f = run_followup(planned, data, [month], with_focus=kinds is None)
        except KofuplanError as exc:
            raise _fail(str(exc)) from None
    prefs, national = rollup_rows(f, 0)
    findings = f.result.findings(0)
    skipped = [s.message() for s in f.result.skipped]
    summary = {
        "month": month,
        "municipalities": len(f.result.inputs.lg_codes),
        "findings": {c: int(f.result.flags[c][:, 0].sum()) for c in f.result.flags},
        "skipped": skipped,
        "national": _numbers(national),
    }
    write_all(
        {
            out / "followup.csv": csv_text(FOLLOWUP_COLUMNS, followup_rows(f, 0)),
            out / "findings.csv": csv_text(FINDING_COLUMNS, (x.as_row() for x in findings)),
            out / "followup_prefectures.csv": csv_text(ROLLUP_COLUMNS, prefs),
            out / "followup_national.csv": csv_text(ROLLUP_COLUMNS, [national]),
            out / "followup_summary.json": json_text(summary),
        }
    )
    say(f"{reiwa_month(month)}のフォローアップ: {len(findings)}件の指摘 → {out}")
    for line in skipped:
        say(f"  判定せず: {line}")


@app.command("replay")
def replay_command(
    plan: Annotated[Path, typer.Option("--plan", help="plan_monthly.csv")],
    actuals: Annotated[Path, typer.Option("--actuals", help="実績（統計の長形式CSV）")],
    first: Annotated[str, typer.Option("--from", help="最初の月 YYYY-MM")],
    last: Annotated[str, typer.Option("--to", help="最後の月 YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="出力フォルダ")],
    kind: Annotated[str, typer.Option("--kind", help=KIND_HELP)] = "issuance",
) -> None:
    """各月のフォローアップを再生し、全国の計画・実績の表とグラフを出力する."""
    # matplotlib only for this command: it would add 0.3 s to every other start-up.
    from kofuplan.adapters.replay_chart import cumulative_chart_png

    first, last = _month(first, "--from"), _month(last, "--to")
    if parse_month(first) > parse_month(last):
        raise _fail(f"--from {first} は --to {last} より後の月です")
    kinds = _kinds(kind)
    check_place(out, folder=True)
    with steps() as progress:
        progress.step("計画と実績の読込・再生")
        try:
            planned = _planned(plan, first)
            data = read_actuals(actuals, month_range(add_months(first, -1), last), kinds=kinds)
            f, rows = run_replay(planned, data, first, last, with_focus=kinds is None)
            png = cumulative_chart_png(
                [r.month for r in rows],
                [r.planned_cumulative for r in rows],
                [r.actual_cumulative for r in rows],
                f"全国の累計交付枚数: 計画と実績（{reiwa_month(first)}〜{reiwa_month(last)}）",
            )
        except KofuplanError as exc:  # ChartError included
            raise _fail(str(exc)) from None
    skipped = [s.message() for s in f.result.skipped]
    write_all(
        {
            out / "replay.csv": csv_text(REPLAY_COLUMNS, (vars(r) for r in rows)),
            out / "replay_cumulative.png": png,
            out / "replay_summary.json": json_text({"from": first, "to": last, "skipped": skipped}),
        }
    )
    say(f"{reiwa_month(first)}〜{reiwa_month(last)}の再生（{len(rows)}か月）→ {out}")
    for line in skipped:
        say(f"  判定せず: {line}")
