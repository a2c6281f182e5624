"""The one way to write outputs (issue 13): whole or not at all, clear errors for the place;
and the bounds every reader applies to numbers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.adapters.output import (
    FOLDER_IN_THE_WAY,
    check_place,
    ensure_folder,
    write_file,
    write_files,
)
from kofuplan.domain.bounds import check_measure, parse_count
from kofuplan.errors import InputError

NAMES = st.text(alphabet="abcdefghij_0123456789", min_size=1, max_size=8)
CONTENTS = st.one_of(st.text(max_size=50), st.binary(max_size=50))


@settings(max_examples=40, deadline=None)
@given(files=st.dictionaries(NAMES, CONTENTS, min_size=1, max_size=5))
def test_issue13_write_files_writes_exactly_the_files_and_nothing_else(
    files: dict[str, str | bytes],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "new" / "deeper"  # missing parents are created
        written = write_files({folder / f"{n}.out": c for n, c in files.items()})
        assert written == [folder / f"{n}.out" for n in files]
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.out" for n in files)
        for name, content in files.items():
            path = folder / f"{name}.out"
            expected = content if isinstance(content, bytes) else content.encode("utf-8")
            assert path.read_bytes() == expected  # text as given, line ends untouched


def test_issue13_an_interrupt_while_writing_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("earlier output", encoding="utf-8")

    def interrupted(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_files({tmp_path / "a.csv": "a", tmp_path / "b.csv": interrupted})
    assert [p.name for p in tmp_path.iterdir()] == ["b.csv"]
    assert (tmp_path / "b.csv").read_text(encoding="utf-8-sig") == "earlier output"


def test_issue13_a_folder_in_the_way_stops_every_file(tmp_path: Path) -> None:
    (tmp_path / "b.csv").mkdir()
    with pytest.raises(InputError, match=f"--out {tmp_path / 'b.csv'}: {FOLDER_IN_THE_WAY}"):
        write_files({tmp_path / "a.csv": "a", tmp_path / "b.csv": "b"})
    assert [p.name for p in tmp_path.iterdir()] == ["b.csv"]


def test_issue13_an_os_error_while_writing_is_one_clear_input_error(tmp_path: Path) -> None:
    def refused(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    with pytest.raises(InputError, match="書き込む権限がありません"):
        write_file(tmp_path / "x.xlsx", refused)
    assert list(tmp_path.iterdir()) == []


def test_issue13_own_earlier_output_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old", encoding="utf-8")
    write_file(target, "new")
    assert target.read_bytes() == "\ufeffnew".encode()  # a CSV: UTF-8 with a BOM (issue 15)
    assert list(tmp_path.iterdir()) == [target]


def test_issue13_check_place_creates_nothing(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    check_place(tmp_path / "new" / "out.csv")
    check_place(tmp_path / "new" / "dir", folder=True)
    with pytest.raises(InputError, match="--out-dir"):
        check_place(tmp_path / "f", "--out-dir", folder=True)
    with pytest.raises(InputError, match="同じ名前のファイル"):
        check_place(tmp_path / "f" / "below.csv")
    with pytest.raises(InputError, match=FOLDER_IN_THE_WAY):
        check_place(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
    with pytest.raises(InputError, match="同じ名前のファイル"):
        ensure_folder(tmp_path / "f")


CEILING = 10**9


@given(st.integers(min_value=0, max_value=CEILING))
def test_issue13_counts_within_bounds_read_back(n: int) -> None:
    assert parse_count(f" {n} ", "a.csv:2", "population", CEILING) == n


@given(
    st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=CEILING + 1),
    )
)
def test_issue13_counts_out_of_bounds_name_the_place_and_field(n: int) -> None:
    with pytest.raises(InputError, match=r"^a\.csv:2: population "):
        parse_count(str(n), "a.csv:2", "population", CEILING)


@pytest.mark.parametrize("raw", ["2.5", "1e3", "", "abc", "１２", "1_000", "0x10", "nan"])
def test_issue13_counts_that_are_not_whole_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InputError, match=r"a\.csv:2: issuance は0以上の整数"):
        parse_count(raw, "a.csv:2", "issuance", CEILING)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -0.5, 1e30])
def test_issue13_measures_are_finite_non_negative_and_bounded(value: float) -> None:
    with pytest.raises(InputError, match="capacity"):
        check_measure(value, "p.csv:3", "capacity", CEILING)
