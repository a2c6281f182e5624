"""Issue 17, item 4: the renewal pipeline end to end on generated data: statistics → the
renewal wave → a renewal plan (the plan contract, the checks) → renewal actuals in the long
format with a ``kind`` column → the follow-up and the replay."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from kofuplan.adapters.renewal_inputs import RenewalSources
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.services.renewal_planning import run_renewal_plan
from tests.cli_runner import run_cli
from tests.plan_contract import read_plan
from tests.renewal_sample import write_renewal_actuals, write_renewal_sample


def test_I17_4_renewal_pipeline_on_generated_data(tmp_path: Path) -> None:
    stats = write_renewal_sample(tmp_path / "stats")
    wave = tmp_path / "wave"
    result = run_cli(
        "renewals",
        "--stats",
        str(stats),
        "--from",
        "2025-04",
        "--to",
        "2031-03",
        "--out",
        str(wave),
    )
    assert result.exit_code == 0, result.output
    plan_out = tmp_path / "plan"
    result = run_cli(
        "plan",
        "--kind",
        "renewal",
        "--stats",
        str(stats),
        "--as-of",
        "2025-04-01",
        "--out",
        str(plan_out),
    )
    assert result.exit_code == 0, result.output
    rows = read_plan(plan_out / "plan_monthly.csv")
    assert set(rows) == {"011002", "012025", "131016"}
    # The plan's expected renewals are the wave's, municipality by municipality.
    with (wave / "renewals_monthly.csv").open(encoding="utf-8-sig") as f:
        wave_total: dict[str, float] = {}
        for r in csv.DictReader(f):
            wave_total[r["lg_code"]] = wave_total.get(r["lg_code"], 0.0) + float(
                r["expected_renewals"]
            )
    for code, months in rows.items():
        assert abs(sum(int(r["issuance"]) for r in months) - wave_total[code]) <= 0.5 + 7.2

    # 函館市 renews at 70% of its plan, the others on plan.
    actuals = tmp_path / "renewal_actuals.csv"
    pace = {"011002": 1.0, "012025": 0.7, "131016": 1.0}
    write_renewal_actuals(actuals, rows, pace, "2025-09")
    fu = tmp_path / "fu"
    result = run_cli(
        "followup",
        "--kind",
        "renewal",
        "--plan",
        str(plan_out / "plan_monthly.csv"),
        "--actuals",
        str(actuals),
        "--month",
        "2025-09",
        "--out",
        str(fu),
    )
    assert result.exit_code == 0, result.output
    with (fu / "followup.csv").open(encoding="utf-8-sig") as f:
        followup = {r["lg_code"]: r for r in csv.DictReader(f)}
    planned = sum(int(r["issuance"]) for r in rows["012025"] if r["month"] <= "2025-09")
    assert abs(int(followup["012025"]["planned_cumulative"]) - planned) == 0
    assert float(followup["012025"]["deviation_pct"]) < -25
    assert abs(float(followup["011002"]["deviation_pct"])) < 1
    with (fu / "findings.csv").open(encoding="utf-8-sig") as f:
        found = {(r["lg_code"], r["code"]) for r in csv.DictReader(f)}
    assert ("012025", "F-behind") in found
    assert not any(code == "011002" for code, _ in found)
    assert not any(c == "F-focus" for _, c in found)  # coverage ranking is the issuance wave's

    # Read as issuance actuals, the kind rows are not mistaken for cards issued.
    result = run_cli(
        "followup",
        "--plan",
        str(plan_out / "plan_monthly.csv"),
        "--actuals",
        str(actuals),
        "--month",
        "2025-09",
        "--out",
        str(tmp_path / "wrong"),
    )
    assert result.exit_code != 0

    replay = tmp_path / "replay"
    result = run_cli(
        "replay",
        "--kind",
        "renewal",
        "--plan",
        str(plan_out / "plan_monthly.csv"),
        "--actuals",
        str(actuals),
        "--from",
        "2025-04",
        "--to",
        "2025-09",
        "--out",
        str(replay),
    )
    assert result.exit_code == 0, result.output
    with (replay / "replay.csv").open(encoding="utf-8-sig") as f:
        table = list(csv.DictReader(f))
    assert table[0]["month"] == "2025-04" and len(table) == 6
    assert all(int(r["focus"]) == 0 for r in table)
    summary = json.loads((plan_out / "findings.summary.json").read_text(encoding="utf-8"))
    assert summary["findings_by_severity"]["error"] == 0


def test_I17_3_renewal_plan_is_a_plan_table(tmp_path: Path) -> None:
    """The renewal plan is the engine's Plan, so it gives the one typed PlanTable every
    consumer takes."""
    stats = write_renewal_sample(tmp_path / "stats")
    run = run_renewal_plan(StatsFiles(stats), dt.date(2025, 4, 1), RenewalSources.beside(stats))
    table = run.plan.table()
    assert table.months == run.plan.months and table.months[0] == "2025-04"
    assert table.valid.all()
    assert (table.counts["issuance"] == run.plan.issuance).all()


def test_I17_3_check_kind_renewal_finds_one_counter_short(tmp_path: Path) -> None:
    """R6.1-2 carries over: the engine's renewal plan passes, and the same plan one dedicated
    counter short in one month fails exactly there."""
    stats = write_renewal_sample(tmp_path / "stats")
    plan_out = tmp_path / "plan"
    args = ["--stats", str(stats), "--as-of", "2025-04-01"]
    result = run_cli("plan", "--kind", "renewal", *args, "--out", str(plan_out))
    assert result.exit_code == 0, result.output
    plan_csv = plan_out / "plan_monthly.csv"
    result = run_cli(
        "check",
        "--kind",
        "renewal",
        "--plan",
        str(plan_csv),
        *args,
        "--out",
        str(tmp_path / "ok.csv"),
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "ok.csv").open(encoding="utf-8-sig") as f:
        assert not [r for r in csv.DictReader(f) if r["severity"] == "error"]

    with plan_csv.open(encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames or []), list(reader)
    target = next(r for r in rows if r["lg_code"] == "011002" and r["month"] == "2025-05")
    assert int(target["dedicated_counters"]) > 0
    target["dedicated_counters"] = str(int(target["dedicated_counters"]) - 1)
    short = tmp_path / "short.csv"
    with short.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run_cli(
        "check",
        "--kind",
        "renewal",
        "--plan",
        str(short),
        *args,
        "--out",
        str(tmp_path / "short_findings.csv"),
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "short_findings.csv").open(encoding="utf-8-sig") as f:
        errors = {
            (r["lg_code"], r["month"], r["code"])
            for r in csv.DictReader(f)
            if r["severity"] == "error"
        }
    assert errors == {("011002", "2025-05", "R6.1-2")}
