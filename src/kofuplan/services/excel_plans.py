"""Use cases around the plan workbooks: the proposed plan into templates, filled workbooks
back into the plan contract (``plan_monthly.csv``), and the R6.1 checks on what came back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain import calendar as cal_mod
from kofuplan.domain.budget import COST_ITEMS
from kofuplan.domain.capacity import (
    capacity_of,
    effective_combined_daily,
    recruit_start,
)
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan import plan_demand
from kofuplan.domain.plan_table import PlanTable, table_of
from kofuplan.domain.profiles import Profiles, StatsRows, build_profiles
from kofuplan.domain.promotion import PROMOTION_FIELDS, evening_day_equivalents
from kofuplan.domain.rule_values import CapacityRules
from kofuplan.domain.schedule import Demand
from kofuplan.domain.workbook import (
    BudgetLine,
    PlanWorkbook,
    Profile,
    TemplateCalendar,
    plan_workbook,
)
from kofuplan.errors import InputError
from kofuplan.parameters import Snapshot
from kofuplan.services.checking import check_table
from kofuplan.services.planning import PlanRun

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def template_contents(
    run: PlanRun, lg_codes: Sequence[str]
) -> list[tuple[PlanWorkbook, TemplateCalendar]]:
    """The engine's proposed plan for each municipality, as the template shows it."""
    plan = run.plan
    p = plan.profiles
    index = {str(code): i for i, code in enumerate(p.lg_code)}
    unknown = [c for c in lg_codes if c not in index]
    if unknown:
        raise InputError(f"--lg-code {', '.join(unknown)}: この団体コードは統計にありません")
    table = plan.table()
    b = plan.budget
    costs = [k for k, item in enumerate(b.items) if item in COST_ITEMS]
    grant_k = b.items.index("estimated_grant")
    out = []
    for code in lg_codes:
        i = index[code]
        lines = [
            BudgetLine(int(fy), b.items[k], int(b.yen[i, f, k]))
            for f, fy in enumerate(b.fiscal_years)
            for k in costs
        ]
        profile = Profile(
            lg_code=code,
            name=str(p.name[i]),
            population=int(p.population[i]),
            cumulative_issued=int(p.issued[i]),
            dedicated_daily_per_counter=float(p.dedicated_daily_per_counter[i]),
            combined_daily_per_counter=float(p.combined_daily_per_counter[i]),
            office_max_counters=int(p.office_max_counters[i]),
            # The grant over the whole plan, as the engine's budget counts it per fiscal year.
            estimated_grant_yen=int(b.yen[i, :, grant_k].sum()),
            dedicated_counters_now=int(p.dedicated_counters[i]),
            combined_counters_now=int(p.combined_counters[i]),
            staff_now=int(p.staff[i]),
            terminals_now=int(p.terminals[i]),
            recent_daily_issuance=float(p.recent_daily_issuance[i]),
            pref_name=str(p.pref_name[i]),
        )
        out.append(plan_workbook(profile, table, i, lines, p.promotion[i]))
    return out


@dataclass(frozen=True)
class ImportedPlans:
    """Filled workbooks as (municipalities, months) arrays, with the derived contract columns."""

    profiles: Profiles
    workbooks: tuple[PlanWorkbook, ...]
    months: tuple[str, ...]
    issuance: IntArray
    cumulative_issued: IntArray
    open_weekdays: IntArray  # (M,)
    required_weekend_days: IntArray  # (M,)
    weekend_days: IntArray
    open_days: IntArray
    dedicated_counters: IntArray
    dedicated_daily_per_counter: FloatArray
    combined_counters: IntArray
    combined_daily_per_counter: FloatArray  # after the seasonal share
    evening_day_equivalents: FloatArray  # evening opening as open days (R8.3)
    capacity: IntArray
    offsite_counters: IntArray
    staff: IntArray
    terminals: IntArray
    recruit_start_index: IntArray
    demand: Demand  # expected applications and deliveries, as the engine computes them

    def table(self) -> PlanTable:
        """The imported plans as the plan table every consumer takes (no text in between)."""
        pop = np.maximum(self.profiles.population, 1)[:, None]
        return table_of(
            self.profiles.lg_code,
            self.months,
            counts={
                "issuance": self.issuance,
                "cumulative_issued": self.cumulative_issued,
                "open_weekdays": self.open_weekdays[None, :],
                "weekend_days": self.weekend_days,
                "required_weekend_days": self.required_weekend_days[None, :],
                "open_days": self.open_days,
                "dedicated_counters": self.dedicated_counters,
                "combined_counters": self.combined_counters,
                "capacity": self.capacity,
                "offsite_counters": self.offsite_counters,
                "staff": self.staff,
                "terminals": self.terminals,
            },
            decimals={
                "coverage_pct": self.cumulative_issued / pop * 100.0,
                "dedicated_daily_per_counter": self.dedicated_daily_per_counter,
                "combined_daily_per_counter": self.combined_daily_per_counter,
                "evening_day_equivalents": self.evening_day_equivalents,
            },
            recruit_start_index=self.recruit_start_index,
        )


def _stack(books: Sequence[PlanWorkbook], name: str, months: int) -> IntArray:
    return np.array([b.counts[name] for b in books], dtype=np.int64).reshape(len(books), months)


