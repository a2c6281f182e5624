"""`kofuplan forecast` and `kofuplan backtest` (issue 11): the demand forecast alone, and
forecasts from earlier dates compared with what happened."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from kofuplan.adapters.cli import app, one_line
from kofuplan.errors import InputError, KofuplanError


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--as-of: 「{value[:40]}」は日付ではありません（YYYY-MM-DD の形で指定してください）"
        ) from None


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"エラー: {one_line(str(exc))}", err=True)
    return typer.Exit(2)


@app.command("forecast")
def forecast_command(
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)", exists=True)],
    as_of: Annotated[str, typer.Option("--as-of", help="Snapshot date, e.g. 2020-10-01")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    to: Annotated[
        str | None, typer.Option("--to", help="Last month, YYYY-MM [rules: plan.period_end]")
    ] = None,
    profiles: Annotated[
        Path | None, typer.Option(help="Municipalities' own inputs (CSV)", exists=True)
    ] = None,
) -> None:
    """Forecast applications and card deliveries alone: municipality × month, prefectures,
    nation (with the national production queue), using only the campaigns known at --as-of."""
    from kofuplan.adapters.forecast_csv import write_forecast
    from kofuplan.adapters.stats_csv import StatsFiles
    from kofuplan.services.forecast import run_forecast

    try:
        run = run_forecast(StatsFiles(stats, profiles), _day(as_of), to)
        paths = write_forecast(out, run)
    except KofuplanError as exc:
        raise _fail(exc) from None
    d = run.demand
    summary = {
        "as_of": run.as_of.isoformat(),
        "months": [run.months[0], run.months[-1]],
        "municipalities": len(run.profiles),
        "applications": round(float(d.applications.sum())),
        "deliveries": round(float(d.deliveries.sum())),
        "national_queue_peak": round(float(d.national_queue.max())),
        "files": [str(p) for p in paths],
    }
    typer.echo(json.dumps(summary, ensure_ascii=False))


@app.command("backtest")
def backtest_command(
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)", exists=True)],
    as_of: Annotated[list[str], typer.Option("--as-of", help="Forecast date; repeat for several")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    to: Annotated[
        str | None, typer.Option("--to", help="Last month, YYYY-MM [rules: plan.period_end]")
    ] = None,
    chart: Annotated[bool, typer.Option(help="Draw backtest_national.png")] = True,
) -> None:
    """Forecast from each --as-of with only what was known then and compare with the record:
    per month (nation, prefectures), MAPE, correlation, peak month and cumulative error."""
    from kofuplan.adapters.actuals_csv import read_actuals
    from kofuplan.adapters.forecast_csv import write_backtest
    from kofuplan.adapters.stats_csv import StatsFiles
    from kofuplan.services.forecast import run_backtest

    try:
        runs = run_backtest(StatsFiles(stats), read_actuals(stats), [_day(a) for a in as_of], to)
        paths = write_backtest(out, runs)
        if chart:
            from kofuplan.adapters.forecast_chart import backtest_chart_png

            png = out / "backtest_national.png"
            png.write_bytes(backtest_chart_png(runs))
            paths.append(png)
    except KofuplanError as exc:
        raise _fail(exc) from None
    summary = json.loads((out / "backtest_summary.json").read_text(encoding="utf-8"))
    typer.echo(json.dumps({"runs": summary, "files": [str(p) for p in paths]}, ensure_ascii=False))
