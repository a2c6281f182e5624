"""The municipality's own inputs as the service keeps them (issue 8 §4; R2.4, R3.2–R3.4,
R8.3, and the profile fields of R6.1): validation naming the field, the page form's round trip,
and the values handed to the plan engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.profiles import WEEKEND_POLICIES
from kofuplan.domain.promotion import Event, MunicipalPromotion
from kofuplan.services.municipal_inputs import (
    INPUT_FIELDS,
    InputsError,
    form_values,
    given_values,
    normalize,
    promotion_of,
    raw_from_form,
)
from kofuplan.services.views import plan_months

MONTHS = plan_months(dt.date(2020, 10, 1))

whole = st.integers(min_value=0, max_value=10**7)
month = st.sampled_from(MONTHS)
event = st.fixed_dictionaries(
    {
        "month": month,
        "days": st.integers(0, 31),
        "applications_per_day": st.integers(0, 500),
        "infection_control": st.booleans(),
    }
)
CONTENT = st.fixed_dictionaries(
    {},
    optional={
        "dedicated_counters": whole,
        "dedicated_daily_per_counter": st.floats(0.5, 500, allow_nan=False),
        "office_max_counters": whole,
        "weekend_policy": st.sampled_from(WEEKEND_POLICIES),
        "estimated_grant_yen": whole,
        "qr_mailing_forms": whole,
        "qr_mailing_months": st.lists(month, min_size=1, max_size=4, unique=True).map(sorted),
        "offsite_events": st.lists(event, min_size=1, max_size=4),
        "insurance_support_method": st.text(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
            min_size=1,
            max_size=30,
        ),
        "insurance_assist_share": st.floats(0, 1, allow_nan=False),
        "evening_hours": st.floats(0, 24, allow_nan=False),
        "konbini_offered": st.booleans(),
        "konbini_reduction_from": st.dates().map(lambda d: d.isoformat()),
    },
)


class Form(dict[str, str]):
    """What a browser posts: every field, the event rows as event.K.part."""


def _posted(content: dict[str, Any]) -> Form:
    values, events = form_values(content)
    form = Form(values)
    for k, e in enumerate([*events, {"month": "", "days": "", "applications_per_day": ""}]):
        for part, text in e.items():
            if part != "infection_control" or text:
                form[f"event.{k}.{part}"] = text
    return form


@given(CONTENT)
def test_R3_page_form_round_trip_gives_back_the_stored_inputs(content: dict[str, Any]) -> None:
    """Stored inputs shown in the form and posted back unchanged are the same inputs."""
    assert normalize(content, MONTHS) == content
    raw, _typed = raw_from_form(_posted(content))
    assert normalize(raw, MONTHS) == content


@given(CONTENT)
def test_R3_the_engine_gets_the_promotion_section_as_typed_values(content: dict[str, Any]) -> None:
    promo = promotion_of(content)
    assert isinstance(promo, MunicipalPromotion)
    assert promo.offsite_events == tuple(Event(**e) for e in content.get("offsite_events", []))
    assert set(given_values(content)) == set(content) <= set(INPUT_FIELDS)


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"insurance_assist_share": "1.5"}, "insurance_assist_share", "0から1までの数"),
        ({"qr_mailing_months": "2021-13"}, "qr_mailing_months", "YYYY-MM"),
        ({"qr_mailing_months": "2019-01"}, "qr_mailing_months", "計画期間"),
        ({"office_max_counters": "-1"}, "office_max_counters", "0以上の整数"),
        ({"dedicated_daily_per_counter": "0"}, "dedicated_daily_per_counter", "0より大きい数"),
        ({"evening_hours": "25"}, "evening_hours", "0から24までの数"),
        ({"konbini_offered": "maybe"}, "konbini_offered", "「はい」か「いいえ」"),
        ({"konbini_reduction_from": "2021-02-30"}, "konbini_reduction_from", "YYYY-MM-DD"),
        ({"weekend_policy": "x"}, "weekend_policy", "「毎週土日とも」のいずれか"),
        ({"offsite_events": [{"month": "2021-01", "days": "", "applications_per_day": "3"}]},
         "offsite_events", "1行目」の日数"),
        ({"offsite_events": [{"month": "2021-01", "days": "2", "applications_per_day": "x"}]},
         "offsite_events", "1行目の1日の申請見込み"),
    ],
)  # fmt: skip
def test_R3_bad_values_name_the_field(raw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InputsError) as caught:
        normalize(raw, MONTHS)
    assert caught.value.field == field
    # Issue 14: the clerk reads the field's label, never its column name.
    assert words in str(caught.value) and field not in str(caught.value)
    assert str(caught.value).startswith("「")


def test_R3_blank_means_not_given() -> None:
    assert normalize({f: "" for f in INPUT_FIELDS if f != "offsite_events"}, MONTHS) == {}
    assert normalize({"offsite_events": [], "qr_mailing_months": None}, MONTHS) == {}
