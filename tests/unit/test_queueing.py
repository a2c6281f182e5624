"""Erlang C waiting times (R2.0 counters needed; R8.3 weekend opening; issue 7 part 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.queueing import erlang_c, fewest_counters, queue_figures

arrivals = st.floats(min_value=0.0, max_value=400.0, allow_nan=False)
service = st.floats(min_value=0.5, max_value=60.0, allow_nan=False)
within = st.floats(min_value=0.0, max_value=120.0, allow_nan=False)
level = st.floats(min_value=0.0, max_value=0.999, allow_nan=False)
occupancy = st.floats(min_value=0.05, max_value=1.0, allow_nan=False)


def _erlang_c_by_factorials(load: float, n: int) -> float:
    """The textbook closed form, independent of the recursion (fine for small n)."""
    top = load**n / math.factorial(n) * n / (n - load)
    return top / (sum(load**k / math.factorial(k) for k in range(n)) + top)


@given(load=st.floats(min_value=0.01, max_value=25.0), extra=st.integers(1, 15))
def test_R2_0_erlang_c_matches_the_closed_form(load: float, extra: int) -> None:
    n = math.floor(load) + extra
    assert float(erlang_c(load, n)) == pytest.approx(_erlang_c_by_factorials(load, n), rel=1e-9)


@given(rate=arrivals, minutes=service, n=st.integers(0, 80), w=within)
def test_R2_0_adding_a_counter_never_lengthens_the_wait(
    rate: float, minutes: float, n: int, w: float
) -> None:
    fewer = queue_figures(rate, minutes, n, w)
    more = queue_figures(rate, minutes, n + 1, w)
    assert more.wait_mean_minutes <= fewer.wait_mean_minutes
    assert more.wait_probability <= fewer.wait_probability + 1e-12
    assert more.service_level >= fewer.service_level - 1e-12


@given(rate=arrivals, minutes=service, w=within, p=level, o=occupancy)
def test_R2_0_fewest_counters_is_the_true_minimum(
    rate: float, minutes: float, w: float, p: float, o: float
) -> None:
    best = fewest_counters(rate, minutes, w, p, o)
    n = int(best.counters)
    at_n = queue_figures(rate, minutes, n, w)
    assert float(at_n.service_level) >= p
    assert float(best.occupancy) <= o + 1e-12
    assert float(best.wait_mean_minutes) == pytest.approx(float(at_n.wait_mean_minutes))
    if n > 0:
        one_fewer = queue_figures(rate, minutes, n - 1, w)
        load = float(one_fewer.offered_load_erlangs)
        assert float(one_fewer.service_level) < p or load > o * (n - 1)
    else:
        assert float(best.offered_load_erlangs) == 0.0  # no representable load


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_R2_0_vectorized_over_municipalities_months_and_kind_of_day(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (7, 30, 2)
    rate = rng.uniform(0, 120, shape) * (rng.random(shape) > 0.1)
    minutes = rng.uniform(3, 25, shape)
    batch = fewest_counters(rate, minutes, 30.0, 0.8, 0.85)
    assert batch.counters.shape == shape
    for idx in [(0, 0, 0), (3, 17, 1), (6, 29, 0)]:
        single = fewest_counters(rate[idx], minutes[idx], 30.0, 0.8, 0.85)
        assert int(single.counters) == int(batch.counters[idx])
        assert float(single.wait_mean_minutes) == float(batch.wait_mean_minutes[idx])


def test_R2_0_unstable_queue_reports_infinite_wait_not_a_number() -> None:
    fig = queue_figures([0.0, 60.0, 60.0], 10.0, [0, 10, 9], 30.0)
    # 60 an hour × 10 minutes = 10 erlangs: 10 counters cannot keep up
    assert fig.wait_mean_minutes[0] == 0.0 and fig.service_level[0] == 1.0
    assert np.isinf(fig.wait_mean_minutes[1:]).all()
    assert (fig.service_level[1:] == 0.0).all()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("service_minutes", {"service_minutes": 0.0}),
        ("service_level", {"service_level": 1.5}),
        ("max_occupancy", {"max_occupancy": 0.0}),
        ("within_minutes", {"within_minutes": -1.0}),
        ("arrivals_per_hour", {"arrivals_per_hour": float("nan")}),
    ],
)
def test_R2_0_bad_inputs_are_refused_by_name(name: str, kwargs: dict[str, float]) -> None:
    args = {
        "arrivals_per_hour": 20.0,
        "service_minutes": 10.0,
        "within_minutes": 30.0,
        "service_level": 0.8,
        "max_occupancy": 0.85,
    } | kwargs
    with pytest.raises(ValueError, match=name):
        fewest_counters(**args)
