"""Reading plan_monthly.csv (the engine's contract, issue 2) for the follow-up (R6.2), through
the one plan reader and the domain's strict validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from kofuplan.adapters.plan_reader import read_plan_table
from kofuplan.domain.plan_form import PlanBounds
from kofuplan.domain.planned import PlanInputError, PlannedMonths

BOUNDS = PlanBounds(
    count_ceiling=10**9,
    daily_per_counter_ceiling=1e4,
    extra_days_ceiling=31,
    offered_load_ceiling=1e4,
)
NEEDS = ("issuance", "cumulative_issued", "required_weekend_days")


def read_plan_monthly(path: Path) -> PlannedMonths:
    return PlannedMonths.from_table(read_plan_table(path, NEEDS, BOUNDS))


HEADER = "lg_code,month,issuance,cumulative_issued,coverage_pct,required_weekend_days,staff\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "plan_monthly.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_R6_2_reads_the_contract_columns_and_ignores_the_rest(tmp_path: Path) -> None:
    plan = read_plan_monthly(
        write(
            tmp_path,
            "012033,2020-10,10,110,1.0,5,3\n012033,2020-11,20,130,1.1,4,3\n"
            "013030,2020-10,1,11,1.0,5,1\n013030,2020-11,2,13,1.1,4,1\n",
        )
    )
    assert plan.lg_codes == ("012033", "013030")
    assert plan.months == ("2020-10", "2020-11")
    assert plan.issuance.tolist() == [[10, 20], [1, 2]]
    assert plan.cumulative_issued.tolist() == [[110, 130], [11, 13]]
    assert plan.required_weekend_days.tolist() == [[5, 4], [5, 4]]
    with pytest.raises(PlanInputError, match="2021-01"):
        plan.columns_for(["2020-11", "2021-01"])


def test_a_missing_month_row_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "012033,2020-10,10,110,1,5,3\n012033,2020-12,20,130,1,4,3\n")
    with pytest.raises(PlanInputError, match="012033 2020-11"):
        read_plan_monthly(path)


def test_a_duplicate_row_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "012033,2020-10,10,110,1,5,3\n012033,2020-10,10,110,1,5,3\n")
    with pytest.raises(PlanInputError, match=r"plan_monthly\.csv:3: .*012033.*2020-10"):
        read_plan_monthly(path)


def test_bad_cells_name_the_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(PlanInputError, match=r":2: issuance: 'ten'"):
        read_plan_monthly(write(tmp_path, "012033,2020-10,ten,110,1,5,3\n"))
    with pytest.raises(PlanInputError, match=r":2: month"):
        read_plan_monthly(write(tmp_path, "012033,2020/10,10,110,1,5,3\n"))
    with pytest.raises(PlanInputError, match=r":2: lg_code"):
        read_plan_monthly(write(tmp_path, "12033,2020-10,10,110,1,5,3\n"))


def test_R6_2_a_count_beyond_the_ceiling_is_refused_naming_its_field(tmp_path: Path) -> None:
    with pytest.raises(PlanInputError, match=r":2: issuance: '1{30}'"):
        read_plan_monthly(write(tmp_path, "012033,2020-10," + "1" * 30 + ",110,1,5,3\n"))
