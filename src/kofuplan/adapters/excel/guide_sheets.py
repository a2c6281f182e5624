"""The sheets for people only: 記入例 (the monthly form filled for a fictitious town) and 説明
(every header, item and formula explained). The reader never looks at them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.form import header_block, print_ready, protect
from kofuplan.adapters.excel.layout import (
    BUDGET_FIELDS,
    BUDGET_TABLE,
    EVENT_FIELDS,
    EVENTS_TABLE,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    PROFILE_FIELDS,
    PROFILE_TABLE,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
    column_header,
    sheet_title,
)
from kofuplan.adapters.excel.sheet_layout import (
    BOLD,
    CALC_HEADERS,
    HEADER_ROW,
    MONTHLY_FIRST_COL,
    MONTHLY_FIRST_ROW,
    MONTHLY_HEADER_ROW,
    NUMBER,
    REMARKS,
    REMARKS_COL,
    WRAP_TOP,
    calc_header,
    monthly_headers,
    monthly_widths,
)
from kofuplan.domain.wareki import reiwa_month

# A filled example (記入例) of the monthly form: what goes where, with remarks on why.
EXAMPLE_CONTACTS = ("市民課 窓口係", "記入 太郎", "000-000-0000", "madoguchi@example.lg.jp")
EXAMPLE_REMARKS = {
    0: "初月は現在の体制から（窓口数は専用・兼用の別に）",
    2: "年末年始: 土日交付日数はその月の実施日数",
    5: "3月・4月は転入転出で兼用窓口の交付が減る",
    8: "臨時窓口（庁舎外）は専用窓口数の内数",
}


def write_example(ws: Worksheet, months: Sequence[str], made_on: dt.date) -> None:
    """記入例: the monthly form filled for a fictitious town, with remarks; no table, no
    inputs (the reader never looks here)."""
    header_block(
        ws,
        title="記入例（月別計画）",
        pref_name="○○県",
        name="記入例町（架空の団体）",
        lg_code="000000",
        made_on=made_on,
        note="この記入例は架空の団体です。月別計画シートの黄色のセルに、このように入力します。",
        unlock=lambda cell: None,
    )
    for j, value in enumerate(EXAMPLE_CONTACTS):
        ws.cell(3, 2 + 2 * j, value)
    monthly_headers(ws, MONTHLY_HEADER_ROW)
    for i, month in enumerate(months):
        r = MONTHLY_FIRST_ROW + i
        offsite = 1 if i >= 8 else 0
        values = (
            1200 + 40 * i,
            2 + (1 if i >= 6 else 0) + offsite,
            1,
            offsite,
            4 if i % 12 != 2 else 3,
            6 + (1 if i >= 6 else 0),
            3 + (1 if i >= 6 else 0),
        )
        ws.cell(r, 1, reiwa_month(month))
        ws.cell(r, MONTHLY_FIRST_COL, month)
        for j, v in enumerate(values, start=1):
            ws.cell(r, MONTHLY_FIRST_COL + j, v).number_format = NUMBER
        if i in EXAMPLE_REMARKS:
            ws.cell(r, REMARKS_COL, EXAMPLE_REMARKS[i])
    monthly_widths(ws, calc=False)
    last = MONTHLY_FIRST_ROW + len(months) - 1
    print_ready(
        ws,
        title_rows=(MONTHLY_HEADER_ROW, MONTHLY_HEADER_ROW),
        area=f"A1:{get_column_letter(REMARKS_COL)}{last}",
        footer="記入例",
    )
    protect(ws)


def write_help(ws: Worksheet) -> None:
    ws["A1"] = "記入要領"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "黄色のセルが入力欄です（記入例シート参照）。表の見出しと項目名は変更しないでください。"
        "システムは表の名前と見出しでデータを読み取ります。シート名は変更してもかまいません。"
    )
    ws["A2"].alignment = WRAP_TOP
    ws.row_dimensions[2].height = 30
    monthly, profile = sheet_title(MONTHLY_TABLE), sheet_title(PROFILE_TABLE)
    rows: list[tuple[str, str, str]] = [("シート", "見出し", "説明")]
    rows += [(monthly, column_header(f.header, f.name), f.explanation) for f in MONTHLY_FIELDS]
    rows += [(monthly, REMARKS, "自由記入欄（読み取りません）。")]
    rows += [(f"{monthly}（計算）", calc_header(h), text) for h, text in CALC_HEADERS]
    rows += [(profile, f.header, f.explanation) for f in PROFILE_FIELDS]
    budget, promotion = sheet_title(BUDGET_TABLE), sheet_title(PROMOTION_TABLE)
    rows += [(budget, column_header(f.header, f.name), f.explanation) for f in BUDGET_FIELDS]
    rows += [(promotion, f.header, f.explanation) for f in PROMOTION_ITEMS]
    events = sheet_title(EVENTS_TABLE)
    rows += [(events, column_header(f.header, f.name), f.explanation) for f in EVENT_FIELDS]
    for i, row in enumerate(rows):
        for j, text in enumerate(row, start=1):
            cell = ws.cell(HEADER_ROW + i, j, text)
            cell.alignment = WRAP_TOP
            if i == 0:
                cell.font = BOLD
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 80
    last = HEADER_ROW + len(rows) - 1
    print_ready(ws, title_rows=(HEADER_ROW, HEADER_ROW), area=f"A1:C{last}", footer="説明")
    protect(ws)
