"""`kofuplan followup` and `kofuplan replay` on small files made here (issue 4; R6.2, R8.1)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from kofuplan.adapters.cli import app, followup_cmd  # noqa: F401  (registers the commands)
from kofuplan.domain.findings import FINDING_COLUMNS
from kofuplan.services.followup import FOLLOWUP_COLUMNS, ROLLUP_COLUMNS

RUNNER = CliRunner()
# (lg_code, type, population, cumulative at month ends 2021-01, 2021-02, 2021-03)
MUNIS = [
    ("012033", "市", 110_000, [30_000, 31_000, 32_000]),
    ("013030", "町", 15_000, [4_000, 4_300, 4_700]),
    ("131016", "特別区", 67_000, [20_000, 21_000, 22_500]),
]
SNAPSHOTS = {"2021-01": "2021-02-01", "2021-02": "2021-03-01", "2021-03": "2021-04-01"}
SURVEY = {  # survey answers for 2021-03 only
    "012033": {"cards_in_stock": 1_500, "median_days_to_issue": 40, "weekend_days_opened": 4},
    "013030": {"cards_in_stock": 100, "median_days_to_issue": 20, "weekend_days_opened": 1},
    "131016": {"cards_in_stock": "", "median_days_to_issue": "", "weekend_days_opened": ""},
}


def write_actuals(path: Path, survey: bool = True, months: list[str] | None = None) -> Path:
    extra = ["cards_in_stock", "median_days_to_issue", "weekend_days_opened"] if survey else []
    fields = [
        "snapshot_date",
        "pref_code",
        "lg_code",
        "municipality_type",
        "population",
        "cards_issued_cumulative",
        *extra,
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for j, (month, day) in enumerate(SNAPSHOTS.items()):
            if months is not None and month not in months:
                continue
            for code, kind, pop, cum in MUNIS:
                row = {
                    "snapshot_date": day,
                    "pref_code": code[:2],
                    "lg_code": code,
                    "municipality_type": kind,
                    "population": pop,
                    "cards_issued_cumulative": cum[j],
                }
                if survey:
                    row |= SURVEY[code] if month == "2021-03" else dict.fromkeys(extra, "")
                w.writerow(row)
    return path


def write_plan(path: Path, codes: list[str] | None = None, drop: str | None = None) -> Path:
    """plan_monthly.csv (the engine's contract) for 2020-10..2023-03: 1,000 cards a month over
    a baseline of 25,000 (the 小樽市 row is behind by 2021-03)."""
    months = [f"{y}-{m:02d}" for y in (2020, 2021, 2022, 2023) for m in range(1, 13)]
    months = [m for m in months if "2020-10" <= m <= "2023-03"]
    fields = [
        "lg_code",
        "month",
        "issuance",
        "cumulative_issued",
        "coverage_pct",
        "required_weekend_days",
        "weekend_days",
    ]
    fields = [f for f in fields if f != drop]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for code, _, _pop, cum in MUNIS:
            if codes is not None and code not in codes:
                continue
            base = cum[0] - 3 * 1000 if code == "012033" else cum[0] - 3 * 200
            for k, month in enumerate(months, start=1):
                step = 1000 if code == "012033" else 200
                w.writerow(
                    {
                        "lg_code": code,
                        "month": month,
                        "issuance": step,
                        "cumulative_issued": base + k * step + (5000 if code == "012033" else 0),
                        "coverage_pct": 0,
                        "required_weekend_days": 4,
                        "weekend_days": 4,
                    }
                )
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_R6_2_followup_writes_rows_findings_and_rollups(tmp_path: Path) -> None:
    plan, actuals, out = (
        write_plan(tmp_path / "p.csv"),
        write_actuals(tmp_path / "a.csv"),
        tmp_path / "o",
    )
    r = RUNNER.invoke(
        app,
        [
            "followup",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--month",
            "2021-03",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = {row["lg_code"]: row for row in read(out / "followup.csv")}
    assert list(read(out / "followup.csv")[0]) == list(FOLLOWUP_COLUMNS)
    otaru = rows["012033"]
    assert otaru["actual_cumulative"] == "32000"
    assert otaru["actual_issuance_in_month"] == "1000"
    assert otaru["planned_issuance_in_month"] == "1000"
    assert otaru["codes"].split(";") == ["F-behind", "F-backlog", "F-slow"]
    assert rows["013030"]["codes"] == "F-weekend"
    assert rows["131016"]["codes"] == ""  # blank survey cells: not judged
    findings = read(out / "findings.csv")
    assert tuple(findings[0]) == FINDING_COLUMNS
    assert all("令和3年3月" in f["message"] for f in findings)
    national = read(out / "followup_national.csv")
    assert tuple(national[0]) == ROLLUP_COLUMNS
    assert national[0]["actual_cumulative"] == str(32_000 + 4_700 + 22_500)
    assert national[0]["F-behind"] == "1"
    # R3.4 and the other additive survey counts are summed over those who answered.
    assert national[0]["cards_in_stock_total"] == str(1_500 + 100)
    assert national[0]["health_insurance_registrations_assisted_total"] == ""
    prefs = {p["pref_code"]: p for p in read(out / "followup_prefectures.csv")}
    assert prefs["01"]["municipalities"] == "2" and prefs["13"]["municipalities"] == "1"
    summary = json.loads((out / "followup_summary.json").read_text(encoding="utf-8"))
    assert summary["skipped"] == []


def test_R6_2_followup_says_which_findings_were_skipped(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "p.csv")
    actuals, out = write_actuals(tmp_path / "a.csv", survey=False), tmp_path / "o"
    r = RUNNER.invoke(
        app,
        [
            "followup",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--month",
            "2021-03",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    for code, column in [
        ("F-backlog", "cards_in_stock"),
        ("F-slow", "median_days_to_issue"),
        ("F-weekend", "weekend_days_opened"),
    ]:
        assert code in r.output and column in r.output
    summary = json.loads((out / "followup_summary.json").read_text(encoding="utf-8"))
    assert len(summary["skipped"]) == 3


def test_R6_2_a_missing_previous_month_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "p.csv")
    actuals = write_actuals(tmp_path / "a.csv", months=["2021-01", "2021-03"])
    out = tmp_path / "o"
    r = RUNNER.invoke(
        app,
        [
            "followup",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--month",
            "2021-03",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 2
    assert "2021-02" in r.output and "Traceback" not in r.output
    assert not out.exists()


def test_R6_2_a_planned_municipality_missing_from_the_actuals_is_named(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "p.csv")
    actuals = tmp_path / "a.csv"
    lines = write_actuals(actuals).read_text(encoding="utf-8-sig").splitlines()
    actuals.write_text("\n".join(x for x in lines if "013030" not in x) + "\n", encoding="utf-8")
    r = RUNNER.invoke(
        app,
        [
            "followup",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--month",
            "2021-03",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert r.exit_code == 2 and "013030" in r.output


def test_a_plan_without_a_needed_column_is_named(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "p.csv", drop="cumulative_issued")
    actuals = write_actuals(tmp_path / "a.csv")
    r = RUNNER.invoke(
        app,
        [
            "followup",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--month",
            "2021-03",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert r.exit_code == 2 and "cumulative_issued" in r.output and "p.csv" in r.output


def test_a_bad_month_option_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    r = RUNNER.invoke(
        app,
        ["followup", "--plan", "p", "--actuals", "a", "--month", "2021-13", "--out", str(tmp_path)],
    )
    assert r.exit_code == 2 and "2021-13" in r.output


def test_R6_2_a_prefecture_plan_follows_up_only_its_municipalities(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "p.csv", codes=["012033", "013030"])
    actuals, out = write_actuals(tmp_path / "a.csv"), tmp_path / "o"
    r = RUNNER.invoke(
        app,
        [
            "followup",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--month",
            "2021-03",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert [row["lg_code"] for row in read(out / "followup.csv")] == ["012033", "013030"]


def test_R6_2_replay_writes_a_row_per_month_and_a_chart(tmp_path: Path) -> None:
    plan, actuals, out = (
        write_plan(tmp_path / "p.csv"),
        write_actuals(tmp_path / "a.csv"),
        tmp_path / "o",
    )
    r = RUNNER.invoke(
        app,
        [
            "replay",
            "--plan",
            str(plan),
            "--actuals",
            str(actuals),
            "--from",
            "2021-02",
            "--to",
            "2021-03",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = read(out / "replay.csv")
    assert [row["month"] for row in rows] == ["2021-02", "2021-03"]
    assert list(rows[0]) == [
        "month",
        "planned_issuance",
        "actual_issuance",
        "behind",
        "backlog",
        "focus",
    ]
    assert rows[1]["actual_issuance"] == str(1000 + 400 + 1500)
    assert rows[1]["backlog"] == "1"
    assert (out / "replay_cumulative.png").read_bytes().startswith(b"\x89PNG")
