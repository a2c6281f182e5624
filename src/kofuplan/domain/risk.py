"""The risk of a backlog (滞留) when applications surge after the campaigns (R3.1, R6.2, R8.1).

How strongly residents answer a campaign such as the QR-code mailing is uncertain. A Monte
Carlo draws, for each draw and municipality, a response multiplier uniformly within a dated
range (``risk.campaign_response_multiplier``) and, for each month, the applications as Poisson
counts around ``base + multiplier × campaign``. Applications reach the municipality as cards
``production_lag_months`` later; cards then wait until the month's issuance capacity takes them,
first come first served. A card waits longer than ``max_wait_months`` when the cards waiting
at a month's end exceed what the following ``max_wait_months`` months can issue.

Each municipality draws its own multiplier: the outputs are per municipality, and the marginal
distribution of one municipality does not depend on how its response correlates with others'.

Every random number is drawn, in a fixed order, from the ``numpy.random.Generator`` passed in,
and none depends on the capacity: the same seed gives the same result, and comparing two
capacities with the same seed compares them on the same surges (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["BacklogRisk", "PlanDemand", "backlog_risk"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PlanDemand:
    """Arrays N × M from a plan, municipalities and months in the file's order."""

    lg_codes: tuple[str, ...]
    months: tuple[str, ...]
    capacity: FloatArray
    applications: FloatArray
    campaign_applications: FloatArray  # the national campaigns and the own QR mailing
    deliveries: FloatArray


@dataclass(frozen=True)
class BacklogRisk:
    """Per municipality and month (arrays N × M), over the draws."""

    probability_backlog: FloatArray  # P(some card waits longer than max_wait_months)
    waiting_p10: FloatArray  # cards delivered and not yet issued at the month's end
    waiting_p50: FloatArray
    waiting_p90: FloatArray
    waiting_mean: FloatArray


def _matrix(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected municipalities × months, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name}: must be finite and not negative")
    return arr


def _capacity_ahead(capacity: FloatArray, months: int) -> FloatArray:
    """What the next ``months`` months can issue, seen from each month's end. Past the plan's
    end the last month's capacity is assumed to continue."""
    n, m = capacity.shape
    extended = np.concatenate([capacity, np.repeat(capacity[:, -1:], months, axis=1)], axis=1)
    running = np.concatenate([np.zeros((n, 1)), np.cumsum(extended, axis=1)], axis=1)
    return np.asarray(running[:, 1 + months : 1 + months + m] - running[:, 1 : 1 + m])


def backlog_risk(
    base_applications: ArrayLike,
    campaign_applications: ArrayLike,
    capacity: ArrayLike,
    *,
    production_lag_months: int,
    response_low: float,
    response_high: float,
    draws: int,
    rng: np.random.Generator,
    max_wait_months: int = 1,
    initial_waiting: ArrayLike = 0.0,
    in_production: ArrayLike | None = None,
) -> BacklogRisk:
    """Simulate ``draws`` surges; see the module's docstring for the model.

    ``base_applications`` and ``campaign_applications`` are the expected applications per
    month without and because of the campaigns, ``capacity`` the cards each month can issue,
    all N × M; ``initial_waiting`` the cards already waiting at the start (N, or a scalar);
    ``in_production`` (N × lag) the cards of applications already made, delivered in the first
    ``production_lag_months`` months (known, so not drawn; none if not given).
    """
    base = _matrix("base_applications", base_applications)
    campaign = _matrix("campaign_applications", campaign_applications)
    cap = _matrix("capacity", capacity)
    if not base.shape == campaign.shape == cap.shape:
        raise ValueError(
            "base_applications, campaign_applications and capacity: shapes differ "
            f"({base.shape}, {campaign.shape}, {cap.shape})"
        )
    if production_lag_months < 0 or max_wait_months < 1 or draws < 1:
        raise ValueError("production_lag_months ≥ 0, max_wait_months ≥ 1 and draws ≥ 1 are needed")
    if not 0 <= response_low <= response_high:
        raise ValueError("response range: need 0 ≤ low ≤ high")
    n, m = cap.shape
    start = np.broadcast_to(np.asarray(initial_waiting, dtype=np.float64), (n,))
    if np.any(start < 0):
        raise ValueError("initial_waiting: must not be negative")

    multiplier = rng.uniform(response_low, response_high, size=(draws, n))
    ahead = _capacity_ahead(cap, max_wait_months)
    waiting = np.broadcast_to(start, (draws, n)).copy()
    known = (
        np.zeros((n, production_lag_months))
        if in_production is None
        else np.asarray(in_production, dtype=np.float64)
    )
    if known.shape != (n, production_lag_months) or np.any(known < 0):
        raise ValueError(
            f"in_production: expected {n} × {production_lag_months} non-negative cards, "
            f"got shape {known.shape}"
        )
    pipeline = [np.broadcast_to(known[:, k], (draws, n)) for k in range(production_lag_months)]

    over = np.empty((n, m))
    quantiles = np.empty((3, n, m))
    mean = np.empty((n, m))
    for t in range(m):
        applied = rng.poisson(base[:, t] + multiplier * campaign[:, t]).astype(np.float64)
        pipeline.append(applied)
        delivered = pipeline.pop(0)
        waiting = np.maximum(waiting + delivered - cap[:, t], 0.0)
        over[:, t] = (waiting > ahead[:, t]).mean(axis=0)
        quantiles[:, :, t] = np.percentile(waiting, [10, 50, 90], axis=0)
        mean[:, t] = waiting.mean(axis=0)
    return BacklogRisk(
        probability_backlog=over,
        waiting_p10=quantiles[0],
        waiting_p50=quantiles[1],
        waiting_p90=quantiles[2],
        waiting_mean=mean,
    )
