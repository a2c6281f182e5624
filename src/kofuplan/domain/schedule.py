"""Monthly issuance schedules that sum exactly to each municipality's target (R1.1, R1.2).

Every method produces weights over the months; :func:`apportion` turns weights into whole
numbers that add up to the target to the card (largest remainder), for all municipalities at
once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.calendar import add_months
from kofuplan.domain.promotion import PromotionDemand

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

METHODS = ("level", "delivery")


def apportion(total: IntArray, weights: FloatArray) -> IntArray:
    """Split each row's ``total`` over the columns in proportion to ``weights``.

    Whole numbers, each row summing exactly to its total: floor the exact shares, then give
    the cards left over to the largest remainders (ties go to the earlier month). A row whose
    weights are all zero is spread evenly.
    """
    total = np.asarray(total, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    n, m = w.shape
    row_sum = w.sum(axis=1, keepdims=True)
    flat = row_sum[:, 0] <= 0
    if flat.any():
        w = w.copy()
        w[flat] = 1.0
        row_sum[flat] = m
    exact = w / row_sum * total[:, None]
    base = np.floor(exact).astype(np.int64)
    left = total - base.sum(axis=1)
    # Ranking by remainder; a stable sort keeps earlier months first among equals.
    order = np.argsort(-(exact - base), axis=1, kind="stable")
    ranks = np.empty_like(order)
    ranks[np.arange(n)[:, None], order] = np.arange(m)[None, :]
    result: IntArray = base + (ranks < left[:, None]).astype(np.int64)
    return result


def level_weights(open_days: IntArray) -> FloatArray:
    """``level``: the same count on every open day."""
    return open_days.astype(np.float64)


@dataclass(frozen=True)
class Demand:
    """Expected applications and J-LIS deliveries per municipality and month (N, M)."""

    applications: FloatArray
    deliveries: FloatArray
    # Applications by source (R3): today's pace, the national campaigns, the municipality's
    # own QR mailing and its off-site events; they add up to ``applications``.
    by_source: dict[str, FloatArray]


def expected_demand(
    months: Sequence[str],
    daily_pace: FloatArray,
    non_holders: IntArray,
    campaigns: Sequence[Mapping[str, Any]],
    response_rate: Mapping[str, float],
    lag_months: int,
    days_in_month: IntArray,
    own: PromotionDemand | None = None,
    national_non_holders: int | None = None,
) -> Demand:
    """Applications: today's pace plus the national campaigns of R3.1, shared out by
    non-holders; deliveries follow applications after the production lag.

    The applications of the ``lag_months`` before the first month are taken at today's pace,
    so the first months' deliveries are the cards already in production.
    """
    first = months[0]
    span = tuple(add_months(first, k - lag_months) for k in range(len(months) + lag_months))
    days = np.concatenate(
        [np.full(lag_months, 30, dtype=np.int64), np.asarray(days_in_month, dtype=np.int64)]
    )
    base = daily_pace[:, None] * days[None, :].astype(np.float64)
    national = np.zeros_like(base)
    # Each municipality's share of a national campaign is its share of the nation's
    # non-holders, whichever municipalities are being planned together.
    nation = national_non_holders or int(non_holders.sum())
    share = non_holders / max(nation, 1)
    own_mailing = np.zeros_like(base)
    events = np.zeros_like(base)
    if own is not None:
        own_mailing[:, lag_months:] = own.own_mailing
        events[:, lag_months:] = own.events
    for campaign in campaigns:
        kind = str(campaign["kind"])
        pieces = float(campaign.get("pieces", 0)) * float(response_rate.get(kind, 0.0))
        active = [k for k, month in enumerate(span) if month in set(campaign["months"])]
        if pieces <= 0 or not active:
            continue
        mine = share * pieces / len(active)
        if kind == "qr_mailing" and own is not None:
            # A municipality that schedules its own QR mailing replaces its national share.
            mine = np.where(own.mailing_given, 0.0, mine)
        national[:, active] += mine[:, None]
    apps = base + national + own_mailing + events
    sources = {"base": base, "national": national, "own_mailing": own_mailing, "events": events}
    return Demand(
        applications=apps[:, lag_months:],
        deliveries=apps[:, : len(months)],
        by_source={k: v[:, lag_months:] for k, v in sources.items()},
    )


def schedule(
    method: str,
    target: IntArray,
    open_days: IntArray,
    demand: Demand,
) -> IntArray:
    """Monthly issuance (N, M) for ``method``; ``open_days`` is (N, M)."""
    if method == "level":
        weights = level_weights(open_days)
    elif method == "delivery":
        weights = np.where(open_days > 0, demand.deliveries, 0.0)
    else:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return apportion(target, weights)
