"""Issue 5 commands: `kofuplan excel template | read | prefecture` on generated sample data
(R7.1: plans go out as workbooks and come back; R6.1 results reach the prefecture)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from kofuplan.adapters.sample_stats import write_sample_stats
from tests.cli_runner import run_cli
from tests.excel_support import edit


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Sample statistics, the engine's plan of them, and the templates of prefecture 13."""
    root = tmp_path_factory.mktemp("excel-cli")
    stats = write_sample_stats(root / "stats.csv", dt.date(2020, 10, 1))
    plan = root / "plan"
    assert (
        run_cli(
            "plan", "--stats", str(stats), "--as-of", "2020-10-01", "--out", str(plan)
        ).exit_code
        == 0
    )
    templates = root / "templates"
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01",
        "--pref", "13", "--out-dir", str(templates),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return stats, plan, templates


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_R7_1_templates_read_back_give_the_engines_plan(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, plan, templates = sample
    files = sorted(templates.glob("*.xlsx"))
    assert files and all(f.name[:2] == "13" for f in files)
    result = run_cli("excel", "read", str(templates), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    engine = [r for r in _csv(plan / "plan_monthly.csv") if r["lg_code"].startswith("13")]
    read = _csv(tmp_path / "plan_monthly.csv")
    # The demand excel read adds (applications_*, deliveries_expected) is forecast from the
    # workbooks read, the engine's from all municipalities together: not compared here.
    demand = {c for c in read[0] if c.startswith("applications_")} | {"deliveries_expected"}
    contract = [c for c in read[0] if c in engine[0] and c not in demand]
    assert len(contract) >= 18
    assert [{c: r[c] for c in contract} for r in read] == [
        {c: r[c] for c in contract} for r in engine
    ]
    # R6.1: the engine's plans pass every check; the findings are those `kofuplan check` gives.
    findings = _csv(tmp_path / "findings.csv")
    assert all(f["severity"] != "error" for f in findings)
    checked = tmp_path / "checked.csv"
    stats = sample[0]
    assert run_cli(
        "check", "--plan", str(plan / "plan_monthly.csv"), "--stats", str(stats),
        "--as-of", "2020-10-01", "--out", str(checked),
    ).exit_code == 0  # fmt: skip
    assert findings == [f for f in _csv(checked) if f["lg_code"].startswith("13")]
    assert _csv(tmp_path / "rejected.csv") == []


def test_R7_1_one_municipality_template(sample: tuple[Path, Path, Path], tmp_path: Path) -> None:
    stats, _, templates = sample
    code = next(templates.glob("*.xlsx")).name[:6]
    out = tmp_path / f"{code}.xlsx"
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01",
        "--lg-code", code, "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "月別計画", "基本情報", "経費", "申請推進", "出張申請受付", "記入例", "説明"
    ]  # fmt: skip
    ws = wb["月別計画"]
    assert ws.protection.sheet and not ws["C7"].protection.locked and ws["P7"].protection.locked
    assert ws["A7"].value == "令和2年10月" and ws["B7"].value == "2020-10"
    assert {dv.type for dv in ws.data_validations.dataValidation} == {"whole"}
    # Issue 15 §3: the header block, units in headers, a 備考 column, prompts, print set-up
    assert ws["A2"].value == "都道府県名" and ws["B2"].value == "サンプル都"
    assert ws["F2"].value == code and ws["G2"].value == "作成日"
    assert str(ws["H2"].value).startswith("令和")
    assert [ws.cell(3, c).value for c in (1, 3, 5, 7)] == ["担当課", "担当者", "電話", "メール"]
    assert not ws["B3"].protection.locked
    assert ws["C6"].value == "交付枚数（枚）" and ws["H6"].value == "職員数（人）"
    assert ws["I6"].value == "統合端末台数（台）" and ws["J6"].value == "備考"
    assert all(dv.showInputMessage and dv.prompt for dv in ws.data_validations.dataValidation)
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_area and sheet.protection.sheet
        assert not sheet.protection.formatColumns and not sheet.protection.sort


def test_R7_1_bad_file_is_rejected_whole_and_others_go_on(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, templates = sample
    files = sorted(templates.glob("*.xlsx"))[:3]
    bad = edit(files[1], {("monthly", "C17"): "1,2O0"}, out=tmp_path / files[1].name)
    not_a_book = tmp_path / "132012.xlsx"
    not_a_book.write_text("hello", encoding="utf-8")
    out = tmp_path / "out"
    args = ("excel", "read", str(files[0]), str(bad), str(not_a_book), str(files[2]))
    result = run_cli(*args, "--out", str(out), "--lang", "en")
    assert result.exit_code == 1
    assert (
        f'{bad.name}: 月別計画!C17: 交付枚数 must be a whole number ≥ 0, got "1,2O0"'
        in result.output
    )
    assert "132012.xlsx: not an Excel workbook (.xlsx, .xls)" in result.output
    assert "4 file(s): 2 read, 2 rejected, 0 ignored, 0 with a warning" in result.output
    japanese = run_cli(*args, "--out", str(tmp_path / "ja"))
    assert (
        f"{bad.name}: シート「月別計画」セルC17: 交付枚数: "
        "0以上の整数を入力してください（例: 1200）。入力値は「1,2O0」です" in japanese.output
    )
    assert "4件のファイル: 読込 2件、差戻し 2件、対象外 0件" in japanese.output
    codes = {r["lg_code"] for r in _csv(out / "plan_monthly.csv")}
    assert codes == {files[0].name[:6], files[2].name[:6]}
    assert {r["file"] for r in _csv(out / "rejected.csv")} == {str(bad), str(not_a_book)}


def test_R7_1_the_same_municipality_twice_is_rejected(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, templates = sample
    first = sorted(templates.glob("*.xlsx"))[0]
    copy = tmp_path / (first.name[:6] + "_copy.xlsx")
    copy.write_bytes(first.read_bytes())
    result = run_cli("excel", "read", str(first), str(copy), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    code = first.name[:6]
    for name in (first.name, copy.name):  # both refused, each naming both files
        assert (
            f"{name}: 団体コード {code} の計画が複数のファイルにあります"
            f"（{first.name}、{copy.name}）" in result.output
        )
    assert _csv(tmp_path / "out" / "plan_monthly.csv") == []


def test_R6_1_clerks_changes_raise_findings(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, templates = sample
    path = edit(
        sorted(templates.glob("*.xlsx"))[0],
        {("monthly", "D8"): 0, ("monthly", "E8"): 0, ("monthly", "G9"): 0},
        out=tmp_path / sorted(templates.glob("*.xlsx"))[0].name,
    )
    out = tmp_path / "out"
    assert run_cli("excel", "read", str(path), "--out", str(out)).exit_code == 0
    found = {(f["code"], f["month"]) for f in _csv(out / "findings.csv")}
    assert ("R6.1-2", "2020-11") in found
    assert ("R6.1-4", "2020-12") in found


def test_R7_1_prefecture_workbook(sample: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, _, templates = sample
    files = sorted(templates.glob("*.xlsx"))
    changed = edit(files[0], {("monthly", "G9"): 0}, out=tmp_path / files[0].name)
    read_dir = tmp_path / "read"
    assert (
        run_cli(
            "excel", "read", str(changed), *map(str, files[1:]), "--out", str(read_dir)
        ).exit_code
        == 0
    )
    out = tmp_path / "pref13.xlsx"
    result = run_cli(
        "excel", "prefecture", "--pref", "13", "--plans", str(read_dir), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["提出状況", "計画一覧", "申請推進", "指摘事項", "集計"]
    plans = wb["計画一覧"]
    assert plans.freeze_panes == "C2" and wb["指摘事項"].freeze_panes == "A2"
    assert plans.column_dimensions["B"].width == 14
    headers = [c.value for c in plans[1]]
    assert (
        headers[:3] == ["団体コード", "団体名", "令和2年10月"]
        and "判定:土日交付(R6.1-4)" in headers
    )
    rows = {plans.cell(r, 1).value: r for r in range(2, plans.max_row + 1)}
    assert set(files[i].name[:6] for i in range(len(files))) <= set(rows)
    assert plans.cell(2, 3).number_format == "#,##0"
    weekend_col = headers.index("判定:土日交付(R6.1-4)") + 1
    assert plans.cell(rows[files[0].name[:6]], weekend_col).value == "× 1件"
    assert plans.cell(rows[files[1].name[:6]], weekend_col).value == "○"
    finding = [row for row in wb["指摘事項"].iter_rows(min_row=2, values_only=True)]
    summary = {
        row[0]: row[1] for row in wb["集計"].iter_rows(min_row=3, max_col=2, values_only=True)
    }
    assert summary["団体数"] == len(rows) - 1  # the last row holds the totals
    assert summary["判定:土日交付(R6.1-4) 適合団体数"] == len(rows) - 2
    r61 = [f for f in finding if f[3].startswith("R6.1")]
    assert [(f[0], f[2], f[3]) for f in r61] == [(files[0].name[:6], "令和2年12月", "R6.1-4")]
    assert "土日" in r61[0][7]


def test_prefecture_workbook_from_the_engines_plan_directory(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """`--plans` may also be what `kofuplan plan` and `kofuplan check` wrote."""
    stats, plan, _ = sample
    out = tmp_path / "p.xlsx"
    result = run_cli("excel", "prefecture", "--pref", "27", "--plans", str(plan), "--out", str(out))
    assert result.exit_code == 2 and "点検結果（findings.csv）がありません" in result.output
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan_monthly.csv").write_bytes((plan / "plan_monthly.csv").read_bytes())
    checked = run_cli(
        "check", "--plan", str(plans / "plan_monthly.csv"), "--stats", str(stats),
        "--as-of", "2020-10-01", "--out", str(plans / "findings.csv"),
    )  # fmt: skip
    assert checked.exit_code == 0, checked.output
    result = run_cli(
        "excel", "prefecture", "--pref", "27", "--plans", str(plans), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out)["計画一覧"].max_row > 2


def test_usage_errors_are_named(sample: tuple[Path, Path, Path], tmp_path: Path) -> None:
    stats, _, _ = sample
    result = run_cli(
        "excel",
        "template",
        "--stats",
        str(stats),
        "--as-of",
        "2020-10-01",
        "--lg-code",
        "131017",
        "--out",
        str(tmp_path / "x.xlsx"),
    )
    assert result.exit_code == 2 and "検査数字" in result.output
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01", "--pref", "13"
    )
    assert result.exit_code == 2 and "--pref には --out-dir" in result.output
    result = run_cli(
        "excel",
        "prefecture",
        "--pref",
        "99",
        "--plans",
        str(tmp_path),
        "--out",
        str(tmp_path / "p.xlsx"),
    )
    assert result.exit_code == 2


def test_R7_1_every_file_rejected_writes_empty_outputs_and_fails(tmp_path: Path) -> None:
    junk = tmp_path / "131016.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    result = run_cli("excel", "read", str(junk), "--out", str(out))
    assert result.exit_code == 1
    assert "131016.xlsx: 壊れたファイルです" in result.output
    assert _csv(out / "plan_monthly.csv") == [] and _csv(out / "findings.csv") == []
    assert len(_csv(out / "rejected.csv")) == 1


def test_user_text_stays_text_through_read_and_prefecture(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Issue 5 §4: a name and a budget item that look like formulas stay text."""
    _, _, templates = sample
    first = sorted(templates.glob("*.xlsx"))[0]
    hostile = '=HYPERLINK("http://example.invalid","x")'
    path = tmp_path / first.name
    wb = openpyxl.load_workbook(first)
    from kofuplan.adapters.safe_text import set_excel_text

    set_excel_text(wb["基本情報"]["B5"], hostile)
    set_excel_text(wb["経費"]["B4"], "@SUM(1)")
    wb.save(path)
    out = tmp_path / "out"
    assert run_cli("excel", "read", str(path), "--out", str(out)).exit_code == 0
    assert _csv(out / "municipalities.csv")[0]["name"] == "'" + hostile
    assert _csv(out / "budget.csv")[0]["item"] == "'@SUM(1)"
    book = tmp_path / "p.xlsx"
    assert (
        run_cli(
            "excel", "prefecture", "--pref", "13", "--plans", str(out), "--out", str(book)
        ).exit_code
        == 0
    )
    cell = openpyxl.load_workbook(book)["計画一覧"]["B2"]
    assert (cell.value, cell.data_type) == (hostile, "s")


def test_R7_1_prefecture_workbook_lists_every_municipality_with_its_status(
    sample: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Issue 15 §4: 提出済, 未提出 and 差戻し for every municipality of the statistics, names
    checked against them, the prefecture named; `submit` takes the same folder."""
    stats, _, templates = sample
    files = sorted(templates.glob("*.xlsx"))
    folder = tmp_path / "in"
    folder.mkdir()
    renamed = folder / files[0].name
    wb = openpyxl.load_workbook(files[0])
    wb["基本情報"]["B5"] = "旧サンプル市"  # a name that is not the statistics' name
    wb.save(renamed)
    edit(files[1], {("monthly", "C9"): "たくさん"}, out=folder / files[1].name)  # returned
    for f in files[3:]:  # files[2] is never sent
        (folder / f.name).write_bytes(f.read_bytes())
    read_dir = tmp_path / "read"
    assert run_cli("excel", "read", str(folder), "--out", str(read_dir)).exit_code == 1
    out = tmp_path / "pref.xlsx"
    result = run_cli(
        "excel", "prefecture", "--pref", "13", "--plans", str(read_dir), "--out", str(out),
        "--stats", str(stats),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["提出状況"]
    assert ws["A1"].value == "マイナンバーカード交付円滑化計画 提出状況 サンプル都"
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == len(files)  # every municipality of prefecture 13 in the statistics
    first, second, third = (f.name[:6] for f in files[:3])
    assert rows[first][2] == "提出済" and "旧サンプル市" in rows[first][3]
    assert rows[first][1] != "旧サンプル市"  # the statistics' name is the one shown
    assert rows[second][2] == "差戻し" and "0以上の整数" in rows[second][3]
    assert rows[third][2] == "未提出" and not rows[third][3]
    assert sum(r[2] == "提出済" for r in rows.values()) == len(files) - 2
    sub = run_cli(
        "submit", "--pref", "13", "--plans", str(read_dir), "--stats", str(stats),
        "--out", str(tmp_path / "sub.xlsx"),
    )  # fmt: skip
    assert sub.exit_code == 0, sub.output
    assert "未提出 2" in sub.output
