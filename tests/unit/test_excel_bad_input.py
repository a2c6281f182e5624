"""Issue 5 §2 (R7.1): bad workbooks are rejected whole, with errors naming file, sheet and cell."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kofuplan.adapters.excel import ReadSettings, WorkbookError, read_plan_workbook
from kofuplan.adapters.excel.errors import Lang
from kofuplan.adapters.excel.layout import sheet_title
from kofuplan.adapters.excel.reader import account_for
from tests.excel_support import (
    SETTINGS,
    as_read,
    edit,
    encrypted_office_file,
    write_sample,
    zip_with,
)


def problems(path: Path, settings: ReadSettings = SETTINGS, lang: Lang = "en") -> list[str]:
    """The problems as the log gives them (``--lang en``); ``lang="ja"`` as the clerk reads them."""
    with pytest.raises(WorkbookError) as caught:
        read_plan_workbook(path, settings)
    return list(caught.value.lines(lang))


def test_R7_1_wrong_type_names_file_sheet_cell_and_value(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("monthly", "C17"): "1,2O0"})
    assert problems(path) == [
        '131016.xlsx: 月別計画!C17: 交付枚数 must be a whole number ≥ 0, got "1,2O0"'
    ]


def test_R7_1_negative_number_is_rejected(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("monthly", "H8"): -3})
    assert problems(path) == ["131016.xlsx: 月別計画!H8: 職員数 must be a whole number ≥ 0, got -3"]


@pytest.mark.parametrize(
    ("value", "shown"), [(2.5, "2.5"), (None, "an empty cell"), (True, "TRUE"), ("三", '"三"')]
)
def test_R7_1_fractions_blanks_booleans_and_words_are_wrong_types(
    tmp_path: Path, value: object, shown: str
) -> None:
    path = edit(write_sample(tmp_path), {("monthly", "D7"): value})
    assert problems(path) == [
        f"131016.xlsx: 月別計画!D7: 専用窓口数 must be a whole number ≥ 0, got {shown}"
    ]


def test_R7_1_profile_value_of_wrong_type_names_its_cell(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("profile", "B6"): "約6万"})
    assert problems(path) == [
        '131016.xlsx: 基本情報!B6: 住基人口 must be a whole number ≥ 0, got "約6万"'
    ]


def test_R7_1_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("monthly", "C7"): -1, ("budget", "C5"): "x"})
    assert problems(path) == [
        "131016.xlsx: 月別計画!C7: 交付枚数 must be a whole number ≥ 0, got -1",
        '131016.xlsx: 経費!C5: 金額 must be a whole number ≥ 0, got "x"',
    ]


@pytest.mark.parametrize("table", ["monthly", "profile", "budget"])
def test_R7_1_missing_table_is_named(tmp_path: Path, table: str) -> None:
    path = write_sample(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb[sheet_title(table)].tables[table]
    wb.save(path)
    (line,) = problems(path)
    assert line.startswith(f'131016.xlsx: table "{table}" is missing')


def test_R7_1_renamed_table_is_a_missing_table(tmp_path: Path) -> None:
    path = write_sample(tmp_path)
    wb = openpyxl.load_workbook(path)
    table = wb["月別計画"].tables["monthly"]
    del wb["月別計画"].tables["monthly"]
    table.displayName = table.name = "monthly2"
    wb["月別計画"].add_table(table)
    wb.save(path)
    assert problems(path)[0].startswith('131016.xlsx: table "monthly" is missing (found: ')


def test_R7_1_renamed_header_cell_is_named(tmp_path: Path) -> None:
    path = write_sample(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["月別計画"]["D6"] = "専用窓口"
    wb["月別計画"].tables["monthly"].tableColumns[2].name = "専用窓口"
    wb.save(path)
    assert problems(path) == [
        '131016.xlsx: 月別計画!D6: header "専用窓口" should be "専用窓口数" '
        "(table monthly is read by its headers)"
    ]


def test_R7_1_renamed_header_as_excel_saves_it_is_named(tmp_path: Path) -> None:
    """Excel renames the table column together with the cell: the column name counts."""
    path = write_sample(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["経費"]["C3"] = "見込額"
    wb["経費"].tables["budget"].tableColumns[2].name = "見込額"
    wb.save(path)
    assert problems(path) == [
        '131016.xlsx: 経費!C3: header "見込額" should be "金額" '
        "(table budget is read by its headers)"
    ]


def test_R7_1_profile_item_renamed_is_missing(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("profile", "A10"): "最大窓口数"})
    assert problems(path) == [
        '131016.xlsx: 基本情報!A3:B16: table profile: 項目 "庁舎内最大窓口数" is missing'
    ]


def test_R7_1_lg_code_not_matching_the_file_name_is_a_warning(tmp_path: Path) -> None:
    """The municipality comes from the workbook; a file name that disagrees is a warning."""
    path = write_sample(tmp_path, name="131024.xlsx")  # 中央区's file name, 千代田区's plan
    (outcome,) = account_for([path], SETTINGS)
    assert outcome.plan is not None and outcome.plan.profile.lg_code == "131016"
    assert outcome.error is None
    assert [w[1] for w in outcome.warnings] == [
        "the file name says 団体コード 131024 but the workbook is 131016; read as 131016"
    ]
    assert "ブックの団体コード 131016 として読み込みました" in outcome.warnings[0][0]


def test_R7_1_lg_code_with_a_bad_check_digit_is_rejected(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("profile", "B4"): "131017"}, out=tmp_path / "131017.xlsx")
    (line,) = problems(path)
    assert line.startswith("131017.xlsx: 基本情報!B4: 団体コード: ")
    assert "検査数字" in line


def test_R7_1_lg_code_typed_as_a_number_keeps_its_leading_zero(tmp_path: Path) -> None:
    from tests.excel_support import sample_plan

    plan = sample_plan(code="011002", name="札幌市")
    path = edit(write_sample(tmp_path, plan), {("profile", "B4"): 11002})
    assert read_plan_workbook(path, SETTINGS) == as_read(plan)


def test_R7_1_file_name_without_lg_code_is_read(tmp_path: Path) -> None:
    """千代田区の計画.xlsx: the workbook carries its code, so the file name may be anything."""
    path = write_sample(tmp_path, name="千代田区の計画.xlsx")
    (outcome,) = account_for([path], SETTINGS)
    assert outcome.plan is not None and outcome.plan.profile.lg_code == "131016"
    assert outcome.warnings == () and outcome.error is None


def test_R7_1_offsite_counters_beyond_dedicated_are_rejected(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("monthly", "F7"): 9})
    assert problems(path) == [
        "131016.xlsx: 月別計画!F7: 臨時窓口数 (9) must not exceed 専用窓口数 (2): "
        "off-site counters are counted among the dedicated ones"
    ]


def test_R7_1_unknown_and_duplicate_months_are_named(tmp_path: Path) -> None:
    path = edit(
        write_sample(tmp_path), {("monthly", "B8"): "2020-10", ("monthly", "B9"): "2019-12"}
    )
    assert problems(path) == [
        "131016.xlsx: 月別計画!B8: 月 2020-10 appears twice (also on row 7)",
        "131016.xlsx: 月別計画!B9: 月 must be a month from 2020-10 to 2023-03 (YYYY-MM), "
        'got "2019-12"',
        "131016.xlsx: 月別計画!B6:J36: table monthly: 月 missing: 2020-11, 2020-12",
    ]


def test_R7_1_budget_row_half_filled_is_rejected(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("budget", "A7"): "令和3年度"})
    assert problems(path) == [
        "131016.xlsx: 経費!B7: 項目 must not be empty",
        "131016.xlsx: 経費!C7: 金額 must be a whole number ≥ 0, got an empty cell",
    ]


def test_R7_1_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "131016.xlsx"
    path.write_text("lg_code,month\n131016,2020-10\n", encoding="utf-8")
    assert problems(path) == [
        "131016.xlsx: not an Excel workbook (.xlsx, .xls) or an OpenDocument spreadsheet (.ods)"
    ]
    assert problems(path, lang="ja") == [
        "131016.xlsx: Excelのブック（.xlsx・.xls）またはODS形式のファイルではありません"
    ]


def test_R7_1_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = zip_with(tmp_path / "131016.xlsx", {"readme.txt": b"hello"})
    assert problems(path) == [
        "131016.xlsx: not an Excel workbook (.xlsx): the zip has no [Content_Types].xml, "
        "xl/workbook.xml"
    ]


def test_R7_1_password_protected_workbook(tmp_path: Path) -> None:
    path = encrypted_office_file(tmp_path / "131016.xlsx")
    (line,) = problems(path)
    assert line.startswith("131016.xlsx: the workbook is password-protected")


def test_R7_1_an_ole_file_that_is_no_workbook_is_damaged(tmp_path: Path) -> None:
    """An unencrypted OLE2 file goes to calamine as an .xls (real .xls files are read: see
    test_excel_render); one that holds no workbook is rejected as damaged, not crashed on."""
    data = encrypted_office_file(tmp_path / "x").read_bytes()
    path = tmp_path / "131016.xlsx"
    path.write_bytes(
        data.replace(
            "EncryptedPackage".encode("utf-16-le"), "Workbook\0\0\0\0\0\0\0\0".encode("utf-16-le")
        )
    )
    (line,) = problems(path)
    assert line.startswith("131016.xlsx: a damaged workbook that cannot be read (")


def test_R7_1_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_sample(tmp_path)
    small = dataclasses.replace(SETTINGS.limits, max_file_bytes=1000)
    (line,) = problems(path, dataclasses.replace(SETTINGS, limits=small))
    assert line.startswith("131016.xlsx: the file is too large (")


def test_R7_1_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = write_sample(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 20_000_000)
    (line,) = problems(path)
    assert line.startswith("131016.xlsx: xl/media/padding.bin expands ")
    assert "zip bomb" in line


def test_R7_1_total_expanded_size_is_limited(tmp_path: Path) -> None:
    path = write_sample(tmp_path)
    small = dataclasses.replace(SETTINGS.limits, max_uncompressed_bytes=10_000)
    (line,) = problems(path, dataclasses.replace(SETTINGS, limits=small))
    assert line.startswith("131016.xlsx: the workbook expands to ")


def test_R7_1_truncated_workbook_is_malformed(tmp_path: Path) -> None:
    path = write_sample(tmp_path)
    path.write_bytes(path.read_bytes()[:3000])
    (line,) = problems(path)
    assert line.startswith("131016.xlsx: a damaged workbook")


def test_R7_1_broken_xml_inside_is_malformed(tmp_path: Path) -> None:
    good = write_sample(tmp_path)
    path = tmp_path / "131024.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    (line,) = problems(path)
    assert line.startswith("131024.xlsx: a damaged workbook")


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), ("速い", '"速い"'), (-2.5, "-2.5")])
def test_R2_2_per_counter_average_must_be_a_positive_number(
    tmp_path: Path, value: object, shown: str
) -> None:
    path = edit(write_sample(tmp_path), {("profile", "B8"): value})
    assert problems(path) == [
        f"131016.xlsx: 基本情報!B8: 専用窓口1日平均交付枚数 must be a number > 0, got {shown}"
    ]


def test_R2_2_per_counter_average_may_have_decimals(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), {("profile", "B9"): 12.25})
    assert read_plan_workbook(path, SETTINGS).profile.combined_daily_per_counter == 12.25
