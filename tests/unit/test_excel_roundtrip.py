"""R7.1 (issue 5): a plan workbook goes out and comes back without retyping.

The round trip: write the template, fill it with openpyxl knowing only the table names and
headers, read it back with the calamine reader: it gives back exactly what was filled."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kofuplan.adapters.excel import PlanWorkbook, Profile, read_plan_workbook
from kofuplan.adapters.excel.layout import BUDGET_ITEM_LABELS
from kofuplan.adapters.excel.model import BudgetLine
from kofuplan.adapters.safe_text import FORMULA_TRIGGERS
from tests.excel_support import MONTHS, SETTINGS, fill, lg_code, sample_plan, write_sample

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
    return PlanWorkbook(profile, MONTHS, values, budget)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_R7_1_roundtrip_template_fill_read_gives_back_what_was_filled(plan: PlanWorkbook) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The template is pre-filled with some other plan; the clerk overwrites it.
        template = write_sample(Path(tmp), sample_plan(code=plan.profile.lg_code))
        fill(template, plan)
        assert read_plan_workbook(template, SETTINGS) == plan


def test_R7_1_template_read_back_unchanged_gives_the_proposed_plan(tmp_path: Path) -> None:
    plan = sample_plan()
    assert read_plan_workbook(write_sample(tmp_path, plan), SETTINGS) == plan
