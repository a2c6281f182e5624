"""Capacity (issue 2 item 5, R2.0–R2.3, R6.1-2, R6.1-3, R6.1-4)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.calendar import month_range
from kofuplan.domain.capacity import (
    NO_RECRUIT,
    capacity_of,
    fewest_dedicated,
    hold_staff,
    recruit_start,
    staff_without_hiring,
)
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
    rules = dict(PARAMS) | {"staffing.recruit_lead_months": 2, "staffing.transfer_share": 0.0}
    starts = recruit_start(staff, np.array([3]), rules)
    assert starts.tolist() == [[NO_RECRUIT, -1, NO_RECRUIT, NO_RECRUIT, 2, NO_RECRUIT]]
    # Staff moved from other sections need no recruiting: a quarter of 8 is 2.
    moved = {**rules, "staffing.transfer_share": 0.25}
    starts = recruit_start(np.array([[9, 10, 11]]), np.array([8]), moved)
    assert starts.tolist() == [[NO_RECRUIT, NO_RECRUIT, 0]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 50), min_size=14, max_size=14), min_size=1, max_size=4))
def test_R2_3_staff_never_drop_within_their_term(rows: list[list[int]]) -> None:
    months = month_range("2020-10", "2021-11")
    staff = np.array(rows, dtype=np.int64)
    held = hold_staff(staff, months, dict(PARAMS) | {"staffing.term_end_month": 3})
    assert (held >= staff).all()
    for t in range(1, len(months)):
        if months[t][5:7] != "04":  # April starts a new appointment period
            assert (held[:, t] >= held[:, t - 1]).all()


@settings(max_examples=15, deadline=None)
@given(profiles(with_own_inputs=False), st.integers(0, 4))
def test_R2_3_no_plan_recruits_before_it_starts_whatever_the_lead_time(
    p: Profiles, lead: int
) -> None:
    params = {key: PARAMS[key] for key in PARAMS} | {"staffing.recruit_lead_months": lead}
    for method in ("level", "delivery"):
        cap = make_plan(p, CALENDAR, params, method).capacity
        base = staff_without_hiring(p.staff, params)
        assert (cap.staff[:, :lead] <= base[:, None]).all(), method
        late = (cap.recruit_start_index != NO_RECRUIT) & (cap.recruit_start_index < 0)
        assert not late.any(), method
