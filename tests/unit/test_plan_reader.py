"""Reading a hand-written plan (issue 3 item 1, R1.2): only an unreadable file is an error;
everything inside it becomes a finding."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.adapters.plan_reader import is_plan_file, read_plan_rows
from kofuplan.domain.plan_form import (
    REQUIRED_COLUMNS,
    PlanBounds,
    PlanRow,
    plain_value,
    read_plan_form,
)
from kofuplan.domain.plan_table import FIGURE_COLUMNS
from kofuplan.errors import InputError

MONTHS = ("2020-10", "2020-11")
HEADER = ",".join(REQUIRED_COLUMNS)
BOUNDS = PlanBounds(
    count_ceiling=10**9,
    daily_per_counter_ceiling=1e4,
    extra_days_ceiling=31,
    offered_load_ceiling=1e4,
)


def _rows(*cells: dict[str, str]) -> list[PlanRow]:
    return [PlanRow(k + 2, c) for k, c in enumerate(cells)]


def _cells(code: str, month: str, issuance: str = "10") -> dict[str, str]:
    return {
        "lg_code": code,
        "month": month,
        "issuance": issuance,
        "dedicated_counters": "1",
        "combined_counters": "1",
        "offsite_counters": "0",
        "weekend_days": "4",
    }


def test_reader_accepts_bom_blank_lines_and_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        "\ufeff" + HEADER + "\n131016,2020-10,5,1,1,0,4\n\n131016,2020-11,5\n", encoding="utf-8"
    )
    rows = read_plan_rows(path)
    assert [r.line for r in rows] == [2, 4]
    assert rows[1].cells["weekend_days"] is None  # left blank: an R1.2 finding, not a crash
    figures, findings = read_plan_form(rows, MONTHS, {"131016"}, BOUNDS)
    assert [(f.month, f.code) for f in findings] == [("2020-11", "R1.2")] * 4
    assert figures.valid.tolist() == [[True, False]]


def test_issue12_reader_names_file_line_and_label_of_a_missing_column_in_japanese(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("lg_code,month\n131016,2020-10\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"plan\.csv:1: 必要な列がありません: 交付枚数（issuance）"
    ):
        read_plan_rows(path)
    assert not is_plan_file(tmp_path / "nowhere.csv")


def test_reader_refuses_a_column_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + ",issuance\n", encoding="utf-8")
    with pytest.raises(InputError, match="同じ列が2回あります: 交付枚数（issuance）"):
        read_plan_rows(path)


def test_R1_2_whole_numbers_with_separators_and_decimals() -> None:
    rows = _rows(_cells("131016", "2020-10", "1,000"), _cells("131016", "2020-11", "12.0"))
    figures, findings = read_plan_form(rows, MONTHS, {"131016"}, BOUNDS)
    assert findings == []
    assert figures.issuance.tolist() == [[1000, 12]]


def test_R1_2_unknown_code_is_reported_once_and_its_rows_left_out() -> None:
    rows = _rows(*(_cells("999999", m) for m in MONTHS), *(_cells("131016", m) for m in MONTHS))
    figures, findings = read_plan_form(rows, MONTHS, {"131016"}, BOUNDS)
    assert [(f.lg_code, f.month, f.code) for f in findings] == [("999999", None, "R1.2")]
    assert figures.lg_code.tolist() == ["131016"]
    assert "999999" in findings[0].message and "2行目" in findings[0].message


def test_R1_2_not_a_number_has_no_value() -> None:
    rows = _rows(_cells("131016", "2020-10", "たくさん"), _cells("131016", "2020-11"))
    _, findings = read_plan_form(rows, MONTHS, {"131016"}, BOUNDS)
    assert [(f.month, f.value, f.threshold) for f in findings] == [("2020-10", None, 0.0)]
    assert "令和2年10月" in findings[0].message and "たくさん" in findings[0].message


CELL_TEXTS = st.one_of(
    st.sampled_from(["", " ", "0", "1", "01", "-3", "+4", "1,234", "2.5", " 7 ", "1e3", "nan",
                     "inf", "abc", "2020-10", "9" * 30, "１２", "0.10", "0.1"]),
    st.text(max_size=6),
)  # fmt: skip


@given(
    extra=st.lists(st.sampled_from(["note", "", "coverage_pct", "staff"]), max_size=2),
    rows=st.lists(st.lists(CELL_TEXTS, max_size=12), max_size=12),
)
def test_issue12_reading_once_per_distinct_text_is_reading_cell_by_cell(
    tmp_path_factory: pytest.TempPathFactory, extra: list[str], rows: list[list[str]]
) -> None:
    """Issue 12 item 6: the reader makes each distinct text a plain value once; every row reads
    as converting each cell on its own would (figures by ``plain_value``, the rest as text;
    short rows padded with blanks, blank rows skipped, extra fields ignored)."""
    header = [*REQUIRED_COLUMNS, *dict.fromkeys(c for c in extra if c not in REQUIRED_COLUMNS)]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *rows])
    path = tmp_path_factory.mktemp("reader") / "plan_monthly.csv"
    path.write_bytes(text.getvalue().encode("utf-8"))
    expected = []
    reader = csv.reader(io.StringIO(text.getvalue(), newline=""))
    next(reader)
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        raw = {name: record[k] if k < len(record) else "" for k, name in enumerate(header)}
        expected.append(
            PlanRow(line, {n: plain_value(v) if n in FIGURE_COLUMNS else v for n, v in raw.items()})
        )
    got = read_plan_rows(path)
    assert got == expected
    for row, want in zip(got, expected, strict=True):  # 1 == 1.0 == True: the types too
        assert [type(v) for v in row.cells.values()] == [type(v) for v in want.cells.values()]
