"""Capacity (issue 2 item 5, R2.0–R2.3, R6.1-2, R6.1-3, R6.1-4)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.capacity import NO_RECRUIT, capacity_of, fewest_dedicated, recruit_start
from kofuplan.domain.plan import make_plan
from kofuplan.domain.profiles import Profiles

from .strategies import PARAMS, profiles
from .test_schedule import CALENDAR


@settings(max_examples=80, deadline=None)
@given(profiles(), st.sampled_from(["level", "delivery"]))
def test_R6_1_2_planned_counters_suffice_and_one_fewer_would_not(p: Profiles, method: str) -> None:
    plan = make_plan(p, CALENDAR, PARAMS, method)
    cap = plan.capacity
    assert (plan.issuance <= cap.capacity).all()
    fewer = capacity_of(
        cap.dedicated_counters - 1,
        cap.dedicated_daily_per_counter,
        cap.combined_counters,
        cap.combined_daily_per_counter,
        cap.open_days,
    )
    has = cap.dedicated_counters > 0
    assert (fewer[has] < plan.issuance[has]).all()


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_R2_1_R6_1_4_weekend_days_meet_the_requirement(p: Profiles) -> None:
    cap = make_plan(p, CALENDAR, PARAMS, "level").capacity
    assert (cap.weekend_days >= CALENDAR.required_weekend_days[None, :]).all()
    assert (cap.open_days == CALENDAR.open_weekdays[None, :] + cap.weekend_days).all()


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_R6_1_3_counters_beyond_the_office_stand_outside(p: Profiles) -> None:
    cap = make_plan(p, CALENDAR, PARAMS, "level").capacity
    inside = cap.dedicated_counters - cap.offsite_counters + cap.combined_counters
    room = p.office_max_counters[:, None]
    assert ((inside <= room) | (cap.offsite_counters == cap.dedicated_counters)).all()
    assert (cap.offsite_counters >= 0).all()
    assert (cap.offsite_counters <= cap.dedicated_counters).all()


def test_R2_2_combined_counters_issue_less_in_march_and_april() -> None:
    from kofuplan.domain.profiles import build_profiles

    from .strategies import stats_rows

    p = build_profiles(stats_rows([50_000], [0.2], [600]), {}, PARAMS)
    cap = make_plan(p, CALENDAR, PARAMS, "level").capacity
    months = list(CALENDAR.months)
    daily = cap.combined_daily_per_counter[0]
    assert daily[months.index("2021-03")] < daily[months.index("2021-02")]
    assert daily[months.index("2021-04")] < daily[months.index("2021-05")]


@given(
    st.lists(st.integers(0, 5000), min_size=1, max_size=30),
    st.floats(1, 100),
    st.integers(0, 10),
    st.floats(0, 30),
    st.integers(0, 31),
)
def test_more_open_days_never_lower_capacity(
    issuance: list[int], ded: float, comb: int, comb_daily: float, days: int
) -> None:
    iss = np.array([issuance])
    d = fewest_dedicated(
        iss,
        np.full(iss.shape, ded),
        np.full(iss.shape, comb),
        np.full(iss.shape, comb_daily),
        np.full(iss.shape, max(days, 1)),
    )
    for more in (1, 2):
        bigger = capacity_of(
            d,
            np.full(iss.shape, ded),
            np.full(iss.shape, comb),
            np.full(iss.shape, comb_daily),
            np.full(iss.shape, max(days, 1) + more),
        )
        assert (bigger >= iss).all()


def test_R2_3_recruiting_starts_lead_months_before_each_rise() -> None:
    staff = np.array([[3, 5, 5, 4, 6, 6]])
    starts = recruit_start(staff, np.array([3]), lead_months=2)
    assert starts.tolist() == [[NO_RECRUIT, -1, NO_RECRUIT, NO_RECRUIT, 2, NO_RECRUIT]]
