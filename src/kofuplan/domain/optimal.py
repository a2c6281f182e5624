"""The cheapest plan (``--method optimal``): the integer programme of issue 7, solved exactly.

For every municipality and month it chooses the issuance, the dedicated counters, how many of
them stand outside the office, and how many weekend days the counters open (from the R2.1
minimum to every Saturday and Sunday). It minimises what the plan adds to today's set-up,
priced as the budget prices it (R4.1): staff above today's, in-office counters above today's,
every off-site counter and terminals above today's, each per month, plus staff-days on weekends
at ``optimal.weekend_staff_day_yen`` (the budget has no such item yet; every method is compared
at this same price by :func:`capacity_cost`). Notices cost the same for every method.

Subject to:

- the months' issuance sums to the target (R1.1);
- cards are issued no earlier than J-LIS delivers them and no later than the month after
  (R8.1); deliveries are the ``delivery`` schedule (deliveries scaled to the target);
- each month's issuance fits its capacity, computed as the engine computes it (R2.0, R2.2),
  back-office pre-issuance setup included;
- counters beyond the office's limit stand outside it (R6.1-3);
- staff cannot rise above those needing no hiring (today's and those moved from other
  sections, ``staffing.transfer_share``) before ``staffing.recruit_lead_months`` after the
  plan starts (R2.3). Where
  that makes the one-month rule impossible in the first months, cards may wait longer at
  ``optimal.late_card_month_penalty_yen`` a card-month; :attr:`OptimalSchedule.late_cards`
  reports them.

How it is solved. A month's cost depends only on its own set-up (counters, weekend days,
back-office staff), and a set-up is worth choosing only if no cheaper one issues as much: each
month has a short list of set-ups, cheapest for their capacity. Given the set-ups, issuing as
many cards as have arrived, up to capacity, is best (it only eases later months). So a dynamic
programme over months, whose state is the number of arrived cards carried into the next month,
finds the exact optimum; states that carry more at no lower cost are dropped. The same
programme written as a MILP for HiGHS (:mod:`kofuplan.domain.optimal_milp`) agrees with it in
the tests and is far slower on the national data (``bench/bench_optimal.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import (
    Capacity,
    effective_combined_daily,
    plan_capacity,
    staff_without_hiring,
)
from kofuplan.domain.profiles import Profiles

__all__ = [
    "OptimalSchedule",
    "Setting",
    "capacity_cost",
    "optimal_schedule",
    "schedule_optimal",
    "settings_of",
    "solve_setting",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_EPS = 1e-6


@dataclass(frozen=True)
class Setting:
    """One municipality's inputs to the programme (month arrays have M entries)."""

    supply: FloatArray  # cards delivered each month (whole numbers), summing to the target
    weekdays: FloatArray  # open weekdays
    evenings: FloatArray  # evening opening as extra counter-days (R8.3), as the engine counts it
    weekend_low: IntArray  # fewest weekend days allowed (R2.1, or every day under 'all')
    weekend_high: IntArray  # every Saturday and Sunday that is not a closure day
    dedicated_daily: float
    combined_daily: FloatArray  # effective, after the month's card share
    combined: int
    staff_now: int
    terminals_now: int
    counters_now: int
    office_max: int
    staff_per_dedicated: float
    staff_per_combined: float
    terminals_per_counter: float
    presetup_terminals_per_staff: float
    presetup_per_staff_day: float
    staff_yen: float
    counter_yen: float
    offsite_yen: float
    terminal_yen: float
    weekend_staff_day_yen: float
    late_yen: float
    lead_months: int
    staff_base: int = -1  # staff without hiring (today's and those moved); -1: today's


