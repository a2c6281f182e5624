"""The prefecture's checks (R6.1, R1.2, R2.3, R5.1; ``kofuplan check``) on stored plans.

The stored municipalities hold the statistics' figures (population, cards issued at the
baseline) but not the municipalities' own profile inputs, so the checks run on the documented
defaults for those, as ``kofuplan check`` does without ``--profiles``; the page says so.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from kofuplan.adapters.storage.models import Municipality, PlanRevision
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import PlanRow
from kofuplan.domain.profiles import StatsRows, build_profiles
from kofuplan.services.checking import CheckRun, check_rows
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


@cache
def _calendar() -> MonthCalendar:
    """The plan period's calendar: the same for every check, so built once per process."""
    return plan_calendar(rules_at(AS_OF), AS_OF)


_CACHE_SIZE = 4096  # revisions; a few MB at most
_cache: OrderedDict[tuple[int, int, int, int, int], list[Finding]] = OrderedDict()
_lock = threading.Lock()


def revision_findings(m: Municipality, revision: PlanRevision | None) -> list[Finding]:
    """The checks of one stored revision. Revisions never change, so the result is kept
    (keyed with the municipality's baseline figures, which `db load-stats` may update)."""
    if revision is None:
        return []
    key = (revision.id, m.population, m.cards_issued_baseline, m.recent_increase or 0,
           m.recent_days or 0)  # fmt: skip
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return list(_cache[key])
    found = prefecture_checks([m], {m.lg_code: revision.content}).get(m.lg_code, [])
    with _lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return list(found)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_run(
    ms: Sequence[Municipality], plans: Mapping[str, Sequence[Mapping[str, Any]]]
) -> CheckRun | None:
    """``kofuplan check``'s run (profiles, capacity, budget, findings) on stored plans."""
    with_plan = [m for m in ms if plans.get(m.lg_code)]
    if not with_plan:
        return None
    params = rules_at(AS_OF)
    profiles = build_profiles(_stats(with_plan), {}, params)
    calendar = _calendar()
    rows = [
        PlanRow(line=k + 2, cells={name: _cell(v) for name, v in row.items()})
        for k, row in enumerate(r for m in with_plan for r in plans[m.lg_code])
    ]
    return check_rows(rows, profiles, calendar, params, AS_OF)


def prefecture_checks(
    ms: Sequence[Municipality], plans: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, list[Finding]]:
    """The findings of every municipality in ``ms`` that has a plan, by lg_code."""
    run = check_run(ms, plans)
    if run is None:
        return {}
    out: dict[str, list[Finding]] = {str(code): [] for code in run.figures.lg_code}
    for f in run.findings:
        out.setdefault(f.lg_code, []).append(f)
    return out
