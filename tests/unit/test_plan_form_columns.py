"""Issue 16: ``read_plan_form`` reads rows whose figures are all plain numbers within their
bounds column by column (``_read_clean``), the common case of stored and engine-made plans.
The law: whatever the rows hold, the table and the findings are those of reading each row
one by one (``_read_row``), which is what it falls back to for anything else."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain import plan_form
from kofuplan.domain.plan_form import PlanBounds, PlanRow, read_plan_form
from kofuplan.domain.plan_table import FIGURE_COLUMNS, PlanTable

BOUNDS = PlanBounds(
    count_ceiling=10_000,
    daily_per_counter_ceiling=500.0,
    extra_days_ceiling=31.0,
    offered_load_ceiling=1e6,
)
MONTHS = ("2021-01", "2021-02", "2021-03")
CODES = ("011002", "012025")
COUNTS = ("issuance", "dedicated_counters", "combined_counters", "offsite_counters",
          "weekend_days", "staff", "capacity", "open_weekdays", "terminals",
          "cumulative_issued")  # fmt: skip
DECIMALS = ("dedicated_daily_per_counter", "combined_daily_per_counter",
            "evening_day_equivalents", "coverage_pct")  # fmt: skip

clean_count = st.integers(min_value=0, max_value=BOUNDS.count_ceiling)
clean_rate = st.floats(min_value=0.01, max_value=500.0) | st.integers(1, 500) | st.none()
odd = st.sampled_from(
    [None, -1, 10_001, 10**30, 2.0, 2.5, float("nan"), float("inf"), "12", "abc", "", True, 0.0]
)


@st.composite
def plans(draw: st.DrawFn) -> list[PlanRow]:
    dirty = draw(st.booleans())
    rows = []
    for code in CODES:
        for month in draw(st.permutations(MONTHS)):
            cells: dict[str, Any] = {"lg_code": code, "month": month}
            for c in COUNTS:
                cells[c] = draw(clean_count | st.none() if c == "staff" else clean_count)
            for c in DECIMALS:
                cells[c] = draw(clean_rate)
            cells["recruit_start_month"] = draw(st.sampled_from(["", None, "2021-02", " "]))
            if dirty:
                column = draw(st.sampled_from([*COUNTS, *DECIMALS, "recruit_start_month"]))
                cells[column] = draw(odd)
            rows.append(PlanRow(line=len(rows) + 2, cells=cells))
    if draw(st.booleans()):  # a repeated month, or one outside the plan
        month = draw(st.sampled_from(["2021-01", "2020-12"]))
        rows.append(PlanRow(line=99, cells={**rows[0].cells, "month": month}))
    return rows


def _arrays(table: PlanTable) -> dict[str, Any]:
    out: dict[str, Any] = {f"c.{k}": v for k, v in table.counts.items()}
    out |= {f"d.{k}": v for k, v in table.decimals.items()}
    out |= {f"g.{k}": v for k, v in table.given.items()}
    return out | {"recruit": table.recruit_start_index, "valid": table.valid}


@settings(max_examples=300, deadline=None)
@given(plans())
def test_issue16_columns_read_at_once_equal_rows_read_one_by_one(rows: list[PlanRow]) -> None:
    fast, fast_found = read_plan_form(rows, MONTHS, CODES, BOUNDS)
    original = plan_form._read_clean
    plan_form._read_clean = lambda *a: False  # type: ignore[assignment]
    try:
        slow, slow_found = read_plan_form(rows, MONTHS, CODES, BOUNDS)
    finally:
        plan_form._read_clean = original
    assert fast_found == slow_found
    a, b = _arrays(fast), _arrays(slow)
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f"), k


def test_issue16_clean_rows_take_the_column_path() -> None:
    row = {c: 5 for c in COUNTS} | {c: 1.5 for c in DECIMALS} | {"recruit_start_month": ""}
    row |= {"evening_day_equivalents": 0.0, "coverage_pct": 0, "staff": None, "terminals": 0}
    rows = [PlanRow(k + 2, {"lg_code": CODES[0], "month": m, **row}) for k, m in enumerate(MONTHS)]
    rows[1] = PlanRow(3, {**rows[1].cells, "recruit_start_month": "2021-01"})
    table, found = read_plan_form(rows, MONTHS, CODES, BOUNDS)
    assert table.recruit_start_index[0, 1] == 0 and table.given["recruit_start_month"].all()
    assert found == [] and table.valid.all()
    assert set(FIGURE_COLUMNS) >= set(COUNTS) | set(DECIMALS)
    calls: list[int] = []
    original = plan_form._read_row
    plan_form._read_row = lambda *a: calls.append(1) or []  # type: ignore[assignment,func-returns-value]
    try:
        read_plan_form(rows, MONTHS, CODES, BOUNDS)
    finally:
        plan_form._read_row = original
    assert calls == []


@pytest.mark.parametrize("bad", [10**30, "abc", True])
def test_issue16_one_odd_cell_reads_every_row_one_by_one_with_its_finding(bad: Any) -> None:
    row = {c: 5 for c in COUNTS} | {"recruit_start_month": ""}
    rows = [PlanRow(k + 2, {"lg_code": CODES[0], "month": m, **row}) for k, m in enumerate(MONTHS)]
    rows[1] = PlanRow(3, {**rows[1].cells, "issuance": bad})
    table, found = read_plan_form(rows, MONTHS, CODES, BOUNDS)
    assert [(f.code, f.month) for f in found] == [("R1.2", MONTHS[1])]
    assert table.valid.tolist() == [[True, False, True]]
