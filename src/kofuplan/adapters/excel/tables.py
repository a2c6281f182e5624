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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import python_calamine

from kofuplan.adapters.excel.errors import WorkbookError, file_error
from kofuplan.adapters.excel.layout import (
    BUDGET_HEADERS,
    BUDGET_TABLE,
    EVENT_HEADERS,
    EVENTS_TABLE,
    HEADER_BLOCK,
    HEADER_BLOCK_SIZE,
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


@lru_cache(maxsize=64)
def _sheet_files(workbook: bytes, rels: bytes) -> tuple[tuple[str, str], ...]:
    """(tab name, zip part) of every sheet, from workbook.xml and its relationships (the
    same two parts in every workbook made from one template: parsed once)."""
    rels_xml = rels.decode("utf-8", "replace")
    targets = dict(_REL.findall(rels_xml))
    targets.update({rid: t for t, rid in _REL_REVERSED.findall(rels_xml)})
    out = []
    for raw_name, rid in _SHEET.findall(workbook.decode("utf-8", "replace")):
        if rid in targets:
            target = targets[rid].lstrip("/")
            out.append(
                (_unescape(raw_name), target if target.startswith("xl/") else "xl/" + target)
            )
    return tuple(out)


def _sheet_parts(zf: zipfile.ZipFile, sheets: Iterable[str]) -> dict[str, bytes]:
    """The XML of the named sheets (by their tab names), as stored."""
    wanted = set(sheets)
    names = zf.NameToInfo
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = zf.read(rels_name) if rels_name in names else b""
    return {
        name: zf.read(part)
        for name, part in _sheet_files(zf.read("xl/workbook.xml"), rels)
        if name in wanted and part in names
    }


def sheet_marks(data: bytes) -> dict[Cell, str]:
    """Merged and error cells of a sheet, from its XML (calamine gives neither with the
    tables). A sheet without either (nearly all) costs one search of its bytes; only a sheet
    that has some is decoded and searched cell by cell."""
    merged, errors = b"<mergeCell " in data, b't="e"' in data
    marks: dict[Cell, str] = {}
    if not (merged or errors):
        return marks
    xml = data.decode("utf-8", "replace")
    for m in _MERGE.finditer(xml):
        ca, ra, cb, rb = m.groups()
        marks.update(_merged_cells([((int(ra) - 1, _column(ca)), (int(rb) - 1, _column(cb)))]))
    if errors:
        for attrs, body in _ERROR_CELL.findall(xml):
            ref = _REF.search(attrs)
            value = _VALUE.search(body)
            if ref:
                cell = (int(ref.group(2)) - 1, _column(ref.group(1)))
                marks[cell] = _unescape(value.group(1)) if value else "#VALUE!"
    return marks


def xlsx_marks(zf: zipfile.ZipFile, sheets: Iterable[str]) -> dict[str, dict[Cell, str]]:
    """Merged and error cells of the named sheets (:func:`sheet_marks`)."""
    return {name: sheet_marks(data) for name, data in _sheet_parts(zf, sheets).items()}


_ROW_START = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL_XML = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(r"\br=\"([A-Z]+)(\d+)\"")
_TYPE = re.compile(r"\bt=\"(\w+)\"")
_VALUE = re.compile(r"<v>([^<]*)</v>")
_TEXT = re.compile(r"<t\b[^>]*>([^<]*)</t>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_SHARED = re.compile(r"<si>(.*?)</si>", re.S)


def _texts(xml: str) -> str:
    """The text of an inline or shared string: its runs joined, furigana (rPh) left out."""
    return _unescape("".join(_TEXT.findall(_PHONETIC.sub("", xml))))


def header_block_cells(zf: zipfile.ZipFile, data: bytes) -> tuple[tuple[Any, ...], ...]:
    """The header block (rows 1–4, columns A–H) of a sheet, from its XML: text as text,
    numbers as floats (a date typed by the clerk is a date serial), blanks as "". Only the
    first rows are decoded; the shared strings only when a cell refers to them."""
    n_rows, n_cols = HEADER_BLOCK_SIZE
    end = len(data)
    for m in _ROW_START.finditer(data):
        if int(m.group(1)) > n_rows:
            end = m.start()
            break
    start = data.find(b"<sheetData")
    xml = data[max(start, 0) : end].decode("utf-8", "replace")
    grid: list[list[Any]] = [[""] * n_cols for _ in range(n_rows)]
    shared: list[str] | None = None
    for attrs, body in _CELL_XML.findall(xml):
        ref = _REF.search(attrs)
        if ref is None:
            continue
        row, col = int(ref.group(2)) - 1, _column(ref.group(1))
        if not (0 <= row < n_rows and 0 <= col < n_cols) or not body:
            continue
        kind = _TYPE.search(attrs)
        t = kind.group(1) if kind else "n"
        value = _VALUE.search(body)
        if t == "inlineStr":
            grid[row][col] = _texts(body)
        elif t == "s" and value is not None:
            if shared is None:
                sst = "xl/sharedStrings.xml"
                raw = zf.read(sst).decode("utf-8", "replace") if sst in zf.NameToInfo else ""
                shared = [_texts(si) for si in _SHARED.findall(raw)]
            index = int(value.group(1)) if value.group(1).isdigit() else -1
            grid[row][col] = shared[index] if 0 <= index < len(shared) else ""
        elif value is not None:
            text = _unescape(value.group(1))
            if t == "n":
                try:
                    grid[row][col] = float(text)
                except ValueError:
                    grid[row][col] = text
            else:
                grid[row][col] = text
    return tuple(tuple(r) for r in grid)


def _header_table(sheet: str, cells: Sequence[Sequence[Any]]) -> RawTable:
    n_rows, n_cols = HEADER_BLOCK_SIZE
    rows = tuple(
        tuple(line[:n_cols]) + ("",) * max(0, n_cols - len(line))
        for line in [*cells[:n_rows], *([()] * max(0, n_rows - len(cells)))]
    )
    return RawTable(HEADER_BLOCK, sheet, -1, 0, (), rows)


def _table_marks(
    marks: Mapping[Cell, str], first_row: int, rows: int, first_col: int, width: int
) -> dict[Cell, str]:
    return {
        (r, c): why
        for (r, c), why in marks.items()
        if first_row <= r < first_row + rows and first_col <= c < first_col + width
    }


def read_tables_calamine(
    path: Path, label: str, names: Iterable[str], container: zipfile.ZipFile | None = None
) -> dict[str, RawTable]:
    """The tables called ``names`` that exist in the workbook (missing ones are left out).

    In an .xlsx, headers are the table's column names, which Excel keeps equal to the header
    cells; the sheet itself is not parsed a second time, which halves the reading time. A
    workbook without any table is read sheet by sheet (:func:`_tables_from_sheets`).
    """
    wanted = tuple(names)
    try:
        with _xlsx_zip(path, container) as zf:  # None: .xls and .ods have no Excel tables
            xlsx = zf is not None
            with python_calamine.load_workbook(str(path), load_tables=xlsx) as wb:
                present = set(wb.table_names or ()) if xlsx else set()
                if not present:
                    return _tables_from_sheets(wb, wanted)
                out: dict[str, RawTable] = {}
                for name in wanted:
                    if name not in present:
                        continue  # the header block is not an Excel table: read below
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
                        rows=tuple(map(tuple, table.to_python())),
                    )
            assert zf is not None
            sheets = {t.sheet for t in out.values()}
            parts = _sheet_parts(zf, sheets)
            marks = {name: sheet_marks(data) for name, data in parts.items()}
            tables = {name: _with_marks(t, marks.get(t.sheet, {})) for name, t in out.items()}
            monthly = out.get(MONTHLY_TABLE)
            if HEADER_BLOCK in wanted and monthly is not None and monthly.sheet in parts:
                cells = header_block_cells(zf, parts[monthly.sheet])
                tables[HEADER_BLOCK] = _header_table(monthly.sheet, cells)
        return tables
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


@contextmanager
def _xlsx_zip(path: Path, container: zipfile.ZipFile | None) -> Iterator[zipfile.ZipFile | None]:
    """The .xlsx's zip (the one the container check opened, when given), for everything read
    beside calamine; None for an .xls (not a zip) or an .ods (no ``xl/workbook.xml``)."""
    if container is not None:
        yield container if "xl/workbook.xml" in container.NameToInfo else None
        return
    with path.open("rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":
        yield None
        return
    with zipfile.ZipFile(path) as zf:
        yield zf if "xl/workbook.xml" in zf.NameToInfo else None


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
        if name == HEADER_BLOCK:
            out[name] = _header_table(title, sheet.to_python(skip_empty_area=False, nrows=4))
            continue
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
