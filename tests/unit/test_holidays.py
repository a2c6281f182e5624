"""The holiday table is jpholiday's, only built faster (R1.2: open days from the calendar)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import jpholiday
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.holidays import holidays_between

FIRST, LAST = dt.date(1970, 1, 1), dt.date(2030, 12, 31)
LONGEST = 400  # days in a range of the property test, which may end after LAST


@cache
def _jpholiday_all() -> frozenset[dt.date]:
    """jpholiday's holidays from FIRST to LONGEST days after LAST, asked once (it takes
    seconds, issue 12 item 6)."""
    return frozenset(d for d, _ in jpholiday.between(FIRST, LAST + dt.timedelta(days=LONGEST)))


def _jpholiday(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """jpholiday's holidays in a range within those asked."""
    assert first >= FIRST and last <= LAST + dt.timedelta(days=LONGEST)
    return frozenset(d for d in _jpholiday_all() if first <= d <= last)


def test_holidays_equal_jpholiday_between_over_decades_R1_2() -> None:
    # 1973 brought the substitute holiday, 1988 the citizens' holiday; 2019, 2020 and 2021
    # the one-off and moved holidays: all inside this range.
    assert holidays_between(FIRST, LAST) == _jpholiday(FIRST, LAST)


@settings(deadline=None, max_examples=40)
@given(
    start=st.dates(min_value=FIRST, max_value=LAST),
    length=st.integers(min_value=0, max_value=LONGEST),
)
def test_holidays_equal_jpholiday_on_any_range_R1_2(start: dt.date, length: int) -> None:
    """Ranges that start or end inside a run of holidays (Golden Week, a Monday substitute)
    give jpholiday's answer too."""
    last = start + dt.timedelta(days=length)
    assert holidays_between(start, last) == _jpholiday(start, last)


def test_empty_range_has_no_holidays_R1_2() -> None:
    assert holidays_between(dt.date(2021, 5, 5), dt.date(2021, 5, 4)) == frozenset()