def settings_of(
    supply: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray | None = None,
) -> list[Setting]:
    comb_daily = effective_combined_daily(
        profiles, calendar, params["capacity.combined_card_share_by_month"]
    )
    every = (calendar.saturdays + calendar.sundays).astype(np.int64)
    n, m = supply.shape
    evenings = np.zeros((n, m)) if evening_days is None else np.round(evening_days, 2)
    base = staff_without_hiring(profiles.staff, params)
    out = []
    for i in range(len(profiles)):
        low = every if profiles.weekend_policy[i] == "all" else calendar.required_weekend_days
        out.append(
            Setting(
                supply=supply[i].astype(np.float64),
                weekdays=calendar.open_weekdays.astype(np.float64),
                evenings=np.asarray(evenings[i], dtype=np.float64),
                weekend_low=np.asarray(low, dtype=np.int64),
                weekend_high=every,
                dedicated_daily=float(profiles.dedicated_daily_per_counter[i]),
                combined_daily=comb_daily[i],
                combined=int(profiles.combined_counters[i]),
                staff_now=int(profiles.staff[i]),
                terminals_now=int(profiles.terminals[i]),
                counters_now=int(profiles.dedicated_counters[i] + profiles.combined_counters[i]),
                office_max=int(profiles.office_max_counters[i]),
                staff_per_dedicated=float(params["capacity.staff_per_dedicated_counter"]),
                staff_per_combined=float(params["capacity.staff_per_combined_counter"]),
                terminals_per_counter=float(params["capacity.terminals_per_counter"]),
                presetup_terminals_per_staff=float(params["capacity.presetup_terminals_per_staff"]),
                presetup_per_staff_day=float(params["capacity.presetup_cards_per_staff_day"]),
                staff_yen=float(profiles.staff_month_yen[i]),
                counter_yen=float(params["costs.counter_month_yen"]),
                offsite_yen=float(profiles.offsite_counter_month_yen[i]),
                terminal_yen=float(params["costs.terminal_month_yen"]),
                weekend_staff_day_yen=float(params["optimal.weekend_staff_day_yen"]),
                late_yen=float(params["optimal.late_card_month_penalty_yen"]),
                lead_months=int(params["staffing.recruit_lead_months"]),
                staff_base=int(base[i]),
            )
        )
    return out


def most_per_month(s: Setting) -> FloatArray:
    """The most a month can issue: what has arrived, less what must have gone the month
    before (cards can be left longer only before staff can rise)."""
    cum = np.cumsum(s.supply)
    two_before = np.concatenate([[0.0, 0.0], cum[:-2]])[: cum.size]
    t = np.arange(cum.size)
    return np.where(t >= s.lead_months + 1, cum - two_before, cum)


@dataclass(frozen=True)
class _SetUps:
    """A month's set-ups worth choosing, by increasing capacity and cost."""

    capacity: FloatArray
    cost: FloatArray
    dedicated: IntArray
    weekend: IntArray


