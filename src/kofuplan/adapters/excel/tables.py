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
    headers: tuple[Any, ...]  # the table's column names (= its header cells, in Excel)
    rows: tuple[tuple[Any, ...], ...]  # data rows, cell values as read


def read_tables_calamine(path: Path, label: str, names: Iterable[str]) -> dict[str, RawTable]:
    """The tables called ``names`` that exist in the workbook (missing ones are left out).

    Headers are the table's column names, which Excel keeps equal to the header cells; the
    sheet itself is not parsed a second time, which halves the reading time.
    """
    try:
        with python_calamine.load_workbook(str(path), load_tables=True) as wb:
            present = set(wb.table_names or ())
            out: dict[str, RawTable] = {}
            for name in names:
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
            return out
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises its own errors, ValueError and others on bad XML
        raise WorkbookError(
            [f"{label}: a damaged workbook that cannot be read ({_why(exc)})"]
        ) from None


def _why(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"
