"""Issue 15 §3: the header block's 担当課, 担当者, 電話, メール and 作成日 are read back from the
workbook, checked (the shape of an e-mail address, the digits of a telephone number, a date),
named by sheet and cell in Japanese when wrong, and carried to municipalities.csv and the
prefecture's 提出状況 sheet."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.adapters.excel import WorkbookError, read_plan_workbook
from kofuplan.domain import clerk_input
from kofuplan.domain.workbook import Contacts
from tests.cli_runner import run_cli, sample_stats
from tests.excel_support import MADE_ON, SETTINGS, edit, write_sample

FILLED = {
    ("monthly", "B3"): "市民課 窓口係",
    ("monthly", "D3"): "記入 太郎",
    ("monthly", "F3"): "０３－１２３４－５６７８",  # full-width, as an IME types it
    ("monthly", "H3"): "madoguchi@city.example.lg.jp",
}


def test_issue15_contacts_typed_in_the_header_block_are_read_back(tmp_path: Path) -> None:
    path = edit(write_sample(tmp_path), FILLED)
    contacts = read_plan_workbook(path, SETTINGS).contacts
    assert contacts == Contacts(
        department="市民課 窓口係",
        person="記入 太郎",
        phone="03-1234-5678",
        email="madoguchi@city.example.lg.jp",
        made_on=MADE_ON.isoformat(),  # the template's 作成日, 令和2年10月15日
    )


def test_issue15_a_template_returned_blank_has_only_its_made_on_date(tmp_path: Path) -> None:
    contacts = read_plan_workbook(write_sample(tmp_path), SETTINGS).contacts
    assert contacts == Contacts(made_on=MADE_ON.isoformat())


def test_issue15_made_on_typed_as_a_date_or_in_reiwa_is_read(tmp_path: Path) -> None:
    typed = edit(write_sample(tmp_path), {("monthly", "H2"): dt.datetime(2020, 11, 2)})
    assert read_plan_workbook(typed, SETTINGS).contacts.made_on == "2020-11-02"
    reiwa = edit(write_sample(tmp_path, name="b.xlsx"), {("monthly", "H2"): "令和2年11月3日"})
    assert read_plan_workbook(reiwa, SETTINGS).contacts.made_on == "2020-11-03"


def test_issue15_labels_moved_by_the_clerk_are_still_found(tmp_path: Path) -> None:
    """The items are found by their labels, not their places."""
    path = write_sample(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["月別計画"]
    ws["A3"], ws["B3"], ws["G3"], ws["H3"] = "メール", "a@example.jp", "担当課", "総務課"
    wb.save(path)
    contacts = read_plan_workbook(path, SETTINGS).contacts
    assert (contacts.email, contacts.department) == ("a@example.jp", "総務課")


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ("F3", 312345678, "セルF3: 電話: 市外局番からの電話番号を文字で入力してください"),
        ("F3", "03-1234", "セルF3: 電話: 市外局番からの電話番号"),
        ("F3", "でんわ", "セルF3: 電話: 市外局番からの電話番号"),
        ("H3", "madoguchi@", "セルH3: メール: メールアドレスを入力してください"),
        ("H3", "madoguchi city.lg.jp", "セルH3: メール: メールアドレスを入力してください"),
        ("B3", "課" * 101, "セルB3: 担当課: 100文字以内の文字で入力してください"),
        ("D3", "#N/A", "セルD3: 担当者: 100文字以内の文字で入力してください"),
        ("H2", "いつか", "セルH2: 作成日: 作成日を日付で入力してください"),
    ],
)
def test_issue15_a_bad_contact_is_named_by_sheet_and_cell_in_japanese(
    tmp_path: Path, cell: str, value: object, expected: str
) -> None:
    path = edit(write_sample(tmp_path), {("monthly", cell): value})
    with pytest.raises(WorkbookError) as caught:
        read_plan_workbook(path, SETTINGS)
    lines = caught.value.lines("ja")
    assert len(lines) == 1, lines
    assert "シート「月別計画」" in lines[0] and expected in lines[0], lines[0]
    assert lines[0].isascii() is False


@given(
    area=st.sampled_from(["03", "06", "011", "0123", "04992"]),
    rest=st.integers(0, 10**6 - 1),
    width=st.booleans(),
)
def test_issue15_phone_numbers_of_ten_digits_in_any_grouping_are_accepted(
    area: str, rest: int, width: bool
) -> None:
    digits = (area + f"{rest:06d}" + "0000")[:10]
    typed = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if width:  # full-width digits and hyphens
        typed = typed.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert clerk_input.phone(typed) == f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def test_issue15_phone_and_email_rules() -> None:
    assert clerk_input.phone("090-1234-5678") == "090-1234-5678"  # 11 digits: a mobile
    assert clerk_input.phone("(03)1234-5678") == "(03)1234-5678"
    assert clerk_input.phone("+81 3-1234-5678") == "+81 3-1234-5678"
    assert clerk_input.phone("03-1234-56789-0") is None  # 12 digits
    assert clerk_input.phone("3-1234-5678") is None  # the leading 0 lost
    assert clerk_input.email("ｍａｄｏ@example.lg.jp") == "mado@example.lg.jp"
    assert clerk_input.email("a@b") is None
    assert clerk_input.email("a" * 250 + "@x.jp") is None  # over 254 characters
    assert clerk_input.serial_date(44105.0) == dt.date(2020, 10, 1)


def test_issue15_excel_read_and_prefecture_carry_the_contacts(tmp_path: Path) -> None:
    stats, _ = sample_stats(tmp_path)
    books = tmp_path / "books"
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01",
        "--pref", "13", "--out-dir", str(books),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    first = sorted(books.glob("*.xlsx"))[0]
    edit(first, FILLED)
    read = tmp_path / "read"
    assert run_cli("excel", "read", str(books), "--out", str(read)).exit_code == 0
    with (read / "municipalities.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["lg_code"]: r for r in csv.DictReader(fh)}
    row = rows[first.name[:6]]
    assert (row["contact_department"], row["contact_phone"]) == ("市民課 窓口係", "03-1234-5678")
    assert row["contact_email"] == "madoguchi@city.example.lg.jp"
    assert row["made_on"] == dt.date.today().isoformat()  # the template was made today
    out = tmp_path / "13.xlsx"
    result = run_cli(
        "excel", "prefecture", "--pref", "13", "--plans", str(read), "--out", str(out),
        "--stats", str(stats),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["提出状況"]
    assert [c.value for c in ws[3]][4:7] == ["担当課・担当者", "電話・メール", "作成日"]
    listed = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    mine = listed[first.name[:6]]
    assert mine[4] == "市民課 窓口係　記入 太郎"
    assert mine[5] == "03-1234-5678 / madoguchi@city.example.lg.jp"
    assert str(mine[6]).startswith("令和")
    assert ws.print_area == "'提出状況'!$A$1:$G$" + str(ws.max_row)


def test_issue15_tabs_renamed_by_the_clerk_read_the_same(tmp_path: Path) -> None:
    """Japanese tab names, and the reader finds the tables by name: renaming stays safe."""
    path = edit(write_sample(tmp_path), FILLED)
    before = read_plan_workbook(path, SETTINGS)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws.title = f"{ws.title}（令和2年度）"
    wb.save(path)
    assert read_plan_workbook(path, SETTINGS) == before
    assert before.contacts.person == "記入 太郎"  # the header block is found on the renamed tab


def test_issue15_windows_shared_folder_debris_is_ignored_with_a_reason(tmp_path: Path) -> None:
    from kofuplan.adapters.excel.reader import account_for

    (tmp_path / "Thumbs.db").write_bytes(b"\x00" * 16)
    (tmp_path / "desktop.ini").write_text("[.ShellClassInfo]", encoding="utf-8")
    outcomes = account_for(sorted(tmp_path.iterdir()), SETTINGS)
    assert [o.ignored and o.ignored[0] for o in outcomes] == [
        "隠しファイル・システムファイルのため読み込みません"
    ] * 2
