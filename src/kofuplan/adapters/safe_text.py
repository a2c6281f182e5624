"""Keep user text from turning into a formula when an export is opened in a spreadsheet.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula, and a tab or carriage return at the start can smuggle one in (OWASP, "CSV
Injection"). Every export that writes text that came from a user (a code, a municipality's
name, a budget item, a raw cell echoed in a message) passes it through here:

- :func:`safe_cell` / :func:`safe_text` (alias :func:`csv_text`) for CSV and for cell values
  written as plain strings: such text gets a leading apostrophe, which spreadsheets show as
  text and do not evaluate; :func:`write_csv` applies it to every text field;
- :func:`set_excel_text` for openpyxl cells: the cell is stored as a string (never a formula)
  and styled with Excel's quote prefix, so that editing it later does not turn it into one
  either; the text itself is kept unchanged.

Numbers are left alone: a negative number is a number, not a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kofuplan.adapters.output import CSV_ENCODING, write_file

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = FORMULA_TRIGGERS


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def safe_cell(value: object) -> object:
    """The value, with text that would start a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_text(value: str) -> str:
    out = safe_cell(value)
    assert isinstance(out, str)
    return out


def csv_text(text: str) -> str:
    """``text`` as a CSV field that no spreadsheet evaluates."""
    return safe_text(text)


def excel_text(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold (each becomes "?"):
    a code or message echoing a broken input must not make the whole workbook fail."""
    return _EXCEL_ILLEGAL.sub("?", text)


def set_excel_text(cell: Any, text: str) -> None:
    """Write ``text`` into an openpyxl cell as plain text, whatever it starts with."""
    text = excel_text(text)
    cell.value = text
    # openpyxl stores any str starting with "=" as a formula; force the string type back.
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True


def csv_rows_text(header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as CSV text, quoting as needed and neutralising text that looks like a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [csv_text(v) if isinstance(v, str) else _plain(v) for v in (row[h] for h in header)]
        )
    return buffer.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    encoding: str = CSV_ENCODING,
) -> None:
    """Write rows as :func:`csv_rows_text`, whole or not at all, by default UTF-8 with a
    byte-order mark (:data:`kofuplan.adapters.output.CSV_ENCODING`), without which Excel in
    Japan opens the file as Shift-JIS (garbled)."""
    write_file(path, csv_rows_text(header, rows).encode(encoding))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
