"""The follow-up's pure core (R6.2, R8.1): thresholds, blank cells, skipped findings."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.focus import designate
from kofuplan.domain.followup import CODES, FollowupInputs, Thresholds, follow_up


def inputs(planned: list[int], actual: list[int], **survey: list[float]) -> FollowupInputs:
    n = len(planned)
    col = lambda xs: np.array(xs, dtype=np.int64).reshape(n, 1)  # noqa: E731
    pop = col([max(p, a) * 2 + 1 for p, a in zip(planned, actual, strict=True)])
    act = col(actual)
    return FollowupInputs(
        lg_codes=tuple(f"{i:05d}0" for i in range(n)),
        months=("2021-03",),
        planned_cumulative=col(planned),
        planned_issuance=col([10] * n),
        required_weekend_days=col([4] * n),
        actual_cumulative=act,
        actual_issuance=col([10] * n),
        focus=designate(act, pop, act, pop, np.full((n, 1), 3)),
        survey={k: np.array(v, dtype=float).reshape(n, 1) for k, v in survey.items()},
    )


def thresholds(tolerance: float = 0.05, focus: bool = False) -> Thresholds:
    return Thresholds(
        behind_tolerance=np.array([tolerance]),
        backlog_months=np.array([1.0]),
        slow_median_days=np.array([30.0]),
        focus_in_force=np.array([focus]),
    )


def test_R6_2_every_code_has_a_flag_and_a_message_writer() -> None:
    r = follow_up(
        inputs(
            [100], [50], cards_in_stock=[99], median_days_to_issue=[99], weekend_days_opened=[0]
        ),
        thresholds(),
    )
    assert set(r.flags) == {c.code for c in CODES}
    assert r.codes_at(0, 0) == ["F-behind", "F-backlog", "F-slow", "F-weekend"]
    findings = r.findings(0)
    assert [f.code for f in findings] == r.codes_at(0, 0)
    assert all(f.message and f.month == "2021-03" for f in findings)


def test_R6_2_missing_columns_are_reported_as_skipped_not_flagged() -> None:
    r = follow_up(inputs([100], [50]), thresholds())
    assert [(s.code, s.column) for s in r.skipped] == [
        ("F-backlog", "cards_in_stock"),
        ("F-slow", "median_days_to_issue"),
        ("F-weekend", "weekend_days_opened"),
    ]
    assert "cards_in_stock" in r.skipped[0].message()
    assert r.codes_at(0, 0) == ["F-behind"]


def test_R8_1_a_blank_cell_flags_nothing_for_that_municipality() -> None:
    r = follow_up(inputs([100, 100], [100, 100], median_days_to_issue=[np.nan, 31]), thresholds())
    assert r.codes_at(0, 0) == []
    assert r.codes_at(1, 0) == ["F-slow"]
    assert not r.skipped or all(s.code != "F-slow" for s in r.skipped)


def test_R6_2_focus_is_raised_only_while_in_force() -> None:
    # The first is below its group on coverage (10 % < 50 %) and growth (1 < 20.5 points).
    i = inputs([10, 10], [10, 90])
    pop = np.array([[100], [100]])
    focus = designate(np.array([[10], [90]]), pop, np.array([[9], [50]]), pop, np.full((2, 1), 3))
    i = dataclasses.replace(i, focus=focus)
    assert follow_up(i, thresholds(focus=True)).codes_at(0, 0) == ["F-focus"]
    assert follow_up(i, thresholds(focus=False)).codes_at(0, 0) == []


pairs = st.lists(st.tuples(st.integers(1, 10**7), st.integers(0, 10**7)), min_size=1, max_size=40)


@given(pairs, st.floats(0, 1), st.floats(0, 1))
def test_R6_2_a_larger_tolerance_never_flags_more(
    rows: list[tuple[int, int]], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    planned, actual = [r[0] for r in rows], [r[1] for r in rows]
    strict = follow_up(inputs(planned, actual), thresholds(low)).flags["F-behind"]
    loose = follow_up(inputs(planned, actual), thresholds(high)).flags["F-behind"]
    assert not (loose & ~strict).any()


@given(pairs)
def test_R6_2_meeting_the_plan_is_never_behind(rows: list[tuple[int, int]]) -> None:
    planned = [r[0] for r in rows]
    actual = [p + r[1] for p, r in zip(planned, rows, strict=True)]
    assert not follow_up(inputs(planned, actual), thresholds(0.0)).flags["F-behind"].any()
