"""Monthly issuance schedules that sum exactly to each municipality's target (R1.1, R1.2).

Every method produces weights over the months; :func:`apportion` turns weights into whole
numbers that add up to the target to the card (largest remainder), for all municipalities at
once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kofuplan.domain.demand import Demand

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

METHODS = ("level", "delivery", "optimal")

__all__ = ["METHODS", "Demand", "apportion", "level_weights", "schedule"]


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
    elif method == "optimal":
        raise ValueError(
            "the optimal method needs the profiles and costs: plan it with "
            "kofuplan.domain.plan.make_plan (it calls kofuplan.domain.optimal)"
        )
    else:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return apportion(target, weights)
