"""The renewal plan (更新, issue 17) in the shared service: the rules, profiles and checks a
stored renewal revision is read with.

A stored renewal plan is the rows of ``kofuplan plan --kind renewal``'s ``plan_monthly.csv``:
the plan contract's columns (``issuance`` is the residents expected at the counter) and the
renewal columns (``renewals_certificate``, ``renewals_card`` …). Its checks are the issuance
plan's ``check_plan`` through the same :class:`PlanTable`, with

- the rules the renewal plan is made with (:func:`renewal_values_of_mix`): the renewal window
  as the plan period, counter throughput and service minutes of the municipality's own mix of
  kinds (its rows' renewal columns), no notice postage, the grant per renewal;
- the municipality's profile as for the issuance plan (statistics and its own inputs), with
  no card counted before the plan and the renewal throughput where it gave none;
- only the findings that apply to renewals (:func:`applies_to_renewal`).

Each municipality is read with its own mix, so its page, the prefecture's and the nation's
show the same findings. The engine's ``plan --kind renewal`` reads every municipality with
the national mix of the window; the per-counter figures are each municipality's own in both.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from kofuplan.domain import plan_edit
from kofuplan.domain.budget import Budget
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import plain_value
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.profiles import Profiles, build_profiles
from kofuplan.domain.renewal import RenewalRules
from kofuplan.domain.renewal_plan import (
    METHOD,
    applies_to_renewal,
    mix_values,
    renewal_profiles_of_mix,
    renewal_values_of_mix,
)
from kofuplan.parameters import RuleBook, Snapshot
from kofuplan.services.checking import CheckRun, check_table
from kofuplan.services.municipal_inputs import given_values
from kofuplan.services.planning import first_plan_month, plan_calendar
from kofuplan.services.ports import InputRevisionRecord as InputRevision
from kofuplan.services.ports import MunicipalityRecord as Municipality
from kofuplan.services.ports import PlanRevisionRecord as PlanRevision
from kofuplan.services.review_checks import (
    edited_table,
    revision_key,
    rows_under_profile,
    stats_rows,
    stored_plans,
)
from kofuplan.services.rule_clock import current, rules_on

KIND = METHOD


def with_values(params: Snapshot, values: Mapping[str, tuple[Any, str]]) -> Snapshot:
    """The snapshot with ``values`` in place of its own (each with its source), as a
    snapshot of the same day: every reader of rules takes it unchanged."""
    book = dict(params.book.parameters)
    for key, (value, source) in values.items():
        old = params.book.parameter(key)
        book[key] = replace(old, source=f"renewal plan: {source}", values=((dt.date.min, value),))
    return Snapshot(params.day, RuleBook(book))


def renewal_period(as_of: dt.date, params: Mapping[str, Any]) -> tuple[str, str]:
    """The renewal plan's first and last month at the data's as-of date."""
    rules = RenewalRules.from_rules(params)
    return first_plan_month(as_of, rules.period_start), rules.period_end


def renewal_months(as_of: dt.date) -> tuple[str, ...]:
    """The months a stored renewal plan covers (FY2025–FY2030 by the rules)."""
    return _setup_calendar(as_of, 0.0, 1.0)[1].months


def kind_mix(rows: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """The renewals of each kind (certificate only, card) the rows expect in all."""

    def total(name: str) -> float:
        out = 0.0
        for r in rows:
            value = plain_value(r.get(name))
            if isinstance(value, int | float) and np.isfinite(value) and value > 0:
                out += float(value)
        return out

    return total("renewals_certificate"), total("renewals_card")


def table_mix(table: PlanTable) -> tuple[float, float]:
    """:func:`kind_mix` of a renewal plan's table (one municipality)."""

    def total(name: str) -> float:
        values = table.extra.get(name)
        if values is None:
            return 0.0
        with np.errstate(invalid="ignore"):
            return float(values[np.isfinite(values) & (values > 0)].sum())

    return total("renewals_certificate"), total("renewals_card")


_calendars: dict[tuple[Any, ...], MonthCalendar] = {}


