"""Hypothesis strategies for municipalities and plans, shared by the property tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import strategies as st

from kofuplan.domain.lgcode import check_digit
from kofuplan.domain.profiles import Profiles, StatsRows, build_profiles
from kofuplan.services.planning import rules_at

AS_OF = dt.date(2020, 10, 1)
PARAMS = rules_at(AS_OF)


def stats_rows(populations: list[int], coverages: list[float], paces: list[int]) -> StatsRows:
    n = len(populations)
    codes = [f"{13101 + 2 * i:05d}" for i in range(n)]
    pop = np.array(populations, dtype=np.int64)
    issued = np.minimum((pop * np.array(coverages)).astype(np.int64), pop)
    return StatsRows(
        lg_code=np.array([c + str(check_digit(c)) for c in codes]),
        pref_code=np.array(["13"] * n),
        pref_name=np.array(["東京都"] * n),
        name=np.array([f"団体{i}" for i in range(n)]),
        municipality_type=np.array(["市"] * n),
        population=pop,
        issued=issued,
        recent_increase=np.array(paces, dtype=np.int64),
        recent_days=np.full(n, 30, dtype=np.int64),
    )


@st.composite
def profiles(draw: Any, max_size: int = 6, with_own_inputs: bool = True) -> Profiles:
    n = draw(st.integers(1, max_size))
    pops = draw(st.lists(st.integers(0, 3_000_000), min_size=n, max_size=n))
    covs = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    paces = draw(st.lists(st.integers(0, 60_000), min_size=n, max_size=n))
    rows = stats_rows(pops, covs, paces)
    given: dict[str, dict[str, Any]] = {}
    if with_own_inputs:
        for code in rows.lg_code.tolist():
            own: dict[str, Any] = {}
            if draw(st.booleans()):
                own["combined_counters"] = draw(st.integers(0, 8))
                own["combined_daily_per_counter"] = draw(st.floats(0.5, 30.0))
            if draw(st.booleans()):
                own["dedicated_daily_per_counter"] = draw(st.floats(1.0, 80.0))
            if draw(st.booleans()):
                own["office_max_counters"] = draw(st.integers(0, 40))
            if draw(st.booleans()):
                own["weekend_policy"] = draw(st.sampled_from(["min", "all"]))
            given[code] = own
    return build_profiles(rows, given, PARAMS)
