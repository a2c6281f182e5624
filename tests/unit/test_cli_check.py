"""`kofuplan check` and `kofuplan submit` (issue 3 items 1, 4, 5): exit codes, outputs,
errors that name the file, formula-safe cells."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kofuplan.adapters.safe_text import safe_cell
from tests.cli_runner import run_cli


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's sample statistics (3 made-up prefectures) and the engine's plan of them."""
    out = tmp_path_factory.mktemp("demo")
    assert run_cli("demo", "--out", str(out)).exit_code == 0
    return out


def _check(sample: Path, plan: Path, out: Path) -> tuple[int, str, list[dict[str, str]]]:
    result = run_cli(
        "check",
        "--plan",
        str(plan),
        "--stats",
        str(sample / "sample_stats.csv"),
        "--as-of",
        "2020-10-01",
        "--out",
        str(out),
    )
    rows: list[dict[str, str]] = []
    if out.is_file():
        with out.open(encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    return result.exit_code, result.output, rows


def _plan_lines(sample: Path) -> list[str]:
    return (sample / "plan_monthly.csv").read_text(encoding="utf-8-sig").splitlines()


def test_R6_1_check_of_engine_plan_has_no_errors_and_writes_summary(
    sample: Path, tmp_path: Path
) -> None:
    code, output, rows = _check(sample, sample / "plan_monthly.csv", tmp_path / "f.csv")
    assert code == 0, output
    assert [r for r in rows if r["severity"] == "error"] == []
    assert "エラー 0 件" in output
    summary = json.loads((tmp_path / "f.summary.json").read_text(encoding="utf-8"))
    assert summary["municipalities_checked"] == 36
    assert set(summary["prefectures"]) == {"13", "27", "47"}
    assert all(p["without_errors"] == 12 for p in summary["prefectures"].values())
    nat = summary["national"]
    assert nat["monthly_aim"] == 3_300_000  # R8.4
    assert len(nat["monthly_issuance"]) == 30


def test_R1_2_form_problems_are_findings_and_exit_zero(sample: Path, tmp_path: Path) -> None:
    lines = _plan_lines(sample)
    header = lines[0].split(",")
    row = lines[5].split(",")
    row[header.index("issuance")] = "-3"
    bad = tmp_path / "plan.csv"
    bad.write_text("\n".join([lines[0], *lines[1:5], ",".join(row), *lines[7:]]) + "\n", "utf-8")
    code, output, rows = _check(sample, bad, tmp_path / "f.csv")
    assert code == 0, output
    form = [(r["lg_code"], r["month"], r["value"]) for r in rows if r["code"] == "R1.2"]
    lg, month = row[0], row[1]
    skipped = lines[6].split(",")[1]
    assert sorted(form) == sorted([(lg, month, "-3"), (lg, skipped, "0")])


def test_missing_required_column_exits_nonzero_naming_file_and_column(
    sample: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "plan.csv"
    bad.write_text("lg_code,month,issuance\n131016,2020-10,5\n", encoding="utf-8")
    code, output, _ = _check(sample, bad, tmp_path / "f.csv")
    assert code != 0
    assert "plan.csv:1" in output and "dedicated_counters" in output
    assert not (tmp_path / "f.csv").exists()


def test_a_file_that_is_not_csv_exits_nonzero(sample: Path, tmp_path: Path) -> None:
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(b"PK\x03\x04\xff\xfe\x00\x00binary")
    code, output, _ = _check(sample, bad, tmp_path / "f.csv")
    assert code != 0
    assert "plan.xlsx" in output


def test_safe_cell_makes_formulas_text() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("131016") == "131016"
    assert safe_cell(-5) == -5


def _submit(sample: Path, plans: Path, out: Path, on: str = "2020-11-20") -> tuple[int, str]:
    result = run_cli(
        "submit",
        "--pref",
        "13",
        "--plans",
        str(plans),
        "--stats",
        str(sample / "sample_stats.csv"),
        "--out",
        str(out),
        "--on",
        on,
    )
    return result.exit_code, result.output


def _plan_without_first(sample: Path, tmp_path: Path, evil: bool = False) -> tuple[Path, str]:
    """Prefecture 13's plan with its first municipality left out (and an evil code row)."""
    lines = _plan_lines(sample)
    first = next(line.split(",")[0] for line in lines[1:] if line.startswith("13"))
    kept = [line for line in lines[1:] if not line.startswith(first)]
    if evil:
        kept.append("=1+1" + lines[1][len(first) :])
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan_monthly.csv").write_text("\n".join([lines[0], *kept]) + "\n", "utf-8")
    (plans / "notes.csv").write_text("a,b\n1,2\n", "utf-8")  # not a plan: skipped
    return plans, first


def test_R7_1_submit_csv_reports_missing_after_deadline(sample: Path, tmp_path: Path) -> None:
    plans, first = _plan_without_first(sample, tmp_path)
    code, output = _submit(sample, plans, tmp_path / "sub.csv")
    assert code == 0, output
    assert first in output and "期限を過ぎています" in output and "令和2年11月10日" in output
    with (tmp_path / "sub.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {r["pref_code"] for r in rows} == {"13"}
    missing = [r for r in rows if r["status"] != "提出済"]
    assert [(r["lg_code"], r["status"], r["month"]) for r in missing] == [
        (first, "未提出（期限超過）", "")
    ]
    submitted = [r for r in rows if r["status"] == "提出済"]
    assert len(submitted) == 11 * 30
    assert all(r["R6.1-2"] == "ok" and r["R6.1-4"] == "ok" for r in submitted)


def test_R7_1_submit_xlsx_before_deadline_with_formula_safe_cells(
    sample: Path, tmp_path: Path
) -> None:
    plans, first = _plan_without_first(sample, tmp_path, evil=True)
    code, output = _submit(sample, plans, tmp_path / "sub.xlsx", on="2020-11-05")
    assert code == 0, output
    assert "期限前" in output
    wb = load_workbook(tmp_path / "sub.xlsx")
    assert wb.sheetnames == ["計画", "提出状況", "指摘事項"]
    status = {r[1]: r[3] for r in wb["提出状況"].iter_rows(min_row=2, values_only=True)}
    assert status[first] == "未提出" and len(status) == 12
    cells = [c for row in wb["指摘事項"].iter_rows(min_row=2) for c in row[:1]]
    evil = [c for c in cells if "1+1" in str(c.value)]
    assert evil and all(c.value == "'=1+1" and c.data_type == "s" for c in evil)


def test_submit_refuses_an_unknown_extension(sample: Path, tmp_path: Path) -> None:
    code, output = _submit(sample, sample / "plan_monthly.csv", tmp_path / "sub.txt")
    assert code != 0 and ".xlsx" in output
