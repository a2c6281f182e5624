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

import bisect
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.budget import hiring_yen
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import (
    Capacity,
    appointment_starts,
    effective_combined_daily,
    plan_capacity,
    staff_without_hiring,
)
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.rule_values import (
    CapacityRules,
    CostRules,
    OptimalRules,
    StaffingRules,
)

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
BoolArray = npt.NDArray[np.bool_]
_EPS = 1e-6


@dataclass(frozen=True)
class OptimalParameters:
    """The dated rules the programme reads (rules/optimal.yaml, costs, capacity, staffing), as
    plain numbers."""

    combined_card_share_by_month: Mapping[int, float]
    staff_per_dedicated_counter: float
    staff_per_combined_counter: float
    terminals_per_counter: float
    presetup_terminals_per_staff: float
    presetup_cards_per_staff_day: float
    counter_month_yen: float
    terminal_month_yen: float
    staff_hire_yen: float
    staff_release_yen: float
    recruit_lead_months: int
    weekend_staff_day_yen: float
    late_card_month_penalty_yen: float
    staff_levels: int
    states_per_level: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> OptimalParameters:
        """From a rules snapshot (``load_rules().at(day)``) or any mapping of the same keys,
        through each rules file's own class (:mod:`kofuplan.domain.rule_values`)."""
        capacity, costs = CapacityRules.from_rules(rules), CostRules.from_rules(rules)
        own = OptimalRules.from_rules(rules)
        return cls(
            combined_card_share_by_month=capacity.combined_card_share_by_month,
            staff_per_dedicated_counter=capacity.staff_per_dedicated_counter,
            staff_per_combined_counter=capacity.staff_per_combined_counter,
            terminals_per_counter=capacity.terminals_per_counter,
            presetup_terminals_per_staff=capacity.presetup_terminals_per_staff,
            presetup_cards_per_staff_day=capacity.presetup_cards_per_staff_day,
            counter_month_yen=float(costs.counter_month_yen),
            terminal_month_yen=float(costs.terminal_month_yen),
            staff_hire_yen=float(costs.staff_hire_yen),
            staff_release_yen=float(costs.staff_release_yen),
            recruit_lead_months=StaffingRules.from_rules(rules).recruit_lead_months,
            weekend_staff_day_yen=float(own.weekend_staff_day_yen),
            late_card_month_penalty_yen=float(own.late_card_month_penalty_yen),
            staff_levels=own.staff_levels,
            states_per_level=own.states_per_level,
        )


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
    # Staff taken on are held to the end of their appointment period and paid for when
    # taken on and when let go (issue 11); True where a new period starts (None: no new
    # period within the plan).
    hire_yen: float = 0.0
    release_yen: float = 0.0
    period_start: npt.NDArray[np.bool_] | None = None
    staff_levels: int = 0  # most levels of added staff in the state; 0: every whole staff
    states_per_level: int = 0  # most states a level keeps (:func:`_thin`); 0: every one


def settings_of(
    supply: IntArray,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    evening_days: FloatArray | None = None,
) -> list[Setting]:
    rules = OptimalParameters.from_rules(params)
    comb_daily = effective_combined_daily(profiles, calendar, rules.combined_card_share_by_month)
    every = (calendar.saturdays + calendar.sundays).astype(np.int64)
    n, m = supply.shape
    evenings = np.zeros((n, m)) if evening_days is None else np.round(evening_days, 2)
    base = staff_without_hiring(profiles.staff, params)
    starts = appointment_starts(calendar.months, params)
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
                staff_per_dedicated=rules.staff_per_dedicated_counter,
                staff_per_combined=rules.staff_per_combined_counter,
                terminals_per_counter=rules.terminals_per_counter,
                presetup_terminals_per_staff=rules.presetup_terminals_per_staff,
                presetup_per_staff_day=rules.presetup_cards_per_staff_day,
                staff_yen=float(profiles.staff_month_yen[i]),
                counter_yen=rules.counter_month_yen,
                offsite_yen=float(profiles.offsite_counter_month_yen[i]),
                terminal_yen=rules.terminal_month_yen,
                weekend_staff_day_yen=rules.weekend_staff_day_yen,
                late_yen=rules.late_card_month_penalty_yen,
                lead_months=rules.recruit_lead_months,
                staff_base=int(base[i]),
                hire_yen=rules.staff_hire_yen,
                release_yen=rules.staff_release_yen,
                period_start=starts,
                staff_levels=rules.staff_levels,
                states_per_level=rules.states_per_level,
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
    """A month's set-ups worth choosing, by increasing capacity."""

    capacity: FloatArray
    cost: FloatArray  # all but the staff: counters, off-site counters, terminals, weekend days
    added: FloatArray  # staff above today's (≥ 0)
    dedicated: IntArray
    weekend: IntArray