def _setup_calendar(
    as_of: dt.date, certificates: float, cards: float
) -> tuple[Snapshot, MonthCalendar, Snapshot]:
    base = rules_on(as_of)
    period = renewal_period(as_of, base)
    rules = RenewalRules.from_rules(base)
    params = with_values(base, renewal_values_of_mix(base, period, certificates, cards, rules))
    key = (id(current().book), as_of, period)
    if key not in _calendars:
        _calendars[key] = plan_calendar(params, as_of)
    return params, _calendars[key], base


@dataclass(frozen=True)
class RenewalSetup:
    """What one municipality's renewal plan is read and checked with."""

    params: Snapshot
    calendar: MonthCalendar
    profiles: Profiles  # the one municipality's renewal profile


def renewal_setup(
    m: Municipality, rows: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any] | None
) -> RenewalSetup:
    return mix_setup(m, kind_mix(rows), inputs)


def mix_setup(
    m: Municipality, mix: tuple[float, float], inputs: Mapping[str, Any] | None
) -> RenewalSetup:
    """What a renewal plan expecting ``mix`` (certificates only, cards) is checked with."""
    certificates, cards = mix
    params, calendar, base = _setup_calendar(m.baseline_date, certificates, cards)
    given = {m.lg_code: given_values(inputs)} if inputs is not None else {}
    profiles = build_profiles(stats_rows([m]), given, base)  # as `plan --kind renewal` does
    profiles = renewal_profiles_of_mix(
        profiles,
        np.array([certificates]),
        np.array([cards]),
        RenewalRules.from_rules(base),
        params,
    )
    return RenewalSetup(params, calendar, profiles)


