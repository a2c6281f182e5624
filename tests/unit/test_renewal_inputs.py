"""Bad renewal inputs are refused with the file, line and column named, and nothing is
written (issue 17; the standard on bad input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kofuplan.adapters.renewal_inputs import read_age_bands, read_national, read_prefectures
from kofuplan.errors import InputError
from tests.cli_runner import run_cli
from tests.renewal_sample import write_renewal_sample


def test_I17_2_a_bad_count_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "prefectures_long.csv"
    path.write_text(
        "snapshot_date,pref_code,cards_issued_cumulative\n2020-03-01,01,12\n2020-03-01,13,x\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=r"prefectures_long.csv:3: 累計交付枚数（cards_issued_cumulative） は0以上の数",
    ):
        read_prefectures(path)


def test_I17_2_a_prefecture_missing_at_a_date_is_named(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "snapshot_date,pref_code,cards_issued_cumulative\n"
        "2020-03-01,01,12\n2020-03-01,13,5\n2020-04-01,01,14\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"数値がありません: 13（2020-03-31）"):
        read_prefectures(path)


def test_I17_2_missing_columns_and_unknown_age_bands_are_refused(tmp_path: Path) -> None:
    national = tmp_path / "n.csv"
    national.write_text("month,cards\n2020-03,1\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"n.csv:1: 必要な列がありません: 累計交付枚数（cards_issued_cumulative）"
    ):
        read_national(national, None)
    ages = tmp_path / "a.csv"
    ages.write_text(
        "snapshot_date,age_band,sex,cards_issued_cumulative\n2020-10-01,不明,total,3\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"a.csv:2: 年齢階級（age_band） 「不明」を読めません"):
        read_age_bands(ages)


def test_I17_2_renewals_command_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    stats = write_renewal_sample(tmp_path / "stats")
    out = tmp_path / "out"
    args = ["renewals", "--stats", str(stats), "--out", str(out)]
    result = run_cli(*args, "--from", "2031-03", "--to", "2025-04")
    assert result.exit_code == 2 and "が --from 2031-03 より前です" in result.output
    result = run_cli(*args, "--from", "2025-4", "--to", "2031-03")
    assert result.exit_code == 2 and "「2025-4」は年月（YYYY-MM）ではありません" in result.output
    (stats.parent / "national_by_age_sex_long.csv").unlink()
    result = run_cli(*args, "--from", "2025-04", "--to", "2031-03")
    assert result.exit_code == 2
    assert "national_by_age_sex_long.csv: 見つかりません" in result.output.replace("\n", "")
    assert not out.exists() or not any(out.iterdir())


def test_I17_2_renewals_command_on_generated_data_writes_every_file(tmp_path: Path) -> None:
    stats = write_renewal_sample(tmp_path / "stats")
    out = tmp_path / "out"
    args = ["--stats", str(stats), "--from", "2025-04", "--to", "2026-03", "--out", str(out)]
    result = run_cli("renewals", *args)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "national.csv",
        "prefectures.csv",
        "renewals_monthly.csv",
        "renewals_national.png",
        "summary.json",
    ]
