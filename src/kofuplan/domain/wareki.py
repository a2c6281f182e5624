"""Japanese era (令和) labels for months and fiscal years, for text sent to municipalities."""

from __future__ import annotations

import datetime as dt

from kofuplan.errors import InputError

_REIWA_START = 2019  # 令和元年 = 2019 (from 2019-05-01)


def reiwa_year(year: int) -> str:
    n = year - _REIWA_START + 1
    if n < 1:
        raise InputError(f"{year}年は令和より前です")
    return "令和元年" if n == 1 else f"令和{n}年"


def reiwa_month(month: str) -> str:
    """'2021-01' -> '令和3年1月'."""
    year, mon = int(month[:4]), int(month[5:7])
    return f"{reiwa_year(year)}{mon}月"


def reiwa_fiscal_year(fiscal_year: int) -> str:
    """Fiscal year starting in April of ``fiscal_year``: 2021 -> '令和3年度'."""
    return reiwa_year(fiscal_year)[:-1] + "年度"


def reiwa_date(day: dt.date) -> str:
    """2020-10-01 -> '令和2年10月1日'."""
    return f"{reiwa_year(day.year)}{day.month}月{day.day}日"
