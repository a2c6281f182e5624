"""`kofuplan risk`: the probability of a backlog over one month, by Monte Carlo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from kofuplan.adapters.cli import app, one_line
from kofuplan.adapters.cli.console import say, steps
from kofuplan.adapters.output import check_place
from kofuplan.adapters.risk_csv import read_plan_demand, write_risk
from kofuplan.errors import InputError, KofuplanError
from kofuplan.services.risk import run_risk


@app.command("risk")
def risk_command(
    plan: Annotated[Path, typer.Option("--plan", help="plan_monthly.csv written by `plan`.")],
    out: Annotated[Path, typer.Option("--out", help="CSV to write, a row per municipality-month.")],
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same result).")
    ],
    draws: Annotated[
        int | None, typer.Option("--draws", min=1, help="Monte Carlo draws [rules: risk.draws].")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the rules (the plan's first month).")
    ] = None,
) -> None:
    """Simulate surges after the campaigns; write P(backlog > 1 month) and P10/P50/P90."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InputError(
            f"--as-of: 「{str(as_of)[:40]}」は日付ではありません"
            "（YYYY-MM-DD の形で指定してください）"
        ) from None
    check_place(out)
    with steps() as progress:
        progress.step("計画の読込とモンテカルロ法")
        try:
            demand, risk = run_risk(lambda: read_plan_demand(plan), seed, draws, day)
            write_risk(out, demand, risk)
        except KofuplanError as exc:
            typer.echo(f"エラー: {one_line(str(exc))}", err=True)
            raise typer.Exit(2) from None
    worst = risk.probability_backlog.max(axis=1)
    summary = {
        "out": str(out),
        "municipalities": len(demand.lg_codes),
        "months": [demand.months[0], demand.months[-1]],
        "municipalities_with_backlog_risk_over_50pct": int((worst > 0.5).sum()),
        "municipalities_with_backlog_risk_over_10pct": int((worst > 0.1).sum()),
        "national_waiting_p50_peak": int(risk.waiting_p50.sum(axis=0).max()),
    }
    say(json.dumps(summary, ensure_ascii=False))
