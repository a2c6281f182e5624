"""The prefecture's checks (R6.1, R1.2, R2.3, R5.1; ``kofuplan check``) on stored plans.

The stored municipalities hold the statistics' figures (population, cards issued at the
baseline); their own inputs (profile figures and promotion section, ``municipal_inputs``) are
the latest input revision, as ``kofuplan check --profiles`` takes them from the profile CSV.
What a municipality has not given falls back to the documented defaults.

Once a municipality has saved its inputs, the per-counter daily figures and the evening opening
come from them (given or default), not from the figures its stored plan rows were written with.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from kofuplan.domain import plan_edit
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import effective_combined_daily
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import PlanBounds, PlanRow, plain_value, read_plan_form
from kofuplan.domain.plan_table import RENEWAL_FIGURES, PlanTable, empty_table
from kofuplan.domain.profiles import Profiles, StatsRows, build_profiles
from kofuplan.domain.promotion import evening_day_equivalents
from kofuplan.domain.renewal_plan import METHOD as RENEWAL
from kofuplan.domain.rule_values import CapacityRules
from kofuplan.domain.stored_plan import forget, on_period
from kofuplan.services.checking import CheckRun, check_table
from kofuplan.services.municipal_inputs import given_values
from kofuplan.services.planning import plan_calendar
from kofuplan.services.ports import InputRevisionRecord as InputRevision
from kofuplan.services.ports import MunicipalityRecord as Municipality
from kofuplan.services.ports import PlanRevisionRecord as PlanRevision
from kofuplan.services.rule_clock import current, rules_on


def data_as_of(ms: Sequence[Municipality]) -> dt.date | None:
    """The as-of date of the stored statistics (the latest snapshot loaded), None if none."""
    return max((m.baseline_date for m in ms), default=None)


def stats_rows(ms: Sequence[Municipality]) -> StatsRows:
    return StatsRows(
        lg_code=np.array([m.lg_code for m in ms], dtype=np.str_),
        pref_code=np.array([m.pref_code for m in ms], dtype=np.str_),
        pref_name=np.array(["" for _ in ms], dtype=np.str_),
        name=np.array([m.name for m in ms], dtype=np.str_),
        municipality_type=np.array([m.municipality_type or "" for m in ms], dtype=np.str_),
        population=np.array([m.population for m in ms], dtype=np.int64),
        issued=np.array([m.cards_issued_baseline for m in ms], dtype=np.int64),
        recent_increase=np.array([m.recent_increase or 0 for m in ms], dtype=np.int64),
        recent_days=np.array([m.recent_days or 0 for m in ms], dtype=np.int64),
    )


_calendars: dict[tuple[int, dt.date], MonthCalendar] = {}


def plan_calendar_at(as_of: dt.date) -> MonthCalendar:
    """The plan period's calendar at ``as_of``: the same for every check of the rule book,
    so built once per process."""
    clock = current()
    key = (id(clock.book), as_of)
    if key not in _calendars:
        _calendars[key] = plan_calendar(clock.at(as_of), as_of)
    return _calendars[key]


_CACHE_SIZE = 4096  # revisions; a few MB at most
_cache: OrderedDict[tuple[Any, ...], list[Finding]] = OrderedDict()
_lock = threading.Lock()

# Columns of a stored plan that the municipality's own inputs decide once it has given them.
INPUT_DECIDED = ("dedicated_daily_per_counter", "combined_daily_per_counter",
                  "evening_day_equivalents")  # fmt: skip


def revision_findings(
    m: Municipality, revision: PlanRevision | None, inputs: InputRevision | None = None
) -> list[Finding]:
    """The checks of one stored revision with the inputs revision. Revisions never change, so
    the result is kept (keyed with both revisions and the municipality's baseline figures,
    which `db load-stats` may update)."""
    if revision is None:
        return []
    key = revision_key(m, revision, inputs)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return list(_cache[key])
    found = prefecture_checks(
        [m], {m.lg_code: revision.table}, {m.lg_code: inputs.content} if inputs else None
    ).get(m.lg_code, [])
    with _lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return list(found)


def _stamp(at: dt.datetime | None) -> str:
    """A stored time as the same text whether it was just written (aware) or read back
    (SQLite gives naive UTC times)."""
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat()


def revision_key(
    m: Municipality, revision: PlanRevision, inputs: InputRevision | None
) -> tuple[Any, ...]:
    """What the checks of a stored revision depend on: the revision and inputs revision (their
    times tell apart revisions of the same id in different databases: tests, demos), the
    municipality's figures (``db load-stats`` may update them) and the rule book."""
    return (revision.id, _stamp(revision.created_at), inputs.id if inputs else 0,
            _stamp(inputs.created_at) if inputs else "", m.population, m.cards_issued_baseline,
            m.recent_increase or 0, m.recent_days or 0, m.baseline_date,
            id(current().book))  # fmt: skip


