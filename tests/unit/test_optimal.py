"""The cheapest plan (issue 7 part 2): R1.1 target, R2.0–R2.3 capacity, R4.1 cost, R8.1 one month.

The dynamic programme is checked against the same programme solved by HiGHS, and its cost
against the other methods' on the same inputs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kofuplan.domain.capacity import Capacity, staff_without_hiring
from kofuplan.domain.optimal import Setting, capacity_cost, solve_setting
from kofuplan.domain.optimal_milp import solve_milp
from kofuplan.domain.plan import Plan, make_plan
from kofuplan.domain.profiles import StatsRows, build_profiles
from kofuplan.parameters import load_rules
from kofuplan.services.planning import plan_calendar

AS_OF = dt.date(2020, 10, 1)


def _setting(rng: np.random.Generator, months: int, lead: int) -> Setting:
    weekdays = rng.integers(17, 23, months).astype(np.float64)
    low = rng.integers(3, 5, months)
    staff_now = int(rng.integers(3, 6))
    return Setting(
        supply=rng.integers(0, 2_500, months).astype(np.float64),
        weekdays=weekdays,
        evenings=np.round(rng.choice([0.0, 0.0, 0.5, 1.25], months), 2),
        weekend_low=low,
        weekend_high=low + rng.integers(0, 4, months),
        dedicated_daily=float(rng.choice([20.0, 40.0])),
        combined_daily=rng.choice([5.0, 10.0], months),
        combined=int(rng.integers(1, 3)),
        staff_now=staff_now,
        terminals_now=int(rng.integers(2, 5)),
        counters_now=int(rng.integers(1, 4)),
        office_max=int(rng.integers(2, 5)),
        staff_per_dedicated=2.0,
        staff_per_combined=1.0,
        terminals_per_counter=1.0,
        presetup_terminals_per_staff=1.0,
        presetup_per_staff_day=float(rng.choice([60.0, 90.0])),
        staff_yen=210_000.0,
        counter_yen=30_000.0,
        offsite_yen=300_000.0,
        terminal_yen=20_000.0,
        weekend_staff_day_yen=14_000.0,
        late_yen=100_000.0,
        lead_months=lead,
        # Staff moved from other sections (R2.3): usable before the lead time is over.
        staff_base=-1 if rng.random() < 0.5 else staff_now + int(rng.integers(0, 3)),
        # Issue 11: staff held to the end of their appointment period, paid for when taken
        # on and when let go.
        hire_yen=float(rng.choice([0.0, 260_000.0, 600_000.0])),
        release_yen=float(rng.choice([0.0, 20_000.0, 300_000.0])),
        period_start=rng.random(months) < 0.3,
        staff_levels=0,
    )


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), months=st.integers(2, 6), lead=st.integers(0, 2))
def test_R4_1_the_programme_matches_highs_exactly(seed: int, months: int, lead: int) -> None:
    """Issue 11 included: staff held for their term, hiring and release paid; with every
    whole staff a level of the state the programme is exact."""
    lead = min(lead, months - 1)  # staff can rise before the end, as in the real plan
    s = _setting(np.random.default_rng(seed), months, lead)
    ours = solve_setting(s)
    highs = solve_milp(s, mip_rel_gap=0.0)
    assert highs.status == 0
    ours_total = ours.cost_yen + s.late_yen * float(ours.late_cards.sum())
    assert ours_total == pytest.approx(highs.objective_yen, rel=1e-9, abs=1e-3)
    # And the plan it returns keeps R1.1 and R8.1.
    cum, supply = np.cumsum(ours.issuance), np.cumsum(s.supply)
    assert cum[-1] == supply[-1]
    assert (cum <= supply).all()
    before = np.concatenate([[0.0], supply[:-1]])
    assert (cum + ours.late_cards >= before - 1e-9).all()
    assert (ours.late_cards[lead:] == 0).all()
    assert (ours.weekend_days >= s.weekend_low).all()
    assert (ours.weekend_days <= s.weekend_high).all()


def _params(lead: int) -> dict[str, Any]:
    snapshot = load_rules().at(AS_OF)
    return {key: snapshot[key] for key in snapshot} | {"staffing.recruit_lead_months": lead}


def _plans(seed: int, lead: int) -> tuple[dict[str, Plan], dict[str, Any]]:
    rng = np.random.default_rng(seed)
    n = 4
    population = rng.integers(2_000, 300_000, n)
    issued = (population * rng.uniform(0.12, 0.3, n)).astype(np.int64)
    stats = StatsRows(
        lg_code=np.array([f"99{k:03d}0" for k in range(n)]),
        pref_code=np.array(["99"] * n),
        pref_name=np.array(["テスト県"] * n),
        name=np.array([f"テスト町{k}" for k in range(n)]),
        municipality_type=np.array(["町"] * n),
        population=population.astype(np.int64),
        issued=issued,
        recent_increase=(issued * rng.uniform(0.03, 0.09, n)).astype(np.int64),
        recent_days=np.full(n, 30, dtype=np.int64),
    )
    params = _params(lead)
    profiles = build_profiles(stats, {}, params)
    calendar = plan_calendar(params, AS_OF)
    plans = {m: make_plan(profiles, calendar, params, m) for m in ("level", "delivery", "optimal")}
    return plans, params


def _cost(plan: Plan, params: dict[str, Any]) -> np.ndarray:
    return capacity_cost(plan.capacity, plan.profiles, params)


def _keeps_one_month(plan: Plan, supply: np.ndarray) -> np.ndarray:
    cum, arrived = np.cumsum(plan.issuance, axis=1), np.cumsum(supply, axis=1)
    before = np.concatenate([np.zeros((len(arrived), 1)), arrived[:, :-1]], axis=1)
    return np.asarray(((cum <= arrived) & (cum >= before)).all(axis=1))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_R4_1_optimal_never_costs_more_than_level_or_delivery(seed: int) -> None:
    """Without a recruiting lead the other methods' plans are feasible for the programme
    whenever they keep the one-month rule (delivery always does): optimal is never dearer."""
    plans, params = _plans(seed, lead=0)
    optimal = _cost(plans["optimal"], params)
    supply = plans["delivery"].issuance
    assert (optimal <= _cost(plans["delivery"], params) + 1e-6).all()
    level_ok = _keeps_one_month(plans["level"], supply)
    assert (optimal[level_ok] <= _cost(plans["level"], params)[level_ok] + 1e-6).all()


def test_R2_3_optimal_plan_meets_the_engine_contract() -> None:
    plans, params = _plans(7, lead=int(load_rules().at(AS_OF)["staffing.recruit_lead_months"]))
    plan = plans["optimal"]
    cap: Capacity = plan.capacity
    assert (plan.issuance.sum(axis=1) == plan.profiles.target).all()  # R1.1
    assert (plan.issuance <= cap.capacity).all()  # R2.0
    assert (cap.weekend_days >= plan.calendar.required_weekend_days[None, :]).all()  # R2.1
    every = plan.calendar.saturdays + plan.calendar.sundays
    assert (cap.weekend_days <= every[None, :]).all()
    assert (cap.dedicated_counters >= cap.offsite_counters).all()
    office = cap.dedicated_counters - cap.offsite_counters + cap.combined_counters
    room = np.maximum(plan.profiles.office_max_counters[:, None], cap.combined_counters)
    assert (office <= room).all()
    lead = int(params["staffing.recruit_lead_months"])
    base = staff_without_hiring(plan.profiles.staff, params)
    assert (cap.staff[:, :lead] <= base[:, None]).all()  # R2.3
