"""The plan engine: profiles and calendar in, every municipality's monthly plan out.

One municipality and the whole nation run the same code over (municipalities, months) arrays.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from kofuplan.domain.budget import Budget, plan_budget
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import Capacity, plan_capacity, weekend_days
from kofuplan.domain.demand import Demand, DemandRules, campaigns_known, expected_demand
from kofuplan.domain.gap import Gap, plan_gap
from kofuplan.domain.lead_time import (
    UNLIMITED,
    issue_arrivals,
    level_within,
    season_weekends,
    seasonal_limit,
    weekends_within_staff,
    without_hiring,
)
from kofuplan.domain.optimal import optimal_schedule
from kofuplan.domain.plan_table import PlanTable, table_of
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.promotion import evening_day_equivalents, promotion_demand
from kofuplan.domain.rule_values import CampaignsRules, CapacityRules
from kofuplan.domain.schedule import METHODS
from kofuplan.domain.waits import PlanWaits, QueueingParameters, plan_waits

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Municipalities planned together. Beyond a few thousand rows the (N, M) temporaries leave
# the CPU caches and each cell costs several times more; blocks keep the cost per
# municipality-month flat up to 100× the nation (bench/bench_plan.py).
BLOCK = 2048

T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    method: str
    profiles: Profiles
    calendar: MonthCalendar
    demand: Demand
    issuance: IntArray  # (N, M)
    cumulative_issued: IntArray  # (N, M), the cards issued before the plan included
    capacity: Capacity
    budget: Budget
    gap: Gap  # what the plan needs beyond the forecast (kofuplan.domain.gap)
    queueing: QueueingParameters | None = None

    @cached_property
    def waits(self) -> PlanWaits | None:
        """Residents' waits per kind of day (R2.0, R8.3), computed when first asked for:
        a re-plan that only needs counts and counters does not pay for the queueing."""
        if self.queueing is None:
            return None
        cap = self.capacity
        # Every counter of the plan, dedicated and combined, serves the card queue on its
        # open days, as in the capacity; see kofuplan.domain.waits.
        return plan_waits(
            self.issuance,
            np.broadcast_to(self.calendar.open_weekdays[None, :], self.issuance.shape),
            cap.weekend_days,
            cap.dedicated_counters + cap.combined_counters,
            self.queueing,
        )

    @property
    def months(self) -> tuple[str, ...]:
        return self.calendar.months

    @property
    def coverage_pct(self) -> FloatArray:
        pop = np.maximum(self.profiles.population, 1)[:, None]
        return np.asarray(self.cumulative_issued / pop * 100.0, dtype=np.float64)

    def table(self) -> PlanTable:
        """The plan as the ``plan_monthly.csv`` contract, every figure given."""
        cal, cap = self.calendar, self.capacity
        return table_of(
            self.profiles.lg_code,
            cal.months,
            counts={
                "issuance": self.issuance,
                "cumulative_issued": self.cumulative_issued,
                "open_weekdays": cal.open_weekdays[None, :],
                "weekend_days": cap.weekend_days,
                "required_weekend_days": cal.required_weekend_days[None, :],
                "open_days": cap.open_days,
                "dedicated_counters": cap.dedicated_counters,
                "combined_counters": cap.combined_counters,
                "capacity": cap.capacity,
                "offsite_counters": cap.offsite_counters,
                "staff": cap.staff,
                "terminals": cap.terminals,
            },
            decimals={
                "coverage_pct": self.coverage_pct,
                "dedicated_daily_per_counter": cap.dedicated_daily_per_counter,
                "combined_daily_per_counter": cap.combined_daily_per_counter,
                "evening_day_equivalents": cap.evening_day_equivalents,
            },
            recruit_start_index=cap.recruit_start_index,
        )


def days_in_months(calendar: MonthCalendar) -> IntArray:
    return np.array(
        [_cal.monthrange(int(m[:4]), int(m[5:7]))[1] for m in calendar.months], dtype=np.int64
    )


def make_plan(
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    method: str,
    planned: Callable[[int], None] = lambda _n: None,
) -> Plan:
    """Plan every municipality: schedule, capacity, budget. ``planned(k)`` is told each time
    ``k`` more municipalities are done (a caller's progress bar; the domain prints nothing)."""
    n = len(profiles)
    # The forecast couples the municipalities planned together (the national production
    # capacity, the campaigns' answer cleared out of today's pace): it is made once for all
    # of them, so that a plan in blocks equals one pass.
    demand = plan_demand(profiles, calendar, params)
    if n <= BLOCK:
        return _plan_block(profiles, calendar, params, method, demand, planned)
    # Each block's figures are copied into the whole plan's arrays as soon as it is made,
    # while they are still in cache, and the block is dropped: no second copy of the whole
    # plan (a concatenation at the end) and half the peak memory. The blocks' profiles are
    # views of `profiles`, which the plan keeps as they are.
    plan: Plan | None = None
    for s in range(0, n, BLOCK):
        rows = slice(s, min(s + BLOCK, n))
        block = _plan_block(
            profiles.take(rows), calendar, params, method, demand.take(rows), planned
        )
        if plan is None:
            plan = replace(_empty_rows(block, n), profiles=profiles)
        _copy_rows(plan, block, s)
    assert plan is not None
    return plan


def _empty_rows(part: T, n: int) -> T:
    """Arrays like ``part``'s with ``n`` rows (municipalities), not yet filled; the shared
    calendar, profiles and labels are kept."""
    if isinstance(part, MonthCalendar | Profiles):
        return part
    if isinstance(part, np.ndarray):
        return np.empty((n, *part.shape[1:]), dtype=part.dtype)  # type: ignore[return-value]
    if isinstance(part, dict):
        return {k: _empty_rows(v, n) for k, v in part.items()}  # type: ignore[return-value]
    if is_dataclass(part) and not isinstance(part, type):
        changes = {f.name: _empty_rows(getattr(part, f.name), n) for f in fields(part)}
        return replace(part, **changes)
    return part


def _copy_rows(whole: Any, part: Any, start: int) -> None:
    """Copy a block's per-municipality arrays into rows ``start…`` of the whole plan's."""
    if isinstance(part, MonthCalendar | Profiles):
        return
    if isinstance(part, np.ndarray):
        whole[start : start + len(part)] = part
    elif isinstance(part, dict):
        for k, v in part.items():
            _copy_rows(whole[k], v, start)
    elif is_dataclass(part) and not isinstance(part, type):
        for f in fields(part):
            _copy_rows(getattr(whole, f.name), getattr(part, f.name), start)


def _plan_block(
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    method: str,
    demand: Demand,
    planned: Callable[[int], None],
) -> Plan:
    target = profiles.target
    gap = plan_gap(target, demand, calendar, params)
    codes = profiles.lg_code.tolist()
    promotions = dict(zip(codes, profiles.promotion.tolist(), strict=True))
    evenings = evening_day_equivalents(
        codes, calendar.months, promotions, CapacityRules.from_rules(params).counter_hours_per_day
    )
    policy_weekend = weekend_days(profiles, calendar)
    # Before new staff are trained, only what needs no hiring (kofuplan.domain.lead_time).
    most = without_hiring(profiles, calendar, params, evenings)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    in_season = np.zeros(len(profiles), dtype=np.bool_)
    if method == "level":
        issuance, in_season = level_issuance(target, profiles, calendar, params, evenings, most)
    else:
        # `delivery`, and the plan `optimal` improves on: the forecast's cards as they
        # arrive, and those of the applications needed.
        issuance = issue_arrivals(gap.forecast_deliveries, most) + gap.deliveries_needed
    weekend = weekends_within_staff(issuance, profiles, calendar, params, evenings, policy_weekend)
    weekend = season_weekends(issuance, profiles, calendar, params, evenings, weekend, in_season)
    if method == "optimal":
        # The cheapest plan of the same arrivals; it also chooses its weekend days.
        supply = gap.forecast_deliveries + gap.deliveries_needed
        chosen = optimal_schedule(
            supply,
            profiles,
            calendar,
            params,
            evenings,
            fallback=(issuance, weekend),
            solved=planned,
        )
        issuance, cap = chosen.issuance, chosen.capacity
    else:
        cap = plan_capacity(issuance, profiles, calendar, params, evenings, weekend=weekend)
        planned(len(profiles))
    cumulative = profiles.issued[:, None] + np.cumsum(issuance, axis=1)
    budget = plan_budget(calendar.months, issuance, cap, profiles, params)
    queueing = QueueingParameters.from_rules(params)
    return Plan(
        method, profiles, calendar, demand, issuance, cumulative, cap, budget, gap, queueing
    )


def level_issuance(
    target: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evenings: FloatArray,
    most: IntArray,
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """``level``: the same count on every open day, within what today's staff can issue
    before new staff are trained, and with no counter added for the moving season alone.
    Returns the issuance and the municipalities whose season the combined counters carry."""
    weekend = weekend_days(profiles, calendar)
    open_days = calendar.open_weekdays[None, :] + weekend
    issuance = level_within(target, open_days, most)
    season = seasonal_limit(issuance, profiles, calendar, params, weekend, evenings)
    limited = np.asarray((season < UNLIMITED).any(axis=1), dtype=np.bool_)
    if not limited.any():
        return issuance, limited
    rows = np.flatnonzero(limited)
    again = level_within(target[rows], open_days[rows], np.minimum(most, season)[rows])
    # Keep the change only where it adds no dedicated counter in any other month.
    still = seasonal_limit(
        again, profiles.take(rows), calendar, params, weekend[rows], evenings[rows]
    )
    ok = np.zeros(len(target), dtype=np.bool_)
    ok[rows] = (still == season[rows]).all(axis=1)
    out = issuance.copy()
    out[ok] = again[ok[rows]]
    return out, ok


def plan_demand(profiles: Profiles, calendar: MonthCalendar, params: Mapping[str, Any]) -> Demand:
    """Expected applications and deliveries over the plan's months (R3)."""
    return forecast_demand(profiles, calendar.months, params, rules_day(params, calendar))


def forecast_demand(
    profiles: Profiles, months: Sequence[str], params: Mapping[str, Any], as_of: dt.date
) -> Demand:
    """The forecast (R3, kofuplan.domain.demand): today's pace, the national campaigns known
    at ``as_of``, and the municipality's own mailing and events."""
    codes = profiles.lg_code.tolist()
    promotions = dict(zip(codes, profiles.promotion.tolist(), strict=True))
    demand = DemandRules.from_rules(params)
    campaigns = CampaignsRules.from_rules(params)
    own = promotion_demand(codes, tuple(months), promotions, demand.own_mailing_response_rate)
    return expected_demand(
        months,
        profiles.demand_pace,
        profiles.target,
        campaigns_known(campaigns.national, as_of),
        demand,
        own,
        campaigns.national_non_holders,
    )


def rules_day(params: Mapping[str, Any], calendar: MonthCalendar) -> dt.date:
    """The as-of date: the day the rules snapshot was read at (a plain mapping of rules, as
    some tests pass, stands for the first planned month)."""
    day = getattr(params, "day", None)
    if isinstance(day, dt.date):
        return day
    first = calendar.months[0]
    return dt.date(int(first[:4]), int(first[5:7]), 1)
