"""Waiting times at the issuance counters by Erlang C (M/M/n), vectorized over any shape.

Residents arrive at random (Poisson) at ``arrivals_per_hour``; each takes ``service_minutes`` at
one of ``counters`` identical counters; those who find every counter busy wait in one queue.
The offered load is ``a = arrivals_per_hour * service_minutes / 60`` erlangs; the queue is
stable only when ``counters > a``.

- Erlang B by its recursion ``B(k) = a B(k-1) / (k + a B(k-1))``, which stays in [0, 1] and
  never overflows (the textbook ``a^n / n!`` sums do for a few hundred counters);
- Erlang C (probability of waiting) ``C = n B / (n - a (1 - B))``;
- mean wait ``C * service_minutes / (n - a)``;
- service level (share that starts service within ``within_minutes``)
  ``1 - C * exp(-(n - a) * within_minutes / service_minutes)``.

Every array argument broadcasts against the others (municipalities × months × kind of day, or
a flat batch). Unstable queues (``counters <= a`` with arrivals) report an infinite wait and a
service level of 0, rather than a misleading finite number.

Both the wait and the service level improve monotonically with each added counter, so the
fewest counters meeting a level is found by one upward sweep of the recursion from the first
stable count: the first count that meets the level is the true minimum.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "QueueFigures",
    "erlang_c",
    "fewest_counters",
    "offered_load",
    "queue_figures",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class QueueFigures:
    """Erlang C figures, every field an array of the broadcast input shape."""

    offered_load_erlangs: FloatArray
    counters: IntArray
    occupancy: FloatArray  # offered load / counters (0 where there are no counters)
    wait_probability: FloatArray  # share of residents who find every counter busy
    wait_mean_minutes: FloatArray  # mean wait in the queue, inf when unstable
    service_level: FloatArray  # share who start service within `within_minutes`


def _floats(name: str, value: ArrayLike, *, low: float = 0.0, strict: bool = False) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite numbers")
    bad = arr <= low if strict else arr < low
    if np.any(bad):
        relation = "greater than" if strict else "at least"
        raise ValueError(f"{name}: must be {relation} {low:g} (got {arr[bad].flat[0]:g})")
    return arr


def offered_load(arrivals_per_hour: ArrayLike, service_minutes: ArrayLike) -> FloatArray:
    """Offered load in erlangs: how many counters would be busy on average."""
    rate = _floats("arrivals_per_hour", arrivals_per_hour)
    service = _floats("service_minutes", service_minutes, strict=True)
    return np.asarray(rate * service / 60.0, dtype=np.float64)


# The Erlang B recursion over k = 1 … the largest count: once every blocking still being
# carried is 0.0 (it underflows a few hundred counters past the load), each further step
# gives 0.0 again, so the loop stops there. The results are the same bits; a count typed
# far beyond any office (a million counters is within the count ceiling) no longer costs a
# Python step per counter (issue 12, bounds: a page took minutes and timed out). Checked
# every few steps, so a nation's plan pays nothing for it.
UNDERFLOW_EVERY = 64
STEPS_AT_ONCE = 4096  # a multiple of UNDERFLOW_EVERY


def _steps(sorted_n: IntArray, top: int) -> Iterator[tuple[int, int]]:
    """(k, the first element with at least k counters) for k = 1 … ``top``, made a block at
    a time: ``np.arange(1, top + 1)`` whole would be 8 GB for a billion counters."""
    for low in range(1, top + 1, STEPS_AT_ONCE):
        ks = np.arange(low, min(low + STEPS_AT_ONCE, top + 1))
        starts = np.searchsorted(sorted_n, ks, side="left")
        yield from zip(ks.tolist(), starts.tolist(), strict=True)


def _erlang_b(load: FloatArray, counters: IntArray) -> FloatArray:
    """Erlang B blocking probability, recursion run to each element's own count.

    Elements are sorted by their count, so step k touches only those with at least k
    counters: the work is the sum of the counts, not the largest count times the size (a
    nation has a few wards with a hundred counters and many villages with one or two)."""
    flat_load = load.reshape(-1)
    flat_n = counters.reshape(-1)
    order = np.argsort(flat_n, kind="stable")
    sorted_n = flat_n[order]
    sorted_load = flat_load[order]
    blocking = np.ones(flat_load.shape)
    top = int(sorted_n[-1]) if sorted_n.size else 0
    for k, start in _steps(sorted_n, top):
        lb = sorted_load[start:] * blocking[start:]
        blocking[start:] = lb / (k + lb)
        if k % UNDERFLOW_EVERY == 0 and not blocking[start:].any():
            break  # every blocking left is 0.0, and 0 / (k + 0) stays 0.0: the same result
    out = np.empty_like(blocking)
    out[order] = blocking
    return out.reshape(load.shape)


def erlang_c_wait_minutes_by_row(
    loads: FloatArray, counters: IntArray, service_minutes: float
) -> FloatArray:
    """Mean Erlang C wait (minutes) for several loads on the same counters: ``loads`` is
    (rows, *counters.shape), e.g. one row per hour of the day. The counters are sorted once
    and the Erlang B recursion runs over all rows together; unstable cells give inf."""
    rows = loads.shape[0]
    flat_n = counters.reshape(-1)
    order = np.argsort(flat_n, kind="stable")
    sorted_n = flat_n[order]
    sorted_load = loads.reshape(rows, -1)[:, order]
    blocking = np.ones(sorted_load.shape)
    top = int(sorted_n[-1]) if sorted_n.size else 0
    for k, start in _steps(sorted_n, top):
        lb = sorted_load[:, start:] * blocking[:, start:]
        blocking[:, start:] = lb / (k + lb)
        if k % UNDERFLOW_EVERY == 0 and not blocking[:, start:].any():
            break  # as in _erlang_b: the rest is 0.0 whatever the count
    n = sorted_n.astype(np.float64)[None, :]
    c = _erlang_c_from_b(sorted_load, np.broadcast_to(n, sorted_load.shape), blocking)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = np.where(
            sorted_load == 0.0,
            0.0,
            np.where(n > sorted_load, c * service_minutes / (n - sorted_load), np.inf),
        )
    out = np.empty_like(wait)
    out[:, order] = wait
    return out.reshape(loads.shape)


def _erlang_c_from_b(load: FloatArray, counters: FloatArray, blocking: FloatArray) -> FloatArray:
    stable = counters > load
    with np.errstate(divide="ignore", invalid="ignore"):
        c = counters * blocking / (counters - load * (1.0 - blocking))
    return np.where(stable, c, 1.0)


def erlang_c(load_erlangs: ArrayLike, counters: ArrayLike) -> FloatArray:
    """Probability that an arriving resident waits (1 where the queue is unstable)."""
    load = _floats("load_erlangs", load_erlangs)
    n = np.asarray(counters)
    if not np.issubdtype(n.dtype, np.integer):
        raise ValueError("counters: must be whole numbers")
    if np.any(n < 0):
        raise ValueError("counters: must be at least 0")
    load, n = np.broadcast_arrays(load, n.astype(np.int64))
    c = _erlang_c_from_b(load, n.astype(np.float64), _erlang_b(load, n))
    # No arrivals: nobody waits, whatever the counters.
    return np.where(load == 0.0, 0.0, c)


def _figures(
    load: FloatArray,
    counters: IntArray,
    wait_probability: FloatArray,
    service: FloatArray,
    within: FloatArray,
) -> QueueFigures:
    n = counters.astype(np.float64)
    stable = (n > load) | (load == 0.0)
    spare = np.where(stable, n - load, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = np.where(load == 0.0, 0.0, wait_probability * service / spare)
        occupancy = np.where(n > 0, load / n, 0.0)
        level = 1.0 - wait_probability * np.exp(-spare * within / service)
    return QueueFigures(
        offered_load_erlangs=load,
        counters=counters,
        occupancy=occupancy,
        wait_probability=np.where(stable, wait_probability, 1.0),
        wait_mean_minutes=np.where(stable, wait, np.inf),
        service_level=np.where(stable, np.clip(level, 0.0, 1.0), 0.0),
    )


def queue_figures(
    arrivals_per_hour: ArrayLike,
    service_minutes: ArrayLike,
    counters: ArrayLike,
    within_minutes: ArrayLike,
) -> QueueFigures:
    """Wait and service level with the given counters."""
    load = offered_load(arrivals_per_hour, service_minutes)
    service = _floats("service_minutes", service_minutes, strict=True)
    within = _floats("within_minutes", within_minutes)
    n = np.asarray(counters)
    if not np.issubdtype(n.dtype, np.integer) or np.any(n < 0):
        raise ValueError("counters: must be whole numbers, at least 0")
    load, service, within, n = np.broadcast_arrays(load, service, within, n.astype(np.int64))
    return _figures(load, n, erlang_c(load, n), service, within)


def fewest_counters(
    arrivals_per_hour: ArrayLike,
    service_minutes: ArrayLike,
    within_minutes: ArrayLike,
    service_level: ArrayLike,
    max_occupancy: ArrayLike = 1.0,
) -> QueueFigures:
    """The fewest counters with which the share served within ``within_minutes`` reaches
    ``service_level`` and the occupancy stays at or below ``max_occupancy``; figures at that count.

    One upward sweep of the Erlang B recursion per element, evaluated from its first stable
    count on; an element is resolved at the first count that meets both targets. Since the
    service level rises and the occupancy falls with each counter, that count is the true
    minimum. No arrivals need no counters.
    """
    load = offered_load(arrivals_per_hour, service_minutes)
    service = _floats("service_minutes", service_minutes, strict=True)
    within = _floats("within_minutes", within_minutes)
    target = _floats("service_level", service_level)
    occupancy_cap = _floats("max_occupancy", max_occupancy, strict=True)
    if np.any(target > 1.0):
        raise ValueError("service_level: must be a share between 0 and 1")
    if np.any(occupancy_cap > 1.0):
        raise ValueError("max_occupancy: must be a share above 0 and at most 1")
    load, service, within, target, occupancy_cap = np.broadcast_arrays(
        load, service, within, target, occupancy_cap
    )
    shape = load.shape
    result = np.zeros(load.size, dtype=np.int64)
    wait_probability = np.zeros(load.size)
    active = np.flatnonzero(load.ravel() > 0.0)  # no arrivals need no counters
    a = load.ravel()[active]
    decay = (within / service).ravel()[active]  # exp(-(k - a) * decay) is the tail factor
    goal = target.ravel()[active]
    cap = occupancy_cap.ravel()[active]

    # Phase 1: run the recursion to each element's first candidate count: the first stable
    # count, or the occupancy bound if higher (one lower than its ceiling, in case rounding
    # pushed the ceiling up; phase 2 checks the exact conditions). Sorting by that count,
    # descending, makes the elements still recurring at step k a prefix: plain slices, no masks.
    first = np.maximum(np.floor(a) + 1.0, np.ceil(a / cap) - 1.0).astype(np.int64)
    order = np.argsort(-first, kind="stable")
    active, a, decay, goal, cap, first = (
        active[order],
        a[order],
        decay[order],
        goal[order],
        cap[order],
        first[order],
    )
    blocking = np.ones(a.size)
    top = int(first[0]) if first.size else 0
    recurring = np.searchsorted(-first, -np.arange(1, top + 1), side="right")
    for k, q in enumerate(recurring.tolist(), start=1):
        step = a[:q] * blocking[:q]
        blocking[:q] = step / (k + step)

    # Phase 2: from there, count upward element by element until both targets are met. The
    # service level rises and the occupancy falls with each counter, so the first is the least.
    n = first.astype(np.float64)
    while active.size:
        c = n * blocking / (n - a * (1.0 - blocking))  # every n here is stable: n > a
        level = 1.0 - c * np.exp(-(n - a) * decay)
        met = (level >= goal) & (a <= cap * n)
        result[active[met]] = n[met]
        wait_probability[active[met]] = c[met]
        keep = ~met
        active, a, decay, goal, cap, blocking, n = (
            active[keep],
            a[keep],
            decay[keep],
            goal[keep],
            cap[keep],
            blocking[keep],
            n[keep] + 1.0,
        )
        step = a * blocking
        blocking = step / (n + step)
    counters = result.reshape(shape)
    return _figures(load, counters, wait_probability.reshape(shape), service, within)
