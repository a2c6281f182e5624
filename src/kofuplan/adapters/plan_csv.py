"""Writes a plan: ``plan_monthly.csv``, ``budget.csv`` and ``summary.json``.

``plan_monthly.csv`` is a contract read by the checks, the follow-up, Excel and the service:
columns are only ever added, never renamed or removed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.findings_csv import findings_text
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


def _ints(a: npt.NDArray[Any]) -> list[str]:
    return [str(x) for x in np.asarray(a).reshape(-1).tolist()]


def _decimals(a: npt.NDArray[Any], places: int) -> list[str]:
    return [f"{x:.{places}f}".rstrip("0").rstrip(".") for x in np.asarray(a).reshape(-1).tolist()]


def plan_columns(plan: Plan) -> dict[str, list[str]]:
    """The plan as CSV columns of strings, a row per municipality and month."""
    n, m = plan.issuance.shape
    cal = plan.calendar
    cap = plan.capacity
    p = plan.profiles

    def per_month(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.broadcast_to(np.asarray(a)[None, :], (n, m))

    def per_muni(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.broadcast_to(np.asarray(a)[:, None], (n, m))

    recruit = [
        "" if i == NO_RECRUIT else add_months(cal.months[0], int(i))
        for i in cap.recruit_start_index.reshape(-1).tolist()
    ]
    defaults = np.array([";".join(p.defaults_of(i)) for i in range(n)], dtype=object)
    return {
        "lg_code": per_muni(p.lg_code).reshape(-1).tolist(),
        "month": list(cal.months) * n,
        "issuance": _ints(plan.issuance),
        "cumulative_issued": _ints(plan.cumulative_issued),
        "coverage_pct": _decimals(plan.coverage_pct, 2),
        "open_weekdays": _ints(per_month(cal.open_weekdays)),
        "weekend_days": _ints(cap.weekend_days),
        "required_weekend_days": _ints(per_month(cal.required_weekend_days)),
        "open_days": _ints(cap.open_days),
        "dedicated_counters": _ints(cap.dedicated_counters),
        "dedicated_daily_per_counter": _decimals(cap.dedicated_daily_per_counter, 2),
        "combined_counters": _ints(cap.combined_counters),
        "combined_daily_per_counter": _decimals(cap.combined_daily_per_counter, 2),
        "capacity": _ints(cap.capacity),
        "offsite_counters": _ints(cap.offsite_counters),
        "staff": _ints(cap.staff),
        "terminals": _ints(cap.terminals),
        "recruit_start_month": recruit,
        "pref_code": per_muni(p.pref_code).reshape(-1).tolist(),
        "applications_expected": _ints(np.rint(plan.demand.applications).astype(np.int64)),
        "deliveries_expected": _ints(np.rint(plan.demand.deliveries).astype(np.int64)),
        "defaults": per_muni(defaults).reshape(-1).tolist(),
        # R8.3: evening opening counted in capacity, as extra open days.
        "evening_day_equivalents": _decimals(cap.evening_day_equivalents, 2),
        **{
            f"applications_{source}": _ints(np.rint(values).astype(np.int64))
            for source, values in plan.demand.by_source.items()
        },
        **_wait_columns(plan),
        "applications_needed": _ints(plan.gap.applications_needed),
        "deliveries_needed": _ints(plan.gap.deliveries_needed),
    }


def _wait_columns(plan: Plan) -> dict[str, list[str]]:
    if plan.waits is None:
        return {}
    w = plan.waits

    def minutes(wait: npt.NDArray[Any], arrivals: npt.NDArray[Any]) -> list[str]:
        text = _decimals(np.where(np.isfinite(wait), wait, 0.0), 1)
        none = (arrivals <= 0).reshape(-1).tolist()
        endless = (~np.isfinite(wait)).reshape(-1).tolist()
        return ["" if a else "inf" if b else t for t, a, b in zip(text, none, endless, strict=True)]

    return {
        "wait_weekday_minutes": minutes(w.weekday.worst_hour_wait_minutes, w.arrivals_per_weekday),
        "wait_weekend_minutes": minutes(
            w.weekend.worst_hour_wait_minutes, w.arrivals_per_weekend_day
        ),
    }


def write_columns(path: Path, columns: Mapping[str, list[str]]) -> None:
    """Write string columns as CSV. Values here are numbers, codes and field names, never
    user text, so no quoting is needed; a comma would be a bug, and is refused."""
    names = list(columns)
    lines = [",".join(row) for row in zip(*columns.values(), strict=True)]
    if any(line.count(",") != len(names) - 1 for line in [",".join(names), *lines]):
        raise ValueError(f"{path.name}: a value contains a comma")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join([",".join(names), *lines]) + "\n", encoding="utf-8")
    tmp.replace(path)


def budget_columns(plan: Plan) -> dict[str, list[str]]:
    b = plan.budget
    n = b.yen.shape[0]
    f, k = len(b.fiscal_years), len(b.items)
    return {
        "lg_code": np.repeat(plan.profiles.lg_code, f * k).tolist(),
        "fiscal_year": [str(fy) for fy in np.tile(np.repeat(b.fiscal_years, k), n).tolist()],
        "item": list(b.items) * (n * f),
        "yen": _ints(b.yen),
    }


def summary(plan: Plan, params: Mapping[str, Any], as_of: str, sample: bool) -> dict[str, Any]:
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


def write_plan(out: Path, plan: Plan, params: Mapping[str, Any], as_of: str, sample: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_columns(out / "plan_monthly.csv", plan_columns(plan))
    write_columns(out / "budget.csv", budget_columns(plan))
    text = json.dumps(summary(plan, params, as_of, sample), ensure_ascii=False, indent=1)
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
