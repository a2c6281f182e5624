"""Issue 12 item 1, the store's side of "one check set": a plan the store holds is checked on
its table (``domain.stored_plan.on_period``), not read again from text rows, and gives what
the plan file reader (``read_plan_form``) gives the same rows: the same table on the period
and the same R1.2 findings, for a month missing, a month outside the period, a required
figure not given, or a figure beyond its bound (a plan stored before the bounds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import PlanBounds, PlanRow, read_plan_form
from kofuplan.domain.plan_table import REQUIRED_COUNTS, rows_table, same_table
from kofuplan.domain.snapshots import month_range
from kofuplan.domain.stored_plan import on_period
from kofuplan.parameters import load_rules

BOUNDS = PlanBounds.from_rules(load_rules().at(dt.date(2020, 10, 1)))
PERIOD = tuple(month_range("2020-10", "2021-09"))
LG = "131016"


def _row(month: str, k: int) -> dict[str, Any]:
    return {
        "lg_code": LG,
        "month": month,
        "issuance": 100 + k,
        "cumulative_issued": 1000 + k,
        "open_weekdays": 20,
        "weekend_days": 4,
        "required_weekend_days": 4,
        "open_days": 24,
        "dedicated_counters": 2,
        "combined_counters": 1,
        "capacity": 900,
        "offsite_counters": 0,
        "staff": 3,
        "terminals": 2,
        "coverage_pct": 12.5,
        "dedicated_daily_per_counter": 40.0,
        "combined_daily_per_counter": 12.25,
        "evening_day_equivalents": 0.5,
        "recruit_start_month": "2020-12" if k == 3 else "",
    }


FLAWS = st.one_of(
    st.tuples(st.just("drop"), st.integers(0, 11)),
    st.tuples(st.just("outside"), st.sampled_from(("2019-04", "2024-01"))),
    st.tuples(st.just("blank"), st.integers(0, 11), st.sampled_from(REQUIRED_COUNTS)),
    st.tuples(
        st.just("beyond"),
        st.integers(0, 11),
        st.sampled_from((*REQUIRED_COUNTS, "staff", "capacity")),
        st.sampled_from((BOUNDS.count_ceiling + 1, 2**40, -1)),
    ),
    st.tuples(
        st.just("rate"),
        st.integers(0, 11),
        st.sampled_from(("dedicated_daily_per_counter", "evening_day_equivalents")),
        st.sampled_from((-0.5, 1e7 + 0.5)),
    ),
)


def _flawed(flaws: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    rows = [_row(month, k) for k, month in enumerate(PERIOD)]
    dropped: set[str] = set()
    for flaw in flaws:
        kind, *args = flaw
        if kind == "drop":
            dropped.add(PERIOD[args[0]])
        elif kind == "outside" and all(r["month"] != args[0] for r in rows):
            rows.append(_row(args[0], 0))
        elif kind == "blank":
            rows[args[0]][args[1]] = None
        elif kind in ("beyond", "rate"):
            rows[args[0]][args[1]] = args[2]
    return [r for r in rows if r["month"] not in dropped]


def _key(f: Finding) -> tuple[Any, ...]:
    return (f.month or "", f.code, f.message, f.value, f.threshold)


@settings(max_examples=150, deadline=None)
@given(st.lists(FLAWS, max_size=4))
def test_R1_2_issue12_a_stored_plan_checks_as_its_rows_read_from_a_file(
    flaws: list[tuple[Any, ...]],
) -> None:
    rows = _flawed(flaws)
    read, form = read_plan_form(
        [PlanRow(k + 2, r) for k, r in enumerate(rows)], PERIOD, [LG], BOUNDS
    )
    stored, found = on_period([rows_table(LG, rows)], PERIOD, BOUNDS)
    assert same_table(stored, read)
    assert sorted(map(_key, found)) == sorted(map(_key, form))


def test_R1_2_issue12_a_sound_stored_plan_has_no_finding_and_keeps_its_recruiting_month() -> None:
    rows = [_row(month, k) for k, month in enumerate(PERIOD[2:], start=2)]
    stored, found = on_period([rows_table(LG, rows)], PERIOD, BOUNDS)
    assert [f.month for f in found] == ["2020-10", "2020-11"]  # the two months it lacks
    assert stored.recruit_start_index[0, 3] == 2  # 2020-12 from the period's first month
    assert stored.valid[0].tolist() == [False, False] + [True] * 10
