"""Cell helpers shared by the table parsers: problems that name file, sheet and cell, and
the reading of one cell as a whole number, a month, text."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from kofuplan.adapters.excel.errors import WorkbookError, cell_name, shown
from kofuplan.adapters.excel.layout import Field
from kofuplan.adapters.excel.tables import RawTable

MAX_PROBLEMS = 30  # beyond this a file is clearly the wrong one; say so instead of listing all
_MONTH = re.compile(r"\d{4}-\d{2}")
_MAX_EXACT = 2**53  # floats above this are not exact whole numbers


class Problems:
    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: list[str] = []

    def at(self, table: RawTable, row: int, col: int, text: str) -> None:
        self.lines.append(f"{self.label}: {table.sheet}!{cell_name(row, col)}: {text}")

    def table(self, table: RawTable, text: str) -> None:
        last = table.header_row + len(table.rows)
        span = f"{cell_name(table.header_row, table.first_col)}:" + cell_name(
            last, table.first_col + len(table.headers) - 1
        )
        self.lines.append(f"{self.label}: {table.sheet}!{span}: table {table.name}: {text}")

    def file(self, text: str) -> None:
        self.lines.append(f"{self.label}: {text}")

    def raise_if_any(self) -> None:
        if self.lines:
            lines = self.lines[:MAX_PROBLEMS]
            if len(self.lines) > MAX_PROBLEMS:
                lines.append(f"{self.label}: … and {len(self.lines) - MAX_PROBLEMS} more problems")
            raise WorkbookError(lines)


def whole_number(value: Any) -> int | None:
    """A cell as a whole number ≥ 0, or None when it is not one."""
    if type(value) is float:  # the common case first: spreadsheets store numbers as floats
        if value.is_integer() and 0 <= value < _MAX_EXACT:
            return int(value)
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return whole_number(float(value))
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def positive_number(value: Any) -> float | None:
    """A cell as a finite number > 0 (an average per counter), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip()) if value.strip().isascii() else math.nan
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and number > 0 else None


def number_at_least_zero(value: Any) -> float | None:
    """A cell as a finite number ≥ 0, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip() == "0":
        return 0.0
    if isinstance(value, int | float) and value == 0:
        return 0.0
    return positive_number(value)


def cell_text(value: Any) -> str:
    """A text cell; a number typed into it reads as the number's digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()


def cell_month(value: Any) -> str | None:
    if isinstance(value, dt.datetime | dt.date):  # Excel turns a typed 2020-10 into a date
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str) and _MONTH.fullmatch(value.strip()):
        return value.strip()
    return None


def table_columns(table: RawTable, fields: Sequence[Field], out: Problems) -> dict[str, int] | None:
    """Where each field's column is in ``table``, found by its header; None if any is missing."""
    found = {cell_text(h): j for j, h in enumerate(table.headers)}
    wanted = {f.header for f in fields}
    missing = [f.header for f in fields if f.header not in found]
    if not missing:
        return {f.name: found[f.header] for f in fields}
    strangers = [j for j, h in enumerate(table.headers) if cell_text(h) not in wanted]
    if len(strangers) == len(missing):  # renamed: point at each renamed header cell
        for j, header in zip(strangers, missing, strict=True):
            out.at(
                table,
                table.header_row,
                table.first_col + j,
                f'header {shown(table.headers[j])} should be "{header}" '
                f"(table {table.name} is read by its headers)",
            )
    else:
        out.table(table, "missing column(s) " + ", ".join(f'"{h}"' for h in missing))
    return None