def renewal_rows(
    m: Municipality, rows: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The rows with their derived columns recomputed (the cumulative counts renewals from
    zero); once the municipality has saved its inputs, with the daily figures per counter and
    evening opening they give (or the renewal defaults), as its checks read them."""
    if not rows:
        return []
    if inputs is None:
        return plan_edit.recompute(rows, m.population, 0)
    setup = renewal_setup(m, rows, inputs)
    return rows_under_profile(rows, setup.profiles, setup.calendar, setup.params, m.population, 0)


def renewal_run(m: Municipality, table: PlanTable, inputs: Mapping[str, Any] | None) -> CheckRun:
    """The checks that apply to renewals (``check_plan`` on the table) of one municipality's
    renewal plan, with its budget."""
    setup = mix_setup(m, table_mix(table), inputs)
    own = [m.lg_code] if inputs is not None else []
    figures, form = stored_plans([m], {m.lg_code: table}, own, setup.calendar, setup.params)
    run = check_table(figures, form, setup.profiles, setup.calendar, setup.params, m.baseline_date)
    return replace(run, findings=[f for f in run.findings if applies_to_renewal(f.code)])


@dataclass(frozen=True)
class RenewalResult:
    """A renewal revision as the pages show it: its findings and budget by fiscal year."""

    findings: list[Finding]
    fiscal_years: tuple[int, ...]
    budget: dict[str, list[int]]  # item -> yen by fiscal year (total, estimated_grant, …)


def _result(run: CheckRun) -> RenewalResult:
    b: Budget = run.budget
    return RenewalResult(
        findings=list(run.findings),
        fiscal_years=b.fiscal_years,
        budget={item: b.yen[0, :, k].tolist() for k, item in enumerate(b.items)},
    )


def check_renewal(
    m: Municipality, rows: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any] | None
) -> RenewalResult:
    """The checks and budget of unsaved rows (an editor's preview): those of the table a
    save would store."""
    if not rows:
        return RenewalResult([], (), {})
    return table_result(m, edited_table(m, rows, KIND), inputs)


def table_result(
    m: Municipality, table: PlanTable, inputs: Mapping[str, Any] | None
) -> RenewalResult:
    """The checks and budget of a renewal plan's table."""
    if not table.months:
        return RenewalResult([], (), {})
    return _result(renewal_run(m, table, inputs))


_CACHE_SIZE = 4096
_cache: OrderedDict[tuple[Any, ...], RenewalResult] = OrderedDict()
_lock = threading.Lock()


def revision_result(
    m: Municipality, revision: PlanRevision | None, inputs: InputRevision | None
) -> RenewalResult:
    """The checks and budget of a stored renewal revision with the inputs revision; kept, as
    revisions never change (keyed as ``review_checks.revision_findings``)."""
    if revision is None:
        return RenewalResult([], (), {})
    key = revision_key(m, revision, inputs)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = table_result(m, revision.table, inputs.content if inputs else None)
    with _lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def check_renewals(
    ms: Sequence[Municipality],
    plans: Mapping[str, PlanTable],
    inputs: Mapping[str, Mapping[str, Any]],
) -> dict[str, RenewalResult]:
    """:func:`table_result` of many municipalities' tables (``plans`` by lg_code; ``inputs``:
    the saved inputs of those that have some) in one run of the checks per data date, each
    municipality read with its own mix of kinds as :func:`renewal_setup` reads it (its
    throughput, combined share and pre-issuance setup): the same findings and budget as one
    by one (issue 16: a national recompute no longer checks 1,741 plans one at a time)."""
    out: dict[str, RenewalResult] = {}
    by_date: dict[dt.date, list[Municipality]] = defaultdict(list)
    for m in ms:
        if m.lg_code in plans and plans[m.lg_code].months:
            by_date[m.baseline_date].append(m)
        elif m.lg_code in plans:
            out[m.lg_code] = RenewalResult([], (), {})
    for as_of, group in by_date.items():
        mixes = [table_mix(plans[m.lg_code]) for m in group]
        base = rules_on(as_of)
        rules = RenewalRules.from_rules(base)
        own = [mix_values(base, certificates, cards, rules) for certificates, cards in mixes]
        # The mix's own values are given per municipality below; the rest of the rules (the
        # period, costs, grant) are every renewal plan's.
        params, calendar, _ = _setup_calendar(as_of, *mixes[0])
        given = {m.lg_code: given_values(inputs[m.lg_code]) for m in group if m.lg_code in inputs}
        profiles = renewal_profiles_of_mix(
            build_profiles(stats_rows(group), given, base),
            np.array([c for c, _ in mixes]),
            np.array([k for _, k in mixes]),
            rules,
            params,
            combined_ratio=np.array(
                [v.combined_daily_per_counter / v.dedicated_daily_per_counter for v in own]
            ),
        )
        figures, form = stored_plans(group, plans, inputs.keys(), calendar, params)
        run = check_table(
            figures,
            form,
            profiles,
            calendar,
            params,
            as_of,
            np.array([v.presetup_cards_per_staff_day for v in own]),
        )
        found: dict[str, list[Finding]] = defaultdict(list)
        for f in run.findings:
            if applies_to_renewal(f.code):
                found[f.lg_code].append(f)
        b: Budget = run.budget
        for i, code in enumerate(run.figures.lg_code.tolist()):
            out[str(code)] = RenewalResult(
                findings=found.get(str(code), []),
                fiscal_years=b.fiscal_years,
                budget={item: b.yen[i, :, k].tolist() for k, item in enumerate(b.items)},
            )
    return out


def revision_results(
    ms: Sequence[Municipality],
    revisions: Mapping[str, PlanRevision],
    inputs: Mapping[str, InputRevision],
) -> dict[str, RenewalResult]:
    """:func:`revision_result` of each municipality's stored renewal revision (by lg_code)
    with its inputs revision; those not kept yet are checked together (:func:`check_renewals`)
    and kept."""
    out: dict[str, RenewalResult] = {}
    todo: list[Municipality] = []
    keys: dict[str, tuple[Any, ...]] = {}
    with _lock:
        for m in ms:
            revision = revisions.get(m.lg_code)
            if revision is None:
                continue
            key = keys[m.lg_code] = revision_key(m, revision, inputs.get(m.lg_code))
            found = _cache.get(key)
            if found is None:
                todo.append(m)
            else:
                _cache.move_to_end(key)
                out[m.lg_code] = found
    if todo:
        fresh = check_renewals(
            todo,
            {m.lg_code: revisions[m.lg_code].table for m in todo},
            {m.lg_code: inputs[m.lg_code].content for m in todo if m.lg_code in inputs},
        )
        with _lock:
            for lg, result in fresh.items():
                out[lg] = _cache[keys[lg]] = result
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return out
