"""Japanese public holidays from jpholiday, built once per process for the range a run needs.

jpholiday stays the source of every holiday; this only asks it less. ``jpholiday.between``
checks each day against every rule, and its substitute-holiday (振替休日) rule looks back over
earlier days through every other rule again: about 0.2 s for a 30-month plan, paid by every
``kofuplan plan``. Here each day meets only the date rules (cheap), and the two rules that
depend on neighbouring days, 振替休日 and 国民の休日, are asked through jpholiday itself only
for the days they can fall on:

- a substitute holiday follows a run of holidays that starts on a Sunday, so the day before it
  is a holiday by a date rule;
- a citizens' holiday (国民の休日) lies between two holidays, the day before being a date-rule
  holiday or a substitute holiday (itself right after a date-rule holiday).

So a day two or more days after the last date-rule holiday can be neither, and is skipped.
``tests/unit/test_holidays.py`` checks the result against ``jpholiday.between`` over decades.

A rule of the calendar, not a reader: jpholiday computes the holidays from its own rules with
no file or network, so the domain's calendar takes them from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

import jpholiday
from jpholiday.checker.checker import NationalHolidayChecker, TransferHolidayChecker
from jpholiday.checker.interface import HolidayCheckerInterface
from jpholiday.functions import new_api  # the instance behind jpholiday's own functions

__all__ = ["holidays_between"]


@cache
def holidays_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Every public holiday from ``first`` to ``last`` inclusive, as jpholiday names them."""
    if last < first:
        return frozenset()
    by_date = [
        c
        for c in new_api.registry.checkers()
        if not isinstance(c, TransferHolidayChecker | NationalHolidayChecker)
    ]
    one_day = dt.timedelta(days=1)
    days = [first + one_day * i for i in range((last - first).days + 1)]
    # A day before `first` that is a date-rule holiday can make `first` or the day after a
    # substitute or citizens' holiday, so the look-back starts two days early.
    by_rule = {d for d in (first - 2 * one_day, first - one_day) if _any(by_date, d)}
    by_rule.update(d for d in days if _any(by_date, d))
    out = {d for d in days if d in by_rule}
    for d in days:
        if d in out:
            continue
        near = d - one_day in by_rule or d - 2 * one_day in by_rule
        # The dependent rules, through jpholiday as it answers any caller.
        if near and jpholiday.is_holiday(d):
            out.add(d)
    return frozenset(out)


def _any(checkers: Sequence[HolidayCheckerInterface], day: dt.date) -> bool:
    return any(c.is_holiday(day) for c in checkers)
