"""Reading a hand-written plan (issue 3 item 1, R1.2): only an unreadable file is an error;
everything inside it becomes a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from kofuplan.adapters.plan_reader import is_plan_file, read_plan_rows
from kofuplan.domain.plan_form import REQUIRED_COLUMNS, PlanBounds, PlanRow, read_plan_form
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


def test_reader_names_file_and_line_for_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("lg_code,month\n131016,2020-10\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"plan\.csv:1: missing required column\(s\) issuance"):
        read_plan_rows(path)
    assert not is_plan_file(tmp_path / "nowhere.csv")


def test_reader_refuses_a_column_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + ",issuance\n", encoding="utf-8")
    with pytest.raises(InputError, match="given twice: issuance"):
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
