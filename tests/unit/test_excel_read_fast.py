"""Issue 15 (Excel read speed): the reader takes a table as the template writes it without
per-cell work, and must give exactly what the cell-by-cell reading gives, problems included.
A mark outside the table (it names no cell of it) turns the shortcuts off, so the same table
is read both ways."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kofuplan.adapters.excel.cells import Problems
from kofuplan.adapters.excel.layout import (
    BUDGET_HEADERS,
    BUDGET_TABLE,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    column_header,
)
from kofuplan.adapters.excel.parse import _monthly_as_written, _parse_budget, _parse_monthly
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.adapters.input_bounds import count_ceiling
from tests.excel_support import MONTHS

FAR = {(-9, -9): "merged"}  # a mark on no cell of the table: the slow path

as_floats = st.integers(0, 10**6).map(float)  # python-calamine
as_ints = st.integers(0, 10**6)  # openpyxl
odd = st.sampled_from([-1.0, 2.5, "１２０", "1,200", "", None, True, "#DIV/0!", 2.0**60])
counts = st.one_of(as_floats, as_ints, odd)


def _both(parse: Any, table: RawTable) -> tuple[Any, list[str], Any, list[str]]:
    fast, slow = Problems("x.xlsx"), Problems("x.xlsx")
    got = parse(table, fast)
    want = parse(dataclasses.replace(table, marks=FAR), slow)
    return got, fast.lines, want, slow.lines


@given(
    order=st.permutations(range(len(MONTHS))),
    data=st.data(),
    cell=st.sampled_from([as_floats, as_ints, st.one_of(as_floats, as_ints), counts]),
    drop=st.booleans(),
    month_as=st.sampled_from(["text", "text", "reiwa", "twice"]),
)
def test_issue15_monthly_fast_reading_is_the_cell_by_cell_reading(
    order: list[int], data: st.DataObject, cell: Any, drop: bool, month_as: str
) -> None:
    """Mostly tables as written (floats or ints: the shortcut), some with odd cells."""
    n = len(MONTHS)
    cells = data.draw(st.lists(st.lists(cell, min_size=7, max_size=7), min_size=n, max_size=n))
    if data.draw(st.booleans()):  # no 臨時窓口数, so none beyond 専用窓口数 (as most keep it)
        cells = [[*c[:3], 0.0, *c[4:]] for c in cells]
    months = [MONTHS[i] for i in order]
    if month_as == "reiwa":
        months[0] = "令和2年10月" if months[0] == "2020-10" else months[0]
    elif month_as == "twice":
        months[1] = months[0]
    rows = [(m, *c, "") for m, c in zip(months, cells, strict=True)]
    if drop:
        rows = rows[1:]
    headers = (*(column_header(f.header, f.name) for f in MONTHLY_FIELDS), "備考")
    table = RawTable(MONTHLY_TABLE, "月別計画", 5, 1, headers, tuple(rows))
    got, got_lines, want, want_lines = _both(lambda t, o: _parse_monthly(t, MONTHS, o), table)
    assert got == want and got_lines == want_lines


def test_issue15_a_monthly_table_as_written_takes_the_shortcut() -> None:
    """The law above is not empty: such a table is read column by column."""
    headers = (*(column_header(f.header, f.name) for f in MONTHLY_FIELDS), "備考")
    rows = tuple((m, 100.0, 2.0, 1.0, 0.0, 4.0, 3.0, 2, "") for m in reversed(MONTHS))
    table = RawTable(MONTHLY_TABLE, "月別計画", 5, 1, headers, rows)
    cols = {f.name: j for j, f in enumerate(MONTHLY_FIELDS)}
    fast = _monthly_as_written(table, MONTHS, cols, count_ceiling())
    assert fast is not None and fast["terminals"] == (2,) * len(MONTHS)
    assert fast == _parse_monthly(dataclasses.replace(table, marks=FAR), MONTHS, Problems("x"))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["令和2年度", "令和3年度", 2021.0, 2021, "", "R4", "1999"]),
            st.sampled_from(["職員の増員に要する人件費", "独自の項目", "", "=1+1"]),
            counts,
        ),
        max_size=25,
    )
)
def test_issue15_budget_fast_reading_is_the_cell_by_cell_reading(
    rows: list[tuple[Any, Any, Any]],
) -> None:
    table = RawTable(BUDGET_TABLE, "経費", 2, 0, BUDGET_HEADERS, tuple(rows))
    got, got_lines, want, want_lines = _both(lambda t, o: _parse_budget(t, MONTHS, 40, o), table)
    assert got == want and got_lines == want_lines
