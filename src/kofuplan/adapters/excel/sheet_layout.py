"""Where things sit on the plan workbook's sheets: rows, columns and the monthly sheet's
calculated columns, shared by the writer (:mod:`.template`), the guide sheets, the fast
writer (:mod:`.stamp`) and the tools."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.form import HEADER_BLOCK_ROWS
from kofuplan.adapters.excel.layout import MONTHLY_FIELDS, column_header

HEADER_ROW = 3  # tables start on row 3 under a title and a note
FIRST_ROW = HEADER_ROW + 1
# The monthly sheet is the form itself: the header block above, a blank row, then the table.
MONTHLY_HEADER_ROW = HEADER_BLOCK_ROWS + 2
MONTHLY_FIRST_ROW = MONTHLY_HEADER_ROW + 1
REMARKS = "備考"  # a free-text column of the monthly table; the reader ignores it
NUMBER = "#,##0"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
BAD_FILL = PatternFill("solid", fgColor="F4CCCC")
BOLD = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")  # one object: built once, not per cell
SHRINK = Alignment(shrink_to_fit=True)  # a judgement never spills into the next column
OK, NG = "○", "×"
# The monthly table spans B:J (column A carries the 令和 label; J is 備考); calculations start
# after a gap.
MONTHLY_FIRST_COL = 2
REMARKS_COL = MONTHLY_FIRST_COL + len(MONTHLY_FIELDS)
CALC_FIRST_COL = REMARKS_COL + 2
CALC_HEADERS = (
    ("平日開庁日数", "その月の平日（祝日・年末年始を除く）の開庁日数。暦から計算済み。"),
    ("必要土日日数", "毎週土日のいずれかを開庁するのに必要な土日の日数（R2.1）。"),
    ("開庁日数", "平日開庁日数＋土日交付日数。"),
    (
        "夜間開庁日換算",
        "夜間開庁（R8.3）を開庁日に換算した日数: promotion表の夜間開庁の回数×夜間延長時間"
        "÷1日の窓口時間（小数第2位まで）。",
    ),
    ("兼用窓口係数", "兼用窓口のカード交付能力に掛ける月別係数（3・4月は繁忙期で低い）。"),
    (
        "交付能力",
        "（専用窓口数×専用窓口1日平均＋兼用窓口数×兼用窓口1日平均×係数）"
        "×（開庁日数＋夜間開庁日換算）。",
    ),
    ("累計交付枚数", "令和2年9月末の累計交付枚数＋その月までの交付枚数の合計。"),
    ("交付率", "累計交付枚数÷住基人口。"),
    ("判定:交付能力", "R6.1-2: 交付能力が交付枚数以上なら ○。"),
    ("判定:庁舎内窓口", "R6.1-3: 庁舎内の窓口（専用−臨時＋兼用）が庁舎内最大窓口数以下なら ○。"),
    ("判定:土日交付", "R6.1-4: 土日交付日数が必要土日日数以上なら ○。"),
)


# Units of the calculated columns, shown in their headers.
CALC_UNITS = {
    "平日開庁日数": "日",
    "必要土日日数": "日",
    "開庁日数": "日",
    "夜間開庁日換算": "日",
    "交付能力": "枚",
    "累計交付枚数": "枚",
}


def calc_header(header: str) -> str:
    unit = CALC_UNITS.get(header)
    return f"{header}（{unit}）" if unit else header


def monthly_headers(ws: Worksheet, row: int) -> None:
    ws.cell(row, 1, "月（令和）").font = BOLD
    for j, f in enumerate(MONTHLY_FIELDS):
        ws.cell(row, MONTHLY_FIRST_COL + j, column_header(f.header, f.name)).alignment = WRAP_TOP
    ws.cell(row, REMARKS_COL, REMARKS)
    ws.row_dimensions[row].height = 30  # two lines: 「専用窓口数」「（窓口）」


def monthly_widths(ws: Worksheet, *, calc: bool) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions[get_column_letter(MONTHLY_FIRST_COL)].width = 10
    for j in range(1, len(MONTHLY_FIELDS)):
        ws.column_dimensions[get_column_letter(MONTHLY_FIRST_COL + j)].width = 13
    ws.column_dimensions[get_column_letter(REMARKS_COL)].width = 24
    if calc:
        for j, (h, _) in enumerate(CALC_HEADERS):
            ws.column_dimensions[get_column_letter(CALC_FIRST_COL + j)].width = (
                20 if "判定" in h else 13
            )