def _grid(
    months: IntArray, first: IntArray, rows: IntArray, cols: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """For each month t, every pair (first[t] + i, j) with i < rows[t], j < cols[t]: returns
    the month, i and j of each pair, months in order."""
    size = rows * cols
    month = np.repeat(months, size)
    offset = np.arange(month.size) - np.repeat(np.cumsum(size) - size, size)
    return month, first[month] + offset // cols[month], offset % cols[month]


def _set_ups(s: Setting, most: FloatArray) -> list[_SetUps]:
    """Every month's set-ups worth choosing, all months computed at once."""
    m = s.supply.size
    months = np.arange(m, dtype=np.int64)
    low = np.asarray(s.weekend_low, dtype=np.int64)
    options = np.maximum(np.asarray(s.weekend_high, dtype=np.int64) - low + 1, 1)
    c = float(s.combined)
    comb = s.combined_daily * c
    setup_cap = s.presetup_per_staff_day * s.weekdays  # cards one back-office staff sets up
    days_low = s.weekdays + low + s.evenings
    d_top = np.ceil(np.maximum(most - comb * days_low, 0.0) / (s.dedicated_daily * days_low)) + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        b_top = np.where(setup_cap > 0, np.ceil(most / setup_cap - _EPS), 0.0)

    def counter_cap(t: IntArray, d: FloatArray, e: FloatArray) -> FloatArray:
        days = s.weekdays[t] + e + s.evenings[t]
        return np.asarray(np.floor((s.dedicated_daily * d + comb[t]) * days + _EPS), np.float64)

    # Counters decide: back-office staff just enough for what they issue.
    t_a, e_a, d_a = _grid(months, low, options, d_top.astype(np.int64) + 1)
    cap_a = counter_cap(t_a, d_a.astype(np.float64), e_a.astype(np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        b_a = np.where(
            setup_cap[t_a] > 0, np.ceil(np.minimum(cap_a, most[t_a]) / setup_cap[t_a] - _EPS), 0.0
        )
    # Back-office staff decide: the fewest counters that issue what they set up.
    t_b, e_b, b_b = _grid(months, low, options, b_top.astype(np.int64) + 1)
    need = np.minimum(b_b * setup_cap[t_b], most[t_b])
    days_b = s.weekdays[t_b] + e_b + s.evenings[t_b]
    d_b = np.ceil(np.maximum(need / days_b - comb[t_b], 0.0) / s.dedicated_daily - _EPS)
    for _ in range(2):  # settle rounding against the capacity formula itself
        d_b = d_b + (counter_cap(t_b, d_b, e_b.astype(np.float64)) < need)
    t = np.concatenate([t_a, t_b])
    d = np.concatenate([d_a, d_b]).astype(np.float64)
    e = np.concatenate([e_a, e_b]).astype(np.float64)
    b = np.concatenate([b_a, b_b]).astype(np.float64)
    cap = np.minimum(np.minimum(counter_cap(t, d, e), b * setup_cap[t]), most[t])

    staff = np.ceil(s.staff_per_dedicated * d + s.staff_per_combined * c + b - _EPS)
    offsite = np.clip(d + c - s.office_max, 0, d)
    in_office = d - offsite + c
    terminals = np.ceil(
        s.terminals_per_counter * (d + c) + s.presetup_terminals_per_staff * b - _EPS
    )
    cost = (
        s.staff_yen * np.maximum(staff - s.staff_now, 0)
        + s.counter_yen * np.maximum(in_office - s.counters_now, 0)
        + s.offsite_yen * offsite
        + s.terminal_yen * np.maximum(terminals - s.terminals_now, 0)
        + s.weekend_staff_day_yen * e * (s.staff_per_dedicated * d + s.staff_per_combined * c)
    )
    # R2.3: before the lead time is over nobody new is trained yet.
    base = s.staff_now if s.staff_base < 0 else s.staff_base
    trained = max(float(base), float(np.ceil(s.staff_per_combined * c - _EPS)))
    ok = (t >= s.lead_months) | (staff <= trained)
    t, cap, cost, d, e = t[ok], cap[ok], cost[ok], d[ok], e[ok]
    # Keep a set-up only if every set-up of its month issuing at least as much costs more.
    # Sorted by month, then capacity down: a running minimum of cost within each month, made
    # by shifting each month below every earlier one (costs are ≥ 0 and below `shift`).
    order = np.lexsort((cost, -cap, t))
    t, cap, cost, d, e = t[order], cap[order], cost[order], d[order], e[order]
    shift = 2.0 * (float(cost.max(initial=0.0)) + 1.0)
    key = cost - t * shift
    cheaper = key < np.concatenate([[np.inf], np.minimum.accumulate(key)[:-1]])
    kept = np.flatnonzero(cheaper)
    bounds = [*np.searchsorted(t[kept], months, side="left").tolist(), kept.size]
    out = []
    for k in range(m):
        idx = kept[bounds[k] : bounds[k + 1]][::-1]  # by increasing capacity
        out.append(_SetUps(cap[idx], cost[idx], d[idx].astype(np.int64), e[idx].astype(np.int64)))
    return out


def _candidates(
    capacity: FloatArray,
    carry: FloatArray,
    available: FloatArray,
    t: int,
    months: int,
    lead_months: int,
) -> tuple[IntArray, IntArray]:
    """The (state, set-up) pairs worth trying this month, state by state, set-ups by rising
    capacity: up to the first set-up that issues all that is available (a larger one issues
    the same and costs more), and after the lead time from the first that issues every card
    already waiting (a smaller one would leave cards late). The last month must leave none.
    About half of all pairs, for the same optimum."""
    hi = np.minimum(capacity.searchsorted(available), capacity.size - 1)
    if t == months - 1:
        lo = hi
    elif t >= lead_months:
        lo = capacity.searchsorted(carry)
    else:
        lo = np.zeros_like(hi)
    count = np.maximum(hi - lo + 1, 0)
    parent = np.arange(carry.size).repeat(count)
    choice = np.arange(parent.size) + (lo - count.cumsum() + count).repeat(count)
    return parent, choice


def _pareto(total: FloatArray, left: FloatArray) -> IntArray:
    """The states no other beats on both cost and carry, by rising cost (carry falling).

    By cost, each kept state carries strictly less than every cheaper one; among equal costs
    the least carry comes first, so only it is kept. numpy's default sort (vectorised) is
    several times faster than a stable one here; ties are then ordered by carry explicitly."""
    order = total.argsort()
    ranked = total[order]
    tie = ranked[1:] == ranked[:-1]
    if tie.any():
        block = np.concatenate([[0], (~tie).cumsum()])
        carried = left[order].astype(np.int64)  # whole cards
        order = order[(block * (int(carried.max()) + 1) + carried).argsort()]
    carried_sorted = left[order]
    least = np.concatenate([[np.inf], np.minimum.accumulate(carried_sorted)[:-1]])
    kept: IntArray = order[carried_sorted < least]
    return kept


@dataclass(frozen=True)
class SettingResult:
    issuance: IntArray
    weekend_days: IntArray
    dedicated_counters: IntArray
    cost_yen: float  # the set-ups' cost, without penalties
    late_cards: FloatArray  # per month: cards from earlier months still waiting at its end


def solve_setting(s: Setting) -> SettingResult:
    """The exact optimum for one municipality, by the dynamic programme described above.

    Each month pairs every state with only the set-ups worth trying for it (see
    :func:`_candidates`), and keeps the states that no other beats on both cost and carry."""
    m = s.supply.size
    most = most_per_month(s)
    carry = np.zeros(1)
    spent = np.zeros(1)
    trail: list[tuple[IntArray, IntArray, FloatArray, _SetUps, FloatArray]] = []
    every_set_up = _set_ups(s, most)
    for t in range(m):
        ups = every_set_up[t]
        available = carry + s.supply[t]
        parent, choice = _candidates(ups.capacity, carry, available, t, m, s.lead_months)
        c = ups.capacity[choice]
        reach = available[parent]
        left = np.maximum(reach - c, 0.0)  # what issuing min(capacity, available) leaves
        total = spent[parent] + ups.cost[choice]
        late = np.zeros(0)
        if t < s.lead_months:
            late = np.maximum(carry[parent] - c, 0.0)
            total = total + s.late_yen * late
        if t == m - 1:
            ok = left <= 0.5
            parent, choice, reach, left, total = (
                parent[ok], choice[ok], reach[ok], left[ok], total[ok]
            )  # fmt: skip
            late = late[ok] if late.size else late
        if total.size == 0:
            raise ValueError("optimal: no feasible plan (check the office limit and supply)")
        order = _pareto(total, left)
        kept_late = late[order] if late.size else np.zeros(order.size)
        trail.append((parent[order], choice[order], reach[order] - left[order], ups, kept_late))
        carry, spent = left[order], total[order]

    issuance = np.zeros(m, dtype=np.int64)
    weekend = np.zeros(m, dtype=np.int64)
    dedicated = np.zeros(m, dtype=np.int64)
    late_cards = np.zeros(m)
    cost = 0.0
    state = int(np.argmin(spent))
    for t in range(m - 1, -1, -1):
        parent, choice, issued, ups, late = trail[t]
        k = int(choice[state])
        issuance[t] = round(float(issued[state]))
        weekend[t] = int(ups.weekend[k])
        dedicated[t] = int(ups.dedicated[k])
        late_cards[t] = float(late[state])
        cost += float(ups.cost[k])
        state = int(parent[state])
    return SettingResult(issuance, weekend, dedicated, cost, late_cards)


def capacity_cost(cap: Capacity, profiles: Profiles, params: Mapping[str, Any]) -> FloatArray:
    """The programme's objective for any plan's capacity (N,): to compare methods."""
    staff_added = np.maximum(cap.staff - profiles.staff[:, None], 0)
    in_office = cap.dedicated_counters - cap.offsite_counters + cap.combined_counters
    now = (profiles.dedicated_counters + profiles.combined_counters)[:, None]
    counters_added = np.maximum(in_office - now, 0)
    terminals_added = np.maximum(cap.terminals - profiles.terminals[:, None], 0)
    weekend_staff = cap.weekend_days * (
        cap.dedicated_counters * float(params["capacity.staff_per_dedicated_counter"])
        + cap.combined_counters * float(params["capacity.staff_per_combined_counter"])
    )
    monthly = (
        staff_added * profiles.staff_month_yen[:, None]
        + counters_added * float(params["costs.counter_month_yen"])
        + cap.offsite_counters * profiles.offsite_counter_month_yen[:, None]
        + terminals_added * float(params["costs.terminal_month_yen"])
        + weekend_staff * float(params["optimal.weekend_staff_day_yen"])
    )
    return np.asarray(monthly.sum(axis=1), dtype=np.float64)


@dataclass(frozen=True)
class OptimalSchedule:
    """Arrays (N, M) unless noted."""

    issuance: IntArray
    weekend_days: IntArray
    capacity: Capacity  # the engine's layout of these choices
    cost_yen: FloatArray  # (N,) priced by capacity_cost, as every method is
    late_cards: FloatArray  # cards waiting over a month (R8.1), only in the first months


def optimal_schedule(
    supply: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray | None = None,
    fallback: tuple[IntArray, IntArray] | None = None,
) -> OptimalSchedule:
    """Solve every municipality. ``supply`` (N, M) is the cards that arrive;
    ``evening_days`` (N, M) the evening opening the engine counts as extra open days.

    ``fallback``: another plan of the same arrivals, its issuance and weekend days (the
    ``delivery`` plan). The programme prices staff month by month, while the engine keeps
    staff to the end of their term (:func:`kofuplan.domain.capacity.hold_staff`), which the
    programme does not see; where that makes its plan dearer than the fallback at the
    engine's prices (:func:`capacity_cost`), the municipality keeps the fallback."""
    results = []
    for code, setting in zip(
        profiles.lg_code, settings_of(supply, profiles, calendar, params, evening_days), strict=True
    ):
        try:
            results.append(solve_setting(setting))
        except ValueError as exc:
            raise ValueError(f"{code}: {exc}") from None
    issuance = np.stack([r.issuance for r in results]).astype(np.int64)
    weekend = np.stack([r.weekend_days for r in results]).astype(np.int64)
    late = np.stack([r.late_cards for r in results])
    cap = plan_capacity(issuance, profiles, calendar, params, evening_days, weekend=weekend)
    cost = capacity_cost(cap, profiles, params)
    if fallback is not None:
        other, other_weekend = fallback
        other_cap = plan_capacity(
            other, profiles, calendar, params, evening_days, weekend=other_weekend
        )
        dearer = capacity_cost(other_cap, profiles, params) < cost
        if dearer.any():
            issuance = np.where(dearer[:, None], other, issuance)
            weekend = np.where(dearer[:, None], other_weekend, weekend)
            late = np.where(dearer[:, None], 0.0, late)
            cap = plan_capacity(issuance, profiles, calendar, params, evening_days, weekend=weekend)
            cost = capacity_cost(cap, profiles, params)
    return OptimalSchedule(
        issuance=issuance, weekend_days=weekend, capacity=cap, cost_yen=cost, late_cards=late
    )


def schedule_optimal(
    supply: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray | None = None,
) -> IntArray:
    """The issuance (N, M) of the cheapest plan, as the other schedule methods return it."""
    return optimal_schedule(supply, profiles, calendar, params, evening_days).issuance
