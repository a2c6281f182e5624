"""Issue 5 on the real statistics (R7.1, R6.1): Tokyo's 62 templates from the engine's plan at
2020-10-01, read back, give exactly the engine's plan_monthly.csv rows and the findings
`kofuplan check` gives on the engine's plan (no error)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from tests.cli_runner import run_cli


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:  # excel read writes a BOM
        return list(csv.DictReader(fh))


def test_R7_1_tokyo_templates_round_trip_to_the_engines_plan(
    long_stats: Path, tmp_path: Path
) -> None:
    common = ("--stats", str(long_stats), "--as-of", "2020-10-01")
    assert run_cli("plan", *common, "--out", str(tmp_path / "plan")).exit_code == 0
    result = run_cli("excel", "template", *common, "--pref", "13", "--out-dir", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "t").glob("13*.xlsx"))) == 62
    result = run_cli("excel", "read", str(tmp_path / "t"), "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    engine = [r for r in _rows(tmp_path / "plan" / "plan_monthly.csv") if r["pref_code"] == "13"]
    read = _rows(tmp_path / "r" / "plan_monthly.csv")
    # The expected demand (applications_*, deliveries_expected) excel read adds for `risk` is
    # forecast from the workbooks read (one prefecture), the engine's from the whole nation
    # (the forecast couples municipalities): the plan's own columns must agree exactly.
    own = [c for c in read[0] if not c.startswith("applications_") and c != "deliveries_expected"]
    assert [{c: r[c] for c in own} for r in engine] == [{c: r[c] for c in own} for r in read]
    checked = tmp_path / "plan" / "findings.csv"
    assert run_cli("check", "--plan", str(tmp_path / "plan" / "plan_monthly.csv"), *common,
                   "--out", str(checked)).exit_code == 0  # fmt: skip
    expected = [f for f in _rows(checked) if f["lg_code"].startswith("13")]
    assert _rows(tmp_path / "r" / "findings.csv") == expected
    assert all(f["severity"] != "error" for f in expected)
    result = run_cli("excel", "prefecture", "--pref", "13", "--plans", str(tmp_path / "r"),
                     "--out", str(tmp_path / "13.xlsx"), *common)  # fmt: skip
    assert result.exit_code == 0, result.output
    # Issue 15 §4: every municipality of 東京都 listed, all submitted, names as the statistics
    status = openpyxl.load_workbook(tmp_path / "13.xlsx")["提出状況"]
    assert status["A1"].value == "マイナンバーカード交付円滑化計画 提出状況 東京都"
    rows = list(status.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 62 and {r[2] for r in rows} == {"提出済"} and not any(r[3] for r in rows)
