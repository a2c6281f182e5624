"""Read the promotion section of a plan workbook (issue 8: R2.4, R3.2–R3.4, R8.3).

Two tables: ``promotion`` (項目・値, one row per item) and ``events`` (a row per off-site
application event). Every problem names the file, the sheet and the cell, as for the other
tables; a blank value means "not given". A workbook made before the promotion section has
neither table and reads as no promotion section.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.adapters.excel.cells import (
    Problems,
    blank,
    cell_month,
    cell_text,
    table_columns,
    whole_number,
)
from kofuplan.adapters.excel.errors import shown
from kofuplan.adapters.excel.layout import (
    EVENT_FIELDS,
    EVENTS_TABLE,
    PROMOTION_HEADERS,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
    Field,
)
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.adapters.promotion_fields import EVENING_HOURS_MAX, SHARE_MAX, yes_no
from kofuplan.domain.promotion import Event, MunicipalPromotion

_MONTH_SEPARATORS = re.compile(r"[;；,、\s]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Bad(ValueError):
    """A cell's value is wrong; the text says what is expected."""


def _number(value: Any, high: float) -> float:
    """A finite number from 0 to ``high``; text such as ``50%`` is read as a percentage."""
    if isinstance(value, bool):
        raise _Bad
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and value.strip().isascii():
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise _Bad from None
    else:
        raise _Bad
    if not (math.isfinite(number) and 0.0 <= number <= high):
        raise _Bad
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    answer = yes_no(cell_text(value))
    if answer is None:
        raise _Bad
    return answer


def _months(value: Any, months: Sequence[str]) -> tuple[str, ...]:
    single = cell_month(value) if isinstance(value, dt.date) else None
    items = [single] if single else _MONTH_SEPARATORS.split(cell_text(value))
    out = [m for m in items if m]
    if any(cell_month(m) != m or m not in months for m in out) or len(set(out)) < len(out):
        raise _Bad
    return tuple(sorted(out))


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):  # Excel stores a typed date as a date
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    text = cell_text(value)
    if not _DATE.fullmatch(text):
        raise _Bad
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise _Bad from None


def expected(f: Field, months: Sequence[str]) -> str:
    """What a field's cell must hold, for the error message."""
    period = f"from {months[0]} to {months[-1]}"
    return {
        "count": "a whole number ≥ 0",
        "months": f'months {period} (YYYY-MM, separated by ";", each once)',
        "month": f"a month {period} (YYYY-MM)",
        "share": f"a share from 0 to {SHARE_MAX:g} (0% to {SHARE_MAX:.0%})",
        "hours": f"a number of hours from 0 to {EVENING_HOURS_MAX:g}",
        "flag": "はい or いいえ",
        "date": "a date YYYY-MM-DD",
    }.get(f.kind, "text")


def cell_value(f: Field, value: Any, months: Sequence[str]) -> Any:
    """The value of a non-blank cell of field ``f``; :class:`_Bad` when it is not one."""
    if f.kind == "count":
        number = whole_number(value)
        if number is None:
            raise _Bad
        return number
    if f.kind == "months":
        return _months(value, months)
    if f.kind == "month":
        month = cell_month(value)
        if month is None or month not in months:
            raise _Bad
        return month
    if f.kind == "share":
        return _number(value, SHARE_MAX)
    if f.kind == "hours":
        return _number(value, EVENING_HOURS_MAX)
    if f.kind == "flag":
        return _flag(value)
    if f.kind == "date":
        return _date(value)
    return cell_text(value)


def _items(table: RawTable, months: Sequence[str], out: Problems) -> dict[str, Any] | None:
    labels = [cell_text(h) for h in table.headers]
    if labels[:2] != list(PROMOTION_HEADERS):
        for j, header in enumerate(PROMOTION_HEADERS):
            got = table.headers[j] if j < len(table.headers) else ""
            if cell_text(got) != header:
                where = (table, table.header_row, table.first_col + j)
                out.at(*where, f'header {shown(got)} should be "{header}"')
        return None
    rows: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(table.rows):
        label = cell_text(row[0])
        if label in rows:
            where = (table, table.header_row + 1 + r, table.first_col)
            out.at(*where, f'項目 "{label}" appears twice')
        elif label:
            rows[label] = (table.header_row + 1 + r, row[1])
    values: dict[str, Any] = {}
    ok = True
    for f in PROMOTION_ITEMS:
        if f.header not in rows:
            out.table(table, f'項目 "{f.header}" is missing')
            ok = False
            continue
        sheet_row, raw = rows[f.header]
        if blank(raw):
            continue  # not given
        try:
            values[f.name] = cell_value(f, raw, months)
        except _Bad:
            out.at(
                table,
                sheet_row,
                table.first_col + 1,
                f"{f.header} must be {expected(f, months)}, got {shown(raw)}",
            )
            ok = False
    return values if ok else None


def _events(
    table: RawTable, months: Sequence[str], max_rows: int, out: Problems
) -> tuple[Event, ...] | None:
    cols = table_columns(table, EVENT_FIELDS, out)
    if cols is None:
        return None
    if len(table.rows) > max_rows:
        out.table(table, f"{len(table.rows):,} rows (the limit is {max_rows:,})")
        return None
    events: list[Event] = []
    ok = True
    for r, row in enumerate(table.rows):
        cells = {f.name: row[cols[f.name]] for f in EVENT_FIELDS}
        if all(blank(v) for v in cells.values()):
            continue
        got: dict[str, Any] = {}
        for f in EVENT_FIELDS:
            raw = cells[f.name]
            try:
                if blank(raw):
                    raise _Bad
                got[f.name] = cell_value(f, raw, months)
            except _Bad:
                out.at(
                    table,
                    table.header_row + 1 + r,
                    table.first_col + cols[f.name],
                    f"{f.header} must be {expected(f, months)}, got {shown(raw)}",
                )
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
            f'table "{missing}" is missing (found: {", ".join(sorted(tables))}); the promotion '
            f'section needs both "{PROMOTION_TABLE}" and "{EVENTS_TABLE}": do not rename or '
            "delete them"
        )
        return None
    items = _items(tables[PROMOTION_TABLE], months, out)
    events = _events(tables[EVENTS_TABLE], months, max_event_rows, out)
    if items is None or events is None:
        return None
    return MunicipalPromotion(**items, offsite_events=events)
