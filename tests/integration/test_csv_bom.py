"""Issue 15, item 6 (CSV for Excel): every CSV a person opens is UTF-8 with a byte-order mark,
which Excel in Japan opens as UTF-8 (without it, as Shift-JIS: garbled), and every reader of
our own CSVs takes it back, so that the round trips keep working: plan → check, followup,
replay, risk, submit; workbooks → excel read → excel prefecture and submit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.table_export import csv_bytes
from tests.cli_runner import run_cli
from tests.renewal_sample import write_renewal_sample
from tests.robust_support import AS_OF, COMMANDS, OUT_NAMES, World, make_world

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("world"))


def _csvs(out: Path) -> list[Path]:
    return sorted(out.rglob("*.csv")) if out.is_dir() else [out]


def _assert_bom_and_readable(files: list[Path]) -> None:
    assert files
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(BOM), path.name
        assert not raw[3:].startswith(BOM), path.name  # one mark, not two
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        assert header and not header[0].startswith("\ufeff"), path.name
        assert all(h.strip() for h in header), path.name


def test_issue15_world_inputs_were_written_with_the_bom(world: World) -> None:
    """The plan and the imported folder the round trips below read are themselves BOM files."""
    _assert_bom_and_readable(_csvs(world.plan_dir))
    _assert_bom_and_readable(_csvs(world.imported))
    columns = read_plan_rows(world.plan, ("lg_code", "month", "issuance"))
    assert columns  # the one plan reader takes the BOM file


@pytest.mark.parametrize(
    "command",
    ["plan", "check", "submit", "focus", "followup", "replay", "risk", "excel read"],
)
def test_issue15_every_csv_a_command_writes_has_the_bom_and_reads_back(
    world: World, tmp_path: Path, command: str
) -> None:
    """Each command reads the world's BOM files (the round trip) and writes BOM files."""
    _, args = COMMANDS[command]
    name = {"submit": "13.csv"}.get(command, OUT_NAMES.get(command, "out"))
    out = tmp_path / name
    result = run_cli(*args(world, {}, out))
    assert result.exit_code == 0, result.output
    _assert_bom_and_readable(_csvs(out))


def test_issue15_excel_prefecture_reads_the_bom_folder_of_excel_read(
    world: World, tmp_path: Path
) -> None:
    _, args = COMMANDS["excel prefecture"]
    result = run_cli(*args(world, {}, tmp_path / "13.xlsx"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "13.xlsx").stat().st_size > 0


def test_issue15_excel_read_writes_plain_utf8_only_when_asked(world: World, tmp_path: Path) -> None:
    """The documented --encoding option: utf-8-sig by default, utf-8 on request."""
    out = tmp_path / "plain"
    args = ["excel", "read", str(world.workbook.parent), "--out", str(out), "--encoding", "utf-8"]
    assert run_cli(*args).exit_code == 0
    assert not (out / "plan_monthly.csv").read_bytes().startswith(BOM)


def test_issue15_renewal_commands_write_the_bom(tmp_path: Path) -> None:
    stats = write_renewal_sample(tmp_path / "stats")
    renewals = tmp_path / "renewals"
    args = ["--stats", str(stats), "--from", "2025-04", "--to", "2026-03", "--out", str(renewals)]
    assert run_cli("renewals", *args).exit_code == 0
    _assert_bom_and_readable(_csvs(renewals))
    plan = tmp_path / "plan"
    result = run_cli(
        "plan", "--kind", "renewal", "--stats", str(stats), "--as-of", "2025-04-01",
        "--out", str(plan),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _assert_bom_and_readable(_csvs(plan))


def test_issue15_forecast_and_backtest_write_the_bom(world: World, tmp_path: Path) -> None:
    out = tmp_path / "forecast"
    result = run_cli("forecast", "--stats", str(world.stats), "--as-of", AS_OF, "--out", str(out))
    assert result.exit_code == 0, result.output
    _assert_bom_and_readable(_csvs(out))
    bt = tmp_path / "backtest"
    result = run_cli(
        "backtest", "--stats", str(world.stats), "--as-of", AS_OF, "--to", "2020-12",
        "--no-chart", "--out", str(bt),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _assert_bom_and_readable(_csvs(bt))


def test_issue15_web_csv_export_has_the_bom() -> None:
    data = csv_bytes(("lg_code", "名称"), [("131016", "千代田区")])
    assert data.startswith(BOM)
    assert data.decode("utf-8-sig").splitlines()[1] == "131016,千代田区"
