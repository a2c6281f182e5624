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


def _cells(row: Sequence[Any]) -> list[Any]:
    return [excel_text(x) if isinstance(x, str) else x for x in (safe_cell(y) for y in row)]


def _csv_cell(x: Any) -> str:
    return "" if x is None else str(safe_cell(x))


def check_submission_name(out: Path) -> None:
    if out.suffix.lower() not in FORMATS:
        raise InputError(f"--out {out}: the file must end with .csv or .xlsx")


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


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for row in rows:
        ws.append(_cells(row))


def _write_xlsx(path: Path, sub: Submission, rows: list[list[Any]]) -> None:
    wb = Workbook(write_only=True)
    _sheet(wb, "計画", PLAN_SHEET_COLUMNS, rows)
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
    )
    _sheet(
        wb,
        "指摘事項",
        FINDING_COLUMNS,
        (
            [f.lg_code, f.month, f.code, f.severity, f.value, f.threshold, f.message]
            for f in sub.run.findings
        ),
    )
    wb.save(path)
