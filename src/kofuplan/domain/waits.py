"""Waiting times in a plan: each month's weekdays and weekend days, hour by hour (R2.0, R8.3).

A month's issuance is spread over its open days, a weekend day drawing
``weekend_day_demand_ratio`` times a weekday's residents; each day's residents arrive by the
hourly profile of its kind (``rules/queueing.yaml``). Every counter of the plan (dedicated and
combined, as in the plan's capacity) serves one queue.

Hour by hour the figure is a "fluid + stationary" approximation, the usual one for a day whose
busiest hour can exceed what the counters can do:

- residents not served by the end of an hour carry over to the next (a fluid queue,
  ``Q(h+1) = max(0, Q(h) + arrivals(h) − counters × 60 / service_minutes)``); an arrival waits
  for the carried queue ahead of it to clear, averaged over the hour;
- each hour adds its own random waiting: by Erlang C, but never more than a queue at the
  critical load builds up within one hour (for a reflected Brownian motion with variance
  ``2 × arrivals`` per hour, a mean of ``sqrt(4 × arrivals / π)`` residents). Without that
  bound Erlang C's wait grows without limit as an hour nears capacity, which a day of finite
  hours never sees, and one more counter could seem to lengthen the wait.

Every part shrinks as counters are added, so the wait never grows with more counters. Without
a carried queue and well below capacity this is exactly Erlang C for that hour. The plan
reports, per kind of day, the wait in the worst hour (the peak, after carry-over) and the mean
over the day's residents. Residents still queueing at closing are served after hours and are
not counted further.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kofuplan.domain.queueing import erlang_c_wait_minutes_by_row
from kofuplan.domain.rule_values import rule_file

__all__ = ["DayWaits", "PlanWaits", "QueueingParameters", "day_waits", "peak_share", "plan_waits"]

FloatArray = NDArray[np.float64]


def _profile(hour_weights: Mapping[Any, float]) -> tuple[float, ...]:
    """Hour weights in hour order, normalised to sum to 1."""
    hours = sorted(hour_weights, key=lambda h: int(h))
    weights = np.asarray([float(hour_weights[h]) for h in hours])
    if weights.size == 0 or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("arrival profile: needs non-negative hour weights with a positive sum")
    return tuple((weights / weights.sum()).tolist())


def peak_share(hour_weights: Mapping[Any, float]) -> float:
    """Share of a day's arrivals that come in its busiest hour."""
    return max(_profile(hour_weights))


@dataclass(frozen=True)
class QueueingParameters:
    """The dated queueing parameters (rules/queueing.yaml) as plain numbers."""

    service_minutes: float
    within_minutes: float
    service_level: float
    max_occupancy: float
    weekday_profile: tuple[float, ...]  # share of a weekday's arrivals in each open hour
    weekend_profile: tuple[float, ...]
    weekend_day_demand_ratio: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> QueueingParameters:
        """From a rules snapshot (``load_rules().at(day)``) or any mapping of the same keys."""
        r = rule_file(rules, "queueing")
        return cls(
            service_minutes=float(r["service_minutes"]),
            within_minutes=float(r["within_minutes"]),
            service_level=float(r["service_level"]),
            max_occupancy=float(r["max_occupancy"]),
            weekday_profile=_profile(r["arrival_profile_weekday"]),
            weekend_profile=_profile(r["arrival_profile_weekend"]),
            weekend_day_demand_ratio=float(r["weekend_day_demand_ratio"]),
        )


@dataclass(frozen=True)
class DayWaits:
    """One kind of day, arrays of the input shape."""

    worst_hour_wait_minutes: FloatArray  # mean wait of those arriving in the worst hour
    day_mean_wait_minutes: FloatArray  # mean wait over the day's residents
    carried_at_closing: FloatArray  # residents still queueing when the last hour ends


def _mean_fluid_queue(queue: FloatArray, net: FloatArray) -> FloatArray:
    """Mean over one hour of max(0, queue + net × t), t in [0, 1]: the carried queue that an
    arrival finds ahead of it."""
    growing = queue + net / 2.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a tiny net: inf
        drain = np.where(net < 0, queue / -net, np.inf)  # hours to clear the carried queue
    cleared_late = queue + net / 2.0
    cleared_early = queue * drain / 2.0
    return np.where(net >= 0, growing, np.where(drain >= 1.0, cleared_late, cleared_early))


def day_waits(
    per_day: ArrayLike,
    profile: tuple[float, ...],
    counters: ArrayLike,
    service_minutes: float,
) -> DayWaits:
    """Hour-by-hour waits over one kind of day; see the module's docstring.

    The waits of a cell depend only on its (residents per day, counters) pair, and a nation's
    52,000 municipality-months hold about 12,000 distinct pairs (a level plan repeats its
    daily figure month after month): each pair is computed once and the result broadcast."""
    arrivals, n = np.broadcast_arrays(np.asarray(per_day, dtype=np.float64), np.asarray(counters))
    if arrivals.size == 0:
        return _day_waits(arrivals, profile, n, service_minutes)
    first, where = _distinct_pairs(
        arrivals.reshape(-1).view(np.int64),
        n.reshape(-1).astype(np.float64).view(np.int64),
    )
    distinct = _day_waits(
        arrivals.reshape(-1)[first], profile, n.reshape(-1)[first], service_minutes
    )
    where = where.reshape(arrivals.shape)
    return DayWaits(
        worst_hour_wait_minutes=distinct.worst_hour_wait_minutes[where],
        day_mean_wait_minutes=distinct.day_mean_wait_minutes[where],
        carried_at_closing=distinct.carried_at_closing[where],
    )


