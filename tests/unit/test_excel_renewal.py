"""Issue 17 §3 ("the Excel template has a renewal variant"): `excel template --kind renewal`
writes the renewal plan's workbook, worded for renewals (更新 where the issuance workbook says
交付), and `excel read` reads it back to the renewal plan table: the engine's renewal plan
(`plan --kind renewal`) month for month, checked with the checks that apply to renewals."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from kofuplan.adapters.excel.layout import RENEWAL, RENEWAL_WORDING
from kofuplan.adapters.excel.reader import ReadSettings, read_plan_workbook
from kofuplan.domain.renewal_plan import applies_to_renewal
from tests.cli_runner import run_cli
from tests.renewal_sample import write_renewal_sample

AS_OF = "2025-04-01"
# The plan's own columns, and what follows from them with the workbook's rates.
SAME = (
    "issuance",
    "dedicated_counters",
    "combined_counters",
    "offsite_counters",
    "weekend_days",
    "staff",
    "terminals",
    "open_days",
    "capacity",
)


@pytest.fixture(scope="module")
def renewal(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("renewal")
    stats = write_renewal_sample(root / "stats")
    books = root / "books"
    result = run_cli(
        "excel", "template", "--kind", "renewal", "--stats", str(stats), "--as-of", AS_OF,
        "--pref", "all", "--out-dir", str(books),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = root / "plan"
    result = run_cli(
        "plan", "--kind", "renewal", "--stats", str(stats), "--as-of", AS_OF, "--out", str(plan)
    )
    assert result.exit_code == 0, result.output
    read = root / "read"
    result = run_cli("excel", "read", str(books), "--out", str(read), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return {"stats": stats, "books": books, "plan": plan, "read": read, "root": root}


def _rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {(r["lg_code"], r["month"]): r for r in csv.DictReader(fh)}


def test_I17_3_renewal_workbook_is_worded_for_renewals(renewal: dict[str, Path]) -> None:
    book = sorted(renewal["books"].glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(book)
    ws = wb["月別計画"]
    assert ws["A1"].value == RENEWAL_WORDING["マイナンバーカード交付円滑化計画（月別）"]
    headers = [c.value for c in ws[6] if c.value]
    assert "更新件数（件）" in headers and "土日開庁日数（日）" in headers
    assert "処理能力（件）" in headers and "判定:処理能力" in headers
    assert not any("交付" in str(h) for h in headers), headers
    columns = [c.name for c in ws.tables["monthly"].tableColumns]
    assert columns[1] == "更新件数（件）"  # the table's own column names follow the cells
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "判定（R6.1-1）" not in text  # the issuance target does not apply to renewals
    months = [r[1].value for r in ws.iter_rows(min_row=7, max_row=200) if r[1].value]
    assert months[0] == "2025-04" and months[-1] == "2031-03" and len(months) == 72
    # 基本情報 keeps its item names: the reader finds them by label
    assert "累計交付枚数" in [c.value for c in wb["基本情報"]["A"]]


def test_I17_3_renewal_workbook_reads_back_as_a_renewal_plan(renewal: dict[str, Path]) -> None:
    settings = ReadSettings.at(dt.date.fromisoformat(AS_OF), renewal=True)
    for book in sorted(renewal["books"].glob("*.xlsx")):
        plan = read_plan_workbook(book, settings)
        assert plan.kind == RENEWAL
        assert plan.months == settings.renewal_months
    engine = _rows(renewal["plan"] / "plan_monthly.csv")
    read = _rows(renewal["read"] / "plan_monthly.csv")
    assert set(read) == set(engine) and len(read) == 3 * 72
    for key, want in engine.items():
        got = read[key]
        assert {c: got[c] for c in SAME} == {c: want[c] for c in SAME}, key


def test_I17_3_renewal_workbooks_are_checked_with_the_renewal_checks(
    renewal: dict[str, Path],
) -> None:
    with (renewal["read"] / "findings.csv").open(encoding="utf-8-sig", newline="") as fh:
        codes = {r["code"] for r in csv.DictReader(fh)}
    assert all(applies_to_renewal(c) for c in codes), codes
    assert "R6.1-1" not in codes  # the issuance target


def test_I17_3_a_renewal_workbook_filled_by_the_clerk_is_read_as_filled(
    renewal: dict[str, Path], tmp_path: Path
) -> None:
    book = sorted(renewal["books"].glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(book)
    wb["月別計画"]["C7"] = "１，２３４"  # 更新件数 of 令和7年4月, as a clerk types it
    target = tmp_path / book.name
    wb.save(target)
    plan = read_plan_workbook(target, ReadSettings.at(dt.date.fromisoformat(AS_OF), renewal=True))
    assert plan.kind == RENEWAL and plan.counts["issuance"][0] == 1234


def test_I17_3_issuance_and_renewal_workbooks_are_not_read_together(
    renewal: dict[str, Path], tmp_path: Path
) -> None:
    stats = tmp_path / "stats.csv"
    from kofuplan.adapters.sample_stats import write_sample_stats

    write_sample_stats(stats, dt.date(2020, 10, 1))
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    code = sorted(renewal["books"].glob("*.xlsx"))[0]
    (mixed / code.name).write_bytes(code.read_bytes())
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01", "--pref", "13",
        "--out-dir", str(mixed),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = run_cli("excel", "read", str(mixed), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "交付計画と更新計画のブックが混在しています" in result.output
    assert not (tmp_path / "out").exists()


def test_I17_3_renewal_template_refuses_a_schedule_method(renewal: dict[str, Path]) -> None:
    result = run_cli(
        "excel", "template", "--kind", "renewal", "--stats", str(renewal["stats"]),
        "--as-of", AS_OF, "--pref", "13", "--out-dir", str(renewal["root"] / "x"),
        "--method", "level",
    )  # fmt: skip
    assert result.exit_code == 2 and "--method は交付計画" in result.output
    result = run_cli(
        "excel", "template", "--kind", "renewals", "--stats", str(renewal["stats"]),
        "--as-of", AS_OF, "--pref", "13", "--out-dir", str(renewal["root"] / "x"),
    )  # fmt: skip
    assert result.exit_code == 2 and "--kind は issuance か renewal" in result.output


def test_I17_3_where_only_issuance_plans_are_taken_a_renewal_workbook_is_refused(
    renewal: dict[str, Path],
) -> None:
    """The service's plan page reads with the issuance settings: refused, said in Japanese."""
    from kofuplan.adapters.excel import WorkbookError

    book = sorted(renewal["books"].glob("*.xlsx"))[0]
    with pytest.raises(WorkbookError) as caught:
        read_plan_workbook(book, ReadSettings.at(dt.date.fromisoformat(AS_OF)))
    assert list(caught.value.lines("ja")) == [
        f"{book.name}: 更新計画のブックです。ここでは交付計画のブックだけを読み込めます"
        "（更新計画は kofuplan excel read で読み込んでください）"
    ]
