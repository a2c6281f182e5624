"""Issue 15 §2: what a clerk types, read as a value, in one place (domain/clerk_input.py)
for every reader of user-typed cells (R1.2 counts, R3.2 months, R3.4 shares, R2.4 flags)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain import clerk_input as ci

FULL_WIDTH = str.maketrans("0123456789,%", "０１２３４５６７８９，％")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("１２０", 120),
        ("1,200", 1200),
        ("１，２００", 1200),
        ("1200枚", 1200),
        ("4日", 4),
        ("3人", 3),
        ("２台", 2),
        (" 300円 ", 300),
        (12.0, 12),
        (7, 7),
    ],
)
def test_R1_2_whole_numbers_as_clerks_write_them(typed: object, value: int) -> None:
    assert ci.whole_number(typed) == value


@pytest.mark.parametrize(
    "typed", ["1,2O0", "-3", -3, "1.5", 1.5, "12,34", "約6万", "", None, True, "1 200 000円x"]
)
def test_R1_2_what_is_not_a_whole_number_is_refused(typed: object) -> None:
    assert ci.whole_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("令和2年12月", "2020-12"),
        ("令和元年5月", "2019-05"),
        ("平成31年4月", "2019-04"),
        ("2020/12", "2020-12"),
        ("2020-12", "2020-12"),
        ("2020年12月", "2020-12"),
        ("R2.12", "2020-12"),
        ("Ｒ３．１", "2021-01"),
        (dt.date(2021, 3, 1), "2021-03"),
    ],
)
def test_R1_2_months_in_wareki_and_slashes(typed: object, month: str) -> None:
    assert ci.month(typed) == month


@pytest.mark.parametrize("typed", ["令和2年13月", "2020/0", "12月", "2020", "", 202012])
def test_R1_2_what_is_not_a_month_is_refused(typed: object) -> None:
    assert ci.month(typed) is None


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("令和3年1月4日", dt.date(2021, 1, 4)),
        ("2021/1/4", dt.date(2021, 1, 4)),
        ("2021-01-04", dt.date(2021, 1, 4)),
        ("2021年1月4日", dt.date(2021, 1, 4)),
        ("R3.1.4", dt.date(2021, 1, 4)),
        (dt.datetime(2021, 1, 4, 0, 0), dt.date(2021, 1, 4)),
    ],
)
def test_R2_4_dates_in_wareki_and_slashes(typed: object, day: dt.date) -> None:
    assert ci.date(typed) == day


def test_R2_4_impossible_dates_are_refused() -> None:
    assert ci.date("令和3年2月30日") is None and ci.date("2021/13/1") is None


@pytest.mark.parametrize(
    ("typed", "share"), [("５０％", 0.5), ("50%", 0.5), ("0.5", 0.5), (0.25, 0.25), ("100 %", 1.0)]
)
def test_R3_4_percentages(typed: object, share: float) -> None:
    assert ci.share(typed) == pytest.approx(share)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("○", True), ("◯", True), ("はい", True), ("あり", True), ("×", False), ("いいえ", False),
     ("なし", False), ("TRUE", True), (False, False)],
)  # fmt: skip
def test_R2_4_yes_and_no_as_circles_and_crosses(typed: object, answer: bool) -> None:
    assert ci.flag(typed) is answer


def test_R2_4_an_unclear_answer_is_refused() -> None:
    assert ci.flag("たぶん") is None and ci.flag("") is None and ci.flag(1) is None


@pytest.mark.parametrize(
    ("typed", "year"), [("令和3年度", 2021), ("R3", 2021), ("2021年度", 2021), (2021, 2021)]
)
def test_R4_1_fiscal_years(typed: object, year: int) -> None:
    assert ci.fiscal_year(typed) == year


@pytest.mark.parametrize("typed", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "Err:502"])
def test_R1_2_spreadsheet_errors_are_errors_not_values(typed: str) -> None:
    assert ci.spreadsheet_error(typed) == typed
    assert ci.whole_number(typed) is None and ci.month(typed) is None


@settings(deadline=None, max_examples=200)
@given(st.integers(min_value=0, max_value=10**12), st.booleans(), st.booleans())
def test_R1_2_a_number_reads_the_same_however_it_is_written(
    n: int, separators: bool, full_width: bool
) -> None:
    """Property: thousands separators and full-width digits never change the number."""
    text = f"{n:,}" if separators else str(n)
    if full_width:
        text = text.translate(FULL_WIDTH)
    assert ci.whole_number(text) == n


@settings(deadline=None, max_examples=200)
@given(st.integers(min_value=2019, max_value=2060), st.integers(min_value=1, max_value=12))
def test_R1_2_a_month_in_reiwa_is_the_same_month_in_the_western_calendar(
    year: int, mon: int
) -> None:
    """Property: 令和N年M月, YYYY/M and YYYY-MM name one month."""
    if (year, mon) < (2019, 5):
        return  # 令和 began in May 2019
    n = year - 2018
    reiwa = f"令和{'元' if n == 1 else n}年{mon}月"
    assert ci.month(reiwa) == ci.month(f"{year}/{mon}") == f"{year:04d}-{mon:02d}"