def _distinct_pairs(
    a: NDArray[np.int64], b: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Index of one element of each distinct (a, b) pair, and each element's pair number.

    One lexsort and a scan (``np.unique(axis=0)`` sorts rows ten times slower). Arrivals are
    compared by their bits: equal bits, equal figures."""
    order = np.lexsort((b, a))
    a_sorted, b_sorted = a[order], b[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (a_sorted[1:] != a_sorted[:-1]) | (b_sorted[1:] != b_sorted[:-1])
    where = np.empty(len(order), dtype=np.intp)
    where[order] = np.cumsum(starts) - 1
    return order[starts], where


def _day_waits(
    arrivals: FloatArray, profile: tuple[float, ...], n: NDArray[Any], service_minutes: float
) -> DayWaits:
    served_per_hour = n * 60.0 / service_minutes
    queue = np.zeros(arrivals.shape)
    worst = np.zeros(arrivals.shape)
    weighted = np.zeros(arrivals.shape)
    # The Erlang C part of each hour does not depend on the carried queue, so every hour is
    # computed at once on the same counters; only the fluid carry-over runs hour by hour.
    shares = np.asarray(profile)
    rates = arrivals[None, ...] * shares.reshape((-1,) + (1,) * arrivals.ndim)
    steady = np.where(rates - served_per_hour[None, ...] < 0, rates, 0.0)
    erlang_waits = erlang_c_wait_minutes_by_row(
        steady * service_minutes / 60.0, n.astype(np.int64), service_minutes
    )
    for hour, share in enumerate(profile):
        rate = rates[hour]
        net = rate - served_per_hour
        with np.errstate(divide="ignore", invalid="ignore"):
            carried = np.where(
                served_per_hour > 0,
                _mean_fluid_queue(queue, net) / served_per_hour * 60.0,
                np.where(rate > 0, np.inf, 0.0),
            )
        keeps_up = net < 0
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.where(
                served_per_hour > 0, np.sqrt(4.0 * rate / np.pi) / served_per_hour * 60.0, 0.0
            )
        random = np.where(keeps_up, np.minimum(erlang_waits[hour], bound), bound)
        wait = carried + random
        worst = np.where(rate > 0, np.maximum(worst, wait), worst)
        weighted = weighted + np.where(rate > 0, wait * share, 0.0)
        queue = np.maximum(queue + net, 0.0)
    return DayWaits(
        worst_hour_wait_minutes=worst,
        day_mean_wait_minutes=weighted / sum(profile),
        carried_at_closing=queue,
    )


@dataclass(frozen=True)
class PlanWaits:
    """Per municipality and month (arrays N × M)."""

    arrivals_per_weekday: FloatArray
    arrivals_per_weekend_day: FloatArray
    weekday: DayWaits
    weekend: DayWaits


def plan_waits(
    issuance: ArrayLike,
    open_weekdays: ArrayLike,
    weekend_days: ArrayLike,
    counters: ArrayLike,
    params: QueueingParameters,
) -> PlanWaits:
    """Waits on a weekday and on a weekend day of every municipality and month."""
    cards = np.asarray(issuance, dtype=np.float64)
    weekdays = np.asarray(open_weekdays, dtype=np.float64)
    weekends = np.asarray(weekend_days, dtype=np.float64)
    if np.any(cards < 0) or np.any(weekdays < 0) or np.any(weekends < 0):
        raise ValueError("issuance, open_weekdays and weekend_days: must not be negative")
    ratio = params.weekend_day_demand_ratio
    day_units = weekdays + ratio * weekends
    with np.errstate(divide="ignore", invalid="ignore"):
        per_weekday = np.where(day_units > 0, cards / day_units, 0.0)
    per_weekend_day = np.where(weekends > 0, ratio * per_weekday, 0.0)
    per_weekday = np.where(weekdays > 0, per_weekday, 0.0)
    s = params.service_minutes
    return PlanWaits(
        arrivals_per_weekday=per_weekday,
        arrivals_per_weekend_day=per_weekend_day,
        weekday=day_waits(per_weekday, params.weekday_profile, counters, s),
        weekend=day_waits(per_weekend_day, params.weekend_profile, counters, s),
    )


def row_waits(
    rows: Sequence[Mapping[str, Any]], params: QueueingParameters
) -> list[dict[str, Any]]:
    """A plan's rows (one municipality's months, as stored) with the residents' expected
    waits: ``wait_weekday_minutes`` and ``wait_weekend_minutes`` in the busiest hour, from the
    rows' own counts and counters ("" with nobody coming, "∞" when the queue never drains)."""
    if not rows:
        return []

    def column(name: str) -> FloatArray:
        return np.array([[float(r.get(name) or 0) for r in rows]])

    waits = plan_waits(
        column("issuance"),
        column("open_weekdays"),
        column("weekend_days"),
        (column("dedicated_counters") + column("combined_counters")).astype(np.int64),
        params,
    )
    out = []
    for k, row in enumerate(rows):
        extra: dict[str, Any] = {}
        for key, day, arrivals in (
            ("wait_weekday_minutes", waits.weekday, waits.arrivals_per_weekday),
            ("wait_weekend_minutes", waits.weekend, waits.arrivals_per_weekend_day),
        ):
            wait = float(day.worst_hour_wait_minutes[0, k])
            extra[key] = (
                "" if arrivals[0, k] <= 0 else "∞" if not np.isfinite(wait) else round(wait)
            )
        out.append({**row, **extra})
    return out
