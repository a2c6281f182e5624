"""Issue 17, done when: `kofuplan plan --kind renewal` runs on the real statistics and the
renewal plan meets the same contract as the issuance plan; the checks that apply carry over."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from kofuplan.domain.renewal_plan import RENEWAL_CHECK_CODES
from kofuplan.parameters import load_rules
from kofuplan.services.planning import plan_calendar
from kofuplan.services.renewal_planning import with_values
from tests.cli_runner import run_cli
from tests.plan_contract import assert_plan_contract, read_plan

AS_OF = "2025-04-01"


@pytest.fixture(scope="module")
def renewal_plan(long_stats: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("renewal-plan")
    args = ["--stats", str(long_stats), "--as-of", AS_OF, "--out", str(out), "--kind", "renewal"]
    result = run_cli("plan", *args)
    assert result.exit_code == 0, result.output
    assert "更新見込み" in result.output
    return out


def test_I17_3_renewal_plan_meets_the_plan_contract(renewal_plan: Path) -> None:
    rows = read_plan(renewal_plan / "plan_monthly.csv")
    assert len(rows) == 1741
    base = load_rules().at(dt.date.fromisoformat(AS_OF))
    periods = {"plan.period_start": ("2025-04", "t"), "plan.period_end": ("2031-03", "t")}
    calendar = plan_calendar(with_values(base, periods), dt.date.fromisoformat(AS_OF))
    assert calendar.months[0] == "2025-04" and len(calendar.months) == 72
    assert_plan_contract(rows, calendar)


def test_I17_3_each_municipality_plans_its_expected_renewals(renewal_plan: Path) -> None:
    """The monthly counts are whole residents adding up to the rounded expected renewals,
    and each month is within one resident of the expectation's apportionment."""
    rows = read_plan(renewal_plan / "plan_monthly.csv")
    for code, months in rows.items():
        planned = sum(int(r["issuance"]) for r in months)
        expected = sum(float(r["renewals_certificate"]) + float(r["renewals_card"]) for r in months)
        # The CSV's one-decimal figures: at most 0.05 off per cell and kind.
        assert abs(planned - expected) <= 0.5 + 0.1 * len(months), code
        assert all(r["kind"] == "renewal" for r in months)
        for r in months:
            cell = float(r["renewals_certificate"]) + float(r["renewals_card"])
            assert abs(int(r["issuance"]) - cell) < 1.2, (code, r["month"])


def test_I17_3_summary_budget_and_checks(renewal_plan: Path) -> None:
    s = json.loads((renewal_plan / "summary.json").read_text(encoding="utf-8"))
    assert s["kind"] == "renewal" and s["method"] == "renewal"
    monthly = {m: v["issuance"] for m, v in s["national"]["monthly"].items()}
    assert sum(monthly.values()) == s["target_total"]
    assert "monthly_aim" not in s["national"]  # the 3.3 million aim is the issuance wave's
    assert (
        "renewal plan"
        in s["defaults_used"]["values"]["capacity.dedicated_daily_per_counter"]["source"]
    )
    with (renewal_plan / "budget.csv").open(encoding="utf-8-sig") as f:
        budget = list(csv.DictReader(f))
    assert {r["fiscal_year"] for r in budget} == {str(y) for y in range(2025, 2031)}
    notices = sum(int(r["yen"]) for r in budget if r["item"] == "notices")
    assert notices == 0  # J-LIS sends the expiry notices
    counts = json.loads((renewal_plan / "findings.summary.json").read_text(encoding="utf-8"))
    assert set(counts["findings_by_code"]) <= set(RENEWAL_CHECK_CODES)
    # A plan made by the engine passes every error check, as the issuance plan does.
    assert counts["findings_by_severity"]["error"] == 0
    with (renewal_plan / "findings.csv").open(encoding="utf-8-sig") as f:
        assert all(r["code"] in RENEWAL_CHECK_CODES for r in csv.DictReader(f))
