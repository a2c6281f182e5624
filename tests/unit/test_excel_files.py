"""Issue 15 §1, §2, §6: a folder read accounts for every file; Japanese input as clerks write
it; messages in Japanese (English for logs); CSVs that Excel in Japan opens (R7.1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from kofuplan.adapters.excel.reader import account_for, expand, read_plan_workbook
from kofuplan.adapters.sample_stats import write_sample_stats
from tests.cli_runner import run_cli
from tests.excel_support import SETTINGS, edit, sample_plan, sample_promotion, write_sample


def test_R7_1_every_file_of_a_folder_is_read_rejected_or_ignored_with_a_reason(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    write_sample(folder, name="131016_千代田区.xlsx")
    write_sample(folder, sample_plan("131024", "中央区"), name="131024_中央区.XLSX")
    edogawa = write_sample(folder, sample_plan("131237", "江戸川区"), name="131237_江戸川区.xlsx")
    (folder / "131237_江戸川区 - コピー.xlsx").write_bytes(edogawa.read_bytes())
    (folder / "~$131237_江戸川区.xlsx").write_bytes(b"\x0c\x00lock")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "メモ.txt").write_text("提出状況のメモ", encoding="utf-8")
    outcomes = {o.path.name: o for o in account_for(expand([folder]), SETTINGS)}
    assert len(outcomes) == 7  # every file, none skipped without a word
    read = {n for n, o in outcomes.items() if o.plan is not None}
    assert read == {"131016_千代田区.xlsx", "131024_中央区.XLSX"}
    ignored = {n: o.ignored[1] for n, o in outcomes.items() if o.ignored is not None}
    assert ignored == {
        "~$131237_江戸川区.xlsx": "an Excel lock file (made while the workbook is open): ignored",
        ".DS_Store": "a hidden file: ignored",
        "メモ.txt": "not a spreadsheet (.xlsx, .xls, .ods): ignored",
    }
    for name in ("131237_江戸川区.xlsx", "131237_江戸川区 - コピー.xlsx"):  # both refused
        error = outcomes[name].error
        assert error is not None
        (line,) = error.lines("ja")
        assert "（131237_江戸川区 - コピー.xlsx、131237_江戸川区.xlsx）" in line
        assert line.startswith(f"{name}: 団体コード 131237 の計画が複数のファイルにあります")


def test_R1_2_R3_2_R3_4_R2_4_what_clerks_type_is_read(tmp_path: Path) -> None:
    plan = dataclasses.replace(sample_plan(), promotion=sample_promotion())
    path = edit(
        write_sample(tmp_path, plan),
        {
            ("monthly", "C7"): "１，２００",  # full-width digits and separator
            ("monthly", "G7"): "4日",
            ("monthly", "H7"): "６人",
            ("promotion", "B4"): "20,000枚",
            ("promotion", "B5"): "令和2年12月、2021/02",
            ("promotion", "B7"): "５０％",
            ("promotion", "B10"): "○",
            ("promotion", "B13"): "令和3年4月1日",
            ("events", "A4"): "令和3年1月",
            ("events", "D4"): "○",
        },
    )
    book = read_plan_workbook(path, SETTINGS)
    assert book.counts["issuance"][0] == 1200
    assert book.counts["weekend_days"][0] == 4 and book.counts["staff"][0] == 6
    promo = book.promotion
    assert promo.qr_mailing_forms == 20_000
    assert promo.qr_mailing_months == ("2020-12", "2021-02")
    assert promo.insurance_assist_share == 0.5 and promo.konbini_offered is True
    assert promo.konbini_reduction_from == "2021-04-01"
    assert promo.offsite_events[0].month == "2021-01" and promo.offsite_events[0].infection_control


def test_R7_1_messages_say_in_japanese_what_to_type_and_english_stays_for_logs(
    tmp_path: Path,
) -> None:
    path = edit(
        write_sample(tmp_path),
        {
            ("monthly", "C9"): "たくさん",
            ("monthly", "B10"): "2019-12",
            ("promotion", "B10"): "たぶん",
        },
    )
    (outcome,) = account_for([path], SETTINGS)
    assert outcome.error is not None
    assert list(outcome.error.lines("ja")) == [
        "131016.xlsx: シート「月別計画」セルC9: 交付枚数: 0以上の整数を入力してください"
        "（例: 1200）。入力値は「たくさん」です",
        "131016.xlsx: シート「月別計画」セルB10: 月: 令和2年10月から令和5年3月までの月を入力して"
        "ください（例: 令和2年12月 または 2020-12）。入力値は「2019-12」です",
        "131016.xlsx: シート「月別計画」B6:J36: 月の行がありません: 令和3年1月",
        "131016.xlsx: シート「申請推進」セルB10: コンビニ交付の実施: 「はい」か「いいえ」（○か×）を"
        "入力してください。入力値は「たぶん」です",
    ]
    assert outcome.error.lines("en")[0] == (
        '131016.xlsx: 月別計画!C9: 交付枚数 must be a whole number ≥ 0, got "たくさん"'
    )


def test_R7_1_csvs_open_in_japanese_excel_and_rejected_lists_every_file(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write_sample(tmp_path / "in", name="131016.xlsx")
    (tmp_path / "in" / "~$131016.xlsx").write_bytes(b"lock")
    out = tmp_path / "out"
    result = run_cli("excel", "read", str(tmp_path / "in"), "--out", str(out))
    assert result.exit_code == 0, result.output  # an ignored file is not a failure
    assert "2件のファイル: 読込 1件、差戻し 0件、対象外 1件、注意 0件" in result.output
    for name in ("plan_monthly.csv", "findings.csv", "rejected.csv", "profiles.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf"), name  # UTF-8 BOM
    rejected = (out / "rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0] == "file,status,problem" and ",対象外," in rejected[1]
    plain = tmp_path / "plain"
    assert (
        run_cli(
            "excel", "read", str(tmp_path / "in"), "--out", str(plain), "--encoding", "utf-8"
        ).exit_code
        == 0
    )
    assert (plain / "plan_monthly.csv").read_bytes().startswith(b"lg_code,")


def test_R7_1_templates_for_several_prefectures_or_all_in_one_run(tmp_path: Path) -> None:
    stats = write_sample_stats(tmp_path / "stats.csv", dt.date(2020, 10, 1))
    common = ("excel", "template", "--stats", str(stats), "--as-of", "2020-10-01")
    out = tmp_path / "two"
    assert run_cli(*common, "--pref", "13,27", "--out-dir", str(out)).exit_code == 0
    prefs = {p.name[:2] for p in out.glob("*.xlsx")}
    assert prefs == {"13", "27"}
    everything = tmp_path / "all"
    assert run_cli(*common, "--pref", "all", "--out-dir", str(everything)).exit_code == 0
    codes = {line.split(",")[3] for line in stats.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert {p.name[:6] for p in everything.glob("*.xlsx")} == codes
    assert all(read_plan_workbook(p, SETTINGS) for p in sorted(everything.glob("*.xlsx"))[:3])
    assert run_cli(*common, "--pref", "13,99", "--out-dir", str(out)).exit_code == 2
