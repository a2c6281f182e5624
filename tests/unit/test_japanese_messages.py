"""Issue 14 §5: every message of the field-error paths a clerk meets on the pages is Japanese,
names the field by its label and never by our column name (the plan table's cells, the
municipality's own inputs, actuals, the review, the password change)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kofuplan.domain import plan_edit
from kofuplan.errors import InputError
from kofuplan.services import municipal_inputs, workflow
from kofuplan.services.municipal_inputs import INPUT_FIELDS, LABELS

MONTHS = [f"{y}-{m:02d}" for y in (2020, 2021, 2022, 2023) for m in range(1, 13)][9:39]
# ASCII words a Japanese message may hold: formats and names a clerk knows.
ALLOWED_WORDS = {"YYYY", "MM", "DD", "Excel", "xlsx", "xls", "ODS", "CSV", "QR"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
COLUMN_NAMES = set(INPUT_FIELDS) | set(plan_edit.EDITABLE_COLUMNS) | {"month", "issued", "backlog"}


def assert_japanese(message: str) -> None:
    assert message.strip(), "an empty message"
    for line in message.splitlines():
        assert JAPANESE.search(line), f"not Japanese: {line!r}"
        # What the clerk typed may be echoed (「abc」, （入力値：abc）): that is not our English.
        ours = re.sub(r"「[^」]*」|（入力[^）]*）", "", line)
        words = set(re.findall(r"[A-Za-z_]{3,}", ours)) - ALLOWED_WORDS
        assert not words, f"English or code words {sorted(words)} in {line!r}"
        assert not (set(re.findall(r"[a-z_]+", line)) & COLUMN_NAMES), f"a column name in {line!r}"


BAD_VALUES = ("x", "-1", "1e999", "2021-13", "25", "maybe", "99999999999999999999999", "x" * 5000)


def _bad_input_messages() -> list[tuple[str, str]]:
    out = []
    for field in INPUT_FIELDS:
        values: list[Any] = (
            [[{"month": "2021-01", "days": "", "applications_per_day": "x"}], "x"]
            if field == "offsite_events"
            else list(BAD_VALUES)
        )
        for value in values:
            try:
                municipal_inputs.normalize({field: value}, MONTHS)
            except InputError as e:
                out.append((field, str(e)))
    return out


def test_R6_every_inputs_field_error_is_japanese_and_names_the_label() -> None:
    messages = _bad_input_messages()
    fields = {f for f, _ in messages}
    assert len(fields) == len(INPUT_FIELDS)  # every field refuses some bad value
    for field, message in messages:
        assert_japanese(message)
        label = LABELS[field]
        assert label in message, f"{field}: the label 「{label}」 is not named in {message!r}"


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "１２x"])
@pytest.mark.parametrize("column", plan_edit.EDITABLE_COLUMNS)
def test_R6_every_plan_cell_error_is_japanese(column: str, value: str) -> None:
    base = [{"month": m, **{c: 1 for c in plan_edit.EDITABLE_COLUMNS}} for m in MONTHS]
    try:
        workflow.merge_edits(base, [{"month": "2021-01", column: value}])
    except InputError as e:
        assert_japanese(str(e))
        assert "令和3年1月" in str(e) or "2021-01" in str(e)
    else:
        pytest.fail(f"{column}={value!r} was accepted")


def test_R6_unknown_month_and_review_errors_are_japanese() -> None:
    base = [{"month": m} for m in MONTHS]
    for call in (
        lambda: workflow.merge_edits(base, [{"month": "1999-01", "staff": 1}]),
        lambda: workflow.review(None, None, None, "maybe", ""),  # type: ignore[arg-type]
        lambda: workflow.review(None, None, None, "return", " "),  # type: ignore[arg-type]
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert_japanese(str(caught.value))


def test_R6_the_checker_itself_refuses_english_and_column_names() -> None:
    for bad in ("staff must be a whole number", "「職員数」（staff）は整数", ""):
        with pytest.raises(AssertionError):
            assert_japanese(bad)
