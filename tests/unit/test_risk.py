"""Backlog risk under uncertain campaign response (R3.1 surges, R6.2 backlog, R8.1 one month)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kofuplan.domain.risk import backlog_risk
from kofuplan.parameters import load_rules

N, M = 6, 12


def _inputs(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.uniform(0, 800, (N, M))
    campaign = np.zeros((N, M))
    campaign[:, 2:6] = rng.uniform(0, 2_000, (N, 4))
    capacity = rng.uniform(200, 2_000, (N, M))
    return base, campaign, capacity


def _run(base: np.ndarray, campaign: np.ndarray, capacity: np.ndarray, seed: int, lag: int = 1):
    return backlog_risk(
        base,
        campaign,
        capacity,
        production_lag_months=lag,
        response_low=0.5,
        response_high=1.75,
        draws=200,
        rng=np.random.default_rng(seed),
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    extra=st.floats(0.0, 1_500.0),
    lag=st.integers(0, 3),
)
def test_R6_2_more_capacity_never_raises_the_backlog_risk(
    seed: int, extra: float, lag: int
) -> None:
    base, campaign, capacity = _inputs(seed)
    rng = np.random.default_rng(seed + 1)
    more = capacity + extra * rng.random(capacity.shape)  # more in some months, same elsewhere
    low = _run(base, campaign, capacity, seed, lag)
    high = _run(base, campaign, more, seed, lag)
    assert (high.probability_backlog <= low.probability_backlog).all()
    assert (high.waiting_p90 <= low.waiting_p90).all()
    assert (high.waiting_p50 <= low.waiting_p50).all()
    assert (high.waiting_mean <= low.waiting_mean + 1e-9).all()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_R6_2_the_same_seed_gives_the_same_result(seed: int) -> None:
    base, campaign, capacity = _inputs(seed)
    first = _run(base, campaign, capacity, seed)
    again = _run(base, campaign, capacity, seed)
    for field in ("probability_backlog", "waiting_p10", "waiting_p50", "waiting_p90"):
        np.testing.assert_array_equal(getattr(first, field), getattr(again, field))
    assert first.waiting_p10.shape == (N, M)
    assert (first.waiting_p10 <= first.waiting_p50).all()
    assert (first.waiting_p50 <= first.waiting_p90).all()


def test_R8_1_one_month_backlog_probability_matches_the_poisson_tail() -> None:
    """One surge month, no lag, nothing issued in it: the cards waiting at its end are
    Poisson(λ); a backlog over one month is P(Poisson(λ) > next month's capacity)."""
    lam, next_capacity, draws = 900.0, 930.0, 20_000
    base = np.array([[lam, 0.0]])
    result = backlog_risk(
        base,
        np.zeros_like(base),
        np.array([[0.0, next_capacity]]),
        production_lag_months=0,
        response_low=1.0,
        response_high=1.0,
        draws=draws,
        rng=np.random.default_rng(7),
    )
    expected = stats.poisson.sf(next_capacity, lam)
    standard_error = np.sqrt(expected * (1 - expected) / draws)
    assert abs(result.probability_backlog[0, 0] - expected) <= 4 * standard_error
    assert result.waiting_p50[0, 0] == pytest.approx(stats.poisson.median(lam), abs=3)


def test_R8_1_applications_arrive_as_cards_after_the_production_lag() -> None:
    base = np.array([[0.0, 0.0, 500.0, 0.0, 0.0, 0.0]])
    capacity = np.zeros_like(base)
    for lag in (0, 1, 2):
        result = backlog_risk(
            base,
            np.zeros_like(base),
            capacity,
            production_lag_months=lag,
            response_low=1.0,
            response_high=1.0,
            draws=50,
            rng=np.random.default_rng(lag),
            initial_waiting=0,
        )
        waiting = result.waiting_mean[0]
        assert (waiting[: 2 + lag] == 0).all() and (waiting[2 + lag :] > 0).all()


def test_R3_1_a_wider_response_range_spreads_the_outcomes() -> None:
    base, campaign, capacity = _inputs(3)

    def spread(low: float, high: float) -> np.ndarray:
        result = backlog_risk(
            base,
            campaign,
            capacity * 0,
            production_lag_months=0,
            response_low=low,
            response_high=high,
            draws=400,
            rng=np.random.default_rng(1),
        )
        return np.asarray((result.waiting_p90 - result.waiting_p10)[:, -1])

    spread_narrow, spread_wide = spread(1.0, 1.0), spread(0.5, 1.75)
    has_campaign = campaign.sum(axis=1) > 500
    assert (spread_wide[has_campaign] > spread_narrow[has_campaign]).all()


def test_R3_1_the_response_range_is_a_dated_rule() -> None:
    rules = load_rules().at(dt.date(2020, 10, 1))
    band = rules["risk.campaign_response_multiplier"]
    assert 0 <= band["low"] <= band["high"]
    assert rules["risk.draws"] >= 10
    assert rules.source("risk.campaign_response_multiplier")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"capacity": np.ones((2, 3))}, "shapes differ"),
        ({"base_applications": -np.ones((N, M))}, "base_applications"),
        ({"capacity": np.ones(M)}, "capacity"),
        ({"response_low": 2.0}, "response range"),
    ],
)
def test_R6_2_bad_inputs_are_refused_by_name(kwargs: dict[str, object], name: str) -> None:
    base, campaign, capacity = _inputs(0)
    args: dict[str, object] = {
        "base_applications": base,
        "campaign_applications": campaign,
        "capacity": capacity,
        "production_lag_months": 1,
        "response_low": 0.5,
        "response_high": 1.75,
        "draws": 10,
        "rng": np.random.default_rng(0),
    } | kwargs
    with pytest.raises(ValueError, match=name):
        backlog_risk(**args)  # type: ignore[arg-type]


def test_R8_1_cards_already_in_production_arrive_first() -> None:
    known = np.array([[700.0], [0.0]])
    result = backlog_risk(
        np.zeros((2, 3)),
        np.zeros((2, 3)),
        np.full((2, 3), 200.0),
        production_lag_months=1,
        response_low=1.0,
        response_high=1.0,
        draws=20,
        rng=np.random.default_rng(0),
        in_production=known,
    )
    # 700 arrive in the first month and 200 a month are issued: 500, 300, 100 left.
    np.testing.assert_array_equal(result.waiting_p50[0], [700 - 200, 700 - 400, 700 - 600])
    np.testing.assert_array_equal(result.probability_backlog[0], [1.0, 1.0, 0.0])
    assert (result.waiting_p90[1] == 0).all()