@dataclass(frozen=True)
class _Raw:
    """Every month's candidate set-ups, flat (one entry per set-up, months in order)."""

    month: IntArray
    capacity: FloatArray
    cost: FloatArray
    added: FloatArray
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


def _raw_set_ups(s: Setting, most: FloatArray) -> _Raw:
    """Every month's candidate set-ups, all months computed at once: for each number of
    weekend days, every count of dedicated counters (back-office staff just enough for what
    they issue) and every count of back-office staff (the fewest counters that issue what they
    set up), up to what the month can issue."""
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
        s.counter_yen * np.maximum(in_office - s.counters_now, 0)
        + s.offsite_yen * offsite
        + s.terminal_yen * np.maximum(terminals - s.terminals_now, 0)
        + s.weekend_staff_day_yen * e * (s.staff_per_dedicated * d + s.staff_per_combined * c)
    )
    added = np.maximum(staff - s.staff_now, 0.0)
    # R2.3: before the lead time is over nobody new is trained yet.
    base = s.staff_now if s.staff_base < 0 else s.staff_base
    trained = max(float(base), float(np.ceil(s.staff_per_combined * c - _EPS)))
    ok = (t >= s.lead_months) | (staff <= trained)
    return _Raw(t[ok], cap[ok], cost[ok], added[ok], d[ok].astype(np.int64), e[ok].astype(np.int64))


def _front(group: IntArray, capacity: FloatArray, cost: FloatArray, rank: FloatArray) -> IntArray:
    """Within each group, the entries no other of the group beats: as much capacity or more
    at no more cost. Returns their indices by group, then by increasing capacity (so that
    cost rises with capacity). ``rank`` breaks exact ties (the lower is kept)."""
    top = float(capacity.max(initial=0.0))
    order = _order(group.astype(np.float64), top - capacity, cost, rank)
    g, cost_o = group[order], cost[order]
    # A running minimum of cost within each group, made by shifting each group below every
    # earlier one (costs are ≥ 0 and below `shift`).
    shift = 2.0 * (float(cost_o.max(initial=0.0)) + 1.0)
    key = cost_o - g * shift
    cheaper = key < np.concatenate([[np.inf], np.minimum.accumulate(key)[:-1]])
    kept = order[cheaper]
    # Kept entries are by group and falling capacity: reverse each group's run.
    out: IntArray = kept[_order(group[kept].astype(np.float64), capacity[kept])]
    return out


def _staff_grid(added_most: float, levels: int, usual: float | None = None) -> FloatArray:
    """The levels of added staff the programme's state takes: every whole staff up to
    ``added_most`` when there are at most ``levels`` of them (0: always); else ``levels``
    levels rounded up to whole staff: all but two evenly spaced up to ``usual`` (what issuing
    each month's own arrivals needs) and two more up to ``added_most``."""
    top = int(np.ceil(added_most - _EPS))
    if levels <= 0 or top + 1 <= levels:
        return np.arange(top + 1, dtype=np.float64)
    low_top = min(max(float(usual if usual is not None else top), 1.0), float(top))
    low = np.linspace(0.0, low_top, max(levels - 2, 2))
    high = np.linspace(low_top, float(top), 3)[1:]
    return np.unique(np.ceil(np.concatenate([low, high]) - _EPS))


