"""Follow-up on the real statistics (issue 4 done-when): the month mapping and population base
against the data, the focus list for every month end 2022-03..2022-12, and a replay whose
national actual issuance equals the published national month-on-month differences."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from kofuplan.adapters.actuals_csv import read_actuals
from kofuplan.domain.actuals import Actuals
from kofuplan.domain.lgcode import is_valid_lg_code
from kofuplan.domain.snapshots import month_of_snapshot, month_range
from kofuplan.parameters import load_rules
from kofuplan.services.followup import focus_for_months
from tests.cli_runner import run_cli
from tests.once import plan_once

RULES = load_rules()


@pytest.fixture(scope="module")
def actuals(long_stats: Path) -> Actuals:
    return read_actuals(long_stats)


@pytest.fixture(scope="module")
def national(shared_data: Path) -> dict[str, int]:
    with (shared_data / "national_monthly.csv").open(encoding="utf-8-sig") as f:
        return {r["month"]: int(r["cards_issued_cumulative"]) for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def engine_plan(long_stats: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan engine's own plan at the baseline (kofuplan plan --as-of 2020-10-01)."""
    # made once per run, shared with every module that reads the same plan (tests/once.py)
    out = plan_once(tmp_path_factory, "--stats", str(long_stats), "--as-of", "2020-10-01")
    return out / "plan_monthly.csv"


def test_R6_2_snapshot_months_and_population_base_agree_with_the_data(long_stats: Path) -> None:
    """Every snapshot's month (our mapping) equals the data's month_end_equiv, and the dated
    population base rule gives the data's population_reference_date."""
    seen: dict[str, tuple[str, str]] = {}
    with long_stats.open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            seen.setdefault(
                r["snapshot_date"], (r["month_end_equiv"], r["population_reference_date"])
            )
    assert len(seen) == 36
    for raw, (month, ref) in seen.items():
        day = dt.date.fromisoformat(raw)
        assert (month_of_snapshot(day) or "") == month, raw
        assert RULES.at(day)["actuals.population_reference_date"].isoformat() == ref, raw


def test_R6_2_the_reader_covers_2020_02_to_2022_12_and_sums_to_the_national_series(
    actuals: Actuals, national: dict[str, int]
) -> None:
    assert actuals.months == tuple(month_range("2020-02", "2022-12"))
    assert actuals.cards.shape == (1741, 35)
    assert actuals.snapshot_dates[actuals.month_index("2022-05")] == "2022-06-01"
    assert actuals.snapshot_dates[actuals.month_index("2022-06")] == "2022-06-30"
    sums = actuals.cards.sum(axis=0)
    for j, month in enumerate(actuals.months):
        assert int(sums[j]) == national[month], month
    # The population base changes with the 2022-08-31 table (August 2022).
    pop = actuals.population.sum(axis=0)
    assert pop[actuals.month_index("2022-07")] == 126_654_244
    assert pop[actuals.month_index("2022-08")] == 125_927_902


def test_R6_2_core_city_codes_are_valid_and_are_cities_in_the_data(actuals: Actuals) -> None:
    designated = RULES.at(dt.date(2022, 12, 31))["core_cities.designated"]
    where = {code: i for i, code in enumerate(actuals.lg_codes)}
    for code, entry in designated.items():
        assert is_valid_lg_code(code), code
        assert code in where, code
        i = where[code]
        assert actuals.types[i] == "市", code
        assert actuals.names[i] == entry["name"], code


@pytest.mark.parametrize("month", month_range("2022-03", "2022-12"))
def test_R6_2_focus_list_for_every_month_end_of_2022(
    month: str, long_stats: Path, actuals: Actuals, tmp_path: Path
) -> None:
    out = tmp_path / "focus.csv"
    result = run_cli("focus", "--stats", str(long_stats), "--month", month, "--out", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows, f"no municipality designated from {month}"
    assert {r["group"] for r in rows} <= {"1", "2", "3", "4"}
    for r in rows:  # printed to 6 decimals: a rounded tie may print equal
        assert float(r["coverage_pct"]) <= float(r["group_coverage_pct"])
        assert float(r["growth_pt"]) <= float(r["group_growth_pt"])
        assert r["month"] == month
    # Exactly, before printing: strictly below on both figures, and the same municipalities.
    f = focus_for_months(actuals, [month], RULES)
    chosen = f.designated[:, 0]
    assert (f.coverage_pct[chosen, 0] < f.group_coverage_pct[chosen, 0]).all()
    assert (f.growth_pt[chosen, 0] < f.group_growth_pt[chosen, 0]).all()
    assert sorted(r["lg_code"] for r in rows) == sorted(np.array(actuals.lg_codes)[chosen])
    # Group 1 is the 20 designated cities and the 62 core cities in force in 2022.
    assert int((f.group[:, 0] == 1).sum()) == 82


@pytest.mark.slow
def test_R6_2_replay_2020_10_to_2022_12_matches_the_national_series(
    engine_plan: Path, long_stats: Path, national: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "replay"
    args = ["replay", "--plan", str(engine_plan), "--actuals", str(long_stats)]
    result = run_cli(*args, "--from", "2020-10", "--to", "2022-12", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "F-backlog" in result.output  # skipped: the statistics carry no survey columns
    with (out / "replay.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["month"] for r in rows] == month_range("2020-10", "2022-12")
    for r in rows:
        month = r["month"]
        previous = month_range("2020-09", month)[-2]
        assert int(r["actual_issuance"]) == national[month] - national[previous], month
    planned = np.array([int(r["planned_issuance"]) for r in rows])
    assert planned.sum() > 0
    focus = {r["month"]: int(r["focus"]) for r in rows}
    assert all(focus[m] > 0 for m in month_range("2022-03", "2022-12"))
    assert all(focus[m] == 0 for m in month_range("2020-10", "2022-02"))
    assert all(int(r["backlog"]) == 0 for r in rows)
    png = (out / "replay_cumulative.png").read_bytes()
    assert png.startswith(b"\x89PNG")
