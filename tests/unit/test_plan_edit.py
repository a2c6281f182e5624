"""The plan editor's recomputation and diffs (issue 6; R1.1, R2). Its checks are
``check_plan``'s (tests/unit/test_one_check_set.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain import plan_edit


def _rows(issuance: list[int], **over: Any) -> list[dict[str, Any]]:
    rows = []
    for i, n in enumerate(issuance):
        row = {
            "lg_code": "011002",
            "month": f"2021-{i + 1:02d}",
            "issuance": n,
            "open_weekdays": 20,
            "weekend_days": 4,
            "required_weekend_days": 4,
            "dedicated_counters": 2,
            "dedicated_daily_per_counter": 40,
            "combined_counters": 1,
            "combined_daily_per_counter": 10,
            "offsite_counters": 0,
        }
        row.update(over)
        rows.append(row)
    return rows


@given(
    st.lists(st.integers(0, 5000), min_size=1, max_size=30),
    st.integers(0, 10),
    st.integers(0, 10),
    st.integers(0, 8),
)
def test_R2_capacity_follows_the_contract_formula(
    issuance: list[int], dedicated: int, combined: int, weekend: int
) -> None:
    rows = _rows(issuance, dedicated_counters=dedicated, combined_counters=combined,
                 weekend_days=weekend)  # fmt: skip
    out = plan_edit.recompute(rows, population=100_000, baseline_issued=20_000)
    for r in out:
        assert r["open_days"] == 20 + weekend
        assert r["capacity"] == (dedicated * 40 + combined * 10) * (20 + weekend)


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=30), st.integers(1, 10**6))
def test_R1_1_cumulative_ends_at_baseline_plus_issuance_and_target_is_what_remains(
    issuance: list[int], baseline: int
) -> None:
    population = baseline + sum(issuance) + 7
    out = plan_edit.recompute(_rows(issuance), population, baseline)
    assert out[-1]["cumulative_issued"] == baseline + sum(issuance)
    assert plan_edit.target(population, baseline, 1.0) == sum(issuance) + 7


def test_R6_diff_lists_exactly_the_changed_cells() -> None:
    old = plan_edit.recompute(_rows([10, 20]), 1000, 0)
    new = plan_edit.recompute(_rows([10, 25]), 1000, 0)
    changes = plan_edit.diff(old, new)
    assert ("2021-02", "issuance", 20, 25) in changes
    assert all(month == "2021-02" for month, *_ in changes)
    assert plan_edit.diff(old, old) == []
