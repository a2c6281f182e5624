"""The optimal method on real municipalities against exact references (R4.1, issue 11).

The programme holds added staff for their term and pays for hiring and release; its state is
the cards carried and the level of added staff. With every whole staff a level and no state
thinned it is exact (tests/unit/test_optimal.py checks it against HiGHS on small programmes).
The national run uses at most ``optimal.staff_levels`` levels and thins the largest cities'
states; these tests measure what that costs on real municipalities, and check the exact
programme against HiGHS at gap 0 where HiGHS proves its optimum within its time limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.gap import plan_gap
from kofuplan.domain.optimal import Setting, SettingResult, settings_of, solve_setting
from kofuplan.domain.optimal_milp import solve_milp_setups
from kofuplan.domain.plan import plan_demand
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at

AS_OF = dt.date(2020, 10, 1)
SEED = 20201027
HIGHS_SECONDS = 10.0
# The national programme's cost over the exact one's, at most (issue 16: within 1% of the
# optimum; measured at 2020-10-01 with optimal.staff_levels 30 and states_per_level 64: 0 in
# 21 of 22, 0.14% at most; with 20 levels it was 0.96%).
WITHIN = 0.01


def _settings(long_stats: Path, rows: np.ndarray) -> list[tuple[str, Setting]]:
    params = rules_at(AS_OF)
    calendar = plan_calendar(params, AS_OF)
    nation = load_profiles(StatsFiles(long_stats), AS_OF, params)
    profiles = nation.take(np.sort(rows))
    demand = plan_demand(nation, calendar, params).take(np.sort(rows))
    gap = plan_gap(profiles.target, demand, calendar, params)
    supply = gap.forecast_deliveries + gap.deliveries_needed
    settings = settings_of(supply, profiles, calendar, params)
    return list(zip(profiles.lg_code.tolist(), settings, strict=True))


def _total(s: Setting, r: SettingResult) -> float:
    return r.cost_yen + s.late_yen * float(r.late_cards.sum())


def _exact(s: Setting) -> SettingResult:
    """Every whole staff a level and no state thinned: the exact programme."""
    return solve_setting(replace(s, staff_levels=0, states_per_level=0))


def _chosen(long_stats: Path) -> np.ndarray:
    params = rules_at(AS_OF)
    nation = load_profiles(StatsFiles(long_stats), AS_OF, params)
    random = np.random.default_rng(SEED).choice(len(nation), 20, replace=False)
    by_size = np.argsort(-nation.population)
    return np.unique(np.concatenate([random, by_size[[49, 99]]]))


@pytest.mark.slow
def test_R4_1_issue_11_the_national_programme_is_within_its_bound_of_the_exact_one(
    long_stats: Path,
) -> None:
    gaps = []
    for code, s in _settings(long_stats, _chosen(long_stats)):
        ours, exact = _total(s, solve_setting(s)), _total(s, _exact(s))
        # The national programme's plan is a plan: never cheaper than the optimum.
        assert ours >= exact - 1e-6 * exact, code
        gaps.append((ours - exact) / exact)
        assert gaps[-1] <= WITHIN, (code, gaps[-1])
    assert sum(g == 0 for g in gaps) >= len(gaps) // 2  # exact wherever the levels are


@pytest.mark.slow
def test_R4_1_issue_11_the_exact_programme_equals_highs_at_gap_0(long_stats: Path) -> None:
    params = rules_at(AS_OF)
    nation = load_profiles(StatsFiles(long_stats), AS_OF, params)
    small = np.argsort(nation.population)[:: len(nation) // 6][:6]
    proven = 0
    for code, s in _settings(long_stats, small):
        exact = _total(s, _exact(s))
        highs = solve_milp_setups(s, time_limit=HIGHS_SECONDS)
        tolerance = 1e-6 * max(exact, 1.0)
        if highs.status == 0:
            proven += 1
            assert exact == pytest.approx(highs.objective_yen, abs=tolerance), code
        else:
            assert highs.dual_bound_yen - tolerance <= exact <= highs.objective_yen + tolerance, (
                code
            )
    assert proven >= 1  # the comparison is not only ever against bounds
