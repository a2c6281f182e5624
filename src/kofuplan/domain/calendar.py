"""The plan's calendar: open weekdays and weekend days of each month (R1.2, R2.1).

Public holidays are passed in (the service takes them from jpholiday) so that this module
stays pure; the year-end closure comes from the rules.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain.snapshots import add_months, month_range

__all__ = ["MonthCalendar", "add_months", "build_calendar", "month_range"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MonthCalendar:
    """Per-month day counts; every array has one entry per month."""

    months: tuple[str, ...]
    open_weekdays: IntArray  # Mon–Fri, not a public holiday, not a closure day
    saturdays: IntArray  # Saturdays that are not closure days
    sundays: IntArray  # Sundays that are not closure days
    required_weekend_days: IntArray  # R2.1: at least one of Saturday or Sunday every week

    @property
    def calendar_months(self) -> IntArray:
        return np.array([int(m[5:7]) for m in self.months], dtype=np.int64)

    def index(self, month: str) -> int:
        return self.months.index(month)


def build_calendar(
    months: Sequence[str],
    holidays: Collection[dt.date],
    closure_days: Collection[str],
    weekend_days_per_week: int,
) -> MonthCalendar:
    """Count the days of each month.

    ``closure_days`` are 'MM-DD' strings (the year-end closure). ``weekend_days_per_week`` is
    the rule of R2.1: 1 means one of Saturday or Sunday every week, so the month needs as many
    weekend days as the smaller of its Saturdays and Sundays; 2 means both.
    """
    n = len(months)
    weekdays = np.zeros(n, dtype=np.int64)
    sats = np.zeros(n, dtype=np.int64)
    suns = np.zeros(n, dtype=np.int64)
    closed = set(closure_days)
    for i, month in enumerate(months):
        year, mon = int(month[:4]), int(month[5:7])
        for day in range(1, _cal.monthrange(year, mon)[1] + 1):
            date = dt.date(year, mon, day)
            if f"{mon:02d}-{day:02d}" in closed:
                continue
            wd = date.weekday()
            if wd == 5:
                sats[i] += 1
            elif wd == 6:
                suns[i] += 1
            elif date not in holidays:
                weekdays[i] += 1
    if weekend_days_per_week >= 2:
        required = sats + suns
    elif weekend_days_per_week == 1:
        required = np.minimum(sats, suns)
    else:
        required = np.zeros(n, dtype=np.int64)
    return MonthCalendar(tuple(months), weekdays, sats, suns, required)
