"""Fuzz every command (issue 13): Hypothesis breaks one input file or one option at a time.

Whatever the input: the exit code is 0 or 2 (`excel read` also 1: a workbook rejected), no
traceback, an error names the place (the file or the option), and the output folder holds
nothing after a failure. Bounded examples, no deadline, so CI runs it in well under a minute.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from tests.cli_runner import run_cli
from tests.robust_support import COMMANDS, OUT_NAMES, World, error_lines, leftovers, make_world

# In CI the examples are fixed (derandomized) and few, so a run is fast and never fails on a
# new random find that has nothing to do with the change under test; explore with e.g.
# KOFUPLAN_FUZZ_EXAMPLES=200 pytest tests/integration/test_fuzz_cli.py (random examples).
EXPLORE = os.environ.get("KOFUPLAN_FUZZ_EXAMPLES", "")
FUZZ = settings(
    max_examples=int(EXPLORE) if EXPLORE else 10,
    derandomize=not EXPLORE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BAD_CELLS = st.one_of(
    st.sampled_from(
        ["", " ", "-1", "-0", "2.5", "1e30", "nan", "inf", "-inf", "abc", "１２", "1_000",
         "0x10", "=1+1", "\u00b2", "9" * 40, str(2**63), str(-(2**63) - 1), "2021-13", "NULL"]
    ),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
)  # fmt: skip


@dataclass(frozen=True)
class Broken:
    """Broken file contents, shown in a failure report by what was broken, not by its bytes."""

    what: str
    content: bytes

    def __repr__(self) -> str:
        return f"Broken({self.what!r}, {len(self.content)} bytes)"


@st.composite
def corrupted(draw: st.DrawFn, text: str) -> Broken:
    """A CSV text with one thing wrong: a cell, a row, a column, or the whole file."""
    lines = text.splitlines()
    kind = draw(
        st.sampled_from(
            ["cell", "cell", "cell", "duplicate row", "drop column", "extra field", "truncate",
             "empty", "binary", "shift_jis", "header only", "blank lines"]
        )
    )  # fmt: skip
    header = lines[0].split(",")
    row = draw(st.integers(min_value=1, max_value=len(lines) - 1))
    col = draw(st.integers(min_value=0, max_value=len(header) - 1))
    what = f"{kind} at line {row + 1}, column {header[col]}"
    if kind == "cell":
        cells = lines[row].split(",")
        cells[col] = draw(BAD_CELLS).replace(",", ";").replace("\n", " ").replace("\r", " ")
        what += f" = {cells[col]!r}"
        lines[row] = ",".join(cells)
    elif kind == "duplicate row":
        lines.insert(row, lines[row])
    elif kind == "drop column":
        lines = [",".join(c for i, c in enumerate(line.split(",")) if i != col) for line in lines]
    elif kind == "extra field":
        lines[row] += ",extra"
    elif kind == "truncate":
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        return Broken(f"truncated at {cut}", text[:cut].encode("utf-8"))
    elif kind == "empty":
        return Broken(kind, b"")
    elif kind == "binary":
        data = draw(st.binary(min_size=1, max_size=200))
        return Broken(f"binary {data[:40]!r}", data)
    elif kind == "shift_jis":
        return Broken(kind, (text.replace("サンプル", "見本") + "見本\n").encode("shift_jis"))
    elif kind == "header only":
        lines = lines[:1]
    else:
        lines.insert(row, "")
        lines.insert(row, ",,,")
    return Broken(what, ("\n".join(lines) + "\n").encode("utf-8"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("fuzz_world"))


@pytest.fixture()
def scratch() -> Iterator[Path]:
    """A fresh folder per Hypothesis example (function fixtures are shared across them)."""
    folders: list[Path] = []

    def make() -> Path:
        folders.append(Path(tempfile.mkdtemp(prefix="kofuplan-fuzz-")))
        return folders[-1]

    yield make  # type: ignore[misc]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def check_outcome(result: Result, out_root: Path, places: list[str], ok: tuple[int, ...]) -> None:
    assert result.exit_code in ok, (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output, result.output[-2000:]
    if result.exit_code == 0:
        return
    lines = error_lines(result)
    assert lines, result.output
    if result.exit_code == 2:
        assert len(lines) == 1, lines
        assert any(p in lines[0] for p in places), (places, lines[0])
        assert list(out_root.iterdir()) == [], list(out_root.iterdir())
    assert not leftovers(out_root)


# (command, input name, file in the world): every file a command reads.
FILE_INPUTS = [
    ("plan", "stats"),
    ("check", "plan"),
    ("check", "stats"),
    ("submit", "plan"),
    ("submit", "stats"),
    ("focus", "actuals"),
    ("followup", "plan"),
    ("followup", "actuals"),
    ("replay", "plan"),
    ("replay", "actuals"),
    ("risk", "plan"),
    ("excel template", "stats"),
    ("excel prefecture", "plans_dir"),
]


def _source(world: World, name: str) -> Path:
    if name == "plan":
        return world.plan
    if name == "plans_dir":
        return world.imported / "plan_monthly.csv"
    return world.stats


@pytest.mark.parametrize(("command", "name"), FILE_INPUTS)
def test_fuzz_every_command_on_corrupt_csv(
    world: World, scratch: object, command: str, name: str
) -> None:
    """Issue 13 item 6: corrupt or extreme CSV contents, one file at a time."""
    _, args = COMMANDS[command]
    text = _source(world, name).read_text(encoding="utf-8-sig")

    @FUZZ
    @given(broken_input=corrupted(text))
    def run(broken_input: Broken) -> None:
        content = broken_input.content
        folder = scratch()  # type: ignore[operator]
        if name == "plans_dir":
            target = folder / "imported"
            shutil.copytree(world.imported, target)
            (target / "plan_monthly.csv").write_bytes(content)
            broken = target
        else:
            broken = folder / f"fuzz_{name}.csv"
            broken.write_bytes(content)
        out_root = folder / "outputs"
        out_root.mkdir()
        out = out_root / OUT_NAMES.get(command, "out")
        result = run_cli("--debug", *args(world, {name: broken}, out))
        check_outcome(result, out_root, [broken.name, "plan_monthly.csv", "--"], (0, 2))

    run()


OPTION_VALUES = st.one_of(
    st.sampled_from(["", "-1", "0", "1e30", "nan", "2099-01-01", "2020-02-30", "13", "00",
                     "99", "abc", "2021-3", "１３", "\x00", "2020-10-01T00:00"]),
    st.text(max_size=10),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)  # fmt: skip

# (command, option, the value it has in COMMANDS) for options taking a value from the user.
OPTIONS = [
    ("plan", "--as-of", "2020-10-01"),
    ("check", "--as-of", "2020-10-01"),
    ("submit", "--pref", "13"),
    ("submit", "--on", "2020-11-01"),
    ("focus", "--month", "2020-11"),
    ("followup", "--month", "2020-11"),
    ("replay", "--from", "2020-10"),
    ("replay", "--to", "2020-12"),
    ("risk", "--seed", "1"),
    ("risk", "--draws", "20"),
    ("excel template", "--as-of", "2020-10-01"),
    ("excel prefecture", "--pref", "13"),
]


@pytest.mark.parametrize(("command", "option", "value"), OPTIONS)
def test_fuzz_every_command_on_bad_option_values(
    world: World, scratch: object, command: str, option: str, value: str
) -> None:
    _, args = COMMANDS[command]

    @FUZZ
    @given(bad=OPTION_VALUES)
    def run(bad: str) -> None:
        out_root = scratch() / "outputs"  # type: ignore[operator]
        out_root.mkdir()
        argv = args(world, {}, out_root / OUT_NAMES.get(command, "out"))
        argv[argv.index(option) + 1] = bad
        result = run_cli("--debug", *argv)
        # A value that parses but does not fit (a date with no statistics) may be named with
        # the file it does not fit.
        check_outcome(result, out_root, [option, "--", world.stats.name, "plan_monthly"], (0, 2))

    run()


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from(["abc", "", "1e400", "-0"]),
)


@FUZZ
@given(per_day=NUMBERS, hours=NUMBERS, minutes=NUMBERS, level=NUMBERS)
def test_fuzz_counters_options(
    per_day: object, hours: object, minutes: object, level: object
) -> None:
    """Any numbers: an answer or one refusal naming an option, never a hang or a traceback."""
    result = run_cli(
        "--debug", "counters", "--per-day", str(per_day), "--hours", str(hours),
        "--service-minutes", str(minutes), "--service-level", str(level), "--as-of", "2021-01-01",
    )  # fmt: skip
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert "--" in result.output


@st.composite
def broken_workbook(draw: st.DrawFn, source: bytes) -> Broken:
    kind = draw(st.sampled_from(["cell", "cell", "cell", "binary", "empty", "truncate"]))
    if kind == "binary":
        return Broken(kind, draw(st.binary(min_size=1, max_size=300)))
    if kind == "empty":
        return Broken(kind, b"")
    if kind == "truncate":
        cut = draw(st.integers(min_value=0, max_value=len(source) - 1))
        return Broken(f"truncated at {cut}", source[:cut])
    import io

    from openpyxl import load_workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = load_workbook(io.BytesIO(source))
    sheet = book[draw(st.sampled_from(book.sheetnames))]
    row = draw(st.integers(min_value=1, max_value=min(sheet.max_row, 40)))
    col = draw(st.integers(min_value=1, max_value=min(sheet.max_column, 20)))
    value = draw(
        st.one_of(
            BAD_CELLS,
            st.integers(min_value=-(10**30), max_value=10**30),
            st.floats(allow_nan=False, allow_infinity=False),
        )
    )
    if isinstance(value, int) and abs(value) >= 2**63:
        value = float(value)  # what a spreadsheet stores for a huge number
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a cell cannot hold them at all
    sheet.cell(row=row, column=col).value = value
    out = io.BytesIO()
    book.save(out)
    return Broken(f"{sheet.title}!R{row}C{col} = {value!r}", out.getvalue())


def test_fuzz_excel_read_on_broken_workbooks(world: World, scratch: object) -> None:
    """A bad workbook is rejected (exit 1, the problem named) or read; never a traceback."""
    source = world.workbook.read_bytes()

    @settings(FUZZ, max_examples=max(FUZZ.max_examples // 2, 5))
    @given(broken_input=broken_workbook(source))
    def run(broken_input: Broken) -> None:
        content = broken_input.content
        folder = scratch()  # type: ignore[operator]
        books = folder / "books"
        books.mkdir()
        (books / world.workbook.name).write_bytes(content)
        out_root = folder / "outputs"
        out_root.mkdir()
        result = run_cli("--debug", "excel", "read", str(books), "--out", str(out_root / "out"))
        check_outcome(result, out_root, [world.workbook.name], (0, 1, 2))
        if result.exit_code == 1:
            assert world.workbook.name in result.stderr

    run()
