"""Prefecture and national sums of a plan, against the national aims (R8.2, R8.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.plan import Plan
from kofuplan.domain.rule_values import NationalRules

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Totals:
    """Monthly sums over a group of municipalities."""

    issuance: IntArray
    capacity: IntArray
    dedicated_counters: IntArray
    combined_counters: IntArray
    offsite_counters: IntArray
    staff: IntArray
    terminals: IntArray
    target: int
    population: int
    issued_before: int


def totals(plan: Plan, mask: npt.NDArray[np.bool_] | None = None) -> Totals:
    sel = slice(None) if mask is None else mask
    cap = plan.capacity
    p = plan.profiles
    return Totals(
        issuance=plan.issuance[sel].sum(axis=0),
        capacity=cap.capacity[sel].sum(axis=0),
        dedicated_counters=cap.dedicated_counters[sel].sum(axis=0),
        combined_counters=cap.combined_counters[sel].sum(axis=0),
        offsite_counters=cap.offsite_counters[sel].sum(axis=0),
        staff=cap.staff[sel].sum(axis=0),
        terminals=cap.terminals[sel].sum(axis=0),
        target=int(p.target[sel].sum()),
        population=int(p.population[sel].sum()),
        issued_before=int(p.issued[sel].sum()),
    )


def by_prefecture(plan: Plan) -> dict[str, Totals]:
    codes = plan.profiles.pref_code
    return {str(c): totals(plan, codes == c) for c in np.unique(codes)}


@dataclass(frozen=True)
class NationalAims:
    peak_month: str
    peak_issuance: int
    monthly_aim: int
    months_over_aim: tuple[str, ...]
    first_month_at_aim: str | None
    daily_pace: dict[str, float]  # cards per open weekday, each month
    daily_pace_aim: int
    months_at_daily_aim: tuple[str, ...]
    counters_added_by_end: int
    staff_added_by_end: int
    # The most added in any month, and that month: a plan's set-up is built for its peak.
    counters_added_at_peak: int
    counters_peak_month: str
    staff_added_at_peak: int
    staff_peak_month: str


def national_aims(plan: Plan, params: Mapping[str, Any]) -> NationalAims:
    nat = totals(plan)
    months = plan.months
    national = NationalRules.from_rules(params)
    aim = national.monthly_issuance_aim
    daily_aim = round(national.daily_pace_now * national.daily_pace_multiplier)
    peak = int(np.argmax(nat.issuance))
    over = tuple(m for m, x in zip(months, nat.issuance, strict=True) if x >= aim)
    pace = nat.issuance / np.maximum(plan.calendar.open_weekdays, 1)
    p = plan.profiles
    counters_now = int((p.dedicated_counters + p.combined_counters).sum())
    counters = nat.dedicated_counters + nat.combined_counters
    counters_end = int(counters[-1])
    counters_peak = int(np.argmax(counters))
    staff_peak = int(np.argmax(nat.staff))
    return NationalAims(
        peak_month=months[peak],
        peak_issuance=int(nat.issuance[peak]),
        monthly_aim=aim,
        months_over_aim=over,
        first_month_at_aim=over[0] if over else None,
        daily_pace={m: round(float(x), 1) for m, x in zip(months, pace, strict=True)},
        daily_pace_aim=daily_aim,
        months_at_daily_aim=tuple(m for m, x in zip(months, pace, strict=True) if x >= daily_aim),
        counters_added_by_end=counters_end - counters_now,
        staff_added_by_end=int(plan.capacity.staff[:, -1].sum() - p.staff.sum()),
        counters_added_at_peak=int(counters[counters_peak]) - counters_now,
        counters_peak_month=months[counters_peak],
        staff_added_at_peak=int(nat.staff[staff_peak] - p.staff.sum()),
        staff_peak_month=months[staff_peak],
    )
