"""Writes a plan: ``plan_monthly.csv``, ``budget.csv`` and ``summary.json``.

``plan_monthly.csv`` is a contract read by the checks, the follow-up, Excel and the service:
columns are only ever added, never renamed or removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.findings_csv import findings_text
from kofuplan.adapters.text_columns import (
    TextColumn,
    decimal_text,
    int_text,
    text_column,
    texts,
    write_csv,
)
from kofuplan.domain.aggregate import by_prefecture, national_aims, totals
from kofuplan.domain.calendar import add_months
from kofuplan.domain.capacity import NO_RECRUIT
from kofuplan.domain.gap import gap_totals
from kofuplan.domain.plan import Plan
from kofuplan.domain.plan_columns import GAP_COLUMNS
from kofuplan.domain.plan_findings import national_pace, plan_findings
from kofuplan.domain.promotion import as_dict, rollup

# Added after the contract: where the figures came from.
EXTRA_COLUMNS = (
    "pref_code",
    "applications_expected",
    "deliveries_expected",
    "defaults",
    "evening_day_equivalents",
    "applications_base",
    "applications_national",
    "applications_own_mailing",
    "applications_events",
    # Mean wait in minutes of residents arriving in the worst hour of a weekday / weekend day
    # (kofuplan.domain.waits); empty for a month without such open days or residents.
    "wait_weekday_minutes",
    "wait_weekend_minutes",
    *GAP_COLUMNS,
)
BUDGET_COLUMNS = ("lg_code", "fiscal_year", "item", "yen")


def plan_text_columns(plan: Plan, waits: bool = True) -> dict[str, TextColumn]:
    """The plan as CSV columns, a row per municipality and month, each distinct value
    formatted once (see kofuplan.adapters.text_columns). Without ``waits`` the two wait
    columns are left out (and the queueing never computed)."""
    n, m = plan.issuance.shape
    cal = plan.calendar
    cap = plan.capacity
    p = plan.profiles
    by_muni = np.repeat(np.arange(n, dtype=np.intp), m)
    by_month = np.tile(np.arange(m, dtype=np.intp), n)

    def per_month(a: npt.ArrayLike, fmt: Callable[[Any], str] = int_text) -> TextColumn:
        return TextColumn(texts(fmt(x) for x in np.asarray(a).reshape(-1).tolist()), by_month)

    def per_muni(a: npt.ArrayLike) -> TextColumn:
        return TextColumn(texts(np.asarray(a).reshape(-1).tolist()), by_muni)

    def rounded(a: npt.ArrayLike) -> TextColumn:
        return text_column(np.rint(a).astype(np.int64))

    two = decimal_text(2)
    months = cal.months

    def recruit(i: int) -> str:
        return "" if i == NO_RECRUIT else add_months(months[0], int(i))

    return {
        "lg_code": per_muni(p.lg_code),
        "month": per_month(list(months), str),
        "issuance": text_column(plan.issuance),
        "cumulative_issued": text_column(plan.cumulative_issued),
        "coverage_pct": text_column(plan.coverage_pct, two),
        "open_weekdays": per_month(cal.open_weekdays),
        "weekend_days": text_column(cap.weekend_days),
        "required_weekend_days": per_month(cal.required_weekend_days),
        "open_days": text_column(cap.open_days),
        "dedicated_counters": text_column(cap.dedicated_counters),
        "dedicated_daily_per_counter": text_column(cap.dedicated_daily_per_counter, two),
        "combined_counters": text_column(cap.combined_counters),
        "combined_daily_per_counter": text_column(cap.combined_daily_per_counter, two),
        "capacity": text_column(cap.capacity),
        "offsite_counters": text_column(cap.offsite_counters),
        "staff": text_column(cap.staff),
        "terminals": text_column(cap.terminals),
        "recruit_start_month": text_column(cap.recruit_start_index, recruit),
        "pref_code": per_muni(p.pref_code),
        "applications_expected": rounded(plan.demand.applications),
        "deliveries_expected": rounded(plan.demand.deliveries),
        "defaults": per_muni([";".join(p.defaults_of(i)) for i in range(n)]),
        # R8.3: evening opening counted in capacity, as extra open days.
        "evening_day_equivalents": text_column(cap.evening_day_equivalents, two),
        **{
            f"applications_{source}": rounded(values)
            for source, values in plan.demand.by_source.items()
        },
        **(_wait_columns(plan) if waits else {}),
        "applications_needed": text_column(plan.gap.applications_needed),
        "deliveries_needed": text_column(plan.gap.deliveries_needed),
    }


def plan_columns(plan: Plan) -> dict[str, list[str]]:
    """The plan as CSV columns of strings, a row per municipality and month."""
    return {name: column.tolist() for name, column in plan_text_columns(plan).items()}


def _wait_columns(plan: Plan) -> dict[str, TextColumn]:
    if plan.waits is None:
        return {}
    w = plan.waits
    one = decimal_text(1)

    def minutes(wait: npt.NDArray[Any], arrivals: npt.NDArray[Any]) -> TextColumn:
        # Empty without residents; "inf" where the counters can never catch up.
        column = text_column(wait, lambda x: one(x) if np.isfinite(x) else "inf")
        none = np.asarray(arrivals <= 0).reshape(-1)
        labels = np.append(column.labels, texts([""]))
        return TextColumn(labels, np.where(none, len(labels) - 1, column.codes))

    return {
        "wait_weekday_minutes": minutes(w.weekday.worst_hour_wait_minutes, w.arrivals_per_weekday),
        "wait_weekend_minutes": minutes(
            w.weekend.worst_hour_wait_minutes, w.arrivals_per_weekend_day
        ),
    }


def write_columns(path: Path, columns: Mapping[str, TextColumn | Sequence[str]]) -> None:
    """Write columns as CSV (see kofuplan.adapters.text_columns.write_csv)."""
    write_csv(path, columns)


def budget_text_columns(plan: Plan) -> dict[str, TextColumn]:
    b = plan.budget
    n = b.yen.shape[0]
    f, k = len(b.fiscal_years), len(b.items)
    rows = n * f * k
    return {
        "lg_code": TextColumn(
            texts(plan.profiles.lg_code.tolist()), np.repeat(np.arange(n, dtype=np.intp), f * k)
        ),
        "fiscal_year": TextColumn(
            texts(str(fy) for fy in np.asarray(b.fiscal_years).tolist()),
            np.tile(np.repeat(np.arange(f, dtype=np.intp), k), n),
        ),
        "item": TextColumn(texts(b.items), np.arange(rows, dtype=np.intp) % max(k, 1)),
        "yen": text_column(b.yen),
    }


def budget_columns(plan: Plan) -> dict[str, list[str]]:
    return {name: column.tolist() for name, column in budget_text_columns(plan).items()}


def summary(
    plan: Plan, params: Mapping[str, Any], as_of: str, sample: bool, waits: bool = True
) -> dict[str, Any]:
    nat = totals(plan)
    aims = national_aims(plan, params)
    months = plan.months

    def monthly(t: Any) -> dict[str, dict[str, int]]:
        return {
            m: {
                "issuance": int(t.issuance[i]),
                "capacity": int(t.capacity[i]),
                "dedicated_counters": int(t.dedicated_counters[i]),
                "combined_counters": int(t.combined_counters[i]),
                "offsite_counters": int(t.offsite_counters[i]),
                "staff": int(t.staff[i]),
                "terminals": int(t.terminals[i]),
            }
            for i, m in enumerate(months)
        }

    defaults = {k: int(v.sum()) for k, v in plan.profiles.defaulted.items()}
    return {
        "sample_data": sample,
        "as_of": as_of,
        "method": plan.method,
        # Whether plan_monthly.csv carries wait_weekday_minutes and wait_weekend_minutes.
        "waits_included": waits and plan.waits is not None,
        "municipalities": len(plan.profiles),
        "months": list(months),
        "target_total": nat.target,
        "population": nat.population,
        "issued_before_plan": nat.issued_before,
        "national": {
            "monthly": monthly(nat),
            "peak_month": aims.peak_month,
            "peak_issuance": aims.peak_issuance,
            "monthly_aim": aims.monthly_aim,
            "months_over_aim": list(aims.months_over_aim),
            "first_month_at_aim": aims.first_month_at_aim,
            "daily_pace_per_open_weekday": aims.daily_pace,
            "daily_pace_aim": aims.daily_pace_aim,
            "months_at_daily_pace_aim": list(aims.months_at_daily_aim),
            "counters_added_by_end": aims.counters_added_by_end,
            "staff_added_by_end": aims.staff_added_by_end,
            "counters_added_at_peak": aims.counters_added_at_peak,
            "counters_peak_month": aims.counters_peak_month,
            "staff_added_at_peak": aims.staff_added_at_peak,
            "staff_peak_month": aims.staff_peak_month,
            "applications_needed": {
                m: int(x)
                for m, x in zip(months, plan.gap.applications_needed.sum(axis=0), strict=True)
            },
            "pace": national_pace(plan, params),
        },
        # Forecast, plan and gap (issue 11): target = forecast deliveries + applications needed.
        "gap": {
            "national": gap_totals(plan.gap, plan.profiles.target).as_dict(),
            "prefectures": {
                str(code): gap_totals(
                    plan.gap, plan.profiles.target, plan.profiles.pref_code == code
                ).as_dict()
                for code in np.unique(plan.profiles.pref_code)
            },
        },
        "prefectures": {
            code: {"target": t.target, "monthly": monthly(t)}
            for code, t in by_prefecture(plan).items()
        },
        "promotion": promotion_rollups(plan),
        "defaults_used": {
            "municipalities_using_default": defaults,
            "values": {
                key: {"value": _jsonable(params[key]), "source": params.source(key)}  # type: ignore[attr-defined]
                for key in sorted(params)
                if key.startswith(("capacity.", "costs.", "staffing.", "demand."))
            },
        },
    }


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, int | float | str | bool) or x is None:
        return x
    return str(x)


def write_plan(
    out: Path,
    plan: Plan,
    params: Mapping[str, Any],
    as_of: str,
    sample: bool,
    waits: bool = True,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_columns(out / "plan_monthly.csv", plan_text_columns(plan, waits))
    write_columns(out / "budget.csv", budget_text_columns(plan))
    text = json.dumps(summary(plan, params, as_of, sample, waits), ensure_ascii=False, indent=1)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")
    findings = findings_text(plan_findings(plan, params))
    (out / "plan_findings.csv").write_text(findings, encoding="utf-8")


def promotion_rollups(plan: Plan) -> dict[str, Any]:
    """R2.4, R3.2, R3.3: forms mailed, events and convenience-store fee reductions, by
    prefecture and for the nation (the Ministry's survey)."""
    codes = plan.profiles.lg_code.tolist()
    promotions = dict(zip(codes, plan.profiles.promotion.tolist(), strict=True))
    prefs = plan.profiles.pref_code.tolist()
    by_pref: dict[str, list[str]] = {}
    for code, pref in zip(codes, prefs, strict=True):
        by_pref.setdefault(pref, []).append(code)
    return {
        "national": as_dict(rollup(codes, promotions)),
        "prefectures": {p: as_dict(rollup(cs, promotions)) for p, cs in sorted(by_pref.items())},
    }
