"""Issue 13's cases, one regression test each: every command refuses a bad place, a number out
of bounds or a bad option with exit 2 and one clear line, and leaves nothing behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kofuplan.adapters.output import FILE_IN_THE_WAY, FOLDER_IN_THE_WAY
from tests.cli_runner import run_cli
from tests.robust_support import (
    AS_OF,
    COMMANDS,
    OUT_NAMES,
    World,
    assert_refused,
    leftovers,
    make_world,
    snapshot,
)

HUGE = "1" + "0" * 30


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("world"))


def _out_name(command: str) -> str:
    return OUT_NAMES.get(command, "out")


# --- the place to write -------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_issue13_out_where_the_other_kind_is_refused_and_left_alone(
    world: World, tmp_path: Path, command: str
) -> None:
    """--out names a folder where a file is expected, or a file where a folder is."""
    kind, args = COMMANDS[command]
    out = tmp_path / _out_name(command)
    if kind == "file":
        out.mkdir()
        (out / "keep.txt").write_text("mine", encoding="utf-8")
    else:
        out.write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    line = assert_refused(run_cli(*args(world, {}, out)), str(out))
    assert FOLDER_IN_THE_WAY in line or FILE_IN_THE_WAY in line
    assert snapshot(tmp_path) == before
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_issue13_out_below_a_file_is_refused(world: World, tmp_path: Path, command: str) -> None:
    _, args = COMMANDS[command]
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    out = tmp_path / "a_file" / "deeper" / _out_name(command)
    assert_refused(run_cli(*args(world, {}, out)), str(out), "同じ名前のファイル")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


@pytest.mark.parametrize("command", ["check", "followup", "excel prefecture", "risk"])
def test_issue13_missing_parent_folders_are_created(
    world: World, tmp_path: Path, command: str
) -> None:
    _, args = COMMANDS[command]
    out = tmp_path / "new" / "deeper" / _out_name(command)
    result = run_cli(*args(world, {}, out))
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert str(out) in result.stdout  # the summary says where
    assert not leftovers(tmp_path)


def test_issue13_template_folder_is_all_or_nothing(world: World, tmp_path: Path) -> None:
    """`excel template --pref 13` with one target name taken by a folder writes no workbook."""
    _, args = COMMANDS["excel template --pref"]
    out = tmp_path / "books"
    good = run_cli(*args(world, {}, tmp_path / "probe"))
    assert good.exit_code == 0, good.output
    names = sorted(p.name for p in (tmp_path / "probe").iterdir())
    assert len(names) == 12
    out.mkdir()
    (out / names[5]).mkdir()
    assert_refused(run_cli(*args(world, {}, out)), names[5], FOLDER_IN_THE_WAY)
    assert [p.name for p in out.iterdir()] == [names[5]]


def test_issue13_check_replaces_its_own_earlier_output(world: World, tmp_path: Path) -> None:
    _, args = COMMANDS["check"]
    out = tmp_path / "findings.csv"
    out.write_text("old", encoding="utf-8")
    result = run_cli(*args(world, {}, out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig").startswith("lg_code,")
    assert not leftovers(tmp_path)


# --- numbers out of bounds ----------------------------------------------------------------


def _with_cell(source: Path, target: Path, column: str, value: str, line: int = 2) -> Path:
    """A copy of a CSV with one cell changed (``line`` counts the header as 1)."""
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


STATS_CASES = [
    # (command, input to break, column): the statistics, the actuals or a plan
    ("plan", "stats", "population"),
    ("plan", "stats", "cards_issued_cumulative"),
    ("check", "stats", "population"),
    ("submit", "stats", "cards_issued_cumulative"),
    ("excel template", "stats", "population"),
    ("focus", "actuals", "population"),
    ("focus", "actuals", "cards_issued_cumulative"),
    ("followup", "actuals", "cards_issued_cumulative"),
    ("replay", "actuals", "cards_issued_cumulative"),
    ("followup", "plan", "issuance"),
    ("replay", "plan", "cumulative_issued"),
    ("risk", "plan", "capacity"),
    ("excel prefecture", "plans_dir", "issuance"),
]


@pytest.mark.parametrize("value", [HUGE, "-5"])
@pytest.mark.parametrize(("command", "broken", "column"), STATS_CASES)
def test_issue13_counts_beyond_the_ceiling_or_negative_are_refused(
    world: World, tmp_path: Path, command: str, broken: str, column: str, value: str
) -> None:
    """10^30 crashed nine readers with OverflowError; negative counts passed four of them."""
    _, args = COMMANDS[command]
    line = 2
    if broken == "plans_dir":
        folder = tmp_path / "imported"
        shutil.copytree(world.imported, folder)
        _with_cell(folder / "plan_monthly.csv", folder / "plan_monthly.csv", column, value)
        given = {"plans_dir": folder}
    else:
        source = world.plan if broken == "plan" else world.stats
        # The actuals' line in the snapshot 2020-12-01 (November's end), which all three read.
        line = 2 + 36 * 2 if broken == "actuals" else 2
        broken_file = _with_cell(source, tmp_path / f"in_{source.name}", column, value, line)
        given = {broken: broken_file}
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    result = run_cli(*args(world, given, outputs / _out_name(command)))
    message = assert_refused(result, column)
    assert f":{line}" in message  # the place: file and line
    assert list(outputs.iterdir()) == []


def test_issue13_db_load_stats_and_load_plan_refuse_out_of_bounds(
    world: World, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    huge = _with_cell(world.stats, tmp_path / "huge.csv", "population", HUGE)
    assert_refused(
        run_cli("db", "load-stats", str(huge), "--as-of", AS_OF, "--database-url", url),
        "population",
        "huge.csv:2",
    )
    ok = run_cli("db", "load-stats", str(world.stats), "--as-of", AS_OF, "--database-url", url)
    assert ok.exit_code == 0, ok.output
    for column, value, needles in [
        ("issuance", "-5", ("令和2年10月の交付枚数", "負の値")),
        ("issuance", HUGE, ("令和2年10月の交付枚数", "1,000,000,000以下")),
        ("staff", "2.5", ("令和2年10月の職員配置数", "整数")),
        ("month", "2030-01", (":2: month", "計画の期間")),
    ]:
        bad = _with_cell(world.plan, tmp_path / "bad.csv", column, value)
        result = run_cli("db", "load-plan", str(bad), "--database-url", url)
        assert_refused(result, str(bad), *needles)
    stored = run_cli("db", "load-plan", str(world.plan), "--database-url", url)
    assert stored.exit_code == 0, stored.output
    assert "36 団体の計画を保存しました" in stored.stdout


@pytest.mark.parametrize("per_day", ["1e9", "1e12", "1e30", "inf"])
def test_issue13_counters_refuses_an_impossible_load_before_computing(per_day: str) -> None:
    """--per-day 1e9 ran over 30 s, 1e12 tried to allocate 195 GiB."""
    result = run_cli("counters", "--per-day", per_day, "--hours", "8", "--as-of", "2021-01-01")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "--per-day" in result.output


# --- other tracebacks ---------------------------------------------------------------------


def test_issue13_replay_months_in_the_wrong_order(world: World, tmp_path: Path) -> None:
    result = run_cli(
        "replay", "--plan", str(world.plan), "--actuals", str(world.stats),
        "--from", "2021-03", "--to", "2020-10", "--out", str(tmp_path / "r"),
    )  # fmt: skip
    assert_refused(result, "--from 2021-03", "--to 2020-10")
    assert not (tmp_path / "r").exists()


def test_issue13_excel_read_as_of_after_the_plan(world: World, tmp_path: Path) -> None:
    result = run_cli(
        "excel", "read", str(world.workbook.parent), "--out", str(tmp_path / "x"),
        "--as-of", "2099-01-01",
    )  # fmt: skip
    assert_refused(result, "--as-of 2099-01-01")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "url",
    ["not a url", "nosuchdriver://x/y", "sqlite:////proc/kofuplan.sqlite3", "sqlite:///{file}/x"],
)
def test_issue13_db_init_with_a_bad_url_or_place(tmp_path: Path, url: str) -> None:
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    url = url.replace("{file}", str(tmp_path / "a_file"))
    result = run_cli("db", "init", "--database-url", url)
    assert_refused(result, "--database-url")
    assert "sqlalchemy" not in result.output.lower()


def test_issue13_users_add_with_a_binary_password_file(tmp_path: Path) -> None:
    secret = tmp_path / "pw.bin"
    secret.write_bytes(b"\xff\xfe\x00\x81binary")
    result = run_cli(
        "users", "add", "--role", "ministry", "--login", "m1", "--password-file", str(secret),
        "--database-url", f"sqlite:///{tmp_path / 'k.sqlite3'}",
    )  # fmt: skip
    assert_refused(result, "--password-file")


def test_issue13_prefecture_account_without_pref(world: World, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    secret = tmp_path / "pw.txt"
    secret.write_text("a-long-enough-password\n", encoding="utf-8")
    ok = run_cli("db", "load-stats", str(world.stats), "--as-of", AS_OF, "--database-url", url)
    assert ok.exit_code == 0
    result = run_cli(
        "users", "add", "--role", "prefecture", "--login", "p1",
        "--password-file", str(secret), "--database-url", url,
    )  # fmt: skip
    line = assert_refused(result, "--pref")
    assert "None" not in line


# --- a bug is not the user's fault --------------------------------------------------------


def test_issue13_a_bug_prints_one_line_and_exit_70(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kofuplan.adapters.cli import plan_cmd

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("an internal detail")

    monkeypatch.setattr(plan_cmd, "run_plan", broken)
    args = ["plan", "--stats", str(world.stats), "--as-of", AS_OF, "--out", str(tmp_path / "p")]
    result = run_cli(*args)
    assert result.exit_code == 70
    assert "Traceback" not in result.output and "an internal detail" not in result.output
    assert "報告" in result.stderr and "--debug" in result.stderr
    debug = run_cli("--debug", *args)
    assert debug.exit_code == 70
    assert "Traceback" in debug.stderr and "an internal detail" in debug.stderr


# --- one plan contract, numbers in JSON ----------------------------------------------------


def test_issue13_risk_takes_excel_reads_plan(world: World, tmp_path: Path) -> None:
    """docs/excel.md calls excel read's plan_monthly.csv the plan contract: risk takes it."""
    out = tmp_path / "risk.csv"
    result = run_cli(
        "risk", "--plan", str(world.imported / "plan_monthly.csv"), "--out", str(out),
        "--seed", "1", "--draws", "20",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["municipalities"] == 1
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + 30


def test_issue13_followup_summary_holds_numbers(world: World, tmp_path: Path) -> None:
    _, args = COMMANDS["followup"]
    result = run_cli(*args(world, {}, tmp_path / "fu"))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "fu" / "followup_summary.json").read_text(encoding="utf-8"))
    national = summary["national"]
    assert isinstance(national["planned_cumulative"], int)
    assert isinstance(national["actual_cumulative"], int)
    assert isinstance(national["municipalities"], int) and national["municipalities"] == 36
    assert isinstance(national["deviation_pct"], float)
    assert national["month"] == "2020-11"