def _set_ups(s: Setting, most: FloatArray) -> list[_SetUps]:
    """Every month's set-ups worth choosing: those no other set-up of the month beats on all
    of capacity, cost and added staff (as much or more capacity, at no more cost and with no
    more staff). Exact; the reference HiGHS solves (kofuplan.domain.optimal_milp)."""
    raw = _raw_set_ups(s, most)
    out = []
    for k in range(s.supply.size):
        idx = np.flatnonzero(raw.month == k)
        order = idx[np.lexsort((raw.added[idx], raw.cost[idx], -raw.capacity[idx]))]
        kept: list[int] = []
        # The staircase of (added, cost) among the set-ups of more capacity seen so far: by
        # rising added staff, falling cost; the cheapest with no more staff than `a` is the
        # last step at or below `a`.
        stairs_added: list[float] = []
        stairs_cost: list[float] = []
        for j in order.tolist():
            a, c = float(raw.added[j]), float(raw.cost[j])
            at = bisect.bisect_right(stairs_added, a)
            if at > 0 and stairs_cost[at - 1] <= c:
                continue
            kept.append(j)
            end = at
            while end < len(stairs_added) and stairs_cost[end] >= c:
                end += 1
            stairs_added[at:end] = [a]
            stairs_cost[at:end] = [c]
        sel = np.array(kept, dtype=np.int64)
        sel = sel[np.argsort(raw.capacity[sel], kind="stable")]
        out.append(
            _SetUps(
                raw.capacity[sel],
                raw.cost[sel],
                raw.added[sel],
                raw.dedicated[sel],
                raw.weekend[sel],
            )
        )
    return out


@dataclass(frozen=True)
class _Menus:
    """For each month t and level v of added staff, two lists of the set-ups worth choosing
    (fewest costs for their capacity): those whose staff fit within the level (group
    ``t·2L + v``, to stay at or start a period at v) and those that need exactly v (group
    ``t·2L + L + v``, to rise to v). Flat, by group and then increasing capacity."""

    grid: FloatArray  # (L,) added staff of each level
    start: IntArray  # (2·M·L + 1,) where each group begins
    capacity: FloatArray
    key: FloatArray  # group·span + capacity: sorted, for searching every group at once
    span: float
    cost: FloatArray
    added: FloatArray
    dedicated: IntArray
    weekend: IntArray


