"""Schedules (issue 2 item 4, R1.1, R1.2): whole numbers that sum exactly to the target."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kofuplan.domain.plan import make_plan
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.schedule import apportion
from kofuplan.services.planning import plan_calendar

from .strategies import AS_OF, PARAMS, profiles

CALENDAR = plan_calendar(PARAMS, AS_OF)


@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 5), st.integers(1, 30)), elements=st.floats(0, 1e6)
    ),
    st.data(),
)
def test_R1_1_apportion_sums_exactly_and_stays_within_one_card(
    weights: np.ndarray, data: st.DataObject
) -> None:
    n = weights.shape[0]
    total = np.array(data.draw(st.lists(st.integers(0, 10**9), min_size=n, max_size=n)))
    parts = apportion(total, weights)
    assert parts.dtype == np.int64
    assert (parts >= 0).all()
    assert (parts.sum(axis=1) == total).all()
    w = np.where(weights.sum(axis=1, keepdims=True) > 0, weights, 1.0)
    exact = w / w.sum(axis=1, keepdims=True) * total[:, None]
    assert (np.abs(parts - exact) < 1 + 1e-6 * np.maximum(exact, 1)).all()


@settings(max_examples=60, deadline=None)
@given(profiles(), st.sampled_from(["level", "delivery"]))
def test_R1_1_R1_2_every_method_reaches_the_population_by_march_2023(
    p: Profiles, method: str
) -> None:
    plan = make_plan(p, CALENDAR, PARAMS, method)
    assert plan.issuance.shape == (len(p), 30)
    assert (plan.issuance >= 0).all()
    assert (plan.issuance.sum(axis=1) == p.target).all()
    assert (plan.cumulative_issued[:, -1] == np.maximum(p.population, p.issued)).all()


@settings(max_examples=40, deadline=None)
@given(profiles(with_own_inputs=False))
def test_level_issues_the_same_per_open_day(p: Profiles) -> None:
    plan = make_plan(p, CALENDAR, PARAMS, "level")
    per_day = plan.issuance / plan.capacity.open_days
    spread = per_day.max(axis=1) - per_day.min(axis=1)
    # Rounding to whole cards moves a month by at most one card.
    assert (spread <= 1.0 / plan.capacity.open_days.min() * 2 + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(profiles(with_own_inputs=False))
def test_R8_1_delivery_issues_each_month_what_arrives_in_it(p: Profiles) -> None:
    """No card waits: the delivery schedule is the deliveries, scaled to the target."""
    plan = make_plan(p, CALENDAR, PARAMS, "delivery")
    deliveries = plan.demand.deliveries
    total = deliveries.sum(axis=1)
    ok = total > 0
    expected = deliveries[ok] / total[ok, None] * p.target[ok, None]
    assert (np.abs(plan.issuance[ok] - expected) < 1.0 + 1e-9).all()


def test_R3_1_the_qr_mailing_raises_deliveries_in_the_months_after_it() -> None:
    """Issue 11: the QR mailing's answer is spread over the following months by its response
    profile and reaches the municipality after the production lag: nothing before December
    2020, more from January 2021, and all of it (its share) by the end of the plan."""
    from kofuplan.domain.profiles import build_profiles

    from .strategies import stats_rows

    p = build_profiles(stats_rows([100_000], [0.2], [1_500]), {}, PARAMS)
    without = dict(PARAMS)
    without["campaigns.national"] = [
        c for c in PARAMS["campaigns.national"] if c["kind"] != "qr_mailing"
    ]
    extra = (
        make_plan(p, CALENDAR, PARAMS, "delivery").demand.deliveries[0]
        - make_plan(p, CALENDAR, without, "delivery").demand.deliveries[0]
    )
    months = list(CALENDAR.months)
    assert np.allclose(extra[: months.index("2020-12")], 0.0)
    assert extra[months.index("2021-01") : months.index("2021-05")].min() > 0
    share = p.target[0] / PARAMS["campaigns.national_non_holders"]
    whole = 80_000_000 * PARAMS["demand.campaign_response_rate"]["qr_mailing"] * share
    assert np.isclose(extra.sum(), whole, rtol=1e-6)
