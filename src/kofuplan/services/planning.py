"""Use case: plan every municipality from the statistics at a snapshot date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kofuplan.adapters.holidays import holidays_between
from kofuplan.adapters.stats_csv import read_profiles, read_stats
from kofuplan.domain.calendar import MonthCalendar, add_months, build_calendar, month_range
from kofuplan.domain.plan import Plan, make_plan
from kofuplan.domain.profiles import Profiles, build_profiles
from kofuplan.parameters import Snapshot, load_rules


def first_plan_month(as_of: dt.date, period_start: str) -> str:
    """The first month still to plan at a snapshot date.

    A snapshot dated the 1st describes the end of the previous month, so its own month is
    still to come; any later date (a month-end) leaves the next month first.
    """
    month = f"{as_of.year:04d}-{as_of.month:02d}"
    if as_of.day != 1:
        month = add_months(month, 1)
    return max(month, period_start)


def plan_calendar(params: Mapping[str, Any], as_of: dt.date) -> MonthCalendar:
    start = first_plan_month(as_of, str(params["plan.period_start"]))
    end = str(params["plan.period_end"])
    if start > end:
        raise ValueError(f"nothing left to plan after {as_of}: the plan ends in {end}")
    months = tuple(month_range(start, end))
    first = dt.date(int(start[:4]), int(start[5:7]), 1)
    last = dt.date(int(end[:4]), int(end[5:7]), 28) + dt.timedelta(days=4)
    return build_calendar(
        months,
        holidays_between(first, last),
        params["calendar.closure_days"],
        int(params["calendar.weekend_days_per_week"]),
    )


def rules_at(as_of: dt.date) -> Snapshot:
    return load_rules().at(as_of)


def load_profiles(
    stats_path: Path, as_of: dt.date, profiles_path: Path | None, params: Snapshot
) -> Profiles:
    stats = read_stats(stats_path, as_of)
    given = (
        read_profiles(profiles_path, {str(c) for c in stats.lg_code})
        if profiles_path is not None
        else {}
    )
    return build_profiles(stats, given, params)


@dataclass(frozen=True)
class PlanRun:
    plan: Plan
    params: Snapshot
    as_of: dt.date


def run_plan(
    stats_path: Path,
    as_of: dt.date,
    profiles_path: Path | None = None,
    method: str | None = None,
    progress: Callable[[str], None] = lambda _step: None,
) -> PlanRun:
    params = rules_at(as_of)
    progress("統計の読込")
    profiles = load_profiles(stats_path, as_of, profiles_path, params)
    calendar = plan_calendar(params, as_of)
    progress("計画の作成")
    plan = make_plan(profiles, calendar, params, method or str(params["plan.default_method"]))
    return PlanRun(plan, params, as_of)