def _menus(s: Setting, most: FloatArray) -> _Menus:
    raw = _raw_set_ups(s, most)
    m = s.supply.size
    # No plan needs more added staff than the fewest with which some month issues all it can:
    # set-ups with more are left out, and the levels span only what is left.
    full = raw.capacity >= most[raw.month] - 0.5
    fewest = np.full(m, np.inf)
    np.minimum.at(fewest, raw.month[full], raw.added[full])
    largest = np.zeros(m)
    np.maximum.at(largest, raw.month, raw.added)
    top = float(np.where(np.isfinite(fewest), fewest, largest).max(initial=0.0))
    if (raw.added > top).any():
        raw = _Raw(*(getattr(raw, f)[raw.added <= top] for f in _Raw.__dataclass_fields__))
    # Where the levels must be coarse, most of them go below what issuing each month's own
    # arrivals needs, where plans are.
    arrivals = raw.capacity >= np.minimum(s.supply, most)[raw.month] - 0.5
    usual = np.full(m, np.inf)
    np.minimum.at(usual, raw.month[arrivals], raw.added[arrivals])
    usual_top = float(np.where(np.isfinite(usual), usual, 0.0).max(initial=0.0))
    grid = _staff_grid(top, s.staff_levels, usual_top)
    n_levels = grid.size
    level = np.searchsorted(grid, raw.added - _EPS, side="left")
    # Within a level: each set-up belongs to every level at or above its own.
    repeat = n_levels - level
    entry = np.repeat(np.arange(raw.month.size), repeat)
    offset = np.arange(entry.size) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    group_within = raw.month[entry] * 2 * n_levels + level[entry] + offset
    # Exactly a level: its own.
    exact = np.arange(raw.month.size)
    group_exact = raw.month * 2 * n_levels + n_levels + level
    entry = np.concatenate([entry, exact])
    group = np.concatenate([group_within, group_exact])
    kept = _front(group, raw.capacity[entry], raw.cost[entry], raw.added[entry])
    pick = entry[kept]
    g = group[kept]
    start = np.searchsorted(g, np.arange(2 * m * n_levels + 1), side="left").astype(np.int64)
    capacity = raw.capacity[pick]
    span = 2.0 * (float(capacity.max(initial=0.0)) + float(s.supply.sum()) + 1.0)
    return _Menus(
        grid=grid,
        start=start,
        capacity=capacity,
        key=g * span + capacity,
        span=span,
        cost=raw.cost[pick],
        added=raw.added[pick],
        dedicated=raw.dedicated[pick],
        weekend=raw.weekend[pick],
    )


def _order(*keys: FloatArray) -> IntArray:
    """Indices sorting by the first key, then the next, …: whole non-negative numbers packed
    into one integer where they fit (one sort instead of several), else ``np.lexsort``."""
    spans = [float(k.max(initial=0.0)) + 1.0 for k in keys]
    if float(np.prod(spans)) < 2.0**62:
        packed = np.zeros(keys[0].size, dtype=np.int64)
        for k, span in zip(keys, spans, strict=True):
            packed = packed * np.int64(span) + np.rint(k).astype(np.int64)
        out: IntArray = packed.argsort(kind="stable")
        return out
    return np.lexsort(keys[::-1])


_COARSE_FROM = 4096  # candidates beyond which :func:`_pareto` first drops by buckets
_BUCKETS = 2048


def _beaten_by_buckets(adjusted: FloatArray, left: FloatArray, level: IntArray) -> BoolArray:
    """Candidates some other surely beats, found without sorting: the carried cards are cut
    into buckets, and a candidate is beaten when one in a lower bucket (strictly fewer carried)
    at a level no higher costs no more. Every candidate dropped is beaten; some beaten ones
    stay (those beaten only within their own bucket), for the exact filter."""
    n_levels = int(level.max()) + 1
    width = (float(left.max()) + 1.0) / _BUCKETS
    bucket = np.minimum((left / width).astype(np.int64), _BUCKETS - 1)
    cell = level * _BUCKETS + bucket
    least = np.full(n_levels * _BUCKETS, np.inf)
    np.minimum.at(least, cell, adjusted)
    table = least.reshape(n_levels, _BUCKETS)
    np.minimum.accumulate(table, axis=0, out=table)
    np.minimum.accumulate(table, axis=1, out=table)
    below = np.concatenate([np.full((n_levels, 1), np.inf), table[:, :-1]], axis=1)
    beaten: BoolArray = below.reshape(-1)[cell] <= adjusted
    return beaten


def _pareto(
    adjusted: FloatArray, left: FloatArray, level: IntArray, n_levels: int
) -> tuple[IntArray, IntArray]:
    """The states no other beats: as little carried, at a level no higher and an adjusted cost
    no higher (cost less what its added staff cost to hire: a state at a lower level can
    always hire up to a higher one at that price, so it is then no worse).

    Returns their indices (by adjusted cost, then carried, then level) and, for each, the
    lowest level at which another state beats it (``n_levels`` where none does): rising to
    that level or above is never worth trying from it, the other state does better there."""
    if adjusted.size > _COARSE_FROM:
        rest = np.flatnonzero(~_beaten_by_buckets(adjusted, left, level))
        kept, top = _pareto_exact(adjusted[rest], left[rest], level[rest], n_levels)
        kept_rest: IntArray = rest[kept]
        return kept_rest, top
    return _pareto_exact(adjusted, left, level, n_levels)


