"""Plans that can be staffed from their first month (R2.3, issue 11).

New staff take ``staffing.recruit_lead_months`` to recruit and train. Until then a plan can
only use what needs no hiring: today's staff and those moved from other sections
(:func:`kofuplan.domain.capacity.staff_without_hiring`), every Saturday and Sunday (R2.1 sets a
minimum, not a maximum) and the evening opening the municipality states (R8.3). This module
gives the most such a set-up can issue each month, and schedules under that limit:

- ``level`` issues the same per open day in the months it is free to, and no more than the
  limit where it is not (:func:`level_within`);
- ``delivery`` issues the cards as they arrive, the ones over the limit waiting for the next
  month (:func:`issue_arrivals`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import (
    effective_combined_daily,
    fewest_dedicated,
    staff_and_terminals,
    staff_without_hiring,
)
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.rule_values import CapacityRules, StaffingRules
from kofuplan.domain.schedule import apportion

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_EPS = 1e-6
UNLIMITED = np.iinfo(np.int64).max // 4


def lead_months(params: Mapping[str, Any], months: int) -> int:
    return min(StaffingRules.from_rules(params).recruit_lead_months, months)


def without_hiring(
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray,
) -> IntArray:
    """The most each month can issue (N, M) before new staff are trained, ``UNLIMITED`` after.

    With ``S`` staff, ``c`` combined and ``d`` dedicated counters, the counters issue
    ``(d·dd + c·cd)·days`` and the back office sets up ``(S − c·sc − d·sd)·P`` cards
    (``P`` = cards one back-office staff sets up in the month): the first grows with ``d``,
    the second falls, so the best ``d`` is next to where they cross.
    """
    n, m = len(profiles), len(calendar.months)
    lead = lead_months(params, m)
    out = np.full((n, m), UNLIMITED, dtype=np.int64)
    if lead == 0:
        return out
    staff = staff_without_hiring(profiles.staff, params).astype(np.float64)[:, None]
    rates = CapacityRules.from_rules(params)
    sd, sc = rates.staff_per_dedicated_counter, rates.staff_per_combined_counter
    weekdays = calendar.open_weekdays[None, :lead].astype(np.float64)
    every = (calendar.saturdays + calendar.sundays)[None, :lead]
    days = weekdays + every + np.round(evening_days[:, :lead], 2)
    per_back = rates.presetup_cards_per_staff_day * weekdays
    dd = profiles.dedicated_daily_per_counter[:, None]
    c = profiles.combined_counters[:, None].astype(np.float64)
    cd = effective_combined_daily(profiles, calendar, rates.combined_card_share_by_month)[:, :lead]
    free = staff - c * sc  # staff left for dedicated counters and the back office
    d_cross = (free * per_back - c * cd * days) / (dd * days + sd * per_back)
    d_most = np.floor(np.maximum(free, 0.0) / sd + _EPS) if sd > 0 else np.full_like(free, 1e6)

    def issued(d: FloatArray) -> FloatArray:
        d = np.clip(d, 0.0, d_most)
        counters = np.floor((d * dd + c * cd) * days + _EPS)
        back = np.floor(np.maximum(free - d * sd, 0.0) + _EPS) * per_back
        return np.asarray(np.minimum(counters, back), dtype=np.float64)

    best = np.maximum(issued(np.floor(d_cross)), issued(np.ceil(d_cross)))
    out[:, :lead] = np.where(free >= 0, best, 0.0).astype(np.int64)
    return out


def weekends_within_staff(
    issuance: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray,
    weekend: IntArray,
) -> IntArray:
    """Weekend days (N, M): in the months before new staff are trained, the fewest from the
    policy's days up to every Saturday and Sunday with which today's staff (and those moved)
    issue the month's cards; other months keep ``weekend``."""
    m = len(calendar.months)
    lead = lead_months(params, m)
    out = weekend.copy()
    if lead == 0:
        return out
    base = staff_without_hiring(profiles.staff, params)[:, None]
    every = (calendar.saturdays + calendar.sundays)[None, :lead]
    q = issuance[:, :lead]
    ded_daily = np.broadcast_to(profiles.dedicated_daily_per_counter[:, None], q.shape)
    comb_daily = effective_combined_daily(
        profiles, calendar, CapacityRules.from_rules(params).combined_card_share_by_month
    )[:, :lead]
    combined = np.broadcast_to(profiles.combined_counters[:, None], q.shape)
    weekdays = calendar.open_weekdays[None, :lead]
    evenings = np.round(evening_days[:, :lead], 2)
    chosen = out[:, :lead]
    settled = np.zeros(q.shape, dtype=np.bool_)
    for extra in range(int(every.max(initial=0)) + 1):
        days = np.minimum(weekend[:, :lead] + extra, every)
        d = fewest_dedicated(q, ded_daily, combined, comb_daily, weekdays + days + evenings)
        _, staff, _ = staff_and_terminals(q, d, combined, weekdays, params)
        fits = ~settled & (staff <= base)
        chosen[fits] = days[fits]
        settled |= fits
        if settled.all():
            break
    return out


