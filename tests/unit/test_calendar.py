"""Calendar (issue 2 item 2, R1.2, R2.1): open weekdays, weekend days, the year-end closure."""

from __future__ import annotations

import calendar as cal
import datetime as dt

import jpholiday
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.calendar import add_months, build_calendar, month_range
from kofuplan.services.planning import first_plan_month, plan_calendar, rules_at

CLOSURE = ["12-29", "12-30", "12-31", "01-01", "01-02", "01-03"]


def _holidays(year: int) -> set[dt.date]:
    return {d for d, _ in jpholiday.between(dt.date(year, 1, 1), dt.date(year, 12, 31))}


def test_plan_months_run_from_october_2020_to_march_2023_R1_2() -> None:
    months = month_range("2020-10", "2023-03")
    assert len(months) == 30 and months[0] == "2020-10" and months[-1] == "2023-03"
    assert add_months("2020-12", 1) == "2021-01" and add_months("2021-01", -2) == "2020-11"


def test_december_2020_and_january_2021_lose_the_closure_days_R2_1() -> None:
    c = build_calendar(["2020-12", "2021-01"], _holidays(2020) | _holidays(2021), CLOSURE, 1)
    # Dec 2020: 23 weekdays, minus Dec 29–31 (Tue–Thu) = 20; Sat 5, 12, 19, 26; Sun 6–27.
    assert c.open_weekdays.tolist()[0] == 20
    assert (c.saturdays[0], c.sundays[0]) == (4, 4)
    # Jan 2021: 21 weekdays, minus Jan 1 (Fri, also a holiday) and 成人の日 Jan 11 = 19;
    # Sat Jan 2 and Sun Jan 3 are closure days.
    assert c.open_weekdays.tolist()[1] == 19
    assert (c.saturdays[1], c.sundays[1]) == (4, 4)
    assert c.required_weekend_days.tolist() == [4, 4]


def test_month_with_five_saturdays_and_four_sundays_needs_four_weekend_days_R2_1() -> None:
    # April 2022 starts on a Friday: Saturdays 2, 9, 16, 23, 30; Sundays 3, 10, 17, 24.
    apr = build_calendar(["2022-04"], _holidays(2022), CLOSURE, 1)
    assert (apr.saturdays[0], apr.sundays[0]) == (5, 4)
    assert apr.required_weekend_days[0] == 4
    both = build_calendar(["2022-04"], _holidays(2022), CLOSURE, 2)
    assert both.required_weekend_days[0] == 9
    # January 2022: Saturday 1 and Sunday 2 are closure days, leaving four of each.
    jan = build_calendar(["2022-01"], _holidays(2022), CLOSURE, 1)
    assert (jan.saturdays[0], jan.sundays[0]) == (4, 4)


@given(st.integers(2020, 2024), st.integers(1, 12), st.sampled_from([0, 1, 2]))
def test_days_of_a_month_add_up_R2_1(year: int, month: int, per_week: int) -> None:
    m = f"{year}-{month:02d}"
    holidays = _holidays(year)
    c = build_calendar([m], holidays, CLOSURE, per_week)
    days = [dt.date(year, month, d) for d in range(1, cal.monthrange(year, month)[1] + 1)]
    closed = [d for d in days if d.strftime("%m-%d") in CLOSURE]
    weekday_holidays = [d for d in days if d.weekday() < 5 and d in holidays and d not in closed]
    assert c.open_weekdays[0] + c.saturdays[0] + c.sundays[0] + len(closed) + len(
        weekday_holidays
    ) == len(days)
    expected = {0: 0, 1: min(c.saturdays[0], c.sundays[0]), 2: c.saturdays[0] + c.sundays[0]}
    assert c.required_weekend_days[0] == expected[per_week]


def test_first_plan_month_follows_the_snapshot_convention() -> None:
    assert first_plan_month(dt.date(2020, 10, 1), "2020-10") == "2020-10"
    assert first_plan_month(dt.date(2021, 4, 1), "2020-10") == "2021-04"
    assert first_plan_month(dt.date(2022, 6, 30), "2020-10") == "2022-07"
    assert first_plan_month(dt.date(2020, 9, 1), "2020-10") == "2020-10"


def test_plan_calendar_uses_jpholiday_R1_2() -> None:
    c = plan_calendar(rules_at(dt.date(2020, 10, 1)), dt.date(2020, 10, 1))
    assert len(c.months) == 30
    # Nov 2020: 21 weekdays minus 文化の日 (Tue 3rd) and 勤労感謝の日 (Mon 23rd).
    assert c.open_weekdays[c.index("2020-11")] == 19