def _pareto_exact(
    adjusted: FloatArray, left: FloatArray, level: IntArray, n_levels: int
) -> tuple[IntArray, IntArray]:
    order = _order(adjusted - float(adjusted.min(initial=0.0)), left, level.astype(np.float64))
    left_o, level_o = left[order], level[order]
    present = np.flatnonzero(np.bincount(level_o, minlength=1)).tolist()
    if len(present) == 1:
        least = np.concatenate([[np.inf], np.minimum.accumulate(left_o)[:-1]])
        kept_one: IntArray = order[left_o < least]
        return kept_one, np.full(kept_one.size, n_levels, dtype=np.int64)
    dominated = np.zeros(order.size, dtype=np.bool_)
    beaten_at = np.full(order.size, n_levels, dtype=np.int64)
    for v in present:
        at_or_below = np.where(level_o <= v, left_o, np.inf)
        least = np.concatenate([[np.inf], np.minimum.accumulate(at_or_below)[:-1]])
        beaten = least <= left_o
        dominated |= (level_o == v) & beaten
        beaten_at = np.where(beaten & (beaten_at == n_levels), v, beaten_at)
    kept: IntArray = order[~dominated]
    return kept, beaten_at[~dominated]


def _risen_to(adjusted: FloatArray, left: FloatArray, level: IntArray, n_levels: int) -> IntArray:
    """For each state, the lowest level at which another of them beats it (:func:`_pareto`),
    in the states' own order."""
    order = _order(adjusted - float(adjusted.min(initial=0.0)), left, level.astype(np.float64))
    left_o, level_o = left[order], level[order]
    out = np.full(order.size, n_levels, dtype=np.int64)
    for v in np.flatnonzero(np.bincount(level_o, minlength=1)).tolist():
        at_or_below = np.where(level_o <= v, left_o, np.inf)
        least = np.concatenate([[np.inf], np.minimum.accumulate(at_or_below)[:-1]])
        out = np.where((least <= left_o) & (out == n_levels), v, out)
    top = np.empty_like(out)
    top[order] = np.maximum(out, level_o + 1)
    return top


def _thin(
    order: IntArray, left: FloatArray, total: FloatArray, level: IntArray, per_level: int
) -> IntArray:
    """At most about ``per_level`` states a level: the cheapest of each span of carried cards
    (the level's largest carry over ``per_level``). Only for municipalities whose states
    outgrow it (the largest cities); the price is measured against HiGHS (docs/optimal.md)."""
    carried, cost, lev = left[order], total[order], level[order]
    width = np.zeros(order.size)
    for v in np.unique(lev).tolist():
        here = lev == v
        width[here] = max(float(carried[here].max()) / per_level, 1.0)
    bucket = np.floor(carried / width).astype(np.int64)
    pick = np.lexsort((cost, bucket, lev))
    first = np.ones(pick.size, dtype=np.bool_)
    first[1:] = (lev[pick][1:] != lev[pick][:-1]) | (bucket[pick][1:] != bucket[pick][:-1])
    kept: IntArray = order[pick[first]]
    return kept


@dataclass(frozen=True)
class SettingResult:
    issuance: IntArray
    weekend_days: IntArray
    dedicated_counters: IntArray
    cost_yen: float  # set-ups, staff held, hiring and release, priced exactly; no penalties
    late_cards: FloatArray  # per month: cards from earlier months still waiting at its end
    added_staff: FloatArray  # per month: staff above today's the plan holds
    kept_staff: FloatArray  # per month: added staff kept on into a new period beyond its need