def import_plans(
    books: Sequence[PlanWorkbook], params: Snapshot, calendar: cal_mod.MonthCalendar
) -> ImportedPlans:
    """Derive every column of the plan contract from the workbooks, as the engine does."""
    if books and books[0].months != calendar.months:
        raise InputError(
            f"ブックの月（{books[0].months[0]}〜）が計画の月（{calendar.months[0]}〜）と合いません"
        )
    codes = np.array([b.profile.lg_code for b in books], dtype=np.str_)
    n = len(books)
    stats = StatsRows(
        lg_code=codes,
        pref_code=np.array([c[:2] for c in codes.tolist()], dtype=np.str_),
        pref_name=np.array([""] * n, dtype=np.str_),
        name=np.array([b.profile.name for b in books], dtype=np.str_),
        municipality_type=np.array([""] * n, dtype=np.str_),
        population=np.array([b.profile.population for b in books], dtype=np.int64),
        issued=np.array([b.profile.cumulative_issued for b in books], dtype=np.int64),
        recent_increase=np.zeros(n, dtype=np.int64),
        recent_days=np.zeros(n, dtype=np.int64),
    )
    given = {b.profile.lg_code: {**profile_fields(b.profile), **promotion_fields(b)} for b in books}
    # Today's pace as the workbook carries it (the statistics at the template's making).
    pace = np.array([b.profile.recent_daily_issuance for b in books], dtype=np.float64)
    profiles = replace(build_profiles(stats, given, params), recent_daily_issuance=pace)
    m = len(calendar.months)
    issuance = _stack(books, "issuance", m)
    weekend = _stack(books, "weekend_days", m)
    dedicated = _stack(books, "dedicated_counters", m)
    combined = _stack(books, "combined_counters", m)
    staff = _stack(books, "staff", m)
    open_days = calendar.open_weekdays[None, :] + weekend
    # Evening opening (R8.3) adds counter days, as the engine and the checks count it.
    promotions = dict(zip(codes.tolist(), profiles.promotion.tolist(), strict=True))
    evenings = np.round(
        evening_day_equivalents(
            codes.tolist(),
            calendar.months,
            promotions,
            CapacityRules.from_rules(params).counter_hours_per_day,
        ),
        2,
    )
    ded_daily = np.broadcast_to(profiles.dedicated_daily_per_counter[:, None], (n, m)).copy()
    comb_daily = effective_combined_daily(
        profiles, calendar, CapacityRules.from_rules(params).combined_card_share_by_month
    )
    return ImportedPlans(
        profiles=profiles,
        workbooks=tuple(books),
        months=calendar.months,
        issuance=issuance,
        cumulative_issued=profiles.issued[:, None] + np.cumsum(issuance, axis=1),
        open_weekdays=calendar.open_weekdays,
        required_weekend_days=calendar.required_weekend_days,
        weekend_days=weekend,
        open_days=open_days,
        dedicated_counters=dedicated,
        dedicated_daily_per_counter=ded_daily,
        combined_counters=combined,
        combined_daily_per_counter=comb_daily,
        evening_day_equivalents=evenings,
        capacity=capacity_of(dedicated, ded_daily, combined, comb_daily, open_days + evenings),
        offsite_counters=_stack(books, "offsite_counters", m),
        staff=staff,
        terminals=_stack(books, "terminals", m),
        recruit_start_index=recruit_start(staff, profiles.staff, params),
        demand=plan_demand(profiles, calendar, params),
    )


def profile_fields(profile: Profile) -> dict[str, Any]:
    """A workbook's profile as the engine's profile fields (``--profiles`` CSV)."""
    return {
        "dedicated_counters": profile.dedicated_counters_now,
        "dedicated_daily_per_counter": profile.dedicated_daily_per_counter,
        "combined_counters": profile.combined_counters_now,
        "combined_daily_per_counter": profile.combined_daily_per_counter,
        "staff": profile.staff_now,
        "terminals": profile.terminals_now,
        "office_max_counters": profile.office_max_counters,
    }


def promotion_fields(book: PlanWorkbook) -> dict[str, Any]:
    """A workbook's promotion section as the engine's profile fields (None: not given)."""
    return {name: getattr(book.promotion, name) for name in PROMOTION_FIELDS}


def municipality_rows(plans: ImportedPlans) -> list[dict[str, Any]]:
    """The rest of each workbook's profile: name, statistics, the grant for the whole plan."""
    return [
        {
            "lg_code": p.lg_code,
            "name": p.name,
            "population": p.population,
            "cumulative_issued": p.cumulative_issued,
            "estimated_grant_total_yen": p.estimated_grant_yen,
        }
        for p in (b.profile for b in plans.workbooks)
    ]


def budget_rows(plans: ImportedPlans) -> list[dict[str, Any]]:
    return [
        {
            "lg_code": b.profile.lg_code,
            "fiscal_year": line.fiscal_year,
            "item": line.item,
            "yen": line.yen,
        }
        for b in plans.workbooks
        for line in b.budget
    ]


def check_imported(
    plans: ImportedPlans, params: Snapshot, calendar: cal_mod.MonthCalendar, as_of: dt.date
) -> list[Finding]:
    """The prefecture's checks (issue 3: R6.1, R1.2, R2.3, R5.1 and the promotion codes) on
    the imported plans, exactly as ``kofuplan check`` runs them on a plan_monthly.csv.

    The profiles are the workbooks' own (statistics and today's counters, staff, rates and
    office). The budget check uses the engine's costs and grant; the clerk's budget table is
    carried to budget.csv but not checked (its grant is a whole-period figure).
    """
    # The workbook reader has refused every flawed cell: no problem of form is left (R1.2).
    return check_table(plans.table(), [], plans.profiles, calendar, params, as_of).findings
