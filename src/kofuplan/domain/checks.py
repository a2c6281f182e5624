"""The prefecture's checks of a municipal plan (R6.1), its staffing lead time (R2.3) and its
costs against the grant (R5.1), over (municipalities, months) arrays.

The checks recompute nothing their own way: the capacity of the planned counters, the
seasonal share of combined counters, the fewest dedicated counters that suffice, the staff a
month needs and when to recruit them all come from :mod:`kofuplan.domain.capacity`, and the
costs from :mod:`kofuplan.domain.budget`. A plan made by the engine therefore passes every
error check by construction, and a plan one counter short fails exactly where it is short.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain import advice
from kofuplan.domain.budget import Budget, fiscal_year
from kofuplan.domain.calendar import MonthCalendar, add_months
from kofuplan.domain.capacity import (
    NO_RECRUIT,
    Capacity,
    capacity_of,
    effective_combined_daily,
    fewest_dedicated,
    recruit_start,
    staff_and_terminals,
    staff_without_hiring,
)
from kofuplan.domain.findings import Finding, FindingCode
from kofuplan.domain.plan_form import R1_2
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.promotion import evening_day_equivalents
from kofuplan.domain.rule_values import CapacityRules, CheckRules, StaffingRules

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

R6_1_1 = FindingCode(
    "R6.1-1", "error", "令和4年度末までにほとんどの住民が保有する交付枚数になっていない"
)
R6_1_2 = FindingCode("R6.1-2", "error", "現在の1日当たり平均交付枚数に照らして窓口数が足りない")
R6_1_3 = FindingCode("R6.1-3", "error", "庁舎内に収まらない窓口を庁舎外の臨時窓口で補っていない")
R6_1_4 = FindingCode("R6.1-4", "error", "土日の交付日が毎週土日のいずれかの開設に満たない")
R2_3 = FindingCode("R2.3", "warning", "職員の増員に計画作成前からの募集・研修が必要")
R5_1 = FindingCode("R5.1", "warning", "年度の経費見込額が概算交付見込額を上回る")
CODES: tuple[FindingCode, ...] = (R6_1_1, R6_1_2, R6_1_3, R6_1_4, R1_2, R2_3, R5_1)
CODE_ORDER = {c.code: k for k, c in enumerate(CODES)}

# A per-counter figure the plan states that equals today's figure to the hundredth (as the
# engine writes it) is today's figure: keep its full precision.
_SAME_RATE = 0.005 + 1e-9


def _stated_or(stated: FloatArray, current: FloatArray) -> FloatArray:
    use_current = np.isnan(stated) | (np.abs(stated - current) <= _SAME_RATE)
    out: FloatArray = np.where(use_current, current, stated)
    return out


def complete_plan(
    figures: PlanTable,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    presetup_cards_per_staff_day: FloatArray | None = None,
) -> Capacity:
    """The plan's counters with every other column derived as the engine derives it.

    ``profiles`` must be aligned with ``figures.lg_code``. Weekend days above the month's
    Saturdays and Sundays count as those (R1.2 reports them). Off-site counters are among
    the dedicated counters, as the engine writes them. ``presetup_cards_per_staff_day`` (N,),
    aligned too, where each municipality has its own (``staff_and_terminals``).
    """
    n, m = figures.issuance.shape
    rates = CapacityRules.from_rules(params)
    valid = figures.valid
    available = (calendar.saturdays + calendar.sundays)[None, :]
    weekend = np.minimum(figures.weekend_days, available)
    open_days = calendar.open_weekdays[None, :] + weekend
    ded_now = np.broadcast_to(profiles.dedicated_daily_per_counter[:, None], (n, m))
    comb_now = effective_combined_daily(profiles, calendar, rates.combined_card_share_by_month)
    ded_daily = _stated_or(figures.stated("dedicated_daily_per_counter"), ded_now)
    comb_daily = _stated_or(figures.stated("combined_daily_per_counter"), comb_now)
    dedicated = figures.dedicated_counters
    combined = figures.combined_counters
    # Evening opening (R8.3) adds counter days, as in the engine.
    codes = [str(c) for c in figures.lg_code]
    promotions = dict(zip(codes, profiles.promotion.tolist(), strict=True))
    evenings_now = np.round(
        evening_day_equivalents(codes, calendar.months, promotions, rates.counter_hours_per_day),
        2,
    )
    stated = figures.stated("evening_day_equivalents")
    evenings: FloatArray = np.where(np.isnan(stated), evenings_now, stated)
    counter_days = open_days + evenings
    capacity = capacity_of(dedicated, ded_daily, combined, comb_daily, counter_days)
    issuance = np.where(valid, figures.issuance, 0)
    back, staff_needed, terminals = staff_and_terminals(
        issuance,
        dedicated,
        combined,
        calendar.open_weekdays[None, :],
        params,
        None if presetup_cards_per_staff_day is None else presetup_cards_per_staff_day[:, None],
    )
    staff = np.where(valid, np.where(figures.given["staff"], figures.staff, staff_needed), 0)
    recruit = recruit_start(staff, profiles.staff, params)
    return Capacity(
        weekend_days=weekend,
        open_days=open_days,
        evening_day_equivalents=evenings,
        dedicated_counters=np.where(valid, dedicated, 0),
        dedicated_daily_per_counter=ded_daily,
        combined_counters=np.where(valid, combined, 0),
        combined_daily_per_counter=comb_daily,
        capacity=capacity,
        offsite_counters=np.where(valid, np.minimum(figures.offsite_counters, dedicated), 0),
        backoffice_staff=back,
        staff=staff,
        terminals=np.where(valid, terminals, 0),
        recruit_start_index=recruit,
    )


def planned_issuance(figures: PlanTable) -> IntArray:
    return figures.planned_issuance


def check_plan(
    figures: PlanTable,
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    cap: Capacity,
    budget: Budget,
) -> list[Finding]:
    """Every finding of R6.1-1…4, R2.3, R5.1 (and R1.2 for impossible weekend days)."""
    months = calendar.months
    codes = [str(c) for c in figures.lg_code]
    valid = figures.valid
    issuance = planned_issuance(figures)
    found: list[Finding] = []

    def cells(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
        return [(int(i), int(j)) for i, j in zip(*np.nonzero(mask & valid), strict=True)]

    def add(
        code: FindingCode, i: int, month: str | None, value: float, threshold: float, msg: str
    ) -> None:
        found.append(Finding(codes[i], month, code.code, code.severity, value, threshold, msg))

    # R1.2: more weekend days than the month has.
    available = calendar.saturdays + calendar.sundays
    for i, j in cells(figures.weekend_days > available[None, :]):
        w, a = int(figures.weekend_days[i, j]), int(available[j])
        add(R1_2, i, months[j], w, a, advice.weekend_days_over_month(months[j], w, a))

    # R6.1-1: the cumulative at the end of the plan against the nearly_all rule.
    share = CheckRules.from_rules(params).nearly_all_share
    cumulative = profiles.issued + issuance.sum(axis=1)
    needed = np.array([math.ceil(share * int(p) - 1e-9) for p in profiles.population])
    for i in np.nonzero(cumulative < needed)[0].tolist():
        c, t = int(cumulative[i]), int(needed[i])
        add(R6_1_1, i, None, c, t, advice.short_of_nearly_all(c, t, months[-1]))

    # R6.1-2: the planned counters at today's throughput over the open days.
    short = cap.capacity < issuance
    if short.any():
        fewest = fewest_dedicated(
            issuance,
            cap.dedicated_daily_per_counter,
            figures.combined_counters,
            cap.combined_daily_per_counter,
            cap.open_days + cap.evening_day_equivalents,
        )
        for i, j in cells(short):
            more = int(fewest[i, j] - figures.dedicated_counters[i, j])
            c, q = int(cap.capacity[i, j]), int(issuance[i, j])
            rate = float(cap.dedicated_daily_per_counter[i, j])
            add(R6_1_2, i, months[j], c, q, advice.counters_short(months[j], c, q, more, rate))

    # R6.1-3: counters in the office beyond what it holds, not moved off-site.
    in_office = (
        figures.dedicated_counters
        - np.minimum(figures.offsite_counters, figures.dedicated_counters)
        + figures.combined_counters
    )
    office = profiles.office_max_counters[:, None]
    for i, j in cells(in_office > office):
        k, o = int(in_office[i, j]), int(office[i, 0])
        add(R6_1_3, i, months[j], k, o, advice.office_over(months[j], k, o))

    # R6.1-4: at least one of Saturday or Sunday every week (R2.1).
    required = calendar.required_weekend_days[None, :]
    for i, j in cells(figures.weekend_days < required):
        w, r = int(figures.weekend_days[i, j]), int(required[0, j])
        add(R6_1_4, i, months[j], w, r, advice.weekend_short(months[j], w, r))

    # R2.3: a rise in staff whose recruiting had to start before the plan's first month.
    lead = StaffingRules.from_rules(params).recruit_lead_months
    late = (cap.recruit_start_index != NO_RECRUIT) & (cap.recruit_start_index < 0)
    if late.any():
        base = staff_without_hiring(profiles.staff, params)
        before = np.maximum.accumulate(
            np.concatenate([base[:, None], cap.staff[:, :-1]], axis=1), axis=1
        )
        for i, j in cells(late):
            s, b = int(cap.staff[i, j]), int(before[i, j])
            start = add_months(months[0], int(cap.recruit_start_index[i, j]))
            add(R2_3, i, months[j], s, b, advice.recruit_late(months[j], s, b, start, lead))

    # R5.1: each fiscal year's costs against the estimated grant.
    total = budget.yen[:, :, budget.items.index("total")]
    grant = budget.yen[:, :, budget.items.index("estimated_grant")]
    for i, f in zip(*np.nonzero(total > grant), strict=True):
        fy = budget.fiscal_years[int(f)]
        first = next(mo for mo in months if fiscal_year(mo) == fy)
        t, g = int(total[i, f]), int(grant[i, f])
        add(R5_1, int(i), first, t, g, advice.cost_over_grant(fy, t, g))

    return found


def sort_findings(findings: list[Finding], lg_order: Mapping[str, int]) -> list[Finding]:
    """Municipality (in the plan's order, unknown codes last), then month, then code."""
    return sorted(
        findings,
        key=lambda f: (
            lg_order.get(f.lg_code, len(lg_order)),
            f.lg_code,
            f.month or "",
            CODE_ORDER.get(f.code, len(CODE_ORDER)),
        ),
    )
