"""Use cases of the monthly follow-up: focus list, one month's follow-up, a replay of months.

Aligns the plan and the actuals (by lg_code and month), reads the dated rules for each month,
and hands arrays to the pure domain (:mod:`kofuplan.domain.followup`, ``focus``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain.actuals import Actuals
from kofuplan.domain.focus import FocusResult, core_cities_in_force, designate, focus_groups
from kofuplan.domain.followup import (
    CODES,
    FollowupInputs,
    FollowupResult,
    Thresholds,
    follow_up,
)
from kofuplan.domain.planned import PlannedMonths
from kofuplan.domain.rule_values import CoreCitiesRules, FocusRules, FollowupRules
from kofuplan.domain.snapshots import add_months, first_day, last_day, month_range
from kofuplan.parameters import RuleBook, load_rules

IntArray = npt.NDArray[np.int64]


def focus_for_months(actuals: Actuals, months: Sequence[str], rules: RuleBook) -> FocusResult:
    """Focus groups and designation for every municipality of ``actuals`` (the whole nation:
    group averages are national), arrays shaped (municipalities, len(months))."""
    months = list(months)
    previous = [add_months(m, -1) for m in months]
    actuals.require_months(previous + months)
    now = [actuals.month_index(m) for m in months]
    before = [actuals.month_index(m) for m in previous]
    population = actuals.population[:, now]
    groups = np.empty(population.shape, dtype=np.int64)
    for j, month in enumerate(months):
        day = last_day(month)
        snapshot = rules.at(day)
        core = core_cities_in_force(CoreCitiesRules.from_rules(snapshot).designated, day)
        threshold = FocusRules.from_rules(snapshot).large_city_population
        groups[:, j] = focus_groups(
            actuals.lg_codes, actuals.types, population[:, j], core, threshold
        )
    return designate(
        actuals.cards[:, now],
        population,
        actuals.cards[:, before],
        actuals.population[:, before],
        groups,
    )


def _thresholds(months: Sequence[str], rules: RuleBook, focus: bool = True) -> Thresholds:
    at = [FollowupRules.from_rules(rules.at(first_day(m))) for m in months]

    def values(of: Callable[[FollowupRules], float]) -> npt.NDArray[np.float64]:
        return np.array([of(p) for p in at], dtype=np.float64)

    return Thresholds(
        behind_tolerance=values(lambda p: p.behind_tolerance),
        backlog_months=values(lambda p: p.backlog_months_of_issuance),
        slow_median_days=values(lambda p: p.slow_median_days),
        focus_in_force=np.array(
            [focus and m >= p.focus_first_month for m, p in zip(months, at, strict=True)],
            dtype=bool,
        ),
    )


@dataclass(frozen=True)
class Followup:
    """A follow-up over one or more months, with what the writers need beside the result."""

    result: FollowupResult
    pref_codes: tuple[str, ...]
    names: tuple[str, ...]


def run_followup(
    plan: PlannedMonths,
    actuals: Actuals,
    months: Sequence[str],
    rules: RuleBook | None = None,
    with_focus: bool = True,
) -> Followup:
    """``with_focus=False`` for a renewal plan: the focus designation ranks card coverage, which
    renewals do not change."""
    rules = rules or load_rules()
    months = list(months)
    cols = plan.columns_for(months)
    rows = actuals.rows_for(plan.lg_codes)
    focus_all = focus_for_months(actuals, months, rules)
    now = [actuals.month_index(m) for m in months]
    before = [actuals.month_index(add_months(m, -1)) for m in months]
    cards = actuals.cards[rows]
    focus = FocusResult(
        group=focus_all.group[rows],
        coverage_pct=focus_all.coverage_pct[rows],
        growth_pt=focus_all.growth_pt[rows],
        group_coverage_pct=focus_all.group_coverage_pct[rows],
        group_growth_pt=focus_all.group_growth_pt[rows],
        designated=focus_all.designated[rows],
    )
    inputs = FollowupInputs(
        lg_codes=plan.lg_codes,
        months=tuple(months),
        planned_cumulative=plan.cumulative_issued[:, cols],
        planned_issuance=plan.issuance[:, cols],
        required_weekend_days=plan.required_weekend_days[:, cols],
        actual_cumulative=cards[:, now],
        actual_issuance=cards[:, now] - cards[:, before],
        focus=focus,
        survey={name: values[rows][:, now] for name, values in actuals.survey.items()},
    )
    pref = tuple(actuals.pref_codes[i] for i in rows)
    names = tuple(actuals.names[i] for i in rows)
    return Followup(follow_up(inputs, _thresholds(months, rules, with_focus)), pref, names)


def followup_rows(f: Followup, col: int) -> list[dict[str, str]]:
    """``followup.csv``: one row per municipality for month ``col``."""
    r, p = f.result, f.result.inputs
    out = []
    for i, code in enumerate(p.lg_codes):
        dev = float(r.deviation_pct[i, col])
        out.append(
            {
                "lg_code": code,
                "month": p.months[col],
                "planned_cumulative": str(int(p.planned_cumulative[i, col])),
                "actual_cumulative": str(int(p.actual_cumulative[i, col])),
                "deviation_pct": "" if np.isnan(dev) else f"{dev:.2f}",
                "planned_issuance_in_month": str(int(p.planned_issuance[i, col])),
                "actual_issuance_in_month": str(int(p.actual_issuance[i, col])),
                "codes": ";".join(r.codes_at(i, col)),
            }
        )
    return out


FOLLOWUP_COLUMNS = (
    "lg_code",
    "month",
    "planned_cumulative",
    "actual_cumulative",
    "deviation_pct",
    "planned_issuance_in_month",
    "actual_issuance_in_month",
    "codes",
)
# Survey counts that add up over municipalities (R3.4 asks the follow-up to count the health
# insurance registrations assisted). A median or a day count does not add up, so it is left out.
SUMMED_SURVEY_COLUMNS = (
    "applications",
    "cards_delivered",
    "cards_in_stock",
    "counters_operated",
    "health_insurance_registrations_assisted",
)
ROLLUP_COLUMNS = (
    "pref_code",
    "month",
    "municipalities",
    "planned_cumulative",
    "actual_cumulative",
    "deviation_pct",
    "planned_issuance_in_month",
    "actual_issuance_in_month",
    *(c.code for c in CODES),
    *(f"{name}_total" for name in SUMMED_SURVEY_COLUMNS),
)
NATIONAL = "00"  # pref_code of the national row (全国地方公共団体コードの都道府県部分は01–47)


def rollup_rows(f: Followup, col: int) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Prefecture rows and the national row for month ``col``."""
    r, p = f.result, f.result.inputs
    pref = np.array(f.pref_codes)

    def row(label: str, member: npt.NDArray[np.bool_]) -> dict[str, str]:
        planned = int(p.planned_cumulative[member, col].sum())
        actual = int(p.actual_cumulative[member, col].sum())
        dev = (actual - planned) / planned * 100.0 if planned else float("nan")
        out = {
            "pref_code": label,
            "month": p.months[col],
            "municipalities": str(int(member.sum())),
            "planned_cumulative": str(planned),
            "actual_cumulative": str(actual),
            "deviation_pct": "" if np.isnan(dev) else f"{dev:.2f}",
            "planned_issuance_in_month": str(int(p.planned_issuance[member, col].sum())),
            "actual_issuance_in_month": str(int(p.actual_issuance[member, col].sum())),
        }
        for c in CODES:
            out[c.code] = str(int(r.flags[c.code][member, col].sum()))
        for name in SUMMED_SURVEY_COLUMNS:
            # Blank when no municipality of the row answered; else the sum of the answers.
            out[f"{name}_total"] = ""
            if name in p.survey:
                given = p.survey[name][member, col]
                if (~np.isnan(given)).any():
                    out[f"{name}_total"] = str(int(np.nansum(given)))
        return out

    prefs = [row(code, pref == code) for code in sorted(set(f.pref_codes))]
    return prefs, row(NATIONAL, np.ones(len(pref), dtype=bool))


