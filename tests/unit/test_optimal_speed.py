"""The optimum's speed-ups change no answer (issue 16 item 3): the bucket pre-filter of the
dominance filter, the pool of processes, and the typed rules it reads (issue 12)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain import optimal
from kofuplan.domain.optimal import OptimalParameters, solve_setting
from kofuplan.parameters import load_rules
from tests.unit.test_optimal import _setting


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(optimal._COARSE_FROM + 1, 3 * optimal._COARSE_FROM),
    levels=st.integers(1, 6),
    spread=st.sampled_from([3.0, 50.0, 5_000.0, 2e6]),
)
def test_issue_16_the_bucket_filter_keeps_exactly_the_states_no_other_beats(
    seed: int, n: int, levels: int, spread: float
) -> None:
    """Past ``_COARSE_FROM`` candidates :func:`_pareto` first drops, by buckets of carried
    cards, candidates surely beaten; it must keep the same states, in the same order, with the
    same levels to rise to, as the exact filter alone. Ties (equal costs and carries) are
    drawn often: whole numbers in a small range."""
    rng = np.random.default_rng(seed)
    left = np.floor(rng.uniform(0, spread, n))
    adjusted = np.floor(rng.uniform(0, spread, n)) * 1_000.0 - 1e7 * rng.integers(0, 2, n)
    level = rng.integers(0, levels, n).astype(np.int64)
    kept, top = optimal._pareto(adjusted, left, level, levels)
    exact, exact_top = optimal._pareto_exact(adjusted, left, level, levels)
    assert kept.tolist() == exact.tolist()
    assert top.tolist() == exact_top.tolist()
    # And every state kept is beaten by none: checked by brute force on a sample.
    for i in rng.choice(kept, size=min(20, kept.size), replace=False):
        beats = (left <= left[i]) & (adjusted <= adjusted[i]) & (level <= level[i])
        beats[i] = False
        assert not (
            beats & ((left < left[i]) | (adjusted < adjusted[i]) | (level < level[i]))
        ).any()


def test_issue_16_the_pool_gives_the_same_plans_as_one_process() -> None:
    rng = np.random.default_rng(16)
    work = [_setting(rng, 8, 1) for _ in range(6)]
    codes = [f"99{k:03d}0" for k in range(len(work))]
    done: list[int] = []
    alone = optimal._solve_all(codes, work, done.append, workers=1)
    pooled = optimal._solve_all(codes, work, done.append, workers=2)
    assert sum(done) == 2 * len(work)
    for a, b in zip(alone, pooled, strict=True):
        assert a.cost_yen == b.cost_yen
        assert a.issuance.tolist() == b.issuance.tolist()
        assert a.weekend_days.tolist() == b.weekend_days.tolist()


def test_issue_16_thinning_only_ever_costs_more() -> None:
    """``optimal.states_per_level`` thins states: never cheaper than keeping every one."""
    rng = np.random.default_rng(11)
    for _ in range(5):
        s = replace(_setting(rng, 6, 1), supply=rng.integers(0, 60_000, 6).astype(np.float64))
        exact = solve_setting(s)
        thinned = solve_setting(replace(s, states_per_level=2))
        late = s.late_yen
        assert thinned.cost_yen + late * thinned.late_cards.sum() + 1e-6 >= (
            exact.cost_yen + late * exact.late_cards.sum()
        )


def test_issue_12_optimal_parameters_come_from_the_dated_rules() -> None:
    snapshot = load_rules().at(dt.date(2020, 10, 1))
    p = OptimalParameters.from_rules(snapshot)
    assert p.staff_levels == snapshot["optimal.staff_levels"]
    assert p.states_per_level == snapshot["optimal.states_per_level"]
    assert p.staff_hire_yen == snapshot["costs.staff_hire_yen"]
    assert p.recruit_lead_months == snapshot["staffing.recruit_lead_months"]
    assert p.states_per_level > 0 and p.staff_levels >= 2
