"""Snapshot dates → months (issue 4; the statistics' two regimes, README of the data)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.snapshots import (
    FIRST_OF_NEXT_MONTH,
    MONTH_END,
    add_months,
    expected_snapshot,
    month_of_snapshot,
    month_range,
    snapshots_by_month,
)
from kofuplan.parameters import load_rules

RULES = load_rules()


def convention(month: str) -> str:
    return str(RULES.at(dt.date.fromisoformat(month + "-01"))["actuals.snapshot_convention"])


def test_R6_2_a_snapshot_on_the_first_stands_for_the_previous_month() -> None:
    assert month_of_snapshot(dt.date(2020, 10, 1)) == "2020-09"
    assert month_of_snapshot(dt.date(2021, 1, 1)) == "2020-12"


def test_R6_2_a_month_end_snapshot_stands_for_its_own_month() -> None:
    assert month_of_snapshot(dt.date(2022, 6, 30)) == "2022-06"
    assert month_of_snapshot(dt.date(2022, 12, 31)) == "2022-12"
    assert month_of_snapshot(dt.date(2024, 2, 29)) == "2024-02"


def test_R6_2_a_mid_month_snapshot_stands_for_no_month() -> None:
    assert month_of_snapshot(dt.date(2020, 1, 20)) is None


def test_R6_2_june_2022_is_the_june_30_table_and_may_2022_the_june_1_table() -> None:
    """Both 2022-06-01 and 2022-06-30 exist: the first is May's end, the second June's."""
    dates = [dt.date(2022, 5, 1), dt.date(2022, 6, 1), dt.date(2022, 6, 30), dt.date(2022, 7, 31)]
    chosen = snapshots_by_month(dates, convention)
    assert chosen == {
        "2022-04": dt.date(2022, 5, 1),
        "2022-05": dt.date(2022, 6, 1),
        "2022-06": dt.date(2022, 6, 30),
        "2022-07": dt.date(2022, 7, 31),
    }


def test_R6_2_the_convention_changes_in_june_2022() -> None:
    assert convention("2022-05") == FIRST_OF_NEXT_MONTH
    assert convention("2022-06") == MONTH_END
    assert expected_snapshot("2022-05", convention("2022-05")) == dt.date(2022, 6, 1)
    assert expected_snapshot("2022-06", convention("2022-06")) == dt.date(2022, 6, 30)


def test_R6_2_when_two_snapshots_stand_for_one_month_the_months_convention_wins() -> None:
    before = snapshots_by_month([dt.date(2021, 3, 31), dt.date(2021, 4, 1)], convention)
    assert before == {"2021-03": dt.date(2021, 4, 1)}
    after = snapshots_by_month([dt.date(2022, 9, 30), dt.date(2022, 10, 1)], convention)
    assert after == {"2022-09": dt.date(2022, 9, 30)}


def test_R1_1_population_base_switches_each_summer() -> None:
    """The denominator (住民基本台帳人口) is the 1 January population of the year from the
    summer table on: 2020-09-01, 2021-08-01 and 2022-08-31 are the first tables on a new base."""
    base = {
        day: RULES.at(day)["actuals.population_reference_date"]
        for day in (
            dt.date(2020, 8, 1),
            dt.date(2020, 9, 1),
            dt.date(2021, 7, 1),
            dt.date(2021, 8, 1),
            dt.date(2022, 7, 31),
            dt.date(2022, 8, 31),
        )
    }
    assert [d.year for d in base.values()] == [2019, 2020, 2020, 2021, 2021, 2022]


months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2000, 2100), st.integers(1, 12))


@given(months, st.sampled_from([FIRST_OF_NEXT_MONTH, MONTH_END]))
def test_R6_2_the_expected_snapshot_of_a_month_maps_back_to_it(month: str, conv: str) -> None:
    assert month_of_snapshot(expected_snapshot(month, conv)) == month


@given(months, st.integers(-400, 400), st.integers(-400, 400))
def test_add_months_composes(month: str, a: int, b: int) -> None:
    assert add_months(add_months(month, a), b) == add_months(month, a + b)


@given(months, st.integers(0, 60))
def test_month_range_is_consecutive(month: str, n: int) -> None:
    got = month_range(month, add_months(month, n))
    assert len(got) == n + 1
    assert all(add_months(a, 1) == b for a, b in itertools.pairwise(got))
