"""Issue 5 §4: user text never becomes a formula in an export, in CSV or in Excel."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import python_calamine
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.adapters.safe_text import (
    FORMULA_TRIGGERS,
    csv_text,
    looks_like_formula,
    set_excel_text,
    write_csv,
)

user_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=30
)
hostile = st.tuples(st.sampled_from(FORMULA_TRIGGERS), user_text).map("".join)


@given(text=user_text | hostile)
def test_csv_field_never_starts_like_a_formula(text: str) -> None:
    safe = csv_text(text)
    assert not looks_like_formula(safe)
    assert safe == text or safe == "'" + text


def test_csv_writer_neutralises_user_text_and_keeps_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    rows = [{"item": '=HYPERLINK("http://x","y")', "yen": -5}, {"item": "@SUM(A1)", "yen": 3}]
    write_csv(path, ("item", "yen"), rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # issue 15: Excel opens it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert got == [
        {"item": '\'=HYPERLINK("http://x","y")', "yen": "-5"},
        {"item": "'@SUM(A1)", "yen": "3"},
    ]


def test_excel_cell_holds_text_that_starts_like_a_formula(tmp_path: Path) -> None:
    texts = ["=1+2", "+81-3", "-x", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i, text in enumerate(texts, start=1):
        set_excel_text(ws.cell(i, 1), text)
    path = tmp_path / "x.xlsx"
    wb.save(path)
    back = openpyxl.load_workbook(path).active
    assert back is not None
    assert [back.cell(i, 1).data_type for i in range(1, 6)] == ["s"] * 5
    assert all(back.cell(i, 1).quotePrefix for i in range(1, 6))
    sheet = python_calamine.load_workbook(str(path)).get_sheet_by_index(0).to_python()
    assert [row[0] for row in sheet] == texts
