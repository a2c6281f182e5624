"""Find Excel tables by name and hand back their cells, with python-calamine.

A :class:`RawTable` carries the cell values as the source gave them and where they sit, so
that every error can name the sheet and the cell. Parsing them (:mod:`.parse`) does not care
which library read them: the benchmark reads the same tables with openpyxl for comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from kofuplan.adapters.excel.errors import WorkbookError


@dataclass(frozen=True)
class RawTable:
    name: str
    sheet: str
    header_row: int  # 0-based row of the header cells
    first_col: int  # 0-based column of the table's first column
    headers: tuple[Any, ...]  # the header cells as shown on the sheet
    rows: tuple[tuple[Any, ...], ...]  # data rows, cell values as read


def read_tables_calamine(path: Path, label: str, names: Iterable[str]) -> dict[str, RawTable]:
    """The tables called ``names`` that exist in the workbook (missing ones are left out)."""
    try:
        with python_calamine.load_workbook(str(path), load_tables=True) as wb:
            present = set(wb.table_names or ())
            grids: dict[str, list[list[Any]]] = {}
            out: dict[str, RawTable] = {}
            for name in names:
                if name not in present:
                    continue
                table = wb.get_table_by_name(name)
                if table.start is None or table.end is None:  # an empty table: no data rows
                    continue
                (first_row, first_col), (last_row, last_col) = table.start, table.end
                grid = grids.get(table.sheet)
                if grid is None:
                    # One parse per sheet, from A1 so that indices are sheet coordinates.
                    grid = wb.get_sheet_by_name(table.sheet).to_python(skip_empty_area=False)
                    grids[table.sheet] = grid
                header_row = first_row - 1
                out[name] = RawTable(
                    name=name,
                    sheet=table.sheet,
                    header_row=header_row,
                    first_col=first_col,
                    headers=_cells(grid, header_row, first_col, last_col),
                    rows=tuple(
                        _cells(grid, r, first_col, last_col) for r in range(first_row, last_row + 1)
                    ),
                )
            return out
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises its own errors, ValueError and others on bad XML
        raise WorkbookError(
            [f"{label}: a damaged workbook that cannot be read ({_why(exc)})"]
        ) from None


def _cells(grid: list[list[Any]], row: int, first_col: int, last_col: int) -> tuple[Any, ...]:
    line = grid[row] if 0 <= row < len(grid) else []
    return tuple(line[c] if c < len(line) else "" for c in range(first_col, last_col + 1))


def _why(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"
