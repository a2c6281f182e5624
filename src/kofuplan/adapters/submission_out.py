"""Writes a prefecture's submission (R7.1) as CSV or XLSX, chosen by the file's extension.

CSV: a row per municipality and month with the check results alongside, then a row per
missing municipality. XLSX: the same rows on a sheet 計画, every municipality's status on
提出状況, and every finding on 指摘事項. Text cells are made formula-safe; nothing is
half-written (a temporary file replaces the target at the end).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kofuplan.adapters.excel.form import print_ready
from kofuplan.adapters.output import write_file
from kofuplan.adapters.safe_text import excel_text, safe_cell
from kofuplan.domain.findings import FINDING_COLUMNS
from kofuplan.errors import InputError
from kofuplan.services.submission import (
    PLAN_SHEET_COLUMNS,
    Submission,
    status_of,
    submission_rows,
)

FORMATS = (".csv", ".xlsx")
BOLD = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _cells(row: Sequence[Any]) -> list[Any]:
    return [excel_text(x) if isinstance(x, str) else x for x in (safe_cell(y) for y in row)]


def _csv_cell(x: Any) -> str:
    return "" if x is None else str(safe_cell(x))


def check_submission_name(out: Path) -> None:
    if out.suffix.lower() not in FORMATS:
        raise InputError(f"--out {out}: ファイル名は .csv か .xlsx で終えてください")


def write_submission(out: Path, sub: Submission) -> None:
    check_submission_name(out)
    suffix = out.suffix.lower()
    rows = submission_rows(sub)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(PLAN_SHEET_COLUMNS)
        writer.writerows([_csv_cell(x) for x in row] for row in rows)
        write_file(out, buffer.getvalue())
    else:
        write_file(out, lambda tmp: _write_xlsx(tmp, sub, rows))


# Column widths (Excel's units) for printing: codes and flags narrow, names and the findings'
# messages wide (wrapped); anything else a figure.
_WIDTHS = {
    "pref_code": 10,
    "lg_code": 7,
    "municipality_name": 12,
    "status": 9,
    "month": 8,
    "deadline": 11,
    "as_of_date": 11,
    "severity": 7,
    "findings": 60,
    "message": 80,
}
_NARROW = 6  # a check result: ok / error / warning
_FIGURE = 8


def _sheet(
    wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], count: int
) -> None:
    """One sheet, ready to print as the other workbooks (A4 landscape, one page wide, the
    header row on every page, a print area; issue 15)."""
    ws = wb.create_sheet(title)
    wrapped = [j for j, h in enumerate(header) if h in ("findings", "message")]
    for j, h in enumerate(header, start=1):
        width = _WIDTHS.get(h, _NARROW if h.startswith("R") and "." in h else _FIGURE)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(header))
    print_ready(ws, title_rows=(1, 1), area=f"A1:{last}{count + 1}", footer=title)
    head = []
    for h in header:
        cell = WriteOnlyCell(ws, h)
        cell.font, cell.alignment = BOLD, WRAP_TOP
        head.append(cell)
    ws.append(head)
    for row in rows:
        values: list[Any] = _cells(row)
        for j in wrapped:
            if values[j]:
                cell = WriteOnlyCell(ws, values[j])
                cell.alignment = WRAP_TOP
                values[j] = cell
        ws.append(values)


def _write_xlsx(path: Path, sub: Submission, rows: list[list[Any]]) -> None:
    wb = Workbook(write_only=True)
    _sheet(wb, "計画", PLAN_SHEET_COLUMNS, rows, len(rows))
    given = {c for c, _ in sub.members} - {c for c, _ in sub.missing}
    _sheet(
        wb,
        "提出状況",
        ("pref_code", "lg_code", "municipality_name", "status", "deadline", "as_of_date"),
        (
            (
                sub.pref_code,
                c,
                n,
                status_of(sub, c in given),
                sub.deadline.isoformat(),
                sub.on.isoformat(),
            )
            for c, n in sub.members
        ),
        len(sub.members),
    )
    _sheet(
        wb,
        "指摘事項",
        FINDING_COLUMNS,
        (
            [f.lg_code, f.month, f.code, f.severity, f.value, f.threshold, f.message]
            for f in sub.run.findings
        ),
        len(sub.run.findings),
    )
    wb.save(path)
