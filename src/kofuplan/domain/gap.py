"""Forecast, plan and gap: three things, never blended (issue 11, R1.1, R3).

The *forecast* (:class:`kofuplan.domain.schedule.Demand`) is what is expected to happen with no
promotion beyond what is planned. The *plan* reaches the target. The *gap* is what the plan
needs beyond the forecast: ``applications_needed``, placed by one stated rule, and the cards
they bring (``deliveries_needed``). Every method shares the same gap; it is shown, with advice
pointing to R3, never hidden in a forecast shape scaled to the target.

The rule that places the applications needed: the same number per open weekday (mailings,
events and the help with health-insurance registration of R3 are weekday work) over the months
whose cards arrive once new staff can be trained (``staffing.recruit_lead_months``) and no later
than the plan's last month (``demand.production_lag_months`` after the application), rising in
its first ``plan.needed_ramp_months`` months: the k-th of them (from 1) gets k / (ramp + 1) of
a full month's share, as promotion builds up and the new staff who will issue its cards come
in (so that no plan's staff step up all at once when the lead time is over).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.demand import DemandRules
from kofuplan.domain.rule_values import PlanRules, StaffingRules
from kofuplan.domain.schedule import Demand, apportion

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Gap:
    """Arrays (N, M) of whole cards."""

    # The forecast's deliveries, in whole cards, up to the municipality's target: once the
    # forecast has delivered the target, there is nobody left to apply.
    forecast_deliveries: IntArray
    # What the forecast delivers beyond the target (N,): reported, never issued.
    forecast_beyond_target: IntArray
    applications_needed: IntArray
    deliveries_needed: IntArray

    @property
    def needed(self) -> IntArray:
        """Applications needed beyond the forecast (N,) = target − forecast deliveries."""
        out: IntArray = self.applications_needed.sum(axis=1)
        return out


def no_gap(n: int, m: int) -> Gap:
    """A plan with nothing to find beyond its forecast (renewals: every renewal is due)."""
    zeros = np.zeros((n, m), dtype=np.int64)
    return Gap(zeros, np.zeros(n, dtype=np.int64), zeros, zeros)


def whole_deliveries(deliveries: FloatArray, target: IntArray) -> tuple[IntArray, IntArray]:
    """The forecast deliveries as whole cards, rounded on the running total so that no card
    is lost to rounding, and cut where the running total reaches the target. Returns the
    cards and what the forecast delivers beyond the target (N,)."""
    running = np.rint(np.cumsum(np.maximum(deliveries, 0.0), axis=1)).astype(np.int64)
    within = np.minimum(running, target[:, None])
    cards = np.diff(within, axis=1, prepend=0)
    return cards, running[:, -1] - within[:, -1]


def needed_months(m: int, lead: int, lag: int) -> tuple[int, int]:
    """First and last application month (inclusive) of the rule in the module docstring."""
    last = max(m - 1 - lag, 0)
    first = min(max(lead - lag, 0), last)
    return first, last


def ramp_of(months: int, ramp: int) -> FloatArray:
    """The share of a full month's applications needed in each of the rule's ``months``:
    k / (ramp + 1) in the k-th of the first ``ramp`` months, 1 after."""
    k = np.arange(1, months + 1, dtype=np.float64)
    out: FloatArray = np.minimum(k / (ramp + 1), 1.0)
    return out


def deliveries_of(applications: IntArray, lag: int) -> IntArray:
    """The cards the applications bring, ``lag`` months later; cards that would arrive after
    the plan's last month are counted in it (only when the plan is shorter than the lag)."""
    n, m = applications.shape
    out = np.zeros((n, m), dtype=np.int64)
    if lag < m:
        out[:, lag:] = applications[:, : m - lag]
    out[:, -1] += applications[:, max(m - lag, 0) :].sum(axis=1)
    return out


def plan_gap(
    target: IntArray, demand: Demand, calendar: MonthCalendar, params: Mapping[str, Any]
) -> Gap:
    m = len(calendar.months)
    forecast, beyond = whole_deliveries(demand.deliveries, target)
    needed = target - forecast.sum(axis=1)
    lag = DemandRules.from_rules(params).production_lag_months
    first, last = needed_months(m, StaffingRules.from_rules(params).recruit_lead_months, lag)
    weights = np.zeros((len(target), m))
    weights[:, first : last + 1] = calendar.open_weekdays[first : last + 1] * ramp_of(
        last - first + 1, PlanRules.from_rules(params).needed_ramp_months
    )
    applications = apportion(needed, weights)
    return Gap(forecast, beyond, applications, deliveries_of(applications, lag))


@dataclass(frozen=True)
class GapTotals:
    target: int
    forecast_deliveries: int
    forecast_beyond_target: int
    applications_needed: int
    municipalities_with_gap: int

    def as_dict(self) -> dict[str, int]:
        return {
            "target": self.target,
            "forecast_deliveries": self.forecast_deliveries,
            "forecast_beyond_target": self.forecast_beyond_target,
            "applications_needed": self.applications_needed,
            "municipalities_with_gap": self.municipalities_with_gap,
        }


def gap_totals(gap: Gap, target: IntArray, mask: npt.NDArray[np.bool_] | None = None) -> GapTotals:
    sel = slice(None) if mask is None else mask
    needed = gap.needed[sel]
    return GapTotals(
        target=int(target[sel].sum()),
        forecast_deliveries=int(gap.forecast_deliveries[sel].sum()),
        forecast_beyond_target=int(gap.forecast_beyond_target[sel].sum()),
        applications_needed=int(needed.sum()),
        municipalities_with_gap=int((needed > 0).sum()),
    )
