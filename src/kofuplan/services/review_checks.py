"""The prefecture's checks (R6.1, R1.2, R2.3, R5.1; ``kofuplan check``) on stored plans.

The stored municipalities hold the statistics' figures (population, cards issued at the
baseline) but not the municipalities' own profile inputs, so the checks run on the documented
defaults for those, as ``kofuplan check`` does without ``--profiles``; the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kofuplan.adapters.storage.models import Municipality
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import PlanRow
from kofuplan.domain.profiles import StatsRows, build_profiles
from kofuplan.services.checking import check_rows
from kofuplan.services.planning import plan_calendar, rules_at

AS_OF = dt.date(2020, 10, 1)  # the notice's planning baseline (plan.baseline_date)


def _stats(ms: Sequence[Municipality]) -> StatsRows:
    return StatsRows(
        lg_code=np.array([m.lg_code for m in ms], dtype=np.str_),
        pref_code=np.array([m.pref_code for m in ms], dtype=np.str_),
        pref_name=np.array(["" for _ in ms], dtype=np.str_),
        name=np.array([m.name for m in ms], dtype=np.str_),
        municipality_type=np.array(["" for _ in ms], dtype=np.str_),
        population=np.array([m.population for m in ms], dtype=np.int64),
        issued=np.array([m.cards_issued_baseline for m in ms], dtype=np.int64),
        recent_increase=np.array([m.recent_increase or 0 for m in ms], dtype=np.int64),
        recent_days=np.array([m.recent_days or 0 for m in ms], dtype=np.int64),
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def prefecture_checks(
    ms: Sequence[Municipality], plans: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, list[Finding]]:
    """The findings of every municipality in ``ms`` that has a plan, by lg_code."""
    with_plan = [m for m in ms if plans.get(m.lg_code)]
    if not with_plan:
        return {}
    params = rules_at(AS_OF)
    profiles = build_profiles(_stats(with_plan), {}, params)
    calendar = plan_calendar(params, AS_OF)
    rows = [
        PlanRow(line=k + 2, cells={name: _cell(v) for name, v in row.items()})
        for k, row in enumerate(r for m in with_plan for r in plans[m.lg_code])
    ]
    run = check_rows(rows, profiles, calendar, params, AS_OF)
    out: dict[str, list[Finding]] = {m.lg_code: [] for m in with_plan}
    for f in run.findings:
        out.setdefault(f.lg_code, []).append(f)
    return out
