"""What makes a sheet a 様式 a clerk can print and hand in: A4 landscape, one page wide,
title rows repeated on every page, a print area, a footer with the page number; protection
that still lets the clerk widen a column or sort; input prompts on validated cells; and the
header block (都道府県名, 団体名, 団体コード, 担当課, 担当者, 電話, メール, 作成日)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.layout import CONTACT_LABELS, MADE_ON_LABEL
from kofuplan.domain.wareki import reiwa_date

FORM_NUMBER = "様式1"  # the municipality's plan workbook
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
SHRINK = Alignment(shrink_to_fit=True)
# Contact items of the header block: typed by the clerk, printed on the form, read back.
CONTACT_ITEMS = tuple(CONTACT_LABELS)
HEADER_BLOCK_ROWS = 4  # title, identity, contacts, note


def print_ready(ws: Worksheet, *, title_rows: tuple[int, int], area: str, footer: str) -> None:
    """A4 landscape, fit to one page wide (as many pages down as needed), the title rows on
    every page, the print area, and 「name ページ N / M」 in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.print_area = area
    # The file name (&F) identifies the municipality on every page; the text is the same in
    # every workbook, so that the fast writer (.stamp) can share it.
    ws.oddFooter.center.text = f"&F　{footer}　&P / &N ページ"
    ws.oddFooter.center.size = 9


def protect(ws: Worksheet) -> None:
    """Protect against accidents (no password), but let the clerk widen a column or a row to
    read a long message, and sort or filter the table rows."""
    ws.protection = SheetProtection(
        sheet=True,
        formatColumns=False,
        formatRows=False,
        sort=False,
        autoFilter=False,
        selectLockedCells=False,
        selectUnlockedCells=False,
    )


def prompt(dv: DataValidation, title: str, text: str) -> DataValidation:
    """The input message Excel shows when the clerk selects the cell (≤ 255 characters)."""
    dv.showInputMessage = True
    dv.promptTitle = title[:32]
    dv.prompt = text[:250]
    return dv


def header_block(
    ws: Worksheet,
    *,
    title: str,
    pref_name: str,
    name: str,
    lg_code: str,
    made_on: dt.date,
    note: str,
    unlock: Any,
) -> None:
    """Rows 1–4: the form's title and number; 都道府県名, 団体名, 団体コード, 作成日; the
    contacts to fill in; a note. Labels in columns A, C, E, G and values beside them."""
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws["H1"] = FORM_NUMBER
    ws["H1"].alignment = Alignment(horizontal="right")
    identity = (
        ("都道府県名", pref_name),
        ("団体名", name),
        ("団体コード", lg_code),
        (MADE_ON_LABEL, reiwa_date(made_on)),
    )
    for row, items in ((2, identity), (3, tuple((c, "") for c in CONTACT_ITEMS))):
        for k, (label, value) in enumerate(items):
            col = 1 + 2 * k
            head = ws.cell(row, col, label)
            head.font = BOLD
            head.fill = LABEL_FILL
            head.border = BOX
            cell = ws.cell(row, col + 1, value or None)
            cell.border = BOX
            cell.alignment = SHRINK  # a long name shrinks rather than runs under the next label
            if row == 3:
                unlock(cell)
                cell.protection = Protection(locked=False)
    ws["A4"] = note
