"""A table (header and rows) as a CSV that Japanese Excel opens as it is (UTF-8 with BOM) or as
an Excel workbook; text from users is made inert (adapters/safe_text.py) in both."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from kofuplan.adapters.safe_text import safe_cell, set_excel_text


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook  # loaded only when a workbook is asked for
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    for j, h in enumerate(header, start=1):
        set_excel_text(ws.cell(1, j), str(h))
        ws.cell(1, j).font = Font(bold=True)
    for i, row in enumerate(rows, start=2):
        for j, v in enumerate(row, start=1):
            cell = ws.cell(i, j)
            if isinstance(v, str):
                set_excel_text(cell, v)
            else:
                cell.value = v
    ws.freeze_panes = "A2"
    for j, h in enumerate(header, start=1):
        width = max([len(str(h)) * 2 + 2] + [len(str(r[j - 1])) + 2 for r in rows[:200]])
        ws.column_dimensions[ws.cell(1, j).column_letter].width = min(width, 40)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
