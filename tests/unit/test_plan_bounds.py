"""Bounds on every plan figure (issue 12 item 5; R1.2): whatever number a CSV cell, a form
field, an API body or a stored row holds, the one validator either takes it (a whole count in
0…ceiling) or names the field; nothing overflows into an array."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.adapters.storage.models import Municipality
from kofuplan.domain.advice import COLUMN_LABELS
from kofuplan.domain.plan_form import (
    COUNT_COLUMNS,
    PlanBounds,
    PlanRow,
    count_field_error,
    figure_error,
    read_plan_form,
)
from kofuplan.domain.plan_table import rows_table
from kofuplan.parameters import load_rules
from kofuplan.services import workflow
from kofuplan.services.municipal_inputs import LABELS, InputsError, normalize
from kofuplan.services.review_checks import prefecture_checks

BOUNDS = PlanBounds.from_rules(load_rules().at(dt.date(2020, 10, 1)))
CEILING = BOUNDS.count_ceiling
MONTHS = ("2020-10", "2020-11")

numbers = st.one_of(
    st.integers(-(10**40), 10**40),
    st.integers(0, CEILING + 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.text(max_size=8),
)


def _row(line: int, month: str, **over: Any) -> PlanRow:
    cells: dict[str, Any] = {
        "lg_code": "131016",
        "month": month,
        "issuance": 10,
        "dedicated_counters": 1,
        "combined_counters": 1,
        "offsite_counters": 0,
        "weekend_days": 4,
    }
    cells.update(over)
    return PlanRow(line, cells)


def _is_whole_in_range(value: Any) -> bool:
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        return False
    if not (number == number and abs(number) != float("inf")) or not number.is_integer():
        return False
    whole = int(str(value).replace(",", "").strip()) if isinstance(value, str) and \
        str(value).replace(",", "").strip().lstrip("+-").isdigit() else int(number)  # fmt: skip
    return 0 <= whole <= CEILING


def test_the_ceiling_is_a_dated_rule() -> None:
    assert CEILING == 10**9
    assert "bounds.count_ceiling" in load_rules().parameters


@settings(deadline=None, max_examples=150)
@given(st.sampled_from(COUNT_COLUMNS), numbers)
def test_R1_2_any_number_in_a_count_is_taken_or_named_never_raised(column: str, value: Any) -> None:
    table, findings = read_plan_form(
        [_row(2, "2020-10", **{column: value}), _row(3, "2020-11")], MONTHS, {"131016"}, BOUNDS
    )
    mine = [f for f in findings if f.month == "2020-10"]
    if _is_whole_in_range(value):
        assert mine == []
        assert 0 <= int(table.counts[column][0, 0]) <= CEILING
        assert bool(table.valid[0, 0])
    else:
        assert [f.code for f in mine] == ["R1.2"]
        assert COLUMN_LABELS[column] in mine[0].message
        assert not bool(table.valid[0, 0])
    assert bool(table.valid[0, 1])  # the other month stands


def test_R1_2_a_30_digit_issuance_gets_the_fields_own_error() -> None:
    _, findings = read_plan_form(
        [_row(2, "2020-10", issuance="1" * 30), _row(3, "2020-11")], MONTHS, {"131016"}, BOUNDS
    )
    assert [f.code for f in findings] == ["R1.2"]
    assert "交付枚数「111111111111111111111111111111」（2行目）" in findings[0].message
    assert "1,000,000,000以下" in findings[0].message


@settings(deadline=None, max_examples=150)
@given(st.sampled_from(workflow.plan_edit.EDITABLE_COLUMNS), numbers)
def test_R1_2_editor_fields_are_bounded_and_named(column: str, value: Any) -> None:
    error = count_field_error("2021-01", column, value, BOUNDS)
    assert (error is None) == _is_whole_in_range(value)
    if error is not None:
        assert COLUMN_LABELS.get(column, column) in error and "令和3年1月" in error


@settings(deadline=None, max_examples=100)
@given(st.sampled_from(("dedicated_daily_per_counter", "evening_day_equivalents")), numbers)
def test_R1_2_decimal_figures_are_bounded(column: str, value: Any) -> None:
    error = figure_error("2021-01", column, value, BOUNDS)
    if error is None:
        number = float(str(value).replace(",", ""))
        assert 0 <= number <= max(BOUNDS.daily_per_counter_ceiling, BOUNDS.extra_days_ceiling)


def _municipality() -> Municipality:
    return Municipality(
        lg_code="131016",
        pref_code="13",
        name="千代田区",
        population=60_000,
        cards_issued_baseline=10_000,
        baseline_date=dt.date(2020, 10, 1),
        recent_increase=0,
        recent_days=0,
    )


@pytest.mark.parametrize("value", [10**30, -1, 2.5, "たくさん", float("inf"), 10**9 + 1])
def test_R1_2_a_stored_row_out_of_range_is_a_finding_not_a_crash(value: Any) -> None:
    """The prefecture's page reads stored rows: a figure out of range there (from before the
    bounds) is R1.2 on that municipality, never an OverflowError for every reader."""
    rows = [
        {**_row(2, m).cells, "issuance": value if m == "2020-10" else 10}
        for m in ("2020-10", "2020-11")
    ]
    stored = rows_table("131016", rows)  # as the store reads its rows back
    found = prefecture_checks([_municipality()], {"131016": stored})["131016"]
    assert any(f.code == "R1.2" and f.month == "2020-10" for f in found)


@settings(deadline=None, max_examples=60)
@given(
    st.sampled_from(("dedicated_counters", "staff", "qr_mailing_forms", "office_max_counters")),
    st.integers(CEILING + 1, 10**40),
)
def test_R2_inputs_beyond_the_ceiling_get_the_fields_own_error(field: str, value: int) -> None:
    """The municipality's own inputs (the page's form and the API body) are bounded too: a
    huge count is refused naming the field's label, never stored to overflow later."""
    for raw in (value, str(value)):
        with pytest.raises(InputsError) as caught:
            normalize({field: raw}, MONTHS)
        assert caught.value.field == field and LABELS[field] in str(caught.value)
    assert normalize({field: CEILING}, MONTHS)[field] == CEILING


def test_R2_a_daily_figure_per_counter_is_bounded() -> None:
    with pytest.raises(InputsError):
        normalize({"dedicated_daily_per_counter": "1e300"}, MONTHS)
    assert normalize({"dedicated_daily_per_counter": "40"}, MONTHS) == {
        "dedicated_daily_per_counter": 40.0
    }