def remember_findings(
    m: Municipality,
    revision: PlanRevision,
    inputs: InputRevision | None,
    findings: Sequence[Finding],
) -> None:
    """Keep the checks a save has just run on ``revision``'s content with ``inputs``: the
    save's answer and the next views read them instead of running the checks again."""
    with _lock:
        _cache[revision_key(m, revision, inputs)] = list(findings)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def rows_under_inputs(
    m: Municipality,
    rows: Sequence[Mapping[str, Any]],
    inputs: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    """The plan rows with the daily figures per counter and the evening opening that the
    municipality's saved inputs give (given or default, as its checks use them), and the
    derived columns (capacity …) recomputed; the rows unchanged without saved inputs."""
    if inputs is None or not rows:
        return [dict(r) for r in rows]
    params = rules_on(m.baseline_date)
    calendar = plan_calendar_at(m.baseline_date)
    profiles = build_profiles(stats_rows([m]), {m.lg_code: given_values(inputs)}, params)
    return rows_under_profile(
        rows, profiles, calendar, params, m.population, m.cards_issued_baseline
    )


def rows_under_profile(
    rows: Sequence[Mapping[str, Any]],
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    population: int,
    baseline: int,
) -> list[dict[str, Any]]:
    """The rows with the daily figures per counter and the evening opening of the (one
    municipality's) ``profiles``, and the derived columns recomputed from ``baseline``."""
    combined = effective_combined_daily(
        profiles, calendar, CapacityRules.from_rules(params).combined_card_share_by_month
    )[0]
    evenings = np.round(
        evening_day_equivalents(
            [str(profiles.lg_code[0])],
            calendar.months,
            {str(profiles.lg_code[0]): profiles.promotion[0]},
            CapacityRules.from_rules(params).counter_hours_per_day,
        ),
        2,
    )[0]
    where = {month: j for j, month in enumerate(calendar.months)}
    out = []
    for row in rows:
        j = where.get(str(row["month"]))
        if j is None:
            out.append(dict(row))
            continue
        out.append(
            {
                **row,
                "dedicated_daily_per_counter": float(profiles.dedicated_daily_per_counter[0]),
                "combined_daily_per_counter": float(combined[j]),
                "evening_day_equivalents": float(evenings[j]),
            }
        )
    return plan_edit.recompute(out, population, baseline)


def edited_table(
    m: Municipality, rows: Sequence[Mapping[str, Any]], kind: str = "issuance"
) -> PlanTable:
    """Rows a clerk gave (the editor's merge, an import, a page's preview: plain values, one
    row per month) as the municipality's table over their months, the table a save stores:
    the edge where they become numbers (``read_plan_form``, bounded). A renewal plan keeps
    its own figures (``RENEWAL_FIGURES``). What is wrong with their form is reported when
    the table is checked (``stored_plans``)."""
    months = tuple(dict.fromkeys(str(r.get("month", "")) for r in rows))
    plan_rows = [PlanRow(k + 2, {**r, "lg_code": m.lg_code}) for k, r in enumerate(rows)]
    bounds = PlanBounds.from_rules(rules_on(m.baseline_date))
    table, _form = read_plan_form(plan_rows, months, [m.lg_code], bounds)
    if not len(table.lg_code):
        table = empty_table([m.lg_code], months)
    if kind != RENEWAL:
        return table
    first = {str(r.get("month", "")): r for r in reversed(rows)}  # the first row of a month
    return replace(
        table,
        extra={
            c: np.array([[_figure(first[month].get(c)) for month in months]])
            for c in RENEWAL_FIGURES
        },
    )


def _figure(value: Any) -> float:
    number = plain_value(value)
    return float(number) if isinstance(number, int | float) else np.nan


def stored_plans(
    ms: Sequence[Municipality],
    plans: Mapping[str, PlanTable],
    own_inputs: Collection[str],
    calendar: MonthCalendar,
    params: Mapping[str, Any],
) -> tuple[PlanTable, list[Finding]]:
    """The stored plans of ``ms`` on the calendar, stacked in that order, and their R1.2
    findings; the figures the municipalities' saved inputs decide (``own_inputs``: who has
    some) left to the profiles."""
    tables = [
        forget(plans[m.lg_code], INPUT_DECIDED) if m.lg_code in own_inputs else plans[m.lg_code]
        for m in ms
    ]
    return on_period(tables, calendar.months, PlanBounds.from_rules(params))


def check_run(
    ms: Sequence[Municipality],
    plans: Mapping[str, PlanTable],
    inputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> CheckRun | None:
    """``kofuplan check``'s run (profiles, capacity, budget, findings) on stored plans, with
    the municipalities' own inputs (stored content by lg_code) where they have saved some."""
    with_plan = [m for m in ms if m.lg_code in plans and plans[m.lg_code].months]
    if not with_plan:
        return None
    inputs = inputs or {}
    as_of = data_as_of(with_plan)
    assert as_of is not None  # with_plan is not empty
    params = rules_on(as_of)
    given = {lg: given_values(content) for lg, content in inputs.items()}
    profiles = build_profiles(stats_rows(with_plan), given, params)
    calendar = plan_calendar_at(as_of)
    figures, form = stored_plans(with_plan, plans, inputs.keys(), calendar, params)
    return check_table(figures, form, profiles, calendar, params, as_of)


def prefecture_checks(
    ms: Sequence[Municipality],
    plans: Mapping[str, PlanTable],
    inputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, list[Finding]]:
    """The findings of every municipality in ``ms`` that has a plan, by lg_code."""
    run = check_run(ms, plans, inputs)
    if run is None:
        return {}
    out: dict[str, list[Finding]] = {str(code): [] for code in run.figures.lg_code}
    for f in run.findings:
        out.setdefault(f.lg_code, []).append(f)
    return out


_GROUP_CACHE_SIZE = 128  # prefectures' lists: 47, with room for a few rule books
_groups: OrderedDict[tuple[Any, ...], dict[str, list[Finding]]] = OrderedDict()


def group_checks(
    ms: Sequence[Municipality],
    heads: Mapping[str, tuple[int, dt.datetime]],
    inputs: Mapping[str, InputRevision],
    tables: Callable[[list[int]], Mapping[int, PlanTable]],
) -> dict[str, list[Finding]]:
    """:func:`prefecture_checks` of the municipalities' latest revisions (``heads``: lg_code
    -> (id, time)) with their latest inputs, kept per process: a prefecture's list is checked
    again only when one of its municipalities saved a plan or inputs, or its figures changed
    (issue 16). ``tables`` reads the revisions' plans, only when they are checked."""
    key = (
        id(current().book),
        tuple(
            (m.lg_code, m.pref_code, m.name, m.municipality_type, m.population,
             m.cards_issued_baseline, m.recent_increase or 0, m.recent_days or 0,
             m.baseline_date, heads[m.lg_code][0] if m.lg_code in heads else None,
             _stamp(heads[m.lg_code][1]) if m.lg_code in heads else "",
             inputs[m.lg_code].id if m.lg_code in inputs else None,
             _stamp(inputs[m.lg_code].created_at) if m.lg_code in inputs else "")
            for m in ms
        ),
    )  # fmt: skip
    with _lock:
        found = _groups.get(key)
        if found is not None:
            _groups.move_to_end(key)
            return {lg: list(f) for lg, f in found.items()}
    read = tables([rid for rid, _at in heads.values()])
    plans = {lg: read[rid] for lg, (rid, _at) in heads.items() if rid in read}
    found = prefecture_checks(ms, plans, {lg: r.content for lg, r in inputs.items()})
    with _lock:
        _groups[key] = found
        while len(_groups) > _GROUP_CACHE_SIZE:
            _groups.popitem(last=False)
    return {lg: list(f) for lg, f in found.items()}
