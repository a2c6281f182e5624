"""The dynamic programme's optimum on 20 real municipalities, against HiGHS at gap 0 (R4.1:
the cheapest plan is the exact optimum, not a heuristic's).

HiGHS solves the same programme (kofuplan.domain.optimal_milp.solve_milp_setups) with a time
limit per municipality: where it proves its optimum the two costs are equal; where the limit
stops it first, the programme's cost lies between HiGHS's proven bound and its best plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.capacity import weekend_days
from kofuplan.domain.optimal import settings_of, solve_setting
from kofuplan.domain.optimal_milp import solve_milp_setups
from kofuplan.domain.plan import plan_demand
from kofuplan.domain.schedule import schedule
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at

AS_OF = dt.date(2020, 10, 1)
SEED = 20201027
HIGHS_SECONDS = 10.0


@pytest.mark.slow
def test_R4_1_optimal_equals_highs_at_gap_0_on_20_real_municipalities(long_stats: Path) -> None:
    params = rules_at(AS_OF)
    calendar = plan_calendar(params, AS_OF)
    nation = load_profiles(StatsFiles(long_stats), AS_OF, params)
    chosen = np.sort(np.random.default_rng(SEED).choice(len(nation), 20, replace=False))
    profiles = nation.take(chosen)
    demand = plan_demand(profiles, calendar, params)
    open_days = calendar.open_weekdays[None, :] + weekend_days(profiles, calendar)
    supply = schedule("delivery", profiles.target, open_days, demand)
    proven = 0
    for code, s in zip(
        profiles.lg_code, settings_of(supply, profiles, calendar, params), strict=True
    ):
        ours = solve_setting(s)
        exact = ours.cost_yen + s.late_yen * float(ours.late_cards.sum())
        highs = solve_milp_setups(s, time_limit=HIGHS_SECONDS)
        tolerance = 1e-6 * max(exact, 1.0)
        if highs.status == 0:
            proven += 1
            assert exact == pytest.approx(highs.objective_yen, abs=tolerance), code
        else:
            assert highs.dual_bound_yen - tolerance <= exact <= highs.objective_yen + tolerance, (
                code
            )
        assert int(ours.issuance.sum()) == int(s.supply.sum()), code
    assert proven >= 1  # the comparison is not only ever against bounds