def level_within(target: IntArray, open_days: IntArray, most: IntArray) -> IntArray:
    """``level`` under a monthly limit: months whose level share would exceed ``most`` issue
    ``most``; the rest is spread over the other months by open days. Sums to the target."""
    n, m = open_days.shape
    w = open_days.astype(np.float64)
    capped = np.zeros((n, m), dtype=np.bool_)
    for _ in range(m):
        free_w = np.where(capped, 0.0, w)
        rest = target - np.where(capped, most, 0).sum(axis=1)
        share = rest[:, None] * free_w / np.maximum(free_w.sum(axis=1, keepdims=True), 1e-9)
        over = ~capped & (share > most)
        if not over.any():
            break
        capped |= over
    # A municipality whose limits all bind (never in a real plan: only the first months are
    # limited) issues the rest in its last month.
    stuck = capped.all(axis=1)
    capped[stuck, -1] = False
    fixed = np.where(capped, most, 0)
    rest = target - fixed.sum(axis=1)
    weights = np.where(capped, 0.0, w)
    flat = weights.sum(axis=1) <= 0
    weights[flat] = np.where(capped[flat], 0.0, 1.0)
    out: IntArray = fixed + apportion(rest, weights)
    return out


def issue_arrivals(arrivals: IntArray, most: IntArray) -> IntArray:
    """Issue cards as they arrive, at most ``most`` a month; what is over waits for the next
    month. The last month issues whatever is left, so the months sum to the arrivals."""
    n, m = arrivals.shape
    out = np.zeros((n, m), dtype=np.int64)
    waiting = np.zeros(n, dtype=np.int64)
    for t in range(m):
        waiting = waiting + arrivals[:, t]
        out[:, t] = waiting if t == m - 1 else np.minimum(waiting, most[:, t])
        waiting = waiting - out[:, t]
    return out


def _season(calendar: MonthCalendar, params: Mapping[str, Any]) -> npt.NDArray[np.bool_]:
    share = CapacityRules.from_rules(params).combined_card_share_by_month
    return np.array([share[int(m)] < 1.0 for m in calendar.calendar_months])


def seasonal_limit(
    issuance: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    weekend: IntArray,
    evening_days: FloatArray,
) -> IntArray:
    """No counter for the moving season alone: where the combined counters carry a
    municipality's ``issuance`` in every month but those of the moving season (the months
    whose ``capacity.combined_card_share_by_month`` is below 1), the most those months may
    issue is what the combined counters issue in them opening every Saturday and Sunday
    (N, M; ``UNLIMITED`` elsewhere)."""
    season = _season(calendar, params)
    out = np.full(issuance.shape, UNLIMITED, dtype=np.int64)
    if not season.any():
        return out
    comb_daily = effective_combined_daily(
        profiles, calendar, CapacityRules.from_rules(params).combined_card_share_by_month
    )
    combined = profiles.combined_counters[:, None]
    ded_daily = np.broadcast_to(profiles.dedicated_daily_per_counter[:, None], issuance.shape)
    weekdays = calendar.open_weekdays[None, :]
    evenings = np.round(evening_days, 2)
    dedicated = fewest_dedicated(
        issuance,
        ded_daily,
        np.broadcast_to(combined, issuance.shape),
        comb_daily,
        weekdays + weekend + evenings,
    )
    seasonal_only = (dedicated[:, ~season] == 0).all(axis=1) & (dedicated[:, season] > 0).any(
        axis=1
    )
    every = (calendar.saturdays + calendar.sundays)[None, :]
    alone = np.floor(combined * comb_daily * (weekdays + every + evenings) + _EPS)
    rows = seasonal_only[:, None] & season[None, :]
    out[rows] = alone.astype(np.int64)[rows]
    return out


def season_weekends(
    issuance: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray,
    weekend: IntArray,
    rows: npt.NDArray[np.bool_],
) -> IntArray:
    """Weekend days (N, M): in the moving season, for ``rows``, the fewest from ``weekend`` up
    to every Saturday and Sunday with which the combined counters alone issue the month."""
    season = _season(calendar, params)
    out = weekend.copy()
    if not season.any() or not rows.any():
        return out
    r, c = np.flatnonzero(rows), np.flatnonzero(season)
    comb = (
        effective_combined_daily(
            profiles, calendar, CapacityRules.from_rules(params).combined_card_share_by_month
        )[np.ix_(r, c)]
        * profiles.combined_counters[r, None]
    )
    every = (calendar.saturdays + calendar.sundays)[None, c]
    base_days = calendar.open_weekdays[None, c] + np.round(evening_days[np.ix_(r, c)], 2)
    low = weekend[np.ix_(r, c)]
    q = issuance[np.ix_(r, c)]
    chosen = low.copy()
    settled = np.zeros(q.shape, dtype=np.bool_)
    for extra in range(int(every.max(initial=0)) + 1):
        days = np.minimum(low + extra, every)
        fits = ~settled & (np.floor(comb * (base_days + days) + _EPS) >= q)
        chosen[fits] = days[fits]
        settled |= fits
        if settled.all():
            break
    out[np.ix_(r, c)] = chosen
    return out
