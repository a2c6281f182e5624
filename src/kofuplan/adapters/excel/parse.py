"""Turn the raw tables of one workbook into a :class:`PlanWorkbook`, or say exactly what is
wrong: every problem names the file, the sheet and the cell. All problems of a file are
collected so that the clerk can fix them in one pass; the file is then rejected whole."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.adapters.excel.errors import WorkbookError, cell_name, shown
from kofuplan.adapters.excel.layout import (
    BUDGET_FIELDS,
    BUDGET_ITEM_CODES,
    BUDGET_TABLE,
    MONTH,
    MONTHLY_COUNTS,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    PROFILE_FIELDS,
    PROFILE_HEADERS,
    PROFILE_TABLE,
    TABLES,
    Field,
)
from kofuplan.adapters.excel.model import BudgetLine, PlanWorkbook, Profile
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.domain.lgcode import lg_code_error

MAX_PROBLEMS = 30  # beyond this a file is clearly the wrong one; say so instead of listing all
_FILE_CODE = re.compile(r"^(\d{6})(?!\d)")
_MONTH = re.compile(r"\d{4}-\d{2}")
_REIWA_FY = re.compile(r"^令和(元|\d{1,2})年度$")
_MAX_EXACT = 2**53  # floats above this are not exact whole numbers


class _Problems:
    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: list[str] = []

    def at(self, table: RawTable, row: int, col: int, text: str) -> None:
        self.lines.append(f"{self.label}: {table.sheet}!{cell_name(row, col)}: {text}")

    def table(self, table: RawTable, text: str) -> None:
        last = table.header_row + len(table.rows)
        span = f"{cell_name(table.header_row, table.first_col)}:" + cell_name(
            last, table.first_col + len(table.headers) - 1
        )
        self.lines.append(f"{self.label}: {table.sheet}!{span}: table {table.name}: {text}")

    def file(self, text: str) -> None:
        self.lines.append(f"{self.label}: {text}")

    def raise_if_any(self) -> None:
        if self.lines:
            lines = self.lines[:MAX_PROBLEMS]
            if len(self.lines) > MAX_PROBLEMS:
                lines.append(f"{self.label}: … and {len(self.lines) - MAX_PROBLEMS} more problems")
            raise WorkbookError(lines)


def file_lg_code(label: str) -> str | None:
    """The 団体コード a file name starts with (``131016.xlsx``, ``131016_千代田区.xlsx``)."""
    stem = label.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _FILE_CODE.match(stem)
    return match.group(1) if match else None


def whole_number(value: Any) -> int | None:
    """A cell as a whole number ≥ 0, or None when it is not one."""
    if type(value) is float:  # the common case first: spreadsheets store numbers as floats
        if value.is_integer() and 0 <= value < _MAX_EXACT:
            return int(value)
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return whole_number(float(value))
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def positive_number(value: Any) -> float | None:
    """A cell as a finite number > 0 (an average per counter), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip()) if value.strip().isascii() else math.nan
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and number > 0 else None


def _text(value: Any) -> str:
    """A text cell; a number typed into it reads as the number's digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()


def _month(value: Any) -> str | None:
    if isinstance(value, dt.datetime | dt.date):  # Excel turns a typed 2020-10 into a date
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str) and _MONTH.fullmatch(value.strip()):
        return value.strip()
    return None


def _fiscal_year(value: Any) -> int | None:
    number = whole_number(value)
    if number is not None:
        return number if 2000 <= number <= 2100 else None
    match = _REIWA_FY.match(_text(value))
    if match:
        n = 1 if match.group(1) == "元" else int(match.group(1))
        return 2018 + n
    return None


def _columns(table: RawTable, fields: Sequence[Field], out: _Problems) -> dict[str, int] | None:
    """Where each field's column is in ``table``, found by its header; None if any is missing."""
    found = {_text(h): j for j, h in enumerate(table.headers)}
    wanted = {f.header for f in fields}
    missing = [f.header for f in fields if f.header not in found]
    if not missing:
        return {f.name: found[f.header] for f in fields}
    strangers = [j for j, h in enumerate(table.headers) if _text(h) not in wanted]
    if len(strangers) == len(missing):  # renamed: point at each renamed header cell
        for j, header in zip(strangers, missing, strict=True):
            out.at(
                table,
                table.header_row,
                table.first_col + j,
                f'header {shown(table.headers[j])} should be "{header}" '
                f"(table {table.name} is read by its headers)",
            )
    else:
        out.table(table, "missing column(s) " + ", ".join(f'"{h}"' for h in missing))
    return None


def _parse_monthly(
    table: RawTable, months: Sequence[str], out: _Problems
) -> dict[str, tuple[int, ...]] | None:
    cols = _columns(table, MONTHLY_FIELDS, out)
    if cols is None:
        return None
    index = {m: i for i, m in enumerate(months)}
    values: dict[str, list[int]] = {f.name: [0] * len(months) for f in MONTHLY_COUNTS}
    month_col = cols[MONTH.name]
    counts = [(f, cols[f.name], values[f.name]) for f in MONTHLY_COUNTS]
    seen: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        if all(_blank(v) for v in row):
            continue
        raw_month = row[month_col]
        month = _month(raw_month)
        if month is None or month not in index:
            out.at(
                table,
                sheet_row,
                table.first_col + month_col,
                f"{MONTH.header} must be a month from {months[0]} to {months[-1]} (YYYY-MM), "
                f"got {shown(raw_month)}",
            )
            continue
        if month in seen:
            out.at(
                table,
                sheet_row,
                table.first_col + month_col,
                f"{MONTH.header} {month} appears twice (also on row {seen[month] + 1})",
            )
            continue
        seen[month] = sheet_row
        i = index[month]
        got: dict[str, int] = {}
        for f, col, column in counts:
            raw = row[col]
            number = whole_number(raw)
            if number is None:
                out.at(
                    table,
                    sheet_row,
                    table.first_col + col,
                    f"{f.header} must be a whole number ≥ 0, got {shown(raw)}",
                )
            else:
                column[i] = got[f.name] = number
        dedicated, offsite = got.get("dedicated_counters"), got.get("offsite_counters")
        if dedicated is not None and offsite is not None and offsite > dedicated:
            out.at(
                table,
                sheet_row,
                table.first_col + cols["offsite_counters"],
                f"臨時窓口数 ({offsite}) must not exceed 専用窓口数 ({dedicated}): "
                "off-site counters are counted among the dedicated ones",
            )
    absent = [m for m in months if m not in seen]
    if absent:
        out.table(table, f"{MONTH.header} missing: " + ", ".join(absent))
    return {name: tuple(v) for name, v in values.items()}


