"""Schedules (issue 2 item 4, R1.1, R1.2): whole numbers that sum exactly to the target."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kofuplan.domain.capacity import weekend_days
from kofuplan.domain.lead_time import UNLIMITED, level_within
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
def test_level_issues_the_same_per_open_day_once_staff_can_be_trained(p: Profiles) -> None:
    plan = make_plan(p, CALENDAR, PARAMS, "level")
    lead = int(PARAMS["staffing.recruit_lead_months"])
    season = np.array([m[5:7] in ("03", "04") for m in plan.months])
    free = np.arange(len(plan.months)) >= lead
    open_days = CALENDAR.open_weekdays[None, :] + weekend_days(p, CALENDAR)
    per_day = (plan.issuance / open_days)[:, free & ~season]
    spread = per_day.max(axis=1) - per_day.min(axis=1)
    # Rounding to whole cards moves a month by at most one card.
    assert (spread <= 1.0 / open_days.min() * 2 + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=4),
    st.lists(st.integers(18, 26), min_size=6, max_size=6),
    st.lists(st.one_of(st.none(), st.integers(0, 2_000)), min_size=6, max_size=6),
)
def test_R1_1_level_within_limits_sums_to_the_target_and_keeps_each_limit(
    targets: list[int], days: list[int], limits: list[int | None]
) -> None:
    limits[-1] = None  # the last month is never limited in a plan
    most = np.array([[UNLIMITED if x is None else x for x in limits]] * len(targets))
    target = np.array(targets, dtype=np.int64)
    open_days = np.array([days] * len(targets), dtype=np.int64)
    out = level_within(target, open_days, most)
    assert (out.sum(axis=1) == target).all()
    assert (out >= 0).all() and (out <= most).all()


@settings(max_examples=40, deadline=None)
@given(profiles(with_own_inputs=False))
def test_R8_1_delivery_issues_what_arrives_the_forecast_and_the_gap(p: Profiles) -> None:
    """No card is issued before it arrives; once new staff can be trained every card that has
    arrived is issued; the gap's cards are issued as they arrive."""
    plan = make_plan(p, CALENDAR, PARAMS, "delivery")
    gap = plan.gap
    lead = int(PARAMS["staffing.recruit_lead_months"])
    forecast_issued = plan.issuance - gap.deliveries_needed
    issued = np.cumsum(forecast_issued, axis=1)
    arrived = np.cumsum(gap.forecast_deliveries, axis=1)
    assert (forecast_issued >= 0).all() and (issued <= arrived).all()
    assert np.array_equal(issued[:, lead:], arrived[:, lead:])
    assert (gap.applications_needed.sum(axis=1) == p.target - arrived[:, -1]).all()


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


@settings(max_examples=30, deadline=None)
@given(profiles(with_own_inputs=False))
def test_issue_11_R3_applications_needed_rise_over_the_ramp_months(p: Profiles) -> None:
    """The applications needed (the gap, shared by every method) start once new staff can be
    trained and rise over plan.needed_ramp_months: the k-th month gets k / (ramp + 1) of a
    full month's share per open weekday, within a card of it; none before, all of the gap."""
    from kofuplan.domain.gap import needed_months

    plan = make_plan(p, CALENDAR, PARAMS, "delivery")
    apps = plan.gap.applications_needed
    m = apps.shape[1]
    ramp = int(PARAMS["plan.needed_ramp_months"])
    assert ramp >= 1
    first, last = needed_months(
        m, int(PARAMS["staffing.recruit_lead_months"]), int(PARAMS["demand.production_lag_months"])
    )
    assert (apps[:, :first] == 0).all() and (apps[:, last + 1 :] == 0).all()
    assert np.array_equal(apps.sum(axis=1), plan.gap.needed)
    share = np.zeros(m)
    k = np.arange(1, last - first + 2)
    share[first : last + 1] = (
        np.minimum(k / (ramp + 1), 1.0) * CALENDAR.open_weekdays[first : last + 1]
    )
    exact = plan.gap.needed[:, None] * share[None, :] / share.sum()
    assert (np.abs(apps - exact) < 1.0).all()
    # The first month of the rule gets less than the months after the ramp, per weekday.
    full = first + ramp
    busy = plan.gap.needed > 10_000
    if busy.any() and full <= last:
        per_day = apps[busy] / np.maximum(CALENDAR.open_weekdays, 1)
        assert (per_day[:, first] < per_day[:, full]).all()