def solve_setting(s: Setting) -> SettingResult:
    """The cheapest plan for one municipality, by the dynamic programme described above.

    The state is the cards carried into the next month and the level of added staff held
    (:func:`_staff_grid`). Each month pairs every state with the levels it may move to (up,
    within an appointment period; any, when a new one starts) and, for each, only the set-ups
    worth trying (by rising capacity: up to the first that issues all that is available, and
    after the lead time from the first that issues every card already waiting; the last month
    must leave none), and keeps the states no other beats (:func:`_pareto`)."""
    m = s.supply.size
    most = most_per_month(s)
    menus = _menus(s, most)
    grid = menus.grid
    n_levels = grid.size
    starts = np.zeros(m, dtype=np.bool_) if s.period_start is None else s.period_start
    carry = np.zeros(1)
    spent = np.zeros(1)
    level = np.zeros(1, dtype=np.int64)
    rise_top = np.full(1, n_levels, dtype=np.int64)
    trail: list[tuple[IntArray, IntArray, FloatArray, IntArray, FloatArray]] = []
    for t in range(m):
        # Pairs (state, new level).
        # Within a period a state stays at its level (set-ups within it) or rises to a
        # higher one (set-ups that need exactly that one); a new period starts at any level.
        free = bool(starts[t]) and t > 0
        low = np.zeros_like(level) if free else level
        top = np.full_like(level, n_levels) if free else rise_top
        count = top - low
        pair_state = np.repeat(np.arange(level.size), count)
        pair_level = np.arange(pair_state.size) - np.repeat(np.cumsum(count) - count, count)
        pair_level = pair_level + low[pair_state]
        rise = (pair_level > level[pair_state]) & (not free)
        group = t * 2 * n_levels + pair_level + np.where(rise, n_levels, 0)
        first, end = menus.start[group], menus.start[group + 1]
        available = carry[pair_state] + s.supply[t]
        base_key = group * menus.span
        hi = np.minimum(np.searchsorted(menus.key, base_key + available, side="left"), end - 1)
        if t == m - 1:
            lo = hi
        elif t >= s.lead_months:
            lo = np.searchsorted(menus.key, base_key + carry[pair_state], side="left")
        else:
            lo = first
        n_try = np.where(end > first, np.maximum(hi - lo + 1, 0), 0)
        # What each pair pays before its set-up: its staff, and hiring or release.
        was, now = grid[level[pair_state]], grid[pair_level]
        pair_total = (
            spent[pair_state]
            + s.staff_yen * now
            + s.hire_yen * np.maximum(now - was, 0.0)
            + s.release_yen * np.maximum(was - now, 0.0)
        )
        # Every (pair, set-up) tried: only what the dominance filter needs is computed for
        # all of them (carried cards, adjusted cost, level); the rest for those it keeps.
        pair = np.repeat(np.arange(pair_state.size), n_try)
        choice = np.arange(pair.size) + np.repeat(lo - np.cumsum(n_try) + n_try, n_try)
        c = menus.capacity[choice]
        left = np.maximum(available[pair] - c, 0.0)  # what issuing min(capacity, available) leaves
        adjusted = (pair_total - s.hire_yen * now)[pair] + menus.cost[choice]
        late = None
        if t < s.lead_months:
            late = np.maximum(carry[pair_state][pair] - c, 0.0)
            adjusted = adjusted + s.late_yen * late
        if t == m - 1:
            ok = np.flatnonzero(left <= 0.5)
            pair, choice, left, adjusted = pair[ok], choice[ok], left[ok], adjusted[ok]
            late = None if late is None else late[ok]
        if pair.size == 0:
            raise ValueError("optimal: no feasible plan (check the office limit and supply)")
        new_level = pair_level[pair]
        order, rise_top = _pareto(adjusted, left, new_level, n_levels)
        if s.states_per_level > 0 and s.states_per_level * n_levels < order.size:
            lev = new_level[order]
            cost = adjusted[order] + s.hire_yen * grid[lev]
            order = order[_thin(np.arange(order.size), left[order], cost, lev, s.states_per_level)]
            rise_top = _risen_to(adjusted[order], left[order], new_level[order], n_levels)
        kept_pair, kept_choice = pair[order], choice[order]
        parent = pair_state[kept_pair]
        kept_late = np.zeros(order.size) if late is None else late[order]
        total = pair_total[kept_pair] + menus.cost[kept_choice] + s.late_yen * kept_late
        carry_next = left[order]
        issued = available[kept_pair] - carry_next
        trail.append((parent, kept_choice, issued, new_level[order], kept_late))
        carry, spent, level = carry_next, total, new_level[order]

    issuance = np.zeros(m, dtype=np.int64)
    weekend = np.zeros(m, dtype=np.int64)
    dedicated = np.zeros(m, dtype=np.int64)
    late_cards = np.zeros(m)
    needed = np.zeros(m)
    levels = np.zeros(m)
    state = int(np.argmin(spent))
    set_up_cost = 0.0
    for t in range(m - 1, -1, -1):
        parent, choice, issued, new_level, late = trail[t]
        k = int(choice[state])
        issuance[t] = round(float(issued[state]))
        weekend[t] = int(menus.weekend[k])
        dedicated[t] = int(menus.dedicated[k])
        needed[t] = float(menus.added[k])
        levels[t] = float(grid[int(new_level[state])])
        late_cards[t] = float(late[state])
        set_up_cost += float(menus.cost[k])
        state = int(parent[state])
    # The staff the plan holds: its set-ups' own, kept to the end of the appointment period,
    # and, where a new period starts below the level the programme kept, that level.
    held = np.zeros(m)
    kept = np.zeros(m)
    for t in range(m):
        if t == 0:
            held[t] = needed[t]
        elif starts[t]:
            held[t] = max(needed[t], min(levels[t], held[t - 1]))
            kept[t] = held[t] if held[t] > needed[t] else 0.0
        else:
            held[t] = max(needed[t], held[t - 1])
    # Priced exactly: the staff the plan holds, not the level of the state they rounded up to.
    step = np.diff(held, prepend=0.0)
    cost = (
        set_up_cost
        + s.staff_yen * float(held.sum())
        + s.hire_yen * float(np.maximum(step, 0.0).sum())
        + s.release_yen * float(np.maximum(-step, 0.0).sum())
    )
    return SettingResult(issuance, weekend, dedicated, cost, late_cards, held, kept)


