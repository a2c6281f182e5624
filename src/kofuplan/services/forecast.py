"""Use cases: the forecast alone (issue 11: `kofuplan forecast`) and the backtest that compares
forecasts made at earlier dates, with only what was known then, with what happened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain.actuals import Actuals
from kofuplan.domain.backtest import ForecastErrors, by_group, forecast_errors
from kofuplan.domain.calendar import add_months, month_range
from kofuplan.domain.demand import Demand
from kofuplan.domain.plan import forecast_demand
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.rule_values import PlanRules
from kofuplan.errors import InputError
from kofuplan.parameters import Snapshot
from kofuplan.services.planning import first_plan_month, load_profiles, rules_at
from kofuplan.services.ports import StatsSource

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ForecastRun:
    as_of: dt.date
    months: tuple[str, ...]
    profiles: Profiles
    demand: Demand
    params: Snapshot


def forecast_months(as_of: dt.date, to_month: str) -> tuple[str, ...]:
    first = first_plan_month(as_of, "0000-01")
    try:
        months = tuple(month_range(first, to_month))
    except ValueError:
        raise InputError(f"--to: {to_month!r} は年月（YYYY-MM）ではありません") from None
    if not months:
        raise InputError(f"--to {to_month} は予測の最初の月（{first}）より前です")
    return months


def run_forecast(source: StatsSource, as_of: dt.date, to_month: str | None = None) -> ForecastRun:
    params = rules_at(as_of)
    profiles = load_profiles(source, as_of, params)
    months = forecast_months(as_of, to_month or PlanRules.from_rules(params).period_end)
    demand = forecast_demand(profiles, months, params, as_of)
    return ForecastRun(as_of, months, profiles, demand, params)


@dataclass(frozen=True)
class Backtest:
    """One as-of date's forecast of cards per month against the record, over the months that
    have actuals (the horizon)."""

    as_of: dt.date
    months: tuple[str, ...]
    national_forecast: FloatArray  # (M,)
    national_actual: FloatArray
    national_queue: FloatArray  # applications waiting for production, modelled
    pref_codes: list[str]
    pref_names: list[str]
    pref_forecast: FloatArray  # (P, M)
    pref_actual: FloatArray
    national: ForecastErrors
    prefectures: ForecastErrors


def run_backtest(
    source: StatsSource, actuals: Actuals, as_ofs: list[dt.date], to_month: str | None = None
) -> list[Backtest]:
    """``actuals`` are the month-end figures of the same statistics (the record)."""
    out = []
    for as_of in as_ofs:
        run = run_forecast(source, as_of, to_month)
        known = set(actuals.months)
        horizon = tuple(m for m in run.months if m in known and add_months(m, -1) in known)
        if not horizon:
            raise InputError(
                f"--as-of {as_of}: この日より後の実績が統計にありません"
                f"（統計の最後の月は {actuals.months[-1]}）"
            )
        cols = [run.months.index(m) for m in horizon]
        rows = actuals.rows_for(run.profiles.lg_code.tolist())
        now = [actuals.months.index(m) for m in horizon]
        cards = actuals.cards[rows].astype(np.float64)
        issued = cards[:, now] - cards[:, [j - 1 for j in now]]
        forecast = run.demand.deliveries[:, cols]
        prefs = run.profiles.pref_code.tolist()
        codes, pref_f = by_group(forecast, prefs)
        _, pref_a = by_group(issued, prefs)
        names = {c: n for c, n in zip(prefs, run.profiles.pref_name.tolist(), strict=True)}
        nat_f, nat_a = forecast.sum(axis=0), issued.sum(axis=0)
        out.append(
            Backtest(
                as_of=as_of,
                months=horizon,
                national_forecast=nat_f,
                national_actual=nat_a,
                national_queue=run.demand.national_queue[cols],
                pref_codes=codes,
                pref_names=[names[c] for c in codes],
                pref_forecast=pref_f,
                pref_actual=pref_a,
                national=forecast_errors(horizon, nat_f[None, :], nat_a[None, :]),
                prefectures=forecast_errors(horizon, pref_f, pref_a),
            )
        )
    return out
