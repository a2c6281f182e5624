"""One check set on every path (issue 12): the editor's live check on the page, the stored
revision's checks, the prefecture's list and ``kofuplan check`` on the same plan as CSV give the
same findings, because they all run ``check_plan`` on a PlanTable (R6.1-1…4, R2.3, R5.1)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kofuplan.adapters.check_files import check_plan_file
from kofuplan.adapters.stats_csv import StatsFiles, read_stats
from kofuplan.adapters.storage.models import Municipality
from kofuplan.adapters.web.sample import AS_OF, write_sample_stats
from kofuplan.domain import plan_edit
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_table import rows_table, table_rows
from kofuplan.services import workflow
from kofuplan.services.planning import run_plan
from kofuplan.services.review_checks import prefecture_checks


def _key(f: Finding) -> tuple[Any, ...]:
    return (f.lg_code, f.month or "", f.code, f.severity, f.value, f.threshold, f.message)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    stats = tmp_path_factory.mktemp("one") / "stats.csv"
    write_sample_stats(stats, 1, np.random.default_rng(7))
    return stats, run_plan(StatsFiles(stats), AS_OF).plan


def _municipality(stats: Path, i: int) -> Municipality:
    """The municipality as ``db load-stats`` stores it."""
    s = read_stats(stats, AS_OF)
    return Municipality(
        lg_code=str(s.lg_code[i]),
        pref_code=str(s.pref_code[i]),
        name=str(s.name[i]),
        population=int(s.population[i]),
        cards_issued_baseline=int(s.issued[i]),
        baseline_date=AS_OF,
        recent_increase=int(s.recent_increase[i]),
        recent_days=int(s.recent_days[i]),
    )


def test_R6_1_the_page_the_prefecture_and_kofuplan_check_agree(
    sample: tuple[Path, Any], tmp_path: Path
) -> None:
    stats, plan = sample
    lg = str(plan.profiles.lg_code[0])
    m = _municipality(stats, 0)
    assert m.lg_code == lg
    rows = table_rows(plan.table())[lg]
    rows[3]["weekend_days"] = 0  # short of a Saturday or Sunday every week: R6.1-4
    rows[5]["dedicated_counters"] = rows[5]["combined_counters"] = 0  # no counter: R6.1-2
    rows[-1]["issuance"] = 0  # short of the whole population: R6.1-1
    edited = plan_edit.recompute(rows, m.population, m.cards_issued_baseline)

    page = workflow.check_revision(m, edited)
    prefecture = prefecture_checks([m], {lg: rows_table(lg, edited)})[lg]  # as stored
    path = tmp_path / "plan_monthly.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(edited[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in edited)
    command = [f for f in check_plan_file(path, stats, AS_OF).findings if f.lg_code == lg]

    assert sorted(map(_key, page)) == sorted(map(_key, prefecture)) == sorted(map(_key, command))
    codes = {(f.code, f.month) for f in page}
    assert ("R6.1-4", rows[3]["month"]) in codes  # an error, as kofuplan check has it
    assert ("R6.1-2", rows[5]["month"]) in codes
    assert ("R6.1-1", None) in codes


def test_R6_1_the_engines_plan_has_no_error_on_any_path(sample: tuple[Path, Any]) -> None:
    stats, plan = sample
    lg = str(plan.profiles.lg_code[1])
    found = workflow.check_revision(_municipality(stats, 1), table_rows(plan.table())[lg])
    assert [f for f in found if f.severity == "error"] == []
