"""How far a forecast was from what happened (R8.2): error measures over a horizon.

Pure functions over arrays shaped (areas, months): an area is the nation, a prefecture or a
municipality. A month counts from the forecast's first month to the last month with actuals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ForecastErrors:
    """Per area (A,): how the forecast of cards per month compares with the record."""

    mape_pct: FloatArray  # mean |forecast − actual| / actual × 100 over months with actual > 0
    correlation: FloatArray  # Pearson's r of the monthly series (NaN when one is flat)
    peak_month_forecast: tuple[str, ...]
    peak_month_actual: tuple[str, ...]
    peak_month_error: npt.NDArray[np.int64]  # forecast peak − actual peak, in months
    cumulative_forecast: FloatArray  # over the horizon
    cumulative_actual: FloatArray
    cumulative_error_pct: FloatArray  # (forecast − actual) / actual × 100 at the horizon


def forecast_errors(
    months: Sequence[str], forecast: FloatArray, actual: FloatArray
) -> ForecastErrors:
    """Error measures of ``forecast`` against ``actual``, both (A, M) over ``months``."""
    f = np.atleast_2d(np.asarray(forecast, dtype=np.float64))
    a = np.atleast_2d(np.asarray(actual, dtype=np.float64))
    if f.shape != a.shape or f.shape[1] != len(months) or not months:
        raise ValueError(
            f"forecast {f.shape} and actual {a.shape} must both be (areas, {len(months)})"
        )
    positive = a > 0
    ape = np.where(positive, np.abs(f - a) / np.where(positive, a, 1.0), 0.0)
    counted = np.maximum(positive.sum(axis=1), 1)
    mape = ape.sum(axis=1) / counted * 100.0
    fc = f - f.mean(axis=1, keepdims=True)
    ac = a - a.mean(axis=1, keepdims=True)
    denom = np.sqrt((fc**2).sum(axis=1) * (ac**2).sum(axis=1))
    corr = np.where(denom > 0, (fc * ac).sum(axis=1) / np.where(denom > 0, denom, 1.0), np.nan)
    peak_f = f.argmax(axis=1)
    peak_a = a.argmax(axis=1)
    cum_f = f.sum(axis=1)
    cum_a = a.sum(axis=1)
    cum_err = np.where(cum_a > 0, (cum_f - cum_a) / np.where(cum_a > 0, cum_a, 1.0) * 100, np.nan)
    return ForecastErrors(
        mape_pct=mape,
        correlation=corr,
        peak_month_forecast=tuple(months[i] for i in peak_f),
        peak_month_actual=tuple(months[i] for i in peak_a),
        peak_month_error=(peak_f - peak_a).astype(np.int64),
        cumulative_forecast=cum_f,
        cumulative_actual=cum_a,
        cumulative_error_pct=cum_err,
    )


def by_group(values: FloatArray, groups: Sequence[str]) -> tuple[list[str], FloatArray]:
    """Sum the rows of ``values`` (N, M) by ``groups`` (N,), groups in sorted order."""
    keys = sorted(set(groups))
    index = {k: i for i, k in enumerate(keys)}
    out = np.zeros((len(keys), values.shape[1]))
    np.add.at(out, np.array([index[g] for g in groups], dtype=np.intp), values)
    return keys, out
