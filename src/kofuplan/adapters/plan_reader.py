"""The one reader of a plan in the ``plan_monthly.csv`` format, possibly written by hand.

Only an unreadable file is an error here (not UTF-8 CSV, or a required column missing): the
message names the file, and the line or column. Cells become plain values
(:func:`kofuplan.domain.plan_form.plain_value`); every problem inside them is left to the
domain's validator (:func:`kofuplan.domain.plan_form.read_plan_form`, which reports it as an
R1.2 finding, or :func:`~kofuplan.domain.plan_form.plan_table_of`, which refuses it).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kofuplan.domain.labels import field_labels
from kofuplan.domain.plan_form import (
    REQUIRED_COLUMNS,
    Cell,
    PlanBounds,
    PlanRow,
    plain_value,
    plan_table_of,
)
from kofuplan.domain.plan_table import FIGURE_COLUMNS, PlanTable
from kofuplan.errors import InputError


def read_plan_header(path: Path) -> list[str]:
    """The header of a CSV file, or an InputError naming the file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [c.strip() for c in next(csv.reader(handle), [])]
    except OSError as exc:
        raise InputError(f"{path}: 読み込めません（{exc.strerror}）") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}:1: UTF-8 の CSV ファイルではありません（{exc}）") from None


def is_plan_file(path: Path) -> bool:
    """Whether a CSV file looks like a plan (has an lg_code and a month column)."""
    try:
        header = read_plan_header(path)
    except InputError:
        return False
    return "lg_code" in header and "month" in header


_UNSEEN: Any = object()  # a text not yet made a plain value


def read_plan_rows(path: Path, required: Sequence[str] = REQUIRED_COLUMNS) -> list[PlanRow]:
    """Every non-blank row of the plan, with its line number and its cells as plain values."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: 読み込めません（{exc.strerror}）") from None
    rows: list[PlanRow] = []
    line = 1
    with handle:
        reader = csv.reader(handle)
        try:
            header = [c.strip() for c in next(reader, [])]
            if not header or header == [""]:
                raise InputError(f"{path}: ファイルが空です")
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    f"{path}:1: 必要な列がありません: {field_labels(missing)}"
                    f"（計画に要る列: {field_labels(required)}）"
                )
            dupes = sorted({c for c in header if c and header.count(c) > 1})
            if dupes:
                raise InputError(f"{path}:1: 同じ列が2回あります: {field_labels(dupes)}")
            # Issue 12 item 6: a national plan has millions of cells, most of them repeating
            # ("0", a month, a small count), so each distinct text is made a plain value once;
            # the values are immutable, and the same text always gives the same value.
            figure = [name in FIGURE_COLUMNS for name in header]
            width = len(header)
            seen: dict[str, Cell] = {}
            for record in reader:
                line = reader.line_num
                if not "".join(record).strip():
                    continue
                # A short row leaves its last cells blank, which the form check reports.
                if len(record) < width:
                    record += [""] * (width - len(record))
                cells: dict[str, Cell] = {}  # extra fields past the header are ignored
                for name, is_figure, raw in zip(header, figure, record, strict=False):
                    if is_figure:
                        value = seen.get(raw, _UNSEEN)
                        if value is _UNSEEN:
                            value = seen[raw] = plain_value(raw)
                        cells[name] = value
                    else:
                        cells[name] = raw
                rows.append(PlanRow(line, cells))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}:{line + 1}: UTF-8 の文字ではありません（{exc.reason}）"
            ) from None
        except csv.Error as exc:
            raise InputError(f"{path}:{line + 1}: CSV の形式が正しくありません（{exc}）") from None
    return rows


def read_plan_table(path: Path, needed: Sequence[str], bounds: PlanBounds) -> PlanTable:
    """A complete plan with the ``needed`` columns in every row, or an InputError naming the
    file, the line and the field (for the follow-up, which cannot work around a gap)."""
    rows = read_plan_rows(path, ("lg_code", "month", *needed))
    return plan_table_of(rows, needed, bounds, str(path))
