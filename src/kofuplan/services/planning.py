"""Use case: plan every municipality from the statistics at a snapshot date (read by the
adapter behind :class:`kofuplan.services.ports.StatsSource`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kofuplan.domain.calendar import MonthCalendar, add_months, build_calendar, month_range
from kofuplan.domain.holidays import holidays_between
from kofuplan.domain.plan import Plan, make_plan
from kofuplan.domain.profiles import Profiles, build_profiles
from kofuplan.domain.rule_values import CalendarRules, PlanRules
from kofuplan.errors import InputError
from kofuplan.parameters import Snapshot, load_rules
from kofuplan.services.ports import StatsSource


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
    plan = PlanRules.from_rules(params)
    start = first_plan_month(as_of, plan.period_start)
    end = plan.period_end
    if start > end:
        raise InputError(f"--as-of {as_of}: 計画の期間（〜{end}）の後で、計画する月がありません")
    months = tuple(month_range(start, end))
    first = dt.date(int(start[:4]), int(start[5:7]), 1)
    last = dt.date(int(end[:4]), int(end[5:7]), 28) + dt.timedelta(days=4)
    days = CalendarRules.from_rules(params)
    return build_calendar(
        months,
        holidays_between(first, last),
        days.closure_days,
        days.weekend_days_per_week,
    )


def rules_at(as_of: dt.date) -> Snapshot:
    """The rules at a plan's snapshot date; a date before the plan's rules begin is the
    user's --as-of, not a broken rule file."""
    rules = load_rules()
    start = rules.first_day("plan")
    if as_of < start:
        raise InputError(f"--as-of {as_of}: 計画の規則は {start} 以降の日付にしかありません")
    return rules.at(as_of)


def load_profiles(source: StatsSource, as_of: dt.date, params: Snapshot) -> Profiles:
    """The profiles from the statistics at ``as_of`` and the municipalities' own inputs."""
    stats = source.stats_at(as_of)
    return build_profiles(stats, source.given_profiles({str(c) for c in stats.lg_code}), params)


@dataclass(frozen=True)
class PlanRun:
    plan: Plan
    params: Snapshot
    as_of: dt.date


def run_plan(
    source: StatsSource,
    as_of: dt.date,
    method: str | None = None,
    progress: Callable[[str, int | None], None] = lambda _step, _total: None,
    planned: Callable[[int], None] = lambda _n: None,
) -> PlanRun:
    """Read, then plan. ``progress(step, total)`` is told when a step begins (``total``
    municipalities for the planning), ``planned(k)`` as municipalities are done."""
    params = rules_at(as_of)
    progress("統計の読込", None)
    profiles = load_profiles(source, as_of, params)
    calendar = plan_calendar(params, as_of)
    progress("計画の作成", len(profiles))
    chosen = method or PlanRules.from_rules(params).default_method
    plan = make_plan(profiles, calendar, params, chosen, planned)
    return PlanRun(plan, params, as_of)
