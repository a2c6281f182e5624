"""Issue 16 (the national page's recompute): the renewal plans of many municipalities are
checked together (``renewal_checks.check_renewals``: one run of ``check_plan`` per data
date), each read with its own mix of kinds, and give exactly the findings and budget of
checking each alone (``check_renewal``). The area's sums are whole-array additions of each
plan's figures (``domain.renewal_plan.area_series`` / ``area_sums``), equal to adding the
rows one by one."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.web.sample import seed
from kofuplan.domain.plan_table import table_rows
from kofuplan.domain.renewal_plan import (
    AREA_SERIES,
    RenewalRules,
    area_series,
    area_sums,
    mix_values,
)
from kofuplan.services import municipal_inputs, renewal_checks, renewal_views, views, workflow
from kofuplan.services.access import Principal
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.rule_clock import rules_on

CLERK = Principal(user_id=None, login="clerk", role="municipality")


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    store = MemoryStorage()
    seed(store, per_prefecture=2, password="together-pw-123", with_actuals=False)
    with store.unit_of_work() as uow:
        ms = list(uow.places.municipalities())
        # Variety: own inputs (a daily figure; no grant), and a plan edited to have no counters.
        for m, raw in ((ms[0], {"dedicated_daily_per_counter": 12.5}),
                       (ms[1], {"estimated_grant_yen": 0}),
                       (ms[2], {"combined_daily_per_counter": 7})):  # fmt: skip
            content = municipal_inputs.normalize(raw, views.plan_months(m.baseline_date))
            municipal_inputs.save_inputs(uow, CLERK, m, None, "入力", content)
        latest = uow.plans.latest_revision(ms[3].lg_code, "renewal")
        assert latest is not None
        rows = [{"month": r["month"], "dedicated_counters": 0, "combined_counters": 0}
                for r in revision_rows(latest)]  # fmt: skip
        workflow.save_plan(uow, CLERK, ms[3], latest.id, "窓口なし", rows, kind="renewal")
        plans = {}
        for m in ms:
            revision = uow.plans.latest_revision(m.lg_code, "renewal")
            assert revision is not None
            plans[m.lg_code] = revision.table
        inputs = {lg: r.content for lg, r in uow.inputs.latest_inputs_of().items()}
        # Each alone as its page previews it: from the plan's rows (the editor's form).
        alone = {
            m.lg_code: renewal_checks.check_renewal(
                m, table_rows(plans[m.lg_code])[m.lg_code], inputs.get(m.lg_code)
            )
            for m in ms
        }
        nation = renewal_views.area_renewals(uow, ms)
    return {"ms": ms, "plans": plans, "inputs": inputs, "alone": alone, "nation": nation}


def test_issue16_renewal_plans_checked_together_equal_each_checked_alone(
    sample: dict[str, Any],
) -> None:
    ms, plans, inputs, alone = sample["ms"], sample["plans"], sample["inputs"], sample["alone"]
    together = renewal_checks.check_renewals(ms, plans, inputs)
    assert set(together) == {m.lg_code for m in ms}
    for m in ms:
        assert together[m.lg_code] == alone[m.lg_code], m.lg_code
    # Not a trivial agreement: findings exist, errors among them, and the mixes differ.
    assert any(f.severity == "error" for f in alone[ms[3].lg_code].findings)
    assert sum(len(r.findings) for r in alone.values()) > len(ms)
    base = rules_on(ms[0].baseline_date)
    rules = RenewalRules.from_rules(base)
    setups = {
        mix_values(
            base, *renewal_checks.table_mix(plans[m.lg_code]), rules
        ).presetup_cards_per_staff_day
        for m in ms
    }
    assert len(setups) > len(ms) // 2


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=40))
def test_issue16_any_group_in_any_order_checks_as_alone(seed_: int, size: int) -> None:
    """The law behind it: a municipality's renewal checks do not depend on which others are
    checked with it, nor in what order."""
    data = _SAMPLE["data"]
    ms = random.Random(seed_).sample(data["ms"], min(size, len(data["ms"])))
    together = renewal_checks.check_renewals(ms, data["plans"], data["inputs"])
    assert {lg: together[lg] for lg in together} == {
        m.lg_code: data["alone"][m.lg_code] for m in ms
    }


_SAMPLE: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _share(sample: dict[str, Any]) -> None:
    _SAMPLE["data"] = sample


def test_issue16_area_sums_are_the_rows_added_one_by_one(sample: dict[str, Any]) -> None:
    ms, plans, nation = sample["ms"], sample["plans"], sample["nation"]
    months = nation["months"]
    index = {month: j for j, month in enumerate(months)}
    expected = {name: [0.0] * len(months) for name, _ in AREA_SERIES}
    for m in ms:  # the sums as area_renewals made them before (issue 17)
        for row in table_rows(plans[m.lg_code])[m.lg_code]:
            j = index.get(str(row.get("month")))
            if j is None:
                continue
            for name, column in AREA_SERIES:
                value = row.get(column)
                expected[name][j] += float(value) if isinstance(value, int | float) else 0.0
    for name, values in expected.items():
        rounded = [round(v, 1) if name in ("certificate", "card") else round(v) for v in values]
        assert nation[name] == rounded, name
    assert (
        nation["staff"]
        == area_sums([area_series(plans[m.lg_code], months) for m in ms], months)["staff"]
    )
    alone = sample["alone"]
    assert nation["findings_by_code"] == dict(
        sorted(
            {
                code: sum(f.code == code for r in alone.values() for f in r.findings)
                for code in {f.code for r in alone.values() for f in r.findings}
            }.items()
        )
    )
    assert nation["budget"]["total"] == [
        sum(r.budget["total"][k] for r in alone.values())
        for k in range(len(nation["fiscal_years"]))
    ]
