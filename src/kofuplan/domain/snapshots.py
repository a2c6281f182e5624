"""Which month a statistics snapshot stands for.

The Ministry's tables (マイナンバーカード交付状況) are dated. Up to 2022-06-01 they are
"X月1日現在" and stand for the end of the previous month; from 2022-06-30 they are taken at the
month end. Both 2022-06-01 (= May 2022) and 2022-06-30 (= June 2022) exist. Which convention a
month follows is a dated rule (``actuals.snapshot_convention``), so this module only knows the
two conventions, not when they hold.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from kofuplan.errors import InputError

FIRST_OF_NEXT_MONTH = "first_of_next_month"
MONTH_END = "month_end"
CONVENTIONS = (FIRST_OF_NEXT_MONTH, MONTH_END)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(month: str) -> tuple[int, int]:
    """'2021-03' -> (2021, 3); InputError (a ValueError) on anything else."""
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise InputError(f"{month!r} は年月（YYYY-MM）ではありません")
    year, mon = int(month[:4]), int(month[5:])
    if not 1 <= mon <= 12:
        raise InputError(f"{month!r} は年月（YYYY-MM）ではありません")
    return year, mon


def month_index(month: str) -> int:
    """Months since year 0: differences of two give the months between them."""
    year, mon = parse_month(month)
    return year * 12 + (mon - 1)


def add_months(month: str, n: int) -> str:
    index = month_index(month) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty when last < first): the one
    month-range helper (the calendar, the pages and the readers use it)."""
    out: list[str] = []
    month = first
    parse_month(last)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def first_day(month: str) -> dt.date:
    year, mon = parse_month(month)
    return dt.date(year, mon, 1)


def last_day(month: str) -> dt.date:
    year, mon = parse_month(month)
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def month_of_snapshot(day: dt.date) -> str | None:
    """The month whose end-of-month cumulative a snapshot stands for.

    Dated the 1st: the previous month. Dated the last day of a month: that month. Any other
    date (2020-01-20, say) stands for no month end.
    """
    if day.day == 1:
        return add_months(month_of(day), -1)
    if day == last_day(month_of(day)):
        return month_of(day)
    return None


def expected_snapshot(month: str, convention: str) -> dt.date:
    """The snapshot date that stands for the end of ``month`` under ``convention``."""
    if convention == FIRST_OF_NEXT_MONTH:
        return first_day(add_months(month, 1))
    if convention == MONTH_END:
        return last_day(month)
    raise ValueError(f"unknown snapshot convention {convention!r} (expected one of {CONVENTIONS})")


def snapshots_by_month(
    days: Iterable[dt.date], convention_for: Callable[[str], str]
) -> dict[str, dt.date]:
    """Pick one snapshot per month. When two snapshots stand for the same month, the one that
    follows the month's convention wins (``convention_for(month)`` reads the dated rule)."""
    candidates: dict[str, list[dt.date]] = {}
    for day in sorted(set(days)):
        month = month_of_snapshot(day)
        if month is not None:
            candidates.setdefault(month, []).append(day)
    chosen: dict[str, dt.date] = {}
    for month, options in candidates.items():
        expected = expected_snapshot(month, convention_for(month))
        chosen[month] = expected if expected in options else options[-1]
    return dict(sorted(chosen.items()))


def missing_months(available: Mapping[str, object], first: str, last: str) -> list[str]:
    return [m for m in month_range(first, last) if m not in available]
