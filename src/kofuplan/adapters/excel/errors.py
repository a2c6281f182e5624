"""Errors for bad workbooks: each line names the file, and the sheet and cell where there is one.

Every problem is kept in Japanese (what the clerk and the prefecture read) and in English (for
logs: ``--lang en``); the two lists run in parallel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from kofuplan.domain.clerk_input import spreadsheet_error
from kofuplan.errors import InputError

Lang = Literal["ja", "en"]


class WorkbookError(InputError):
    """A workbook that cannot be read; it is rejected whole. ``problems`` are full lines in
    Japanese; ``english`` the same lines in English."""

    def __init__(self, problems: Sequence[str], english: Sequence[str] | None = None) -> None:
        self.problems = tuple(problems)
        self.english = tuple(english) if english is not None else self.problems
        super().__init__("\n".join(self.problems))

    def lines(self, lang: Lang = "ja") -> tuple[str, ...]:
        return self.english if lang == "en" else self.problems


def file_error(label: str, ja: str, en: str) -> WorkbookError:
    """A problem of the whole file, in both languages."""
    return WorkbookError([f"{label}: {ja}"], [f"{label}: {en}"])


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
    """How a cell's value appears in an English error: text quoted, numbers as typed."""
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
    if (error := spreadsheet_error(value)) is not None:
        return f"the error {error}"
    return '"' + str(value).replace('"', '\\"') + '"'


def shown_ja(value: Any) -> str:
    """How a cell's value appears in a Japanese error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "空欄です"
    if isinstance(value, bool):
        return "入力値は TRUE です" if value else "入力値は FALSE です"
    if isinstance(value, float) and value.is_integer():
        return f"入力値は {int(value)} です"
    if isinstance(value, int | float):
        return f"入力値は {value!r} です"
    if isinstance(value, dt.datetime | dt.date):
        return f"入力値は日付 {value:%Y-%m-%d} です"
    if isinstance(value, dt.time | dt.timedelta):
        return f"入力値は時刻 {value} です"
    if (error := spreadsheet_error(value)) is not None:
        return f"計算エラー {error} が表示されています"
    return f"入力値は「{value}」です"
