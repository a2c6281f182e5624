"""Waits per month and kind of day in a plan (R2.0 counters, R2.1/R8.3 weekend opening)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.queueing import queue_figures
from kofuplan.domain.waits import QueueingParameters, day_waits, peak_share, plan_waits
from kofuplan.parameters import load_rules


def _params() -> QueueingParameters:
    return QueueingParameters.from_rules(load_rules().at(dt.date(2020, 10, 1)))


def test_R2_0_queueing_rules_load_with_their_sources() -> None:
    rules = load_rules().at(dt.date(2020, 10, 1))
    params = _params()
    assert sum(params.weekday_profile) == 1.0 or abs(sum(params.weekday_profile) - 1) < 1e-12
    assert max(params.weekend_profile) == peak_share(rules["queueing.arrival_profile_weekend"])
    for key in ("service_minutes", "within_minutes", "service_level", "max_occupancy"):
        assert rules.source(f"queueing.{key}")


@settings(max_examples=60, deadline=None)
@given(
    per_day=st.floats(0.0, 3_000.0),
    counters=st.integers(0, 40),
    minutes=st.floats(2.0, 30.0),
    weights=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=12),
)
def test_R2_0_a_counter_more_never_lengthens_the_wait_of_the_day(
    per_day: float, counters: int, minutes: float, weights: list[float]
) -> None:
    total = sum(weights)
    profile = tuple(w / total for w in weights) if total > 0 else (1.0,)
    fewer = day_waits(per_day, profile, counters, minutes)
    more = day_waits(per_day, profile, counters + 1, minutes)
    assert more.worst_hour_wait_minutes <= fewer.worst_hour_wait_minutes + 1e-9
    assert more.day_mean_wait_minutes <= fewer.day_mean_wait_minutes + 1e-9
    assert more.carried_at_closing <= fewer.carried_at_closing + 1e-9


def test_R2_0_a_quiet_day_is_erlang_c_hour_by_hour() -> None:
    """Well below capacity nothing carries over and the worst hour is the peak hour's
    Erlang C wait."""
    profile = (0.2, 0.5, 0.3)
    waits = day_waits(20.0, profile, 3, 10.0)
    peak = queue_figures(20.0 * 0.5, 10.0, 3, 0.0)
    assert float(waits.carried_at_closing) == 0.0
    assert np.isclose(float(waits.worst_hour_wait_minutes), float(peak.wait_mean_minutes))


def test_R2_0_an_overloaded_peak_carries_its_queue_into_the_next_hour() -> None:
    # 2 counters at 10 minutes serve 12 an hour; 30 arrive in the first hour, 10 in the next.
    waits = day_waits(40.0, (0.75, 0.25), 2, 10.0)
    served = 2 * 60 / 10
    assert float(waits.carried_at_closing) == (30 - served) + 10 - served
    # Those arriving in the second hour find the 18 carried residents ahead: 1.5 hours' work,
    # less what is done while they arrive.
    assert float(waits.worst_hour_wait_minutes) > (30 - served - served / 2) / served * 60


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), extra=st.integers(1, 3))
def test_R8_3_plan_waits_per_kind_of_day_fall_with_more_counters(seed: int, extra: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 5, 30
    issuance = rng.integers(0, 20_000, (n, m))
    weekdays = rng.integers(0, 23, (n, m))
    weekends = rng.integers(0, 9, (n, m))
    counters = rng.integers(1, 12, (n, m))
    params = _params()
    base = plan_waits(issuance, weekdays, weekends, counters, params)
    more = plan_waits(issuance, weekdays, weekends, counters + extra, params)
    assert base.weekday.worst_hour_wait_minutes.shape == (n, m)
    for kind in ("weekday", "weekend"):
        before, after = getattr(base, kind), getattr(more, kind)
        assert (after.worst_hour_wait_minutes <= before.worst_hour_wait_minutes + 1e-9).all()
        assert (after.day_mean_wait_minutes <= before.day_mean_wait_minutes + 1e-9).all()
    # The month's residents are all accounted for across its open days.
    spread = base.arrivals_per_weekday * weekdays + base.arrivals_per_weekend_day * weekends
    has_days = (weekdays + weekends) > 0
    np.testing.assert_allclose(spread[has_days], issuance[has_days])
    assert (base.arrivals_per_weekend_day[weekends == 0] == 0).all()


@settings(deadline=None, max_examples=60)
@given(
    per_day=st.lists(
        st.sampled_from([0.0, 12.5, 40.0, 40.0, 160.0, 900.0, 3000.0]), min_size=1, max_size=30
    ),
    counters=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=30),
)
def test_R2_0_waits_of_repeated_pairs_are_those_computed_one_by_one(
    per_day: list[float], counters: list[int]
) -> None:
    """Each distinct (residents, counters) pair is computed once and broadcast: the figures
    are the ones each cell gets when computed on its own, bit for bit."""
    size = min(len(per_day), len(counters))
    arrivals = np.asarray(per_day[:size])
    n = np.asarray(counters[:size])
    profile = QueueingParameters.from_rules(load_rules().at(dt.date(2021, 4, 1))).weekday_profile
    shared = day_waits(arrivals, profile, n, 10.0)
    for i in range(size):
        alone = day_waits(arrivals[i : i + 1], profile, n[i : i + 1], 10.0)
        for field in ("worst_hour_wait_minutes", "day_mean_wait_minutes", "carried_at_closing"):
            np.testing.assert_array_equal(getattr(shared, field)[i], getattr(alone, field)[0])
