"""The real console script (issue 13): nothing a user causes prints a traceback, and a plan
run logged to a file (`plan > log 2>&1`) leaves a readable log with progress and a summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli_runner import sample_stats


def kofuplan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KOFUPLAN_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "kofuplan", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_issue13_check_with_a_folder_as_out_is_one_line_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    stats, _ = sample_stats(tmp_path)
    (tmp_path / "f.csv").mkdir()
    done = kofuplan(
        "check", "--plan", "nothing.csv", "--stats", str(stats), "--as-of", "2020-10-01",
        "--out", "f.csv", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "エラー: --out f.csv: 同じ名前のフォルダがあるため、ファイルを書き込めません"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv", "sample_stats.csv"]
    assert list((tmp_path / "f.csv").iterdir()) == []


def test_issue13_plan_logged_to_a_file_shows_progress_and_a_summary(tmp_path: Path) -> None:
    stats, _ = sample_stats(tmp_path)
    log = tmp_path / "plan.log"
    with log.open("w", encoding="utf-8") as handle:
        done = subprocess.run(
            [sys.executable, "-m", "kofuplan", "plan", "--stats", str(stats),
             "--as-of", "2020-10-01", "--out", "out"],
            cwd=tmp_path, stdout=handle, stderr=subprocess.STDOUT, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0
    text = log.read_text(encoding="utf-8-sig")
    assert "\x1b" not in text and "\r" not in text  # no terminal control codes in a log
    lines = text.splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert [s.split("] ", 1)[1] for s in steps] == [
        "統計の読込 …",
        "計画の作成（36 件） …",
        "書き出し …",
    ]
    assert lines[-1] == (
        "出力: out/plan_monthly.csv, out/budget.csv, out/summary.json, out/plan_findings.csv"
    )


def test_issue13_a_bug_asks_for_a_report_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    """An internal error (forced: a sitecustomize replaces the planner with one that fails)
    prints one line and exits 70; the traceback only with --debug."""
    (tmp_path / "sitecustomize.py").write_text(
        "import kofuplan.services.planning as p\n"
        "def broken(*a, **k):\n    raise RuntimeError('internal detail')\n"
        "p.run_plan = broken\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    args = [sys.executable, "-m", "kofuplan", "plan", "--stats", "s.csv", "--as-of",
            "2020-10-01", "--out", "o"]  # fmt: skip
    (tmp_path / "s.csv").write_text("x\n", encoding="utf-8")
    plain = subprocess.run(
        args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert plain.returncode == 70, plain.stderr
    assert "Traceback" not in plain.stderr and "internal detail" not in plain.stderr
    assert "報告" in plain.stderr
    debug = subprocess.run(
        [*args[:3], "--debug", *args[3:]],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert debug.returncode == 70
    assert "Traceback" in debug.stderr and "internal detail" in debug.stderr
