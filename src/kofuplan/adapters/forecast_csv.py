"""Writes the forecast and the backtest as CSV (UTF-8 with a BOM, so that Excel opens the
Japanese names) and a JSON summary of the backtest's error measures."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kofuplan.adapters.output import write_file
from kofuplan.domain.backtest import by_group
from kofuplan.services.forecast import Backtest, ForecastRun

NATIONAL_CODE, NATIONAL_NAME = "00", "全国"


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Never a half-written file under the final name; the BOM from the one writer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_file(path, buffer.getvalue())


def _cards(x: float) -> int:
    return round(float(x))


def write_forecast(out: Path, run: ForecastRun) -> list[Path]:
    """forecast_municipal.csv (municipality × month), forecast_prefecture.csv and
    forecast_national.csv (with the national production queue)."""
    p, d = run.profiles, run.demand
    months = run.months
    src = d.by_source
    muni = out / "forecast_municipal.csv"
    _write(
        muni,
        (
            "lg_code", "pref_code", "pref_name", "municipality_name", "month",
            "applications", "deliveries", "applications_base", "applications_national",
            "applications_own_mailing", "applications_events",
        ),
        (
            (
                p.lg_code[i], p.pref_code[i], p.pref_name[i], p.name[i], month,
                _cards(d.applications[i, j]), _cards(d.deliveries[i, j]),
                _cards(src["base"][i, j]), _cards(src["national"][i, j]),
                _cards(src["own_mailing"][i, j]), _cards(src["events"][i, j]),
            )
            for i in range(len(p))
            for j, month in enumerate(months)
        ),
    )  # fmt: skip
    prefs = p.pref_code.tolist()
    names = dict(zip(prefs, p.pref_name.tolist(), strict=True))
    codes, apps = by_group(d.applications, prefs)
    _, dels = by_group(d.deliveries, prefs)
    pref = out / "forecast_prefecture.csv"
    _write(
        pref,
        ("pref_code", "pref_name", "month", "applications", "deliveries"),
        (
            (c, names[c], month, _cards(apps[k, j]), _cards(dels[k, j]))
            for k, c in enumerate(codes)
            for j, month in enumerate(months)
        ),
    )
    nat = out / "forecast_national.csv"
    _write(
        nat,
        ("month", "applications", "deliveries", "national_queue", "deliveries_cumulative"),
        (
            (month, _cards(a), _cards(b), _cards(q), _cards(c))
            for month, a, b, q, c in zip(
                months,
                d.applications.sum(axis=0),
                d.deliveries.sum(axis=0),
                d.national_queue,
                np.cumsum(d.deliveries.sum(axis=0)),
                strict=True,
            )
        ),
    )
    return [muni, pref, nat]


def _num(x: float, digits: int = 1) -> float | None:
    return None if math.isnan(float(x)) else round(float(x), digits)


def write_backtest(out: Path, runs: Sequence[Backtest]) -> list[Path]:
    """backtest_monthly.csv (forecast against actual per month, nationally and per
    prefecture), backtest_errors.csv (the error measures) and backtest_summary.json."""
    monthly = out / "backtest_monthly.csv"
    rows: list[tuple[Any, ...]] = []
    errors: list[tuple[Any, ...]] = []
    summary: list[dict[str, Any]] = []
    for b in runs:
        areas = [(NATIONAL_CODE, NATIONAL_NAME, b.national_forecast, b.national_actual)]
        areas += [
            (c, n, b.pref_forecast[k], b.pref_actual[k])
            for k, (c, n) in enumerate(zip(b.pref_codes, b.pref_names, strict=True))
        ]
        for code, name, f, a in areas:
            for j, month in enumerate(b.months):
                rows.append((b.as_of, code, name, month, _cards(f[j]), _cards(a[j]),
                             _cards(f[j] - a[j])))  # fmt: skip
        measures = [(NATIONAL_CODE, NATIONAL_NAME, b.national, 0)]
        pairs = zip(b.pref_codes, b.pref_names, strict=True)
        measures += [(c, n, b.prefectures, k) for k, (c, n) in enumerate(pairs)]
        for code, name, e, k in measures:
            errors.append((
                b.as_of, code, name, b.months[0], b.months[-1], _num(e.mape_pct[k]),
                _num(e.correlation[k], 3), e.peak_month_forecast[k], e.peak_month_actual[k],
                int(e.peak_month_error[k]), _cards(e.cumulative_forecast[k]),
                _cards(e.cumulative_actual[k]), _num(e.cumulative_error_pct[k]),
            ))  # fmt: skip
        n = b.national
        summary.append(
            {
                "as_of": b.as_of.isoformat(),
                "horizon": [b.months[0], b.months[-1]],
                "national": {
                    "mape_pct": _num(n.mape_pct[0]),
                    "correlation": _num(n.correlation[0], 3),
                    "peak_month_forecast": n.peak_month_forecast[0],
                    "peak_month_actual": n.peak_month_actual[0],
                    "peak_month_error": int(n.peak_month_error[0]),
                    "cumulative_forecast": _cards(n.cumulative_forecast[0]),
                    "cumulative_actual": _cards(n.cumulative_actual[0]),
                    "cumulative_error_pct": _num(n.cumulative_error_pct[0]),
                    "peak_national_queue": _cards(b.national_queue.max()),
                },
                "prefectures": {
                    "mape_pct_median": _num(float(np.median(b.prefectures.mape_pct))),
                    "mape_pct_max": _num(float(b.prefectures.mape_pct.max())),
                    "correlation_median": _num(float(np.nanmedian(b.prefectures.correlation)), 3),
                    "peak_month_error_abs_max": int(np.abs(b.prefectures.peak_month_error).max()),
                },
            }
        )
    _write(
        monthly,
        ("as_of", "area_code", "area_name", "month", "forecast", "actual", "error"),
        rows,
    )
    errs = out / "backtest_errors.csv"
    _write(
        errs,
        (
            "as_of", "area_code", "area_name", "first_month", "last_month", "mape_pct",
            "correlation", "peak_month_forecast", "peak_month_actual", "peak_month_error",
            "cumulative_forecast", "cumulative_actual", "cumulative_error_pct",
        ),
        errors,
    )  # fmt: skip
    js = out / "backtest_summary.json"
    js.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [monthly, errs, js]
