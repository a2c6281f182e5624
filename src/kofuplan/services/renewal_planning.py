"""Use case: plan and check the renewal wave with the issuance plan's engine (issue 17, item 3).

The municipalities' set-up (counters, staff, office, weekend policy, costs) is read as for the
issuance plan: the latest statistics snapshot and the municipality's own inputs, with the same
dated defaults. The renewal window runs from the as-of date's month (at the earliest the
rules' renewal.period_start) to renewal.period_end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from kofuplan.domain.findings import Finding
from kofuplan.domain.plan import Plan
from kofuplan.domain.plan_form import PlanRow
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.renewal import RenewalDemand, RenewalRules
from kofuplan.domain.renewal_plan import (
    applies_to_renewal,
    make_renewal_plan,
    renewal_profiles,
    renewal_values,
)
from kofuplan.errors import InputError
from kofuplan.parameters import Snapshot
from kofuplan.services.checking import CheckRun, check_rows
from kofuplan.services.planning import first_plan_month, load_profiles, plan_calendar, rules_at
from kofuplan.services.ports import RenewalSource, StatsSource
from kofuplan.services.renewal_checks import with_values
from kofuplan.services.renewals import RenewalRun, run_renewals


@dataclass(frozen=True)
class RenewalPlanRun:
    plan: Plan
    params: Snapshot
    as_of: dt.date
    renewals: RenewalRun
    window: RenewalDemand
    profiles_snapshot: str  # the statistics snapshot the set-up was read from


def _setup(
    stats: StatsSource, as_of: dt.date, sources: RenewalSource
) -> tuple[RenewalRun, RenewalDemand, Snapshot, Profiles, str]:
    base = rules_at(as_of)
    period = RenewalRules.from_rules(base)
    first = first_plan_month(as_of, period.period_start)
    last = period.period_end
    if first > last:
        raise InputError(f"--as-of {as_of}: 更新計画の期間は {last} で終わっています")
    run = run_renewals(sources, first, last)
    window = run.window(first, last)
    params = with_values(base, renewal_values(base, window, run.rules))
    latest = stats.snapshot_dates()[-1]
    profiles = load_profiles(stats, dt.date.fromisoformat(latest), base)
    if tuple(str(c) for c in profiles.lg_code) != run.actuals.lg_codes:
        order = {c: i for i, c in enumerate(str(c) for c in profiles.lg_code)}
        missing = [c for c in run.actuals.lg_codes if c not in order]
        if missing:
            raise InputError(
                f"{sources.where('stats')}: 基準日 {latest} に次の団体の行がありません: "
                f"{'、'.join(missing[:10])}"
            )
        profiles = profiles.take(np.array([order[c] for c in run.actuals.lg_codes]))
    return run, window, params, renewal_profiles(profiles, window, run.rules, params), latest


def run_renewal_plan(stats: StatsSource, as_of: dt.date, sources: RenewalSource) -> RenewalPlanRun:
    run, window, params, profiles, latest = _setup(stats, as_of, sources)
    calendar = plan_calendar(params, as_of)
    plan = make_renewal_plan(profiles, calendar, params, window)
    return RenewalPlanRun(plan, params, as_of, run, window, latest)


def check_renewal_plan(
    rows: list[PlanRow],
    stats: StatsSource,
    as_of: dt.date,
    sources: RenewalSource,
    made_with: RenewalPlanRun | None = None,
) -> CheckRun:
    """The checks that apply to renewals, on a renewal plan in the plan_monthly.csv format
    (written by `kofuplan plan --kind renewal`, or by hand), as the one plan reader gives its
    rows. ``made_with``: the run that made the plan, whose rules, profiles and calendar are
    those the checks need (the renewal estimate is then not run a second time)."""
    if made_with is not None:
        params, profiles = made_with.params, made_with.plan.profiles
        calendar = made_with.plan.calendar
    else:
        _, _, params, profiles, _ = _setup(stats, as_of, sources)
        calendar = plan_calendar(params, as_of)
    checked = check_rows(rows, profiles, calendar, params, as_of)
    kept: list[Finding] = [f for f in checked.findings if applies_to_renewal(f.code)]
    return CheckRun(
        checked.as_of,
        checked.params,
        checked.calendar,
        checked.figures,
        checked.profiles,
        checked.capacity,
        checked.budget,
        kept,
    )