@dataclass(frozen=True)
class ReplayRow:
    month: str
    planned_issuance: int
    actual_issuance: int
    planned_cumulative: int
    actual_cumulative: int
    behind: int
    backlog: int
    focus: int


REPLAY_COLUMNS = ("month", "planned_issuance", "actual_issuance", "behind", "backlog", "focus")


def run_replay(
    plan: PlannedMonths,
    actuals: Actuals,
    first: str,
    last: str,
    rules: RuleBook | None = None,
    with_focus: bool = True,
) -> tuple[Followup, list[ReplayRow]]:
    """The follow-up for every month from ``first`` to ``last``, and its national table."""
    months = month_range(first, last)
    if not months:
        raise ValueError(f"--from {first} が --to {last} より後です")
    f = run_followup(plan, actuals, months, rules, with_focus)
    p = f.result.inputs
    behind = f.result.counts("F-behind")
    backlog = f.result.counts("F-backlog")
    focused = f.result.counts("F-focus")
    rows = [
        ReplayRow(
            month=m,
            planned_issuance=int(p.planned_issuance[:, j].sum()),
            actual_issuance=int(p.actual_issuance[:, j].sum()),
            planned_cumulative=int(p.planned_cumulative[:, j].sum()),
            actual_cumulative=int(p.actual_cumulative[:, j].sum()),
            behind=int(behind[j]),
            backlog=int(backlog[j]),
            focus=int(focused[j]),
        )
        for j, m in enumerate(months)
    ]
    return f, rows
