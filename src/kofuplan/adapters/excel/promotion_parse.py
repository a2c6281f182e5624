"""Read the promotion section of a plan workbook (issue 8: R2.4, R3.2–R3.4, R8.3).

Two tables: ``promotion`` (項目・値, one row per item) and ``events`` (a row per off-site
application event). Every problem names the file, the sheet and the cell, as for the other
tables; a blank value means "not given". A workbook made before the promotion section has
neither table and reads as no promotion section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.adapters.excel.cells import (
    BLANKS,
    BadCell,
    Problems,
    bad_cell,
    blank,
    items_by_label,
    missing_table_ja,
    table_columns,
)
from kofuplan.adapters.excel.layout import (
    EVENT_FIELDS,
    EVENTS_TABLE,
    PROMOTION_HEADERS,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
)
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.adapters.input_bounds import count_ceiling
from kofuplan.domain.promotion import Event, MunicipalPromotion
from kofuplan.domain.promotion_input import BadPromotionValue, event_part, promotion_value


def _items(
    table: RawTable, months: Sequence[str], ceiling: int, out: Problems
) -> dict[str, Any] | None:
    rows = items_by_label(table, PROMOTION_HEADERS, out)
    if rows is None:
        return None
    values: dict[str, Any] = {}
    ok = True
    for f in PROMOTION_ITEMS:
        if f.header not in rows:
            out.table(
                table,
                f"項目「{f.header}」の行がありません。行を削除しないでください",
                f'項目 "{f.header}" is missing',
            )
            ok = False
            continue
        sheet_row, raw = rows[f.header]
        where = (table, sheet_row, table.first_col + 1)
        if blank(raw) and where[1:] not in table.marks:
            continue  # not given
        try:
            if where[1:] in table.marks:
                raise BadCell
            values[f.name] = promotion_value(f.name, raw, months, ceiling)
        except (BadCell, BadPromotionValue):
            bad_cell(out, *where, f, raw, months)
            ok = False
    return values if ok else None


def _events(
    table: RawTable, months: Sequence[str], max_rows: int, ceiling: int, out: Problems
) -> tuple[Event, ...] | None:
    cols = table_columns(table, EVENT_FIELDS, out)
    if cols is None:
        return None
    if len(table.rows) > max_rows:
        out.table(
            table,
            f"{len(table.rows):,}行あります（上限は{max_rows:,}行）",
            f"{len(table.rows):,} rows (the limit is {max_rows:,})",
        )
        return None
    events: list[Event] = []
    ok = True
    plain = not table.marks
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        if plain and BLANKS.issuperset(row):  # a spare row left empty
            continue
        cells = {f.name: row[cols[f.name]] for f in EVENT_FIELDS}
        if all(blank(v) for v in cells.values()) and not any(
            (sheet_row, table.first_col + cols[f.name]) in table.marks for f in EVENT_FIELDS
        ):
            continue
        got: dict[str, Any] = {}
        for f in EVENT_FIELDS:
            col = table.first_col + cols[f.name]
            try:
                if (sheet_row, col) in table.marks:
                    raise BadCell
                got[f.name] = event_part(f.name, cells[f.name], r + 1, months, ceiling)
            except (BadCell, BadPromotionValue):
                bad_cell(out, table, sheet_row, col, f, cells[f.name], months)
                ok = False
        if len(got) == len(EVENT_FIELDS):
            events.append(Event(**got))
    return tuple(events) if ok else None


def parse_promotion(
    tables: Mapping[str, RawTable], months: Sequence[str], max_event_rows: int, out: Problems
) -> MunicipalPromotion | None:
    """The promotion section; an empty one when the workbook predates it; None on problems
    (which are added to ``out``)."""
    present = [name for name in (PROMOTION_TABLE, EVENTS_TABLE) if name in tables]
    if not present:
        return MunicipalPromotion()
    if len(present) == 1:
        missing = EVENTS_TABLE if present == [PROMOTION_TABLE] else PROMOTION_TABLE
        out.file(
            missing_table_ja(missing),
            f'table "{missing}" is missing (found: {", ".join(sorted(tables))}); the promotion '
            f'section needs both "{PROMOTION_TABLE}" and "{EVENTS_TABLE}": do not rename or '
            "delete them",
        )
        return None
    # Every value through the one validator of the section (the CSV's and the page's too).
    ceiling = count_ceiling()
    items = _items(tables[PROMOTION_TABLE], months, ceiling, out)
    events = _events(tables[EVENTS_TABLE], months, max_event_rows, ceiling, out)
    if items is None or events is None:
        return None
    return MunicipalPromotion(**items, offsite_events=events)
