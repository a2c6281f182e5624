"""Issue 17, item 4: the renewal pipeline end to end on generated data: statistics → the
renewal wave → a renewal plan (the plan contract, the checks) → renewal actuals in the long
format with a ``kind`` column → the follow-up and the replay."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.renewal_inputs import RenewalSources
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.plan_table import RENEWAL_FIGURES
from kofuplan.services.plan_rows import revision_rows
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


def test_I17_3_plan_kind_renewal_estimates_the_wave_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan --kind renewal` checks the plan it wrote with the run that made it: the renewal
    estimate runs once (it ran twice), and the findings are those of a fresh check."""
    from kofuplan.services import renewal_planning

    stats = write_renewal_sample(tmp_path / "stats")
    calls: list[str] = []
    estimate = renewal_planning.run_renewals

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("run_renewals")
        return estimate(*args, **kwargs)

    monkeypatch.setattr(renewal_planning, "run_renewals", counted)
    out = tmp_path / "plan"
    args = ["--stats", str(stats), "--as-of", "2025-04-01"]
    result = run_cli("plan", "--kind", "renewal", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert calls == ["run_renewals"]
    fresh = renewal_planning.check_renewal_plan(
        read_plan_rows(out / "plan_monthly.csv"),
        StatsFiles(stats),
        dt.date(2025, 4, 1),
        RenewalSources.beside(stats),
    )
    assert len(calls) == 2  # the fresh check estimates on its own
    with (out / "findings.csv").open(encoding="utf-8-sig") as f:
        written = sorted((r["lg_code"], r["month"], r["code"]) for r in csv.DictReader(f))
    assert written == sorted((f.lg_code, f.month or "", f.code) for f in fresh.findings)
    assert written  # the sample plan has findings to compare (budget, lead time)


def test_I17_3_db_load_plan_kind_renewal_stores_the_engines_renewal_plan(tmp_path: Path) -> None:
    """`kofuplan plan --kind renewal` → `db load-plan --kind renewal`: each municipality's
    renewal plan becomes its renewal revision beside the issuance plan, checked by the
    service's renewal checks (which find no error in the engine's plan)."""
    from kofuplan.adapters.storage.db import Database
    from kofuplan.services import renewal_views

    stats = write_renewal_sample(tmp_path / "stats")
    out = tmp_path / "plan"
    made = run_cli(
        "plan", "--kind", "renewal", "--stats", str(stats), "--as-of", "2025-04-01",
        "--out", str(out),
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    loaded = run_cli("db", "load-stats", str(stats), "--as-of", "2023-01-01", "--database-url", url)
    assert loaded.exit_code == 0, loaded.output
    plan_csv = str(out / "plan_monthly.csv")
    wrong = run_cli("db", "load-plan", plan_csv, "--database-url", url)  # not issuance months
    assert wrong.exit_code == 2 and "計画の期間" in wrong.output
    stored = run_cli("db", "load-plan", plan_csv, "--kind", "renewal", "--database-url", url)
    assert stored.exit_code == 0, stored.output
    db = Database(url)
    with db.unit_of_work() as repo:
        revisions = repo.plans.latest_revisions(kind="renewal")
        assert sorted(revisions) == ["011002", "012025", "131016"]
        assert repo.plans.latest_revisions() == {}  # no issuance plan was stored
        for lg, revision in revisions.items():
            assert revision.kind == "renewal" and len(revision_rows(revision)) == 72
            assert set(revision.table.extra) == set(RENEWAL_FIGURES)  # a renewal plan's table
            assert isinstance(revision_rows(revision)[0]["renewals_card"], float)
            m = repo.places.municipality(lg)
            assert m is not None
            view = renewal_views.renewal_view(repo, m)
            assert not [f for f in view.findings if f.severity == "error"], view.findings
    db.dispose()
