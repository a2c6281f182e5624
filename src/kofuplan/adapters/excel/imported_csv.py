"""The imported plans (``kofuplan excel read``) as the files it writes: the
``plan_monthly.csv`` contract columns and the ``--profiles`` rows, as text."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.plan_csv import demand_columns
from kofuplan.adapters.promotion_fields import promotion_cells
from kofuplan.domain import calendar as cal_mod
from kofuplan.domain.capacity import NO_RECRUIT
from kofuplan.services.excel_plans import ImportedPlans, profile_fields


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def imported_columns(plans: ImportedPlans) -> dict[str, list[str]]:
    """The ``plan_monthly.csv`` contract columns (issue 2), a row per municipality and month."""
    n, m = plans.issuance.shape
    pop = np.maximum(plans.profiles.population, 1)[:, None]
    coverage = plans.cumulative_issued / pop * 100.0

    def flat(a: npt.NDArray[Any]) -> list[str]:
        return [str(v) for v in np.broadcast_to(a, (n, m)).reshape(-1).tolist()]

    def flat_num(a: npt.NDArray[Any]) -> list[str]:
        return [_num(v) for v in np.broadcast_to(a, (n, m)).reshape(-1).tolist()]

    recruit = [
        "" if i == NO_RECRUIT else cal_mod.add_months(plans.months[0], int(i))
        for i in plans.recruit_start_index.reshape(-1).tolist()
    ]
    return {
        "lg_code": flat(plans.profiles.lg_code[:, None]),
        "month": list(plans.months) * n,
        "issuance": flat(plans.issuance),
        "cumulative_issued": flat(plans.cumulative_issued),
        "coverage_pct": flat_num(coverage),
        "open_weekdays": flat(plans.open_weekdays[None, :]),
        "weekend_days": flat(plans.weekend_days),
        "required_weekend_days": flat(plans.required_weekend_days[None, :]),
        "open_days": flat(plans.open_days),
        "dedicated_counters": flat(plans.dedicated_counters),
        "dedicated_daily_per_counter": flat_num(plans.dedicated_daily_per_counter),
        "combined_counters": flat(plans.combined_counters),
        "combined_daily_per_counter": flat_num(plans.combined_daily_per_counter),
        "capacity": flat(plans.capacity),
        "offsite_counters": flat(plans.offsite_counters),
        "staff": flat(plans.staff),
        "terminals": flat(plans.terminals),
        "recruit_start_month": recruit,
        "pref_code": flat(plans.profiles.pref_code[:, None]),
        "evening_day_equivalents": flat_num(plans.evening_day_equivalents),
        # The derived demand, so that `risk` and every plan reader take this plan as `plan`'s.
        **demand_columns(plans.demand, ("applications_expected", "deliveries_expected")),
        **demand_columns(plans.demand, ("by_source",)),
    }


def profile_rows(plans: ImportedPlans) -> list[dict[str, Any]]:
    """One row per municipality in the engine's ``--profiles`` CSV format, so that a re-plan
    (``kofuplan plan --profiles``) starts from what the clerks gave, promotion section
    included (its cells blank where not given)."""
    return [
        {
            "lg_code": b.profile.lg_code,
            **profile_fields(b.profile),
            **promotion_cells(b.promotion),
        }
        for b in plans.workbooks
    ]
