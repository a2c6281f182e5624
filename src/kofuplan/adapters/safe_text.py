"""Keep user text from turning into a formula when an export is opened in a spreadsheet.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula, and a tab or carriage return at the start can smuggle one in (OWASP, "CSV
Injection"). Every export that writes text that came from a user (a municipality's name, a
budget item, a comment) passes it through here:

- :func:`csv_text` for CSV: such text gets a leading apostrophe, which spreadsheets show as
  text and do not evaluate;
- :func:`set_excel_text` for openpyxl: the cell is stored as a string (never a formula) and
  styled with Excel's quote prefix, so that editing it later does not turn it into one either.

Numbers that the program computed are not user text and are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(text: str) -> str:
    """``text`` as a CSV field that no spreadsheet evaluates."""
    return "'" + text if looks_like_formula(text) else text


def set_excel_text(cell: Any, text: str) -> None:
    """Write ``text`` into an openpyxl cell as plain text, whatever it starts with."""
    cell.value = text
    # openpyxl stores any str starting with "=" as a formula; force the string type back.
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write rows as UTF-8 CSV, quoting as needed and neutralising text that looks like a
    formula; atomic, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [csv_text(v) if isinstance(v, str) else _plain(v) for v in (row[h] for h in header)]
            )
    tmp.replace(path)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
