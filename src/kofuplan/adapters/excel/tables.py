"""Find the plan workbook's tables and hand back their cells, with python-calamine.

An .xlsx carries Excel tables (ListObjects): they are found by name, wherever they sit and
whatever their sheet is called. A file without tables (.xls, .ods, or an .xlsx whose tables
were lost on the way) is read from the sheet of the table's title (layout.SHEET_TITLES), the
table found by its header row. A :class:`RawTable` carries the cell values as the source gave
them, where they sit, and the cells that are not values at all: merged into another cell or
showing a spreadsheet error (calamine reads both as an empty cell, which they are not).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from kofuplan.adapters.excel.errors import WorkbookError, file_error
from kofuplan.adapters.excel.layout import (
    BUDGET_HEADERS,
    BUDGET_TABLE,
    EVENT_HEADERS,
    EVENTS_TABLE,
    MONTHLY_HEADERS,
    MONTHLY_TABLE,
    PROFILE_HEADERS,
    PROFILE_TABLE,
    PROMOTION_HEADERS,
    PROMOTION_TABLE,
    TABLES_WITH_SPARE_ROWS,
    sheet_title,
    without_unit,
)
from kofuplan.domain.clerk_input import normalise, spreadsheet_error

Cell = tuple[int, int]  # 0-based (row, column) on the sheet


@dataclass(frozen=True)
class RawTable:
    name: str
    sheet: str
    header_row: int  # 0-based row of the header cells
    first_col: int  # 0-based column of the table's first column
    headers: tuple[Any, ...]  # the table's column names (= its header cells, in Excel)
    rows: tuple[tuple[Any, ...], ...]  # data rows, cell values as read
    # Cells that hold no value of their own: "merged" (part of a merged range) or the error
    # the cell shows (#DIV/0!). Absolute positions, as the rows are placed on the sheet.
    marks: Mapping[Cell, str] = field(default_factory=dict)


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


_ERROR_CELL = re.compile(r"<c\b([^>]*\bt=\"e\"[^>]*)>(.*?)</c>", re.S)
_MERGE = re.compile(r"<mergeCell\b[^>]*\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_SHEET = re.compile(r"<sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
_REL = re.compile(r"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")
_REL_REVERSED = re.compile(r"<Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def _merged_cells(ranges: Iterable[tuple[Cell, Cell]]) -> dict[Cell, str]:
    out: dict[Cell, str] = {}
    for (r0, c0), (r1, c1) in ranges:
        if (r0, c0) == (r1, c1):
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = "merged"
    return out


def xlsx_marks(path: Path, sheets: Iterable[str]) -> dict[str, dict[Cell, str]]:
    """Merged and error cells of the named sheets, from the sheet XML (a regex pass over a
    few kilobytes: calamine gives neither with the tables)."""
    wanted = set(sheets)
    out: dict[str, dict[Cell, str]] = {}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels_name = "xl/_rels/workbook.xml.rels"
        rels_xml = zf.read(rels_name).decode("utf-8", "replace") if rels_name in names else ""
        targets = dict(_REL.findall(rels_xml))
        targets.update({rid: t for t, rid in _REL_REVERSED.findall(rels_xml)})
        for raw_name, rid in _SHEET.findall(workbook):
            name = _unescape(raw_name)
            if name not in wanted or rid not in targets:
                continue
            target = targets[rid].lstrip("/")
            part = target if target.startswith("xl/") else "xl/" + target
            if part not in names:
                continue
            xml = zf.read(part).decode("utf-8", "replace")
            marks: dict[Cell, str] = {}
            for m in _MERGE.finditer(xml):
                ca, ra, cb, rb = m.groups()
                marks.update(
                    _merged_cells([((int(ra) - 1, _column(ca)), (int(rb) - 1, _column(cb)))])
                )
            for attrs, body in _ERROR_CELL.findall(xml):
                ref = re.search(r"\br=\"([A-Z]+)(\d+)\"", attrs)
                value = re.search(r"<v>([^<]*)</v>", body)
                if ref:
                    cell = (int(ref.group(2)) - 1, _column(ref.group(1)))
                    marks[cell] = _unescape(value.group(1)) if value else "#VALUE!"
            out[name] = marks
    return out


def _table_marks(
    marks: Mapping[Cell, str], first_row: int, rows: int, first_col: int, width: int
) -> dict[Cell, str]:
    return {
        (r, c): why
        for (r, c), why in marks.items()
        if first_row <= r < first_row + rows and first_col <= c < first_col + width
    }


def read_tables_calamine(path: Path, label: str, names: Iterable[str]) -> dict[str, RawTable]:
    """The tables called ``names`` that exist in the workbook (missing ones are left out).

    In an .xlsx, headers are the table's column names, which Excel keeps equal to the header
    cells; the sheet itself is not parsed a second time, which halves the reading time. A
    workbook without any table is read sheet by sheet (:func:`_tables_from_sheets`).
    """
    wanted = tuple(names)
    try:
        xlsx = _is_zip_xlsx(path)  # .xls and .ods have no Excel tables
        with python_calamine.load_workbook(str(path), load_tables=xlsx) as wb:
            present = set(wb.table_names or ()) if xlsx else set()
            if not present:
                return _tables_from_sheets(wb, wanted)
            out: dict[str, RawTable] = {}
            for name in wanted:
                if name not in present:
                    continue
                table = wb.get_table_by_name(name)
                if table.start is None:  # an empty table: no data rows
                    continue
                first_row, first_col = table.start
                out[name] = RawTable(
                    name=name,
                    sheet=table.sheet,
                    header_row=first_row - 1,
                    first_col=first_col,
                    headers=tuple(table.columns),
                    rows=tuple(tuple(row) for row in table.to_python()),
                )
        marks = xlsx_marks(path, {t.sheet for t in out.values()})
        return {name: _with_marks(t, marks.get(t.sheet, {})) for name, t in out.items()}
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises its own errors, ValueError and others on bad XML
        raise file_error(
            label,
            f"壊れていて読み取れないファイルです（{_why(exc)}）。様式を開き直して保存し、もう一度提出してください",
            f"a damaged workbook that cannot be read ({_why(exc)})",
        ) from None


def _with_marks(table: RawTable, marks: Mapping[Cell, str]) -> RawTable:
    if not marks:
        return table
    width = len(table.headers)
    inside = _table_marks(marks, table.header_row + 1, len(table.rows), table.first_col, width)
    if not inside:
        return table
    return RawTable(
        table.name,
        table.sheet,
        table.header_row,
        table.first_col,
        table.headers,
        table.rows,
        inside,
    )


def _is_zip_xlsx(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":
        return False
    with zipfile.ZipFile(path) as zf:
        return "xl/workbook.xml" in zf.namelist()


# A table's header row is found by its first two headers.
_LEADING_HEADERS = {
    MONTHLY_TABLE: MONTHLY_HEADERS[:2],
    PROFILE_TABLE: PROFILE_HEADERS[:2],
    BUDGET_TABLE: BUDGET_HEADERS[:2],
    PROMOTION_TABLE: PROMOTION_HEADERS[:2],
    EVENTS_TABLE: EVENT_HEADERS[:2],
}
_HEADER_SEARCH_ROWS = 20


def _tables_from_sheets(wb: Any, names: Sequence[str]) -> dict[str, RawTable]:
    """Tables of a file that has none as Excel tables: each from its sheet (by title, or by
    the table's own name as the sheets were called before), found by its header row."""
    sheet_names = list(wb.sheet_names)
    out: dict[str, RawTable] = {}
    for name in names:
        title = next((s for s in (sheet_title(name), name) if s in sheet_names), None)
        if title is None:
            continue
        sheet = wb.get_sheet_by_name(title)
        cells = sheet.to_python(skip_empty_area=False)
        found = _find_header(cells, *_LEADING_HEADERS[name])
        if found is None:
            continue
        header_row, first_col = found
        header = cells[header_row]
        width = 0
        while first_col + width < len(header) and str(header[first_col + width]).strip():
            width += 1
        rows: list[tuple[Any, ...]] = []
        for line in cells[header_row + 1 :]:
            row = tuple(line[first_col : first_col + width]) + ("",) * max(
                0, first_col + width - len(line)
            )
            if all(_empty(v) for v in row):
                if name in TABLES_WITH_SPARE_ROWS:
                    rows.append(row)
                    continue
                break
            rows.append(row)
        while rows and all(_empty(v) for v in rows[-1]):
            rows.pop()  # a header with no rows below is an empty table (no events), not none
        merged = _merged_cells(sheet.merged_cell_ranges or ())
        errors = {
            (header_row + 1 + r, first_col + c): spreadsheet_error(v) or ""
            for r, row in enumerate(rows)
            for c, v in enumerate(row)
            if spreadsheet_error(v)
        }
        marks = {**_table_marks(merged, header_row + 1, len(rows), first_col, width), **errors}
        out[name] = RawTable(
            name=name,
            sheet=title,
            header_row=header_row,
            first_col=first_col,
            headers=tuple(str(h).strip() for h in header[first_col : first_col + width]),
            rows=tuple(rows),
            marks=marks,
        )
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(cells: Sequence[Sequence[Any]], first: str, second: str) -> tuple[int, int] | None:
    for r, row in enumerate(cells[:_HEADER_SEARCH_ROWS]):
        for c, value in enumerate(row[:-1]):
            if (
                isinstance(value, str)
                and normalise(value) == first
                and without_unit(str(row[c + 1]).strip()) == second
            ):
                return r, c
    return None


def _why(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"
