"""Every municipality's monthly new cards since the first card, from what the statistics give.

The renewal wave is fixed by past issuance, but the per-municipality statistics only start in
2020. The months are filled in three ways, each stated in docs/renewals.md:

- **known months** (the municipality statistics): the month-end cumulative's increase;
- **before them** (from 2016-01): the municipality's cumulative at its first known month, spread
  over the earlier months in the shape of its prefecture's cumulative (published at irregular
  dates from 2017-03, linear between them and from zero at the first card);
- **after them**: the national cumulative where published (the national series, then secondary
  reference points), linear between points, then a dated national rate per month; each month's
  national new cards are shared out by the municipalities' non-holders (population − cards) at
  the last known month.

A newer statistics file moves the known months forward and the estimate simply recedes.

The age structure of each month's new cards is national (the statistics by age band): the
increase of each band between two snapshots, as a share of the increase of all bands.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Series:
    """Cumulative cards at dates: ``values`` (rows, dates) at ordinal ``days``."""

    keys: tuple[str, ...]
    days: IntArray
    values: FloatArray


# The statistics' age bands used for the split, and how they map onto the engine's groups
# (kofuplan.domain.renewal.AGE_GROUPS): 0–4, 5–9, 10–14 one to one; 15–19 split 3:2 at 18
# (ages uniform within the band); 20 and over summed.
AGE_BANDS = ("0-4", "5-9", "10-14", "15-19", "20+")
_BAND_TO_GROUPS = np.array(
    [
        [1, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0.6, 0.4, 0],
        [0, 0, 0, 0, 0, 1],
    ],
    dtype=np.float64,
)


def interpolate_cumulative(
    point_days: IntArray, point_values: FloatArray, at_days: IntArray, start_day: int
) -> FloatArray:
    """Cumulative counts (rows) at ``at_days``, linear between published points (columns of
    ``point_values``, at ordinal ``point_days``) and from zero at ``start_day``; held at the
    last point beyond it."""
    days = np.concatenate([[start_day], point_days]).astype(np.float64)
    order = np.argsort(days, kind="stable")
    days = days[order]
    values = np.concatenate([np.zeros((point_values.shape[0], 1)), point_values], axis=1)
    values = values[:, order]
    out = np.empty((values.shape[0], at_days.size))
    for i in range(values.shape[0]):
        out[i] = np.interp(at_days.astype(np.float64), days, values[i])
    return out


def issuance_history(
    month_end_days: IntArray,
    first_known: int,
    known_cumulative: FloatArray,
    pref_index: IntArray,
    pref_days: IntArray,
    pref_cumulative: FloatArray,
    start_day: int,
    national_days: IntArray,
    national_cumulative: FloatArray,
    national_rate: FloatArray,
    non_holders: FloatArray,
) -> FloatArray:
    """New cards per municipality and month (N, H).

    ``month_end_days`` (H,): ordinal of each month's last day. ``known_cumulative`` (N, T): the
    municipality statistics' month-end cumulative for months ``first_known`` …
    ``first_known + T − 1``. ``pref_index`` (N,): row of each municipality's prefecture in
    ``pref_cumulative`` (P, K) published at ``pref_days`` (K,). ``national_cumulative`` (J,)
    at ``national_days``: national figures after the last known month (may be empty);
    ``national_rate`` (H,): national new cards per month beyond them. ``non_holders`` (N,).
    """
    n, t = known_cumulative.shape
    h = month_end_days.size
    last_known = first_known + t - 1
    if not 0 <= first_known <= last_known < h:
        raise ValueError("issuance_history: the known months must lie within the month axis")
    out = np.zeros((n, h))

    # Before the known months: the prefecture's shape up to the first known month end.
    pref_at = interpolate_cumulative(
        pref_days, pref_cumulative, month_end_days[: first_known + 1], start_day
    )
    pref_new = np.diff(pref_at, axis=1, prepend=0.0)  # (P, first_known + 1)
    total = pref_at[:, -1]
    shape = pref_new / np.where(total > 0, total, 1.0)[:, None]
    out[:, : first_known + 1] = known_cumulative[:, :1] * shape[pref_index]

    # The known months.
    out[:, first_known + 1 : last_known + 1] = np.diff(known_cumulative, axis=1)

    # After them: national figures, then the national rate, shared by non-holders.
    if last_known + 1 < h:
        nation_known = float(known_cumulative[:, -1].sum())
        later = month_end_days[last_known:]
        if national_days.size:
            after = national_days > month_end_days[last_known]
            days = np.concatenate([[month_end_days[last_known]], national_days[after]])
            values = np.concatenate([[nation_known], national_cumulative[after]])
        else:
            days = np.array([month_end_days[last_known]])
            values = np.array([nation_known])
        cumulative = np.interp(later.astype(np.float64), days.astype(np.float64), values)
        beyond = later > days[-1]
        rate = np.asarray(national_rate[last_known:], dtype=np.float64)
        # Past the last published point, each month adds the dated rate (the month that
        # straddles the point adds its share of days).
        span = np.diff(later.astype(np.float64), prepend=np.nan)
        part = np.clip((later - days[-1]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
        extra = np.cumsum(np.where(beyond, rate * part, 0.0))
        nation_new = np.diff(cumulative + extra)  # months last_known + 1 …
        weights = np.maximum(non_holders, 0.0)
        share = weights / max(float(weights.sum()), 1.0)
        out[:, last_known + 1 :] = share[:, None] * nation_new[None, :]
    return out


def age_group_shares(
    month_end_days: IntArray, band_days: IntArray, band_cumulative: FloatArray
) -> FloatArray:
    """Share of each engine age group in each month's new cards (H, G).

    ``band_cumulative`` (K, 5): national cumulative cards by :data:`AGE_BANDS` at ``band_days``
    (sorted). A month takes the bands' increase between the snapshots around its end (a band
    that shrank, as holders aged out of it, counts zero); before the first snapshot the
    bands' stock at that snapshot; after the last, the last increase.
    """
    if band_days.size == 0:
        raise ValueError("age_group_shares: no age statistics")
    stock = band_cumulative[0]
    steps = np.maximum(np.diff(band_cumulative, axis=0), 0.0)  # (K − 1, 5)
    rows = np.vstack([stock[None, :], steps]) if steps.size else stock[None, :]
    # Row j covers months ending after band_days[j − 1] up to band_days[j]; row 0 everything
    # up to the first snapshot; the last row also covers what follows.
    which = np.searchsorted(band_days, month_end_days, side="left")
    which = np.minimum(which, rows.shape[0] - 1)
    chosen = rows[which]
    sums = chosen.sum(axis=1, keepdims=True)
    bands = chosen / np.where(sums > 0, sums, 1.0)
    groups: FloatArray = bands @ _BAND_TO_GROUPS
    return groups


def month_end_ordinals(months: Sequence[str]) -> IntArray:
    """Ordinal day numbers of each month's last day."""
    out = []
    for m in months:
        y, mon = int(m[:4]), int(m[5:7])
        out.append(dt.date(y, mon, calendar.monthrange(y, mon)[1]).toordinal())
    return np.asarray(out, dtype=np.int64)
