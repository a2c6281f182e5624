"""Issue 15 §8: the workbooks as LibreOffice renders, recomputes and saves them (R7.1).

LibreOffice headless (Debian's libreoffice-calc-nogui, installed by .ci/services.sh) prints a
municipality's workbook and the prefecture's workbook to PDF, recomputes the template's
formulas, and saves the workbook as .xls and .ods, which the reader must read as the .xlsx.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from kofuplan.adapters.excel.reader import ReadSettings, account_for, read_plan_workbook
from kofuplan.adapters.sample_stats import write_sample_stats
from tests.cli_runner import run_cli
from tests.excel_support import edit
from tests.renewal_sample import write_renewal_sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Skipped only off CI, on a machine without LibreOffice; in CI a missing LibreOffice fails.
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (.ci/services.sh installs it)",
)
AS_OF = dt.date(2020, 10, 1)
ERRORS = re.compile(r"#(DIV/0!|VALUE!|REF!|NAME\?|N/A|NUM!|NULL!)|Err:\d{3}|###")


def convert(files: list[Path], to: str, out: Path, profile: Path) -> None:
    """One LibreOffice run converting ``files``; its own profile, so that parallel runs and
    the user's own LibreOffice do not collide."""
    out.mkdir(parents=True, exist_ok=True)
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
         "--convert-to", to, "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("render")
    profile = root / "lo-profile"
    stats = write_sample_stats(root / "stats.csv", AS_OF)
    plan_dir = root / "plan"
    assert (
        run_cli(
            "plan", "--stats", str(stats), "--as-of", "2020-10-01", "--out", str(plan_dir)
        ).exit_code
        == 0
    )
    templates = root / "templates"
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01",
        "--pref", "13", "--out-dir", str(templates),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted(templates.glob("*.xlsx"))
    book = files[0]
    # A clerk's slips: a formula that fails in an input cell, two input cells merged.
    (root / "broken").mkdir()
    broken = edit(book, {("monthly", "C8"): "=1/0"}, out=root / "broken" / book.name)
    wb = openpyxl.load_workbook(broken)
    wb["月別計画"].merge_cells("D9:E9")
    wb.save(broken)
    read_dir = root / "read"
    assert run_cli("excel", "read", str(templates), "--out", str(read_dir)).exit_code == 0
    pref_book = root / "13_submission.xlsx"
    result = run_cli(
        "excel", "prefecture", "--pref", "13", "--plans", str(read_dir), "--out", str(pref_book),
        "--stats", str(stats),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    submission = root / "13_submit.xlsx"
    result = run_cli(
        "submit", "--pref", "13", "--plans", str(read_dir), "--stats", str(stats),
        "--out", str(submission),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    renewals = root / "renewals"  # issue 17: the renewal plan's workbook
    result = run_cli(
        "excel", "template", "--kind", "renewal", "--stats",
        str(write_renewal_sample(root / "renewal_stats")), "--as-of", "2025-04-01",
        "--pref", "13", "--out-dir", str(renewals),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (renewal_book,) = sorted(renewals.glob("*.xlsx"))
    pdf, csv_dir, saved = root / "pdf", root / "csv", root / "saved"
    convert([book, pref_book, submission, renewal_book], "pdf", pdf, profile)
    convert(
        [book],
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        csv_dir,
        profile,
    )
    convert([book], "xls", saved, profile)
    convert([book], "ods", saved, profile)
    convert([broken], "xlsx", root / "recalculated", profile)  # cached values, as Excel saves
    return {
        "book": book,
        "pref_book": pref_book,
        "submission": submission,
        "renewal_book": renewal_book,
        "pdf": pdf,
        "csv": csv_dir,
        "saved": saved,
        "recalculated": root / "recalculated" / book.name,
        "plan": plan_dir / "plan_monthly.csv",
        "files": files,
    }


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_R7_1_municipality_workbook_prints_monthly_sheet_on_at_most_two_pages(
    rendered: dict[str, Any],
) -> None:
    pages = _pages(rendered["pdf"] / (rendered["book"].stem + ".pdf"))
    monthly = [p for p in pages if re.search(r"月別計画\s*\d+ / \d+ ページ", p)]
    assert 1 <= len(monthly) <= 2, len(monthly)
    assert len(pages) <= 10, len(pages)
    reader = PdfReader(rendered["pdf"] / (rendered["book"].stem + ".pdf"))
    for page in reader.pages:  # A4 landscape
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2
    text = "\n".join(pages)
    assert not ERRORS.search(text), ERRORS.search(text)
    for label in (
        "都道府県名",
        "担当課",
        "作成日",
        "令和5年3月",
        "判定（R6.1-1）",
        "記入例",
        "備考",
    ):
        assert label in text
    # every page of the monthly table repeats its header row
    assert all("交付枚数（枚）" in p for p in monthly)


def test_I17_3_renewal_workbook_prints_within_the_municipality_workbooks_bounds(
    rendered: dict[str, Any],
) -> None:
    """The renewal plan's workbook (72 months, 令和7年4月〜令和13年3月) prints as the issuance
    one does: its monthly sheet on at most 2 A4 landscape pages, at most 10 pages in all."""
    path = rendered["pdf"] / (rendered["renewal_book"].stem + ".pdf")
    pages = _pages(path)
    monthly = [p for p in pages if re.search(r"月別計画\s*\d+ / \d+ ページ", p)]
    assert 1 <= len(monthly) <= 2, len(monthly)
    assert len(pages) <= 10, len(pages)
    for page in PdfReader(path).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2
    text = "\n".join(pages)
    assert not ERRORS.search(text), ERRORS.search(text)
    assert "更新計画" in text and "2031-03" in text
    assert all("更新件数（件）" in p for p in monthly)
    assert _cut_cells(rendered["renewal_book"]) == []


def test_R7_1_prefecture_workbook_prints_every_sheet_one_page_wide(
    rendered: dict[str, Any],
) -> None:
    pages = _pages(rendered["pdf"] / (rendered["pref_book"].stem + ".pdf"))
    text = "\n".join(pages)
    assert not ERRORS.search(text), ERRORS.search(text)
    assert len(pages) <= 12, len(pages)
    assert "サンプル都" in text and "都道府県コード" not in text
    for p in pages:
        assert re.search(r"\d+ / \d+ ページ", p)


# The submission's 計画 sheet has a row per municipality and month (62 × 30 rows for 東京都):
# printed one page wide, a page must hold at least this many rows (it printed as 173 pages
# of 11 rows, several pages across, before issue 15; 81 rows a page for 東京都 since).
SUBMISSION_ROWS_PER_PAGE = 50


def test_R7_1_issue15_submit_workbook_prints_one_page_wide_with_its_header_on_every_page(
    rendered: dict[str, Any],
) -> None:
    path = rendered["pdf"] / (rendered["submission"].stem + ".pdf")
    reader = PdfReader(path)
    pages = _pages(path)
    text = "\n".join(pages)
    assert not ERRORS.search(text), ERRORS.search(text)
    for page in reader.pages:  # A4 landscape
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2
    wb = openpyxl.load_workbook(rendered["submission"])
    for title in ("計画", "提出状況", "指摘事項"):
        ws = wb[title]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$1" and ws.print_area
        sheet = [p for p in pages if re.search(rf"{title}\s*\d+ / \d+ ページ", p)]
        rows = ws.max_row - 1
        assert sheet, title
        assert len(sheet) <= max(1, -(-rows // SUBMISSION_ROWS_PER_PAGE)), (title, len(sheet))
        assert all(str(ws["A1"].value) in p for p in sheet), title  # the title row repeats
        last = str(ws.cell(1, ws.max_column).value)
        assert all(last in p for p in sheet), title  # one page wide: the last column too


def _width(text: str) -> float:
    """Width of a text in Excel's column units: a full-width character counts two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _cut_cells(path: Path) -> list[str]:
    """Text cells in the print area whose text is wider than the cell and cannot run into the
    empty cells to their right: what a printout would cut."""
    wb = openpyxl.load_workbook(path)
    cut = []
    for ws in wb.worksheets:
        merged = {c for r in ws.merged_cells.ranges for row in r.cells for c in [row]}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                value = cell.value
                if (
                    not isinstance(value, str)
                    or value.startswith("=")
                    or (cell.row, cell.column) in merged
                ):
                    continue
                if cell.alignment.wrap_text or cell.alignment.shrink_to_fit:
                    continue
                room = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
                col = cell.column + 1
                while _width(value) > room and ws.cell(cell.row, col).value in (None, ""):
                    room += ws.column_dimensions[get_column_letter(col)].width or 8.43
                    col += 1
                    if col > ws.max_column + 5:
                        break
                if _width(value) > room:
                    cut.append(f"{ws.title}!{cell.coordinate}: {value}")
    return cut


def test_R7_1_nothing_is_cut_in_the_municipality_or_the_prefecture_workbook(
    rendered: dict[str, Any],
) -> None:
    assert _cut_cells(rendered["book"]) == []
    assert _cut_cells(rendered["pref_book"]) == []


def test_R6_1_formulas_recompute_in_libreoffice_to_the_engines_values(
    rendered: dict[str, Any],
) -> None:
    code = rendered["book"].name[:6]
    with rendered["plan"].open(encoding="utf-8-sig", newline="") as fh:
        engine = [r for r in csv.DictReader(fh) if r["lg_code"] == code]
    with (rendered["csv"] / f"{rendered['book'].stem}-月別計画.csv").open(
        encoding="utf-8-sig"
    ) as fh:
        rows = list(csv.reader(fh))
    header = rows[5]
    data = {r[1]: dict(zip(header, r, strict=False)) for r in rows[6:36]}
    assert len(engine) == 30 and len(data) == 30
    for want in engine:
        got = data[want["month"]]
        assert int(float(got["交付能力（枚）"])) == int(want["capacity"]), want["month"]
        assert int(float(got["累計交付枚数（枚）"])) == int(want["cumulative_issued"])
        assert (
            abs(float(got["交付率"].rstrip("%")) / 100 - float(want["coverage_pct"]) / 100) < 1e-3
        )
        assert {got["判定:交付能力"], got["判定:庁舎内窓口"], got["判定:土日交付"]} == {"○"}


def test_R7_1_xls_and_ods_saved_by_libreoffice_read_as_the_xlsx(rendered: dict[str, Any]) -> None:
    settings = ReadSettings.at(AS_OF)
    original = read_plan_workbook(rendered["book"], settings)
    stem = rendered["book"].stem
    for suffix in (".xls", ".ods"):
        assert read_plan_workbook(rendered["saved"] / (stem + suffix), settings) == original


def test_R7_1_error_and_merged_cells_saved_by_libreoffice_are_named(
    rendered: dict[str, Any],
) -> None:
    (outcome,) = account_for([rendered["recalculated"]], ReadSettings.at(AS_OF))
    assert outcome.error is not None
    lines = outcome.error.lines("ja")
    assert any("セルC8: 交付枚数: 計算エラー #DIV/0! が表示されています" in line for line in lines)
    assert any("セルE9" in line and "結合されたセルです" in line for line in lines)
    assert not any("空欄" in line for line in lines)