def capacity_cost(cap: Capacity, profiles: Profiles, params: Mapping[str, Any]) -> FloatArray:
    """The programme's objective for any plan's capacity (N,): to compare methods."""
    rules = OptimalParameters.from_rules(params)
    staff_added = np.maximum(cap.staff - profiles.staff[:, None], 0)
    in_office = cap.dedicated_counters - cap.offsite_counters + cap.combined_counters
    now = (profiles.dedicated_counters + profiles.combined_counters)[:, None]
    counters_added = np.maximum(in_office - now, 0)
    terminals_added = np.maximum(cap.terminals - profiles.terminals[:, None], 0)
    weekend_staff = cap.weekend_days * (
        cap.dedicated_counters * rules.staff_per_dedicated_counter
        + cap.combined_counters * rules.staff_per_combined_counter
    )
    monthly = (
        staff_added * profiles.staff_month_yen[:, None]
        + counters_added * rules.counter_month_yen
        + cap.offsite_counters * profiles.offsite_counter_month_yen[:, None]
        + terminals_added * rules.terminal_month_yen
        + weekend_staff * rules.weekend_staff_day_yen
    )
    # Taking staff on and letting them go, as the budget prices it (issue 11).
    once = hiring_yen(cap.staff, profiles.staff, params).sum(axis=1)
    return np.asarray(monthly.sum(axis=1) + once, dtype=np.float64)


