"""R7.1 (issue 5): a plan workbook goes out and comes back without retyping; with its
promotion section (issue 8: R3.2, R3.3, R3.4, R2.4, R8.3).

The round trip: write the template, fill it with openpyxl knowing only the table names and
headers, read it back with the calamine reader: it gives back exactly what was filled."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kofuplan.adapters.excel import PlanWorkbook, Profile, read_plan_workbook
from kofuplan.adapters.excel.layout import BUDGET_ITEM_LABELS
from kofuplan.adapters.safe_text import FORMULA_TRIGGERS
from kofuplan.domain.promotion import Event, MunicipalPromotion
from kofuplan.domain.workbook import BudgetLine
from kofuplan.parameters import load_rules
from tests.excel_support import (
    AS_OF,
    MONTHS,
    SETTINGS,
    as_read,
    fill,
    lg_code,
    sample_plan,
    sample_promotion,
    write_sample,
)

counts = st.integers(min_value=0, max_value=10**7)
# Text a clerk might type: Japanese, ASCII, and leading formula characters on purpose.
text = (
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
rates = st.integers(1, 50_000).map(lambda hundredths: hundredths / 100)
formula_like = st.tuples(st.sampled_from(FORMULA_TRIGGERS[:4]), text).map("".join)
items = text | formula_like | st.sampled_from(sorted(BUDGET_ITEM_LABELS))


SPARE_EVENT_ROWS = int(load_rules().at(AS_OF)["excel.spare_event_rows"])
events = st.builds(
    Event,
    st.sampled_from(MONTHS),
    st.integers(0, 31),
    st.integers(0, 10_000),
    st.booleans(),
)


shares = st.integers(0, 10_000).map(lambda bp: bp / 10_000)


def _maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


@st.composite
def promotions(draw: st.DrawFn) -> MunicipalPromotion:
    """Any promotion section a clerk can type, fields left blank included."""
    return MunicipalPromotion(
        qr_mailing_forms=draw(_maybe(st.integers(0, 10**7))),  # type: ignore[arg-type]
        qr_mailing_months=tuple(sorted(draw(st.sets(st.sampled_from(MONTHS), max_size=6)))),
        offsite_events=tuple(draw(st.lists(events, max_size=SPARE_EVENT_ROWS))),
        insurance_support_method=draw(_maybe(text | formula_like)),  # type: ignore[arg-type]
        # As typed: a percentage to two decimals; hours to the minute-ish hundredth (Excel keeps
        # 15 significant digits, so an arbitrary float would not come back bit for bit).
        insurance_assist_share=draw(_maybe(shares)),  # type: ignore[arg-type]
        evenings_per_month=draw(st.integers(0, 31)),
        evening_hours=draw(st.integers(0, 2400).map(lambda h: h / 100)),
        konbini_offered=draw(_maybe(st.booleans())),  # type: ignore[arg-type]
        konbini_fee_counter_yen=draw(_maybe(st.integers(0, 10**5))),  # type: ignore[arg-type]
        konbini_fee_store_yen=draw(_maybe(st.integers(0, 10**5))),  # type: ignore[arg-type]
        konbini_reduction_from=draw(
            _maybe(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat))
        ),  # type: ignore[arg-type]
    )


@st.composite
def plans(draw: st.DrawFn) -> PlanWorkbook:
    code = lg_code(draw(st.from_regex(r"[0-4][0-9]{4}", fullmatch=True)))
    profile = Profile(
        lg_code=code,
        name=draw(text | formula_like),
        population=draw(counts),
        cumulative_issued=draw(counts),
        dedicated_daily_per_counter=draw(rates),
        combined_daily_per_counter=draw(rates),
        office_max_counters=draw(st.integers(0, 200)),
        estimated_grant_yen=draw(st.integers(0, 10**12)),
        dedicated_counters_now=draw(st.integers(0, 50)),
        combined_counters_now=draw(st.integers(0, 50)),
        staff_now=draw(st.integers(0, 500)),
        terminals_now=draw(st.integers(0, 500)),
        recent_daily_issuance=draw(st.just(0.0) | rates),
    )
    n = len(MONTHS)
    dedicated = draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))
    values = {
        "issuance": tuple(draw(st.lists(counts, min_size=n, max_size=n))),
        "dedicated_counters": tuple(dedicated),
        "offsite_counters": tuple(draw(st.integers(0, d)) for d in dedicated),
    }
    for name in ("combined_counters", "weekend_days", "staff", "terminals"):
        values[name] = tuple(draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n)))
    budget = tuple(
        draw(
            st.lists(
                st.builds(
                    BudgetLine, st.integers(2020, 2022), text | formula_like, st.integers(0, 10**11)
                ),
                max_size=8,
            )
        )
    )
    return PlanWorkbook(profile, MONTHS, values, budget, draw(promotions()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_R7_1_R3_2_R3_3_R3_4_R2_4_R8_3_roundtrip_template_fill_read_gives_back_what_was_filled(
    plan: PlanWorkbook,
) -> None:
    """The promotion section included: the filler knows only the tables' names and headers."""
    with tempfile.TemporaryDirectory() as tmp:
        # The template is pre-filled with some other plan; the clerk overwrites it.
        template = write_sample(Path(tmp), sample_plan(code=plan.profile.lg_code))
        fill(template, plan)
        assert read_plan_workbook(template, SETTINGS) == as_read(plan)


def test_R7_1_template_read_back_unchanged_gives_the_proposed_plan(tmp_path: Path) -> None:
    plan = sample_plan()
    assert read_plan_workbook(write_sample(tmp_path, plan), SETTINGS) == as_read(plan)


def test_R3_2_R3_3_R3_4_R2_4_R8_3_template_prefilled_with_a_promotion_reads_it_back(
    tmp_path: Path,
) -> None:
    plan = dataclasses.replace(sample_plan(), promotion=sample_promotion())
    assert read_plan_workbook(write_sample(tmp_path, plan), SETTINGS) == as_read(plan)
