"""Issue 11 (the plan half), done when, on the real statistics: forecast, plan and gap are three
things; the default plan needs no recruiting before it starts; staffing does not swing; the
default additions are calibrated on what municipalities submitted (about 1,690 counters and
4,991 staff); a re-plan spreads what is left without a lump."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kofuplan.adapters.plan_csv import summary
from kofuplan.domain.capacity import NO_RECRUIT, staff_without_hiring
from kofuplan.domain.demand import campaigns_known
from kofuplan.domain.plan import Plan
from kofuplan.domain.plan_findings import plan_findings
from tests.once import national_run

METHODS = ("level", "delivery", "optimal")
SUBMITTED_COUNTERS, SUBMITTED_STAFF = 1_690, 4_991  # Diet answer, February 2021


def _plans(
    tmp_path_factory: pytest.TempPathFactory, long_stats: Path, as_of: dt.date
) -> tuple[dict[str, Plan], Any]:
    """The three methods' national plans (``run_plan``), made once per test run and shared
    with test_plan_national and test_optimal_national (tests/once.py, issue 12 item 6)."""
    runs = {m: national_run(tmp_path_factory, long_stats, as_of, m) for m in METHODS}
    return {m: r.plan for m, r in runs.items()}, runs["level"].params


@pytest.fixture(scope="module")
def october(
    long_stats: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Plan], Any]:
    return _plans(tmp_path_factory, long_stats, dt.date(2020, 10, 1))


@pytest.fixture(scope="module")
def april(
    long_stats: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Plan], Any]:
    return _plans(tmp_path_factory, long_stats, dt.date(2021, 4, 1))


def test_R1_1_R3_R8_1_delivery_issues_the_forecast_in_time_plus_the_gap(
    october: tuple[dict[str, Plan], Any],
) -> None:
    plans, params = october
    plan = plans["delivery"]
    gap = plan.gap
    lead = int(params["staffing.recruit_lead_months"])
    lag = int(params["demand.production_lag_months"])
    # The gap's cards arrive the production lag after its applications.
    assert np.array_equal(gap.deliveries_needed[:, lag:], gap.applications_needed[:, :-lag])
    assert (gap.deliveries_needed[:, :lead] == 0).all()  # none before staff can be trained
    # What is issued beyond the gap's cards is the forecast's, never before it arrives and,
    # once new staff can be trained, all of what has arrived (R8.1).
    forecast_issued = plan.issuance - gap.deliveries_needed
    assert (forecast_issued >= 0).all()
    issued, arrived = np.cumsum(forecast_issued, axis=1), np.cumsum(gap.forecast_deliveries, axis=1)
    assert (issued <= arrived).all()
    assert np.array_equal(issued[:, lead:], arrived[:, lead:])
    # The forecast's deliveries are the forecast's, in whole cards, up to the target.
    expected = np.minimum(np.rint(plan.demand.deliveries.sum(axis=1)), plan.profiles.target)
    assert np.array_equal(gap.forecast_deliveries.sum(axis=1), expected.astype(np.int64))
    assert np.array_equal(plan.issuance.sum(axis=1), plan.profiles.target)


def test_R3_summary_gap_is_the_target_less_the_forecast_deliveries_to_march_2023(
    october: tuple[dict[str, Plan], Any],
) -> None:
    plans, params = october
    for method, plan in plans.items():
        s = summary(plan, params, "2020-10-01", sample=False)
        gap = s["gap"]["national"]
        forecast = int(
            np.minimum(np.rint(plan.demand.deliveries.sum(axis=1)), plan.profiles.target).sum()
        )
        assert gap["forecast_deliveries"] == forecast, method
        assert gap["applications_needed"] == s["target_total"] - forecast == 101_032_387 - forecast
        # About 59 million more applications than the forecast's 42 million (docs/forecast.md:
        # what was known at 2020-10-01; the record issued about 58 million by March 2023).
        assert 52_000_000 < gap["applications_needed"] < 64_000_000
        prefs = s["gap"]["prefectures"]
        assert len(prefs) == 47
        assert sum(p["applications_needed"] for p in prefs.values()) == gap["applications_needed"]
        assert sum(s["national"]["applications_needed"].values()) == gap["applications_needed"]
    # Every municipality with a gap gets the R3 finding, with its figures.
    findings = [f for f in plan_findings(plans["level"], params) if f.code == "R3-gap"]
    needed = plans["level"].gap.needed
    assert len(findings) == int((needed > 0).sum()) == gap["municipalities_with_gap"]
    assert sum(int(f.value or 0) for f in findings) == gap["applications_needed"]
    assert all("QRコード付き申請書" in f.message and "健康保険証" in f.message for f in findings)


def test_R2_3_the_default_plan_needs_no_recruiting_before_it_starts(
    october: tuple[dict[str, Plan], Any],
) -> None:
    plans, params = october
    assert str(params["plan.default_method"]) == "level"
    for method, plan in plans.items():
        cap = plan.capacity
        late = (cap.recruit_start_index != NO_RECRUIT) & (cap.recruit_start_index < 0)
        assert not late.any(), method
        lead = int(params["staffing.recruit_lead_months"])
        base = staff_without_hiring(plan.profiles.staff, params)
        assert (cap.staff[:, :lead] <= base[:, None]).all(), method


def _campaign_starts(params: Any, as_of: dt.date) -> set[str]:
    """The first month of every national campaign known at ``as_of`` (and of its extensions)."""
    return {min(c.months) for c in campaigns_known(params["campaigns.national"], as_of)}


def test_R2_3_staff_are_held_for_their_term_and_the_nation_does_not_swing(
    october: tuple[dict[str, Plan], Any], april: tuple[dict[str, Plan], Any]
) -> None:
    """Issue 11: no plan's national staff change by more than plan.max_staff_change_share
    from one month to the next, for every method, at 2020-10-01 and in the 2021-04-01
    re-plan; within a fiscal year staff taken on stay to its end."""
    for (plans, params), as_of in ((october, "2020-10-01"), (april, "2021-04-01")):
        share = float(params["plan.max_staff_change_share"])
        assert 0 < share <= 0.5
        for method, plan in plans.items():
            staff = plan.capacity.staff
            months = plan.months
            for t in range(1, len(months)):
                if months[t][5:7] != "04":  # a new appointment period starts in April
                    assert (staff[:, t] >= staff[:, t - 1]).all(), (as_of, method, months[t])
            nation = staff.sum(axis=0).astype(np.float64)
            change = np.abs(np.diff(nation)) / nation[:-1]
            assert change.max() <= share, (as_of, method, months[int(change.argmax()) + 1])


def test_R2_0_the_default_additions_match_what_municipalities_submitted(
    october: tuple[dict[str, Plan], Any],
) -> None:
    """Issue 11: within ±15% of about 1,690 counters and 4,991 staff; the calibration
    (capacity.presetup_cards_per_staff_day, tools/calibrate_staffing.py) leaves them within
    ±7%, so that a small change elsewhere does not push them out."""
    plans, params = october
    s = summary(plans["level"], params, "2020-10-01", sample=False)["national"]
    for key in ("counters_added_by_end", "counters_added_at_peak"):
        assert abs(s[key] / SUBMITTED_COUNTERS - 1) <= 0.07, (key, s[key])
    for key in ("staff_added_by_end", "staff_added_at_peak"):
        assert abs(s[key] / SUBMITTED_STAFF - 1) <= 0.07, (key, s[key])


def test_R2_2_no_counter_for_the_moving_season_alone(
    october: tuple[dict[str, Plan], Any],
) -> None:
    plans, _ = october
    cap = plans["level"].capacity
    season = np.array([m[5:7] in ("03", "04") for m in plans["level"].months])
    only_in_season = (cap.dedicated_counters[:, ~season] == 0).all(axis=1) & (
        cap.dedicated_counters[:, season] > 0
    ).any(axis=1)
    # Before: 341 small municipalities added a counter for March–April only.
    # Measured: 23 remain, where the combined counter cannot carry the whole plan even with
    # every weekend day in the season (their load in other months is at its full capacity).
    assert int(only_in_season.sum()) <= 25


def test_R1_1_replan_at_2021_04_01_spreads_what_is_left_without_a_lump(
    april: tuple[dict[str, Plan], Any],
) -> None:
    """Issue 11: for every method, the re-plan at 2021-04-01 sums to what is left, and no
    month issues more than twice either month next to it (neither a lump nor a step), unless
    a national campaign starts in it."""
    plans, params = april
    starts = _campaign_starts(params, dt.date(2021, 4, 1))
    for method, plan in plans.items():
        assert np.array_equal(plan.issuance.sum(axis=1), plan.profiles.target), method
        assert plan.profiles.issued.sum() + plan.profiles.target.sum() == (
            plan.cumulative_issued[:, -1].sum()
        )
        nation = plan.issuance.sum(axis=0).astype(np.float64)
        before = np.concatenate([[nation[1]], nation[:-1]])
        after = np.append(nation[1:], nation[-2])
        free = np.array([m not in starts for m in plan.months])
        assert (nation[free] <= 2 * np.minimum(before, after)[free]).all(), method