# Municipalities from which the programme is spread over the machine's cores: below it,
# starting the processes costs more than it saves.
_POOL_FROM = 256
# Municipalities per task given to a process: the largest (slowest) go first, in small tasks,
# so that both processes finish together.
_CHUNK = 16


def _solve_named(work: list[tuple[str, Setting]]) -> list[SettingResult]:
    out = []
    for code, setting in work:
        try:
            out.append(solve_setting(setting))
        except ValueError as exc:
            raise ValueError(f"{code}: {exc}") from None
    return out


def _solve_all(
    codes: list[str],
    settings: list[Setting],
    solved: Callable[[int], None],
    workers: int | None,
) -> list[SettingResult]:
    """Every municipality's programme, in a pool of processes when there are many."""
    n = len(settings)
    if workers is None:
        workers = (os.cpu_count() or 1) if n >= _POOL_FROM else 1
    if workers <= 1 or n < 2:
        results = []
        for code, setting in zip(codes, settings, strict=True):
            results.extend(_solve_named([(code, setting)]))
            solved(1)
        return results
    largest_first = np.argsort([-float(s.supply.sum()) for s in settings], kind="stable")
    chunks = [largest_first[k : k + _CHUNK].tolist() for k in range(0, n, _CHUNK)]
    out: list[SettingResult | None] = [None] * n
    # Forking is safe (and starts at once) only from a process with no other thread.
    context = mp.get_context("fork" if threading.active_count() == 1 else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        tasks = {
            pool.submit(_solve_named, [(codes[i], settings[i]) for i in chunk]): chunk
            for chunk in chunks
        }
        for task in as_completed(tasks):
            chunk = tasks[task]
            for i, result in zip(chunk, task.result(), strict=True):
                out[i] = result
            solved(len(chunk))
    return [r for r in out if r is not None]


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
    solved: Callable[[int], None] = lambda _n: None,
    workers: int | None = None,
) -> OptimalSchedule:
    """Solve every municipality. ``supply`` (N, M) is the cards that arrive;
    ``evening_days`` (N, M) the evening opening the engine counts as extra open days;
    ``solved(1)`` is told after each municipality (the slow step: a caller's progress).

    ``fallback``: another plan of the same arrivals, its issuance and weekend days (the
    ``delivery`` plan). The programme holds staff as the engine does
    (:func:`kofuplan.domain.capacity.hold_staff`) but, for a municipality that could add more
    staff than ``optimal.staff_levels``, on levels rounded up; where that makes its plan
    dearer than the fallback at the engine's prices (:func:`capacity_cost`), the municipality
    keeps the fallback.

    ``workers``: processes solving municipalities side by side (None: one per core, for
    :data:`_POOL_FROM` municipalities or more; the plan is the same whatever the number)."""
    results = _solve_all(
        profiles.lg_code.tolist(),
        settings_of(supply, profiles, calendar, params, evening_days),
        solved,
        workers,
    )
    issuance = np.stack([r.issuance for r in results]).astype(np.int64)
    weekend = np.stack([r.weekend_days for r in results]).astype(np.int64)
    late = np.stack([r.late_cards for r in results])
    # Where the programme keeps staff on into a new appointment period (cheaper than letting
    # them go and hiring again), the plan keeps them.
    kept = np.stack([r.kept_staff for r in results])
    floor = np.where(kept > 0, np.rint(kept) + profiles.staff[:, None], 0).astype(np.int64)
    cap = plan_capacity(
        issuance, profiles, calendar, params, evening_days, weekend=weekend, staff_floor=floor
    )
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
            floor = np.where(dearer[:, None], 0, floor)
            cap = plan_capacity(
                issuance,
                profiles,
                calendar,
                params,
                evening_days,
                weekend=weekend,
                staff_floor=floor,
            )
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
