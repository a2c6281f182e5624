"""The plan and demo commands (issue 2 item 8): outputs, errors that name the field."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import plan_with_profiles, run_cli, sample_stats


def test_demo_plans_sample_data_and_says_so(tmp_path: Path) -> None:
    result = run_cli("demo", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "SAMPLE" in result.output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["sample_data"] is True
    assert (tmp_path / "plan_monthly.csv").is_file() and (tmp_path / "budget.csv").is_file()


def test_piped_plan_logs_plain_progress_and_a_summary(tmp_path: Path) -> None:
    """Issue 13: `plan > log 2>&1` leaves one line per step on stderr and a summary of what
    was written where on stdout; no terminal control codes."""
    stats, _ = sample_stats(tmp_path)
    out = tmp_path / "p"
    args = ("plan", "--stats", str(stats), "--as-of", "2020-10-01", "--out", str(out))
    result = run_cli(*args)
    assert result.exit_code == 0
    assert "統計の読込" in result.stderr and "計画の作成（36 件）" in result.stderr
    assert "\x1b" not in result.output
    assert f"出力: {out / 'plan_monthly.csv'}" in result.stdout
    assert "36 団体" in result.stdout


def test_quiet_plan_prints_nothing(tmp_path: Path) -> None:
    stats, _ = sample_stats(tmp_path)
    out = tmp_path / "p"
    result = run_cli(
        "--quiet", "plan", "--stats", str(stats), "--as-of", "2020-10-01", "--out", str(out)
    )
    assert result.exit_code == 0
    assert result.output == ""
    assert (out / "summary.json").is_file()


def test_bad_profile_value_names_file_line_and_field(tmp_path: Path) -> None:
    _, out, result = plan_with_profiles(tmp_path, "lg_code,dedicated_counters\n{code},-3\n")
    assert result.exit_code == 2
    assert "profiles.csv:2" in result.output and "dedicated_counters" in result.output
    assert not (out / "plan_monthly.csv").exists()  # nothing half-written


def test_profile_values_are_used_and_defaults_are_reported(tmp_path: Path) -> None:
    code, out, result = plan_with_profiles(
        tmp_path, "lg_code,dedicated_daily_per_counter,weekend_policy\n{code},55.5,all\n"
    )
    assert result.exit_code == 0, result.output
    lines = (out / "plan_monthly.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    first = dict(zip(header, lines[1].split(","), strict=True))
    assert first["lg_code"] == code and first["dedicated_daily_per_counter"] == "55.5"
    assert "dedicated_daily_per_counter" not in first["defaults"]
    assert "combined_counters" in first["defaults"]
    other = dict(zip(header, lines[31].split(","), strict=True))
    assert other["lg_code"] != code and "weekend_policy" in other["defaults"]
    assert int(first["weekend_days"]) > int(first["required_weekend_days"])


def test_unknown_snapshot_and_bad_lg_code_are_named(tmp_path: Path) -> None:
    stats, _ = sample_stats(tmp_path)
    result = run_cli("plan", "--stats", str(stats), "--as-of", "2020-10-02", "--out", str(tmp_path))
    assert result.exit_code == 2 and "2020-10-02" in result.output
    text = stats.read_text(encoding="utf-8-sig").splitlines()
    parts = text[1].split(",")
    parts[3] = parts[3][:5] + str((int(parts[3][5]) + 1) % 10)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([text[0], ",".join(parts)]) + "\n", encoding="utf-8")
    result = run_cli("plan", "--stats", str(bad), "--as-of", "2020-10-01", "--out", str(tmp_path))
    assert result.exit_code == 2 and "bad.csv:2" in result.output and "検査数字" in result.output


def test_R8_3_waits_are_included_unless_refused_and_the_summary_says_which(
    tmp_path: Path,
) -> None:
    stats, _ = sample_stats(tmp_path)
    for flag, included in (("--waits", True), ("--no-waits", False)):
        out = tmp_path / flag
        args = ("plan", "--stats", str(stats), "--as-of", "2020-10-01", "--out", str(out))
        result = run_cli(*args, flag)
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["waits_included"] is included
        header = (out / "plan_monthly.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert ("wait_weekday_minutes" in header.split(",")) is included
        assert ("wait_weekend_minutes" in header.split(",")) is included