def _parse_profile(table: RawTable, expected_code: str | None, out: _Problems) -> Profile | None:
    labels = [_text(h) for h in table.headers]
    if labels[:2] != list(PROFILE_HEADERS):
        for j, header in enumerate(PROFILE_HEADERS):
            got = table.headers[j] if j < len(table.headers) else ""
            if _text(got) != header:
                out.at(
                    table,
                    table.header_row,
                    table.first_col + j,
                    f'header {shown(got)} should be "{header}"',
                )
        return None
    rows: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(table.rows):
        label = _text(row[0])
        if label in rows:
            out.at(
                table, table.header_row + 1 + r, table.first_col, f'項目 "{label}" appears twice'
            )
        elif label:
            rows[label] = (table.header_row + 1 + r, row[1])
    values: dict[str, Any] = {}
    for f in PROFILE_FIELDS:
        if f.header not in rows:
            out.table(table, f'項目 "{f.header}" is missing')
            continue
        sheet_row, raw = rows[f.header]
        where = (table, sheet_row, table.first_col + 1)
        if f.kind == "rate":
            rate = positive_number(raw)
            if rate is None:
                out.at(*where, f"{f.header} must be a number > 0, got {shown(raw)}")
            values[f.name] = rate
        elif f.kind == "count":
            number = whole_number(raw)
            if number is None:
                out.at(*where, f"{f.header} must be a whole number ≥ 0, got {shown(raw)}")
            values[f.name] = number
        elif f.kind == "lg_code":
            code = _text(raw).zfill(6) if whole_number(raw) is not None else _text(raw)
            problem = lg_code_error(code)
            if problem:
                out.at(*where, f"{f.header}: {problem}")
            elif expected_code is not None and code != expected_code:
                out.at(
                    *where,
                    f"{f.header} {code} does not match the file's municipality "
                    f"{expected_code} (from the file name)",
                )
            values[f.name] = code
        else:
            text = _text(raw)
            if not text:
                out.at(*where, f"{f.header} must not be empty")
            values[f.name] = text
    if len(values) < len(PROFILE_FIELDS) or any(v is None for v in values.values()):
        return None
    return Profile(**values)


def _parse_budget(table: RawTable, max_rows: int, out: _Problems) -> tuple[BudgetLine, ...] | None:
    cols = _columns(table, BUDGET_FIELDS, out)
    if cols is None:
        return None
    if len(table.rows) > max_rows:
        out.table(table, f"{len(table.rows):,} rows (the limit is {max_rows:,})")
        return None
    lines: list[BudgetLine] = []
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        cells = {f.name: row[cols[f.name]] for f in BUDGET_FIELDS}
        if all(_blank(v) for v in cells.values()):
            continue
        year = _fiscal_year(cells["fiscal_year"])
        item = _text(cells["item"])
        yen = whole_number(cells["yen"])
        if year is None:
            out.at(
                table,
                sheet_row,
                table.first_col + cols["fiscal_year"],
                f"年度 must be a fiscal year such as 令和3年度 or 2021, "
                f"got {shown(cells['fiscal_year'])}",
            )
        if not item:
            out.at(table, sheet_row, table.first_col + cols["item"], "項目 must not be empty")
        if yen is None:
            out.at(
                table,
                sheet_row,
                table.first_col + cols["yen"],
                f"金額 must be a whole number ≥ 0, got {shown(cells['yen'])}",
            )
        if year is not None and item and yen is not None:
            lines.append(BudgetLine(year, BUDGET_ITEM_CODES.get(item, item), yen))
    return tuple(lines)


def parse_plan_workbook(
    label: str,
    tables: Mapping[str, RawTable],
    months: Sequence[str],
    *,
    max_budget_rows: int,
) -> PlanWorkbook:
    """The workbook's contents, or :class:`WorkbookError` listing every problem found."""
    out = _Problems(label)
    expected_code = file_lg_code(label)
    if expected_code is None:
        out.file(
            "the file name must start with the municipality's 6-digit 団体コード "
            "(for example 131016.xlsx)"
        )
    for name in TABLES:
        if name not in tables:
            out.file(
                f'table "{name}" is missing (found: {", ".join(sorted(tables)) or "none"}); '
                "tables are found by name: do not rename or delete them"
            )
    profile = (
        _parse_profile(tables[PROFILE_TABLE], expected_code, out)
        if PROFILE_TABLE in tables
        else None
    )
    counts = _parse_monthly(tables[MONTHLY_TABLE], months, out) if MONTHLY_TABLE in tables else None
    budget = (
        _parse_budget(tables[BUDGET_TABLE], max_budget_rows, out)
        if BUDGET_TABLE in tables
        else None
    )
    out.raise_if_any()
    assert profile is not None and counts is not None and budget is not None
    return PlanWorkbook(profile=profile, months=tuple(months), counts=counts, budget=budget)
