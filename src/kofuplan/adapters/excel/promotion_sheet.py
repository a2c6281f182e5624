"""Write the promotion section of the plan workbook (issue 8: R2.4, R3.2–R3.4, R8.3).

Sheet ``promotion`` holds the table ``promotion`` (項目・値, one row per item, with an
explanation beside it); sheet ``events`` holds the table ``events`` (a row per off-site
application event, with spare rows: a protected sheet cannot grow a table). Values are
pre-filled from the profile; inputs are unlocked and validated by kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.form import prompt
from kofuplan.adapters.excel.layout import (
    EVENT_FIELDS,
    NO,
    PROMOTION_HEADERS,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
    YES,
    Field,
    column_header,
    sheet_title,
)
from kofuplan.adapters.safe_text import set_excel_text
from kofuplan.domain.promotion import Event, MunicipalPromotion
from kofuplan.domain.promotion_input import EVENING_HOURS_MAX, SHARE_MAX

WRAP = Alignment(wrap_text=True, vertical="top")
TEXT = "@"  # a text cell: Excel keeps 2021-01 as typed instead of turning it into a date
NUMBER = "#,##0"


def promotion_cell(name: str, first_row: int) -> str:
    """Absolute reference to a promotion item's value, for formulas on other sheets."""
    index = next(i for i, f in enumerate(PROMOTION_ITEMS) if f.name == name)
    return f"'{sheet_title(PROMOTION_TABLE)}'!$B${first_row + index}"


def _validation(f: Field, months: Sequence[str]) -> DataValidation | None:
    """Excel's own check of a cell, with the field's explanation as its input prompt (the
    reader checks again: it trusts neither)."""
    dv = _check(f, months)
    return prompt(dv, f.header, f.explanation) if dv is not None else None


def _check(f: Field, months: Sequence[str]) -> DataValidation | None:
    common: dict[str, Any] = {
        "allow_blank": True,
        "showErrorMessage": True,
        "errorTitle": "入力エラー",
    }
    if f.kind == "count":
        return DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error="0以上の整数を入力してください。",
            **common,
        )
    if f.kind in ("share", "hours"):
        high = SHARE_MAX if f.kind == "share" else EVENING_HOURS_MAX
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=f"{high:g}",
            error=f"0から{high:g}までの数を入力してください。"
            + ("（100%は1）" if f.kind == "share" else ""),
            **common,
        )
    if f.kind == "flag":
        return DataValidation(
            type="list", formula1=f'"{YES},{NO}"', error=f"{YES}か{NO}を選んでください。", **common
        )
    if f.kind == "month":
        return DataValidation(
            type="list",
            formula1='"' + ",".join(months) + '"',
            error=f"{months[0]}から{months[-1]}までの月（YYYY-MM）を入力してください。",
            **common,
        )
    if f.kind == "date":
        return DataValidation(
            type="date",
            operator="greaterThan",
            formula1="0",
            error="日付（YYYY-MM-DD）を入力してください。",
            **common,
        )
    return None  # text and lists of months: checked by the reader


def shown_value(f: Field, value: Any) -> Any:
    """A value as its cell holds it: months joined by ";", はい/いいえ, a date as a date;
    None when not given."""
    if value is None or value == "" or value == ():
        return None
    if f.kind in ("text", "months", "month"):
        return ";".join(value) if isinstance(value, tuple) else str(value)
    if f.kind == "flag":
        return YES if value else NO
    if f.kind == "date":
        return dt.date.fromisoformat(str(value))
    return value


# Each kind's number format, set whether or not a value is given (a clerk may add one).
_FORMATS = {"text": TEXT, "months": TEXT, "month": TEXT, "date": "yyyy-mm-dd", "share": "0.0%"}


def _put(cell: Any, f: Field, value: Any) -> None:
    """Write a value as the reader expects to find it; blank when not given."""
    cell.number_format = _FORMATS.get(f.kind, NUMBER if f.kind == "count" else "General")
    shown = shown_value(f, value)
    if shown is None:
        return
    if isinstance(shown, str):
        set_excel_text(cell, shown)
    else:
        cell.value = shown


def write_promotion(
    ws: Worksheet,
    promo: MunicipalPromotion,
    months: Sequence[str],
    *,
    first_row: int,
    unlock: Any,
) -> tuple[str, str]:
    """Fill sheet ``promotion``; returns the ref of the table and of its values column."""
    header = first_row - 1
    ws.cell(header, 1, PROMOTION_HEADERS[0])
    ws.cell(header, 2, PROMOTION_HEADERS[1])
    ws.cell(header, 3, "説明")
    for i, f in enumerate(PROMOTION_ITEMS):
        r = first_row + i
        ws.cell(r, 1, f.header)
        cell = ws.cell(r, 2)
        _put(cell, f, getattr(promo, f.name))
        unlock(cell)
        dv = _validation(f, months)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(cell.coordinate)
        ws.cell(r, 3, f.explanation)
    last = first_row + len(PROMOTION_ITEMS) - 1
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 80
    return f"A{header}:B{last}", f"B{first_row}:B{last}"


def write_events(
    ws: Worksheet,
    events: Sequence[Event],
    months: Sequence[str],
    *,
    first_row: int,
    spare_rows: int,
    unlock: Any,
) -> str:
    """Fill sheet ``events``; returns the ref of the table."""
    header = first_row - 1
    for j, f in enumerate(EVENT_FIELDS, start=1):
        ws.cell(header, j, column_header(f.header, f.name)).alignment = WRAP
    ws.row_dimensions[header].height = 30
    rows = max(len(events) + spare_rows, 1)
    last = first_row + rows - 1
    for j, f in enumerate(EVENT_FIELDS, start=1):
        column = get_column_letter(j)
        for i in range(rows):
            cell = ws.cell(first_row + i, j)
            _put(cell, f, getattr(events[i], f.name) if i < len(events) else None)
            unlock(cell)
        dv = _validation(f, months)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{column}{first_row}:{column}{last}")
        ws.column_dimensions[column].width = 18
    return f"A{header}:{get_column_letter(len(EVENT_FIELDS))}{last}"
