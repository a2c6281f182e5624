"""Use case: check municipal plans as the prefecture must (R6.1, R1.2, R2.3, R5.1).

The calendar, the profiles and the budget are the plan engine's own (``planning``), so a plan
from ``kofuplan plan`` meets every error check by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kofuplan.domain.budget import Budget, plan_budget
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import Capacity, FloatArray
from kofuplan.domain.check_summary import national_against_aim, prefecture_passes
from kofuplan.domain.checks import CODES, check_plan, complete_plan, planned_issuance, sort_findings
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan import plan_demand
from kofuplan.domain.plan_form import PlanBounds, PlanRow, read_plan_form
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.promotion import CODES as PROMOTION_CODES
from kofuplan.domain.promotion import has_promotion_section, promotion_findings
from kofuplan.domain.rule_values import NationalRules, PromotionRules
from kofuplan.parameters import Snapshot


def promotion_checks(
    profiles: Profiles, calendar: MonthCalendar, params: Snapshot
) -> list[Finding]:
    """R2.4, R3.2–R3.4 on each municipality's promotion section.

    Only municipalities whose inputs have a promotion section are checked: the statistics
    alone say nothing of mailings or events, and the summary counts who gave none."""
    applications = plan_demand(profiles, calendar, params).applications.sum(axis=1)
    deadline = PromotionRules.from_rules(params).qr_mailing_deadline
    out: list[Finding] = []
    for i, code in enumerate(profiles.lg_code.tolist()):
        if not has_promotion_section(profiles.promotion[i]):
            continue
        out += promotion_findings(
            code,
            profiles.promotion[i],
            deadline,
            float(applications[i]),
            int(profiles.target[i]),
        )
    return out


@dataclass(frozen=True)
class CheckRun:
    as_of: dt.date
    params: Snapshot
    calendar: MonthCalendar
    figures: PlanTable
    profiles: Profiles  # aligned with figures.lg_code
    capacity: Capacity
    budget: Budget
    findings: list[Finding]

    @property
    def cumulative_issued(self) -> Any:
        return self.profiles.issued[:, None] + np.cumsum(planned_issuance(self.figures), axis=1)


def check_rows(
    rows: Sequence[PlanRow],
    all_profiles: Profiles,
    calendar: MonthCalendar,
    params: Snapshot,
    as_of: dt.date,
    presetup_cards_per_staff_day: FloatArray | None = None,
) -> CheckRun:
    """Check the plan rows against the municipalities of ``all_profiles`` (with their own
    ``presetup_cards_per_staff_day``, aligned with them, where given: ``complete_plan``)."""
    known = [str(c) for c in all_profiles.lg_code]
    figures, form = read_plan_form(rows, calendar.months, known, PlanBounds.from_rules(params))
    return check_table(
        figures, form, all_profiles, calendar, params, as_of, presetup_cards_per_staff_day
    )


def check_table(
    figures: PlanTable,
    form: list[Finding],
    all_profiles: Profiles,
    calendar: MonthCalendar,
    params: Snapshot,
    as_of: dt.date,
    presetup_cards_per_staff_day: FloatArray | None = None,
) -> CheckRun:
    """The prefecture's checks (``check_plan`` and the promotion section) of a plan table whose
    form has been read (``form``: its R1.2 findings), against ``all_profiles``."""
    where = {str(c): k for k, c in enumerate(all_profiles.lg_code)}
    index = np.array([where[str(c)] for c in figures.lg_code], dtype=np.intp)
    profiles = all_profiles.take(index)
    presetup = None if presetup_cards_per_staff_day is None else presetup_cards_per_staff_day[index]
    cap = complete_plan(figures, profiles, calendar, params, presetup)
    budget = plan_budget(calendar.months, planned_issuance(figures), cap, profiles, params)
    found = check_plan(figures, profiles, calendar, params, cap, budget)
    found += promotion_checks(profiles, calendar, params)
    order = {str(c): k for k, c in enumerate(figures.lg_code)}
    findings = sort_findings(form + found, order)
    return CheckRun(as_of, params, calendar, figures, profiles, cap, budget, findings)


def check_summary(run: CheckRun) -> dict[str, Any]:
    """Counts by severity and code, passes per prefecture, the nation against R8.4."""
    by_severity = {s: 0 for s in ("error", "warning", "info")}
    by_code = {c.code: 0 for c in (*CODES, *PROMOTION_CODES)}
    for f in run.findings:
        by_severity[f.severity] += 1
        by_code[f.code] = by_code.get(f.code, 0) + 1
    codes = [str(c) for c in run.figures.lg_code]
    prefs = [str(p) for p in run.profiles.pref_code]
    return {
        "as_of": run.as_of.isoformat(),
        "months": list(run.calendar.months),
        "municipalities_checked": len(codes),
        "municipalities_with_errors": len(
            {f.lg_code for f in run.findings if f.severity == "error"}
        ),
        "findings_by_severity": by_severity,
        "municipalities_without_promotion_section": sum(
            1 for p in run.profiles.promotion.tolist() if not has_promotion_section(p)
        ),
        "findings_by_code": by_code,
        "prefectures": prefecture_passes(codes, prefs, run.findings, (*CODES, *PROMOTION_CODES)),
        "national": national_against_aim(
            run.calendar.months,
            planned_issuance(run.figures),
            NationalRules.from_rules(run.params).monthly_issuance_aim,
        ),
    }
