"""Counters, staff and terminals each month needs for its planned issuance (R2.0–R2.3, R6.1).

For every municipality and month: combined counters keep their current number with their
card capacity scaled by the month's share (the March–April moving season); dedicated counters
are the fewest needed on top; those that do not fit in the office stand outside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.rule_values import CapacityRules, StaffingRules

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Per-counter figures are kept to hundredths of a card, so that a capacity computed again
# from the written CSV gives the same whole number.
_DECIMALS = 2
_EPS = 1e-6

NO_RECRUIT = -(10**6)  # recruit_start_index where staff do not rise


def weekend_days(profiles: Profiles, calendar: MonthCalendar) -> IntArray:
    """Planned weekend days (N, M): the R2.1 minimum, or every weekend day for 'all'."""
    every = (calendar.saturdays + calendar.sundays)[None, :]
    minimum = calendar.required_weekend_days[None, :]
    return np.where(profiles.weekend_policy[:, None] == "all", every, minimum).astype(np.int64)


def effective_combined_daily(
    profiles: Profiles, calendar: MonthCalendar, share_by_month: Mapping[int, float]
) -> FloatArray:
    share = np.array([float(share_by_month[int(m)]) for m in calendar.calendar_months])
    scaled = profiles.combined_daily_per_counter[:, None] * share[None, :]
    rounded: FloatArray = np.round(scaled, _DECIMALS).astype(np.float64)
    return rounded


def capacity_of(
    dedicated: IntArray,
    dedicated_daily: FloatArray,
    combined: IntArray,
    combined_daily: FloatArray,
    open_days: IntArray | FloatArray,
) -> IntArray:
    """Cards the counters can issue in the month, in whole cards (rounded down)."""
    daily = dedicated * dedicated_daily + combined * combined_daily
    return np.floor(daily * open_days + _EPS).astype(np.int64)


def fewest_dedicated(
    issuance: IntArray,
    dedicated_daily: FloatArray,
    combined: IntArray,
    combined_daily: FloatArray,
    open_days: IntArray | FloatArray,
) -> IntArray:
    """The fewest dedicated counters with which capacity ≥ issuance, for every cell."""
    days = np.maximum(open_days, 1)
    short = np.maximum(issuance / days - combined * combined_daily, 0.0)
    d = np.ceil(short / dedicated_daily - _EPS).astype(np.int64)
    # Rounding in the division can leave d one off either way; settle it against the very
    # capacity formula the checks use.
    for _ in range(2):
        low = capacity_of(d, dedicated_daily, combined, combined_daily, open_days) < issuance
        d = d + low
    for _ in range(2):
        fewer = np.maximum(d - 1, 0)
        enough = capacity_of(fewer, dedicated_daily, combined, combined_daily, open_days)
        d = np.where((d > 0) & (enough >= issuance), fewer, d)
    return d


@dataclass(frozen=True)
class Capacity:
    weekend_days: IntArray
    open_days: IntArray
    evening_day_equivalents: FloatArray  # evening opening counted in open days (R8.3)
    dedicated_counters: IntArray
    dedicated_daily_per_counter: FloatArray
    combined_counters: IntArray
    combined_daily_per_counter: FloatArray
    capacity: IntArray
    offsite_counters: IntArray
    backoffice_staff: IntArray
    staff: IntArray
    terminals: IntArray
    recruit_start_index: IntArray  # month index, < 0 before the plan; NO_RECRUIT = none


def plan_capacity(
    issuance: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray | None = None,
    weekend: IntArray | None = None,
    staff_floor: IntArray | None = None,
) -> Capacity:
    """``evening_days``: evening opening as extra open days (R8.3), (N, M). ``weekend`` (N, M)
    overrides the weekend policy's days (the optimal method chooses its own; they must be at
    least ``required_weekend_days``). ``staff_floor`` (N, M): staff the plan keeps on though
    its issuance needs fewer (the optimal method, where letting them go at the start of a
    new appointment period and hiring again would cost more)."""
    n, m = issuance.shape
    if weekend is None:
        weekend = weekend_days(profiles, calendar)
    open_days = calendar.open_weekdays[None, :] + weekend
    evenings = np.zeros((n, m)) if evening_days is None else np.round(evening_days, _DECIMALS)
    counter_days = open_days + evenings
    ded_daily = np.broadcast_to(profiles.dedicated_daily_per_counter[:, None], (n, m)).copy()
    comb_daily = effective_combined_daily(
        profiles, calendar, CapacityRules.from_rules(params).combined_card_share_by_month
    )
    combined = np.broadcast_to(profiles.combined_counters[:, None], (n, m)).copy()
    dedicated = fewest_dedicated(issuance, ded_daily, combined, comb_daily, counter_days)
    capacity = capacity_of(dedicated, ded_daily, combined, comb_daily, counter_days)
    # R6.1-3: what the office cannot hold stands outside it, as dedicated counters.
    over = dedicated + combined - profiles.office_max_counters[:, None]
    offsite = np.clip(over, 0, dedicated)
    back, staff, terminals = staff_and_terminals(
        issuance, dedicated, combined, calendar.open_weekdays[None, :], params
    )
    if staff_floor is not None:
        staff = np.maximum(staff, staff_floor)
    staff = hold_staff(staff, calendar.months, params)
    recruit = recruit_start(staff, profiles.staff, params)
    return Capacity(
        weekend_days=weekend,
        open_days=open_days,
        evening_day_equivalents=evenings,
        dedicated_counters=dedicated,
        dedicated_daily_per_counter=ded_daily,
        combined_counters=combined,
        combined_daily_per_counter=comb_daily,
        capacity=capacity,
        offsite_counters=offsite,
        backoffice_staff=back,
        staff=staff,
        terminals=terminals,
        recruit_start_index=recruit,
    )


def staff_and_terminals(
    issuance: IntArray,
    dedicated: IntArray,
    combined: IntArray,
    open_weekdays: IntArray,
    params: Mapping[str, Any],
    presetup_cards_per_staff_day: FloatArray | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """Back-office staff, all staff and terminals a month's counters and issuance need.

    Shared by the engine and by the checks, which derive staff for a hand-written plan.
    ``presetup_cards_per_staff_day`` (N, 1), where given, is each municipality's own figure
    in place of the rules' (renewal plans checked together, each with its own mix of kinds).
    """
    # Pre-issuance setup is back-office work on weekdays.
    rules = CapacityRules.from_rules(params)
    presetup: Any = (
        rules.presetup_cards_per_staff_day
        if presetup_cards_per_staff_day is None
        else presetup_cards_per_staff_day
    )
    back = np.ceil(issuance / (presetup * np.maximum(open_weekdays, 1)))
    staff = np.ceil(
        dedicated * rules.staff_per_dedicated_counter
        + combined * rules.staff_per_combined_counter
        + back
        - _EPS
    ).astype(np.int64)
    terminals = np.ceil(
        (dedicated + combined) * rules.terminals_per_counter
        + back * rules.presetup_terminals_per_staff
        - _EPS
    ).astype(np.int64)
    return back.astype(np.int64), staff, terminals


def staff_without_hiring(staff_now: IntArray, params: Mapping[str, Any]) -> IntArray:
    """Today's card staff plus those the municipality can move from other sections for the
    card work (``staffing.transfer_share`` of today's, rounded down): staff that need no
    recruiting, so they can work from the plan's first month."""
    share = StaffingRules.from_rules(params).transfer_share
    moved = np.floor(np.asarray(staff_now, dtype=np.float64) * share + _EPS).astype(np.int64)
    out: IntArray = np.asarray(staff_now, dtype=np.int64) + moved
    return out


def appointment_starts(months: Sequence[str], params: Mapping[str, Any]) -> BoolArray:
    """Months in which a new appointment period of fiscal-year staff begins (the month after
    ``staffing.term_end_month``): only then can staff taken on earlier be let go."""
    first = StaffingRules.from_rules(params).term_end_month % 12 + 1
    return np.array([int(m[5:7]) == first for m in months], dtype=np.bool_)


def hold_staff(staff: IntArray, months: Sequence[str], params: Mapping[str, Any]) -> IntArray:
    """Staff who are taken on stay for their term (会計年度任用職員, appointed to the end of the
    fiscal year): within an appointment period a month's staff never fall below an earlier
    month's. Computed for every municipality at once."""
    period = np.cumsum(appointment_starts(months, params)).astype(np.int64)
    # A running maximum that restarts with each period: lift each period above every
    # earlier one (staff are ≥ 0 and below `lift`), accumulate, and lower it again.
    lift = int(staff.max(initial=0)) + 1
    lifted = staff + period[None, :] * lift
    held: IntArray = np.maximum.accumulate(lifted, axis=1) - period[None, :] * lift
    return held


def recruit_start(staff: IntArray, staff_now: IntArray, params: Mapping[str, Any]) -> IntArray:
    """R2.3: for each month whose staff exceed every earlier month's (and what is available
    without hiring, :func:`staff_without_hiring`), the month recruiting must start so the new
    staff are trained in time; NO_RECRUIT where none."""
    lead_months = StaffingRules.from_rules(params).recruit_lead_months
    m = staff.shape[1]
    base = staff_without_hiring(staff_now, params)
    before = np.maximum.accumulate(np.concatenate([base[:, None], staff[:, :-1]], axis=1), axis=1)
    rise = staff > before
    index = np.arange(m, dtype=np.int64)[None, :] - lead_months
    return np.where(rise, index, np.int64(NO_RECRUIT))
