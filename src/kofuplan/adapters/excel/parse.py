"""Turn the raw tables of one workbook into a :class:`PlanWorkbook`, or say exactly what is
wrong: every problem names the file, the sheet and the cell. All problems of a file are
collected so that the clerk can fix them in one pass; the file is then rejected whole."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.adapters.excel.cells import (
    Problems,
    blank,
    cell_month,
    cell_text,
    number_at_least_zero,
    positive_number,
    table_columns,
    whole_number,
)
from kofuplan.adapters.excel.errors import shown
from kofuplan.adapters.excel.layout import (
    BUDGET_FIELDS,
    BUDGET_ITEM_CODES,
    BUDGET_TABLE,
    MONTH,
    MONTHLY_COUNTS,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    OPTIONAL_PROFILE_ITEMS,
    PROFILE_FIELDS,
    PROFILE_HEADERS,
    PROFILE_TABLE,
    TABLES,
)
from kofuplan.adapters.excel.model import BudgetLine, PlanWorkbook, Profile
from kofuplan.adapters.excel.promotion_parse import parse_promotion
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.domain.lgcode import lg_code_error

_FILE_CODE = re.compile(r"^(\d{6})(?!\d)")
_REIWA_FY = re.compile(r"^令和(元|\d{1,2})年度$")


def file_lg_code(label: str) -> str | None:
    """The 団体コード a file name starts with (``131016.xlsx``, ``131016_千代田区.xlsx``)."""
    stem = label.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _FILE_CODE.match(stem)
    return match.group(1) if match else None


def _fiscal_year(value: Any) -> int | None:
    number = whole_number(value)
    if number is not None:
        return number if 2000 <= number <= 2100 else None
    match = _REIWA_FY.match(cell_text(value))
    if match:
        n = 1 if match.group(1) == "元" else int(match.group(1))
        return 2018 + n
    return None


def _parse_monthly(
    table: RawTable, months: Sequence[str], out: Problems
) -> dict[str, tuple[int, ...]] | None:
    cols = table_columns(table, MONTHLY_FIELDS, out)
    if cols is None:
        return None
    index = {m: i for i, m in enumerate(months)}
    values: dict[str, list[int]] = {f.name: [0] * len(months) for f in MONTHLY_COUNTS}
    month_col = cols[MONTH.name]
    counts = [(f, cols[f.name], values[f.name]) for f in MONTHLY_COUNTS]
    seen: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        if all(blank(v) for v in row):
            continue
        raw_month = row[month_col]
        month = cell_month(raw_month)
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


def _parse_profile(table: RawTable, expected_code: str | None, out: Problems) -> Profile | None:
    labels = [cell_text(h) for h in table.headers]
    if labels[:2] != list(PROFILE_HEADERS):
        for j, header in enumerate(PROFILE_HEADERS):
            got = table.headers[j] if j < len(table.headers) else ""
            if cell_text(got) != header:
                out.at(
                    table,
                    table.header_row,
                    table.first_col + j,
                    f'header {shown(got)} should be "{header}"',
                )
        return None
    rows: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(table.rows):
        label = cell_text(row[0])
        if label in rows:
            out.at(
                table, table.header_row + 1 + r, table.first_col, f'項目 "{label}" appears twice'
            )
        elif label:
            rows[label] = (table.header_row + 1 + r, row[1])
    values: dict[str, Any] = {}
    for f in PROFILE_FIELDS:
        if f.header not in rows:
            if f.name not in OPTIONAL_PROFILE_ITEMS:
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
        elif f.kind == "pace":
            pace = number_at_least_zero(raw)
            if pace is None:
                out.at(*where, f"{f.header} must be a number ≥ 0, got {shown(raw)}")
            values[f.name] = pace
        elif f.kind == "lg_code":
            code = cell_text(raw).zfill(6) if whole_number(raw) is not None else cell_text(raw)
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
            text = cell_text(raw)
            if not text:
                out.at(*where, f"{f.header} must not be empty")
            values[f.name] = text
    required = [f for f in PROFILE_FIELDS if f.name not in OPTIONAL_PROFILE_ITEMS]
    if any(f.name not in values for f in required) or any(v is None for v in values.values()):
        return None
    return Profile(**values)


def _parse_budget(table: RawTable, max_rows: int, out: Problems) -> tuple[BudgetLine, ...] | None:
    cols = table_columns(table, BUDGET_FIELDS, out)
    if cols is None:
        return None
    if len(table.rows) > max_rows:
        out.table(table, f"{len(table.rows):,} rows (the limit is {max_rows:,})")
        return None
    lines: list[BudgetLine] = []
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        cells = {f.name: row[cols[f.name]] for f in BUDGET_FIELDS}
        if all(blank(v) for v in cells.values()):
            continue
        year = _fiscal_year(cells["fiscal_year"])
        item = cell_text(cells["item"])
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
    max_event_rows: int,
) -> PlanWorkbook:
    """The workbook's contents, or :class:`WorkbookError` listing every problem found."""
    out = Problems(label)
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
    promotion = parse_promotion(tables, months, max_event_rows, out)
    out.raise_if_any()
    assert profile is not None and counts is not None and budget is not None
    assert promotion is not None
    return PlanWorkbook(
        profile=profile, months=tuple(months), counts=counts, budget=budget, promotion=promotion
    )
