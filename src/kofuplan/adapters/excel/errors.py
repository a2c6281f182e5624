"""Errors for bad workbooks: each line names the file, and the sheet and cell where there is one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kofuplan.errors import InputError


class WorkbookError(InputError):
    """A workbook that cannot be read; it is rejected whole. ``problems`` are full lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """A 0-based (row, column) as Excel writes it: (13, 2) -> C14."""
    return f"{column_letter(col)}{row + 1}"


def shown(value: Any) -> str:
    """How a cell's value appears in an error: text quoted, numbers as typed."""
    if value is None or value == "":
        return "an empty cell"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return f"a date/time {value}"
    return '"' + str(value).replace('"', '\\"') + '"'
