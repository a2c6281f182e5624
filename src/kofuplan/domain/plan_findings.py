"""What the engine finds in its own plan (issue 11): the applications it needs beyond the
forecast (R3), and a pace far beyond the one achieved before the as-of date (R8.2).

Both are about whether the plan can be carried out, not about a clerk's mistake, so they are
warnings; ``kofuplan plan`` writes them to ``plan_findings.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain import advice
from kofuplan.domain.findings import Finding, FindingCode
from kofuplan.domain.plan import Plan, days_in_months
from kofuplan.domain.rule_values import PlanRules

FloatArray = npt.NDArray[np.float64]

R3_GAP = FindingCode("R3-gap", "warning", "計画の達成に現在の見込みを超える申請が必要")
R8_2_PACE = FindingCode(
    "R8.2-pace", "warning", "計画の1日当たり交付枚数が直近の実績の目安倍率を超える"
)
CODES: tuple[FindingCode, ...] = (R3_GAP, R8_2_PACE)


@dataclass(frozen=True)
class Pace:
    """The plan's busiest month against the pace achieved before the as-of date, in cards
    per calendar day (N,) for each municipality."""

    peak_month: npt.NDArray[np.int64]
    needed_per_day: FloatArray
    achieved_per_day: FloatArray
    multiple: float

    @property
    def ratio(self) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = np.where(
                self.achieved_per_day > 0,
                self.needed_per_day / np.maximum(self.achieved_per_day, 1e-12),
                np.where(self.needed_per_day > 0, np.inf, 0.0),
            )
        return out

    @property
    def beyond(self) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = self.ratio > self.multiple
        return out


def plan_pace(plan: Plan, params: Mapping[str, Any]) -> Pace:
    per_day = plan.issuance / days_in_months(plan.calendar)[None, :]
    peak = np.argmax(per_day, axis=1)
    return Pace(
        peak_month=peak.astype(np.int64),
        needed_per_day=per_day[np.arange(per_day.shape[0]), peak],
        achieved_per_day=np.asarray(plan.profiles.recent_daily_issuance, dtype=np.float64),
        multiple=PlanRules.from_rules(params).feasible_pace_multiple,
    )


def national_pace(plan: Plan, params: Mapping[str, Any]) -> dict[str, Any]:
    """The nation's busiest month against the nation's pace achieved, for summary.json."""
    per_day = plan.issuance.sum(axis=0) / days_in_months(plan.calendar)
    peak = int(np.argmax(per_day))
    achieved = float(plan.profiles.recent_daily_issuance.sum())
    multiple = PlanRules.from_rules(params).feasible_pace_multiple
    mean = float(plan.issuance.sum() / days_in_months(plan.calendar).sum())
    return {
        "achieved_per_day": round(achieved, 1),
        "needed_mean_per_day": round(mean, 1),
        "needed_peak_per_day": round(float(per_day[peak]), 1),
        "peak_month": plan.months[peak],
        "ratio_mean": round(mean / achieved, 2) if achieved > 0 else None,
        "ratio_peak": round(float(per_day[peak]) / achieved, 2) if achieved > 0 else None,
        "feasible_multiple": multiple,
        "municipalities_beyond": int(plan_pace(plan, params).beyond.sum()),
    }


def plan_findings(plan: Plan, params: Mapping[str, Any]) -> list[Finding]:
    codes = plan.profiles.lg_code.tolist()
    target = plan.profiles.target
    gap = plan.gap
    needed = gap.needed
    forecast = gap.forecast_deliveries.sum(axis=1)
    last = plan.months[-1]
    found = [
        Finding(
            codes[i],
            None,
            R3_GAP.code,
            R3_GAP.severity,
            int(needed[i]),
            int(forecast[i]),
            advice.applications_gap(int(needed[i]), int(forecast[i]), int(target[i]), last),
        )
        for i in np.flatnonzero(needed > 0).tolist()
    ]
    pace = plan_pace(plan, params)
    for i in np.flatnonzero(pace.beyond).tolist():
        month = plan.months[int(pace.peak_month[i])]
        need, done = float(pace.needed_per_day[i]), float(pace.achieved_per_day[i])
        found.append(
            Finding(
                codes[i],
                month,
                R8_2_PACE.code,
                R8_2_PACE.severity,
                round(need, 1),
                round(done * pace.multiple, 1),
                advice.pace_beyond_achieved(month, need, done, pace.multiple),
            )
        )
    return found
