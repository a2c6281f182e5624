"""The demand model (issue 11 items 2 and 5; R3.1, R8.2): laws that hold for any input."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kofuplan.domain.calendar import month_range
from kofuplan.domain.demand import (
    Campaign,
    DemandRules,
    campaign_response,
    campaigns_known,
    expected_demand,
    lagged,
    produce,
    smoothed_daily_pace,
)
from kofuplan.domain.plan import forecast_demand
from kofuplan.domain.profiles import Profiles

from .strategies import PARAMS, profiles

RULES = DemandRules.from_rules(PARAMS)
ENTRIES = PARAMS["campaigns.national"]
MONTHS = tuple(month_range("2020-10", "2023-03"))
apps_matrix = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 24)),
    elements=st.floats(0, 5e6, allow_nan=False),
)


def test_R3_1_rules_hold_profiles_that_share_out_everything() -> None:
    assert abs(sum(RULES.lag_profile) - 1) < 1e-9
    for kind, profile in RULES.response_profile.items():
        assert abs(sum(profile) - 1) < 1e-9, kind
        assert min(profile) >= 0, kind


@settings(max_examples=40, deadline=None)
@given(profiles(with_own_inputs=False), st.sampled_from(["2020-10", "2021-04", "2022-01"]))
def test_R3_1_forecast_applications_and_deliveries_are_never_negative(
    p: Profiles, first: str
) -> None:
    as_of = dt.date(int(first[:4]), int(first[5:]), 1)
    d = forecast_demand(p, month_range(first, "2023-03"), PARAMS, as_of)
    assert (d.applications >= 0).all() and (d.deliveries >= -1e-6).all()
    for name, part in d.by_source.items():
        assert (part >= 0).all(), name
    assert np.allclose(sum(d.by_source.values()), d.applications)
    assert (d.national_queue >= -1e-6).all() and (d.in_pipeline >= 0).all()


@settings(max_examples=40, deadline=None)
@given(profiles(with_own_inputs=False), st.sampled_from(["2020-10", "2021-04", "2022-06"]))
def test_R8_2_deliveries_never_exceed_the_applications_made(p: Profiles, first: str) -> None:
    """Cards delivered up to any month ≤ the applications in the pipeline at the start plus
    those made since."""
    as_of = dt.date(int(first[:4]), int(first[5:]), 1)
    d = forecast_demand(p, month_range(first, "2023-03"), PARAMS, as_of)
    made = d.in_pipeline[:, None] + np.cumsum(d.applications, axis=1)
    assert (np.cumsum(d.deliveries, axis=1) <= made * (1 + 1e-9) + 1e-6).all()


@settings(max_examples=80, deadline=None)
@given(apps_matrix, st.floats(1.0, 2e7))
def test_R8_2_production_keeps_its_capacity_and_loses_no_application(
    apps: np.ndarray, capacity: float
) -> None:
    produced, waiting = produce(apps, capacity)
    queue = waiting.sum(axis=0)
    assert (produced >= -1e-6).all()
    assert (produced.sum(axis=0) <= capacity * (1 + 1e-9) + 1e-6).all()
    assert (queue >= -1e-6).all()
    # What is not produced by the end is still in the queue; nothing is made up or lost.
    assert np.isclose(produced.sum() + queue[-1], apps.sum(), rtol=1e-9, atol=1e-3)
    # First come, first served: the queue only holds what the capacity could not take.
    busy = produced.sum(axis=0) < capacity * (1 - 1e-9)
    assert (queue[busy] <= 1e-6 * max(1.0, apps.sum())).all()


@settings(max_examples=80, deadline=None)
@given(apps_matrix)
def test_R8_2_with_unlimited_production_deliveries_are_applications_shifted_by_the_lag(
    apps: np.ndarray,
) -> None:
    produced, waiting = produce(apps, float("inf"))
    queue = waiting.sum(axis=0)
    assert np.array_equal(produced, apps) and not queue.any()
    ready = lagged(produced, RULES.lag_profile)
    for t in range(apps.shape[1]):
        expect = sum(
            share * apps[:, t - k] for k, share in enumerate(RULES.lag_profile) if t - k >= 0
        )
        assert np.allclose(ready[:, t], expect)


def test_R8_2_unlimited_production_in_the_model_itself() -> None:
    """expected_demand with no pace, no past campaign and unlimited production: the cards of
    the forecast months are exactly its applications shifted by the lag distribution."""
    rules = replace(RULES, production_capacity=float("inf"))
    future = [Campaign("m", "qr_mailing", dt.date(2020, 1, 1), ("2021-01", "2021-02"), 8e7)]
    d = expected_demand(
        MONTHS, np.zeros(3), np.array([10_000, 20_000, 0]), future, rules, None, 101_032_387
    )
    assert np.allclose(d.deliveries, lagged(d.applications, rules.lag_profile))
    assert d.applications.sum() > 0 and not d.national_queue.any()


dates = st.dates(dt.date(2019, 6, 1), dt.date(2023, 6, 30))


@settings(max_examples=60, deadline=None)
@given(dates)
def test_R3_1_a_forecast_at_a_date_uses_no_campaign_announced_after_it(day: dt.date) -> None:
    known = campaigns_known(ENTRIES, day)
    assert all(c.known_from <= day for c in known)
    later = {str(e["name"]) for e in ENTRIES if dt.date.fromisoformat(str(e["known_from"])) > day}
    assert not later & {c.name for c in known}
    # Whatever is announced after the date leaves the forecast unchanged.
    after = day + dt.timedelta(days=1)
    extra = [*ENTRIES, {"name": "x", "kind": "qr_mailing", "known_from": after,
                        "months": ["2021-06"], "pieces": 5e7}]  # fmt: skip
    pace, holders = np.array([300.0, 20.0]), np.array([900_000, 30_000])
    one = expected_demand(MONTHS, pace, holders, known, RULES, None, 101_032_387)
    later_known = campaigns_known(extra, day)
    two = expected_demand(MONTHS, pace, holders, later_known, RULES, None, 101_032_387)
    assert np.array_equal(one.applications, two.applications)
    assert np.array_equal(one.deliveries, two.deliveries)


def test_R3_1_the_2022_point_campaign_is_dated_and_its_deadline_moves_when_extended() -> None:
    names = {c.name: c for c in campaigns_known(ENTRIES, dt.date(2021, 11, 18))}
    assert "mynapoint_2" not in names  # announced 2021-11-19
    point2 = {c.name: c for c in campaigns_known(ENTRIES, dt.date(2022, 6, 30))}["mynapoint_2"]
    assert point2.months[-1] == "2022-09"
    extended = {c.name: c for c in campaigns_known(ENTRIES, dt.date(2022, 9, 20))}["mynapoint_2"]
    assert extended.months[-1] == "2022-12"
    last = {c.name: c for c in campaigns_known(ENTRIES, dt.date(2022, 12, 20))}["mynapoint_2"]
    assert last.months[-1] == "2023-02"


def test_R3_1_issue_11_a_replan_counts_only_the_response_still_to_come() -> None:
    """At 2021-04 the QR mailing (Dec 2020 – Mar 2021) adds only its profile's tail, not its
    whole response again."""
    qr = [c for c in campaigns_known(ENTRIES, dt.date(2021, 4, 1)) if c.kind == "qr_mailing"]
    span = month_range("2021-04", "2023-03")
    got = campaign_response(span, qr, RULES, 91_168_470)["qr_mailing"].sum()
    profile = RULES.response_profile["qr_mailing"]
    total = qr[0].pieces * RULES.response_rate["qr_mailing"]  # type: ignore[operator]
    # Mailing month k (0..3 = Dec..Mar) answers in months k+j; those from April on (k+j ≥ 4).
    tail = sum(share for k in range(4) for j, share in enumerate(profile) if k + j >= 4) / 4
    assert np.isclose(got, total * tail)
    assert 0 < got < total


def test_R3_1_issue_11_a_town_whose_last_month_did_not_move_keeps_a_pace() -> None:
    """Smoothed over three months, a month without cards does not zero the pace."""
    issued = np.array([1_000, 5_000])
    history = np.array([[880, 1_000, 1_000], [4_000, 4_500, 4_800]])  # 92, 61, 30 days before
    days_before = np.array([92, 61, 30])
    pace = smoothed_daily_pace(issued, history, days_before, 3)
    assert pace is not None
    assert np.allclose(pace, [120 / 92, 1_000 / 92])
    assert smoothed_daily_pace(issued, history[:, :0], days_before[:0], 3) is None
