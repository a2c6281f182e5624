"""Dated rules (issue 2 item 1): every value sourced and dated; bad values name file and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kofuplan.errors import RuleError
from kofuplan.parameters import load_rules

DAY = dt.date(2020, 10, 1)


def test_rules_hold_the_notice_figures_R1_1_R8_2_R8_4() -> None:
    p = load_rules().at(DAY)
    assert p["plan.period_start"] == "2020-10"
    assert p["plan.period_end"] == "2023-03"
    assert p["plan.baseline_date"] == dt.date(2020, 9, 30)
    assert p["national.monthly_issuance_aim"] == 3_300_000
    assert p["national.daily_pace_now"] * p["national.daily_pace_multiplier"] == 140_000
    assert p["calendar.closure_days"][0] == "12-29" and p["calendar.closure_days"][-1] == "01-03"
    kinds = {c["kind"] for c in p["campaigns.national"]}
    assert {"newspaper_insert", "signage", "local_tv", "qr_mailing"} <= kinds


def test_every_parameter_has_description_unit_and_source() -> None:
    book = load_rules()
    assert len(book.parameters) >= 20
    for key, param in book.parameters.items():
        assert param.description and param.unit and param.source, key
        assert "." in key


def test_value_is_taken_from_the_latest_start_date() -> None:
    postage = load_rules().parameter("costs.notice_postage_yen")
    assert postage.at(dt.date(2024, 9, 30)) == 63
    assert postage.at(dt.date(2024, 10, 1)) == 85
    with pytest.raises(RuleError, match="no value holds"):
        postage.at(dt.date(2019, 1, 1))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x:\n  description: d\n  unit: u\n  source: s\n  values: {2020-01-01: -1}\n", "below"),
        ("x:\n  description: d\n  unit: u\n  values: {2020-01-01: 1}\n", "missing source"),
        ("x:\n  description: d\n  unit: u\n  source: s\n  values: {notadate: 1}\n", "not a date"),
        (
            "x:\n  description: d\n  unit: u\n  source: s\n  type: fraction\n"
            "  values: {2020-01-01: 1.5}\n",
            "above",
        ),
        ("x:\n  description: d\n  unit: u\n  source: s\n  values: {2020-01-01: ten}\n", "number"),
        ("x: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_rule_names_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(
        body.replace("x:", "x:\n  min: 0", 1) if "below" in message else body
    )
    with pytest.raises(RuleError, match=message) as info:
        load_rules(tmp_path)
    assert "bad.yaml" in str(info.value)
    if "YAML" not in message:
        assert ": x" in str(info.value)
