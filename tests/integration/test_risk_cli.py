"""`kofuplan risk` on a written plan (R3.1 surges, R6.2 backlog, R8.1 over one month)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from kofuplan.adapters.plan_csv import write_plan
from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.services.planning import run_plan
from tests.cli_runner import run_cli


def _plan(tmp_path: Path) -> Path:
    as_of = dt.date(2020, 10, 1)
    stats = write_sample_stats(tmp_path / "stats.csv", as_of)
    run = run_plan(StatsFiles(stats), as_of, method="level")
    write_plan(tmp_path / "plan", run.plan, run.params, as_of.isoformat(), sample=True)
    return tmp_path / "plan" / "plan_monthly.csv"


def test_R6_2_risk_writes_backlog_probability_and_quantiles_reproducibly(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    outputs = []
    for name in ("a.csv", "b.csv"):
        args = ["risk", "--plan", str(plan), "--out", str(tmp_path / name), "--seed", "42"]
        result = run_cli(*args, "--draws", "100")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["municipalities"] > 0
        outputs.append((tmp_path / name).read_text(encoding="utf-8-sig"))
    assert outputs[0] == outputs[1]
    rows = list(csv.DictReader(outputs[0].splitlines()))
    with plan.open(encoding="utf-8-sig") as handle:
        assert len(rows) == sum(1 for _ in handle) - 1
    for row in rows:
        assert 0.0 <= float(row["probability_backlog"]) <= 1.0
        assert float(row["waiting_p10"]) <= float(row["waiting_p50"]) <= float(row["waiting_p90"])


def test_R6_2_risk_refuses_a_file_that_is_not_a_plan(tmp_path: Path) -> None:
    bad = tmp_path / "not_a_plan.csv"
    bad.write_text("lg_code,month\n011002,2020-10\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["risk", "--plan", str(bad), "--out", str(out), "--seed", "1"]
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "not_a_plan.csv" in result.output and "capacity" in result.output
    assert not out.exists()


def test_R6_2_risk_names_the_line_and_column_of_a_bad_number(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    lines = plan.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("capacity")] = "lots"
    lines[3] = ",".join(cells)
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["risk", "--plan", str(plan), "--out", str(tmp_path / "o.csv"), "--seed", "1"]
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "plan_monthly.csv:4: capacity" in result.output
