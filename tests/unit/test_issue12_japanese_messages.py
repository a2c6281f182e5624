"""Messages a user can cause are Japanese and name fields by their labels (issue 12 item 4,
STYLE.md): the plan CSV reader, the profiles reader and the CLI's option checks. Typer's own
usage errors (a missing option) are Japanese too: test_issue12_cli_usage_japanese.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.stats_csv import read_profiles
from kofuplan.errors import InputError

from ..cli_runner import run_cli, sample_stats


def _japanese(message: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in message)


def test_issue12_the_plan_reader_speaks_japanese_with_file_line_and_label(tmp_path: Path) -> None:
    path = tmp_path / "plan_monthly.csv"
    path.write_text("lg_code,month,issuance\n131016,2020-10,5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_plan_rows(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:1: 必要な列がありません")
    assert "カード交付専用窓口数（dedicated_counters）" in message
    assert "土日の交付実施予定日数（weekend_days）" in message
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="ファイルが空です"):
        read_plan_rows(empty)


def test_issue12_the_profiles_reader_speaks_japanese_with_file_line_and_label(
    tmp_path: Path,
) -> None:
    unknown = tmp_path / "profiles.csv"
    unknown.write_text("lg_code,staf\n131016,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"profiles\.csv:1: 使えない列があります: staf"):
        read_profiles(unknown, {"131016"})
    bad = tmp_path / "p.csv"
    bad.write_text("lg_code,weekend_policy,staff\n131016,sometimes,3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_profiles(bad, {"131016"})
    message = str(caught.value)
    assert message.startswith("p.csv:2: 土日開庁の方針（weekend_policy）") and _japanese(message)
    count = tmp_path / "c.csv"
    count.write_text("lg_code,staff\n131016,-3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_profiles(count, {"131016"})
    assert str(caught.value).startswith("c.csv:2: 職員数（現在）（staff） が負の値です")
    twice = tmp_path / "t.csv"
    twice.write_text("lg_code,staff\n131016,3\n131016,4\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.csv:3: 団体コード（lg_code） 131016 が2回あります"):
        read_profiles(twice, {"131016"})


def test_issue12_the_cli_option_checks_speak_japanese(tmp_path: Path) -> None:
    stats, code = sample_stats(tmp_path)
    template = ["excel", "template", "--stats", str(stats), "--as-of", "2020-10-01"]
    for args in (
        [*template, "--pref", code[:2]],
        [*template, "--lg-code", code, "--out-dir", str(tmp_path / "d")],
        [*template, "--kind", "other", "--pref", code[:2], "--out-dir", str(tmp_path / "d")],
        ["plan", "--stats", str(stats), "--as-of", "2020-13-01", "--out", str(tmp_path / "p")],
        [
            "check",
            "--plan",
            str(tmp_path / "none"),
            "--stats",
            str(stats),
            "--as-of",
            "x",
            "--out",
            str(tmp_path / "f.csv"),
        ],
    ):
        result = run_cli(*args)
        assert result.exit_code == 2, args
        line = result.stderr.strip()
        assert line.startswith("エラー:") and _japanese(line.removeprefix("エラー:")), line
