"""Re-planning at a later snapshot (issue 4 item 4): `kofuplan plan --as-of 2021-04-01` on the
real data spreads what remains (population − issued at that date, R1.1) over 2021-04..2023-03."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kofuplan.adapters.actuals_csv import read_actuals
from kofuplan.domain.snapshots import month_range
from tests.cli_runner import run_cli
from tests.unit.test_planned_csv import read_plan_monthly


@pytest.fixture(scope="module")
def replan(long_stats: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replan")
    result = run_cli("plan", "--stats", str(long_stats), "--as-of", "2021-04-01", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out / "plan_monthly.csv"


def test_R1_1_R1_2_replan_at_2021_04_01_spreads_what_remains(
    replan: Path, long_stats: Path
) -> None:
    plan = read_plan_monthly(replan)
    # The 2021-04-01 table stands for the end of March 2021 (a snapshot on the 1st).
    actual = read_actuals(long_stats, ["2021-03"])
    assert actual.snapshot_dates == ("2021-04-01",)
    assert plan.months == tuple(month_range("2021-04", "2023-03"))
    assert len(plan.lg_codes) == 1741
    rows = actual.rows_for(plan.lg_codes)
    population = actual.population[rows, 0]
    issued = actual.cards[rows, 0]
    remaining = population - issued
    assert (plan.issuance >= 0).all()
    assert np.array_equal(plan.issuance.sum(axis=1), remaining)
    assert np.array_equal(plan.cumulative_issued[:, -1], population)
    assert np.array_equal(plan.cumulative_issued[:, 0], issued + plan.issuance[:, 0])
    assert int(remaining.sum()) == 127_138_033 - 35_969_563  # the README's national figures


def test_R6_2_a_replan_can_be_followed_up(replan: Path, long_stats: Path, tmp_path: Path) -> None:
    """The follow-up reads the re-plan like the first plan: April 2021 against it."""
    out = tmp_path / "fu"
    args = ["followup", "--plan", str(replan), "--actuals", str(long_stats)]
    result = run_cli(*args, "--month", "2021-04", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "followup.csv").is_file()
