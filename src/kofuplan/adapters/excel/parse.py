"""Turn the raw tables of one workbook into a :class:`PlanWorkbook`, or say exactly what is
wrong: every problem names the file, the sheet and the cell. All problems of a file are
collected so that the clerk can fix them in one pass; the file is then rejected whole."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.adapters.excel.cells import (
    BLANKS,
    Problems,
    blank,
    cell_text,
    items_by_label,
    missing_table_ja,
    read_cell,
    table_columns,
)
from kofuplan.adapters.excel.errors import shown, shown_ja
from kofuplan.adapters.excel.layout import (
    BUDGET_FIELDS,
    BUDGET_ITEM_CODES,
    BUDGET_TABLE,
    CONTACT_LABELS,
    CONTACT_TEXT_MAX,
    HEADER_BLOCK,
    ISSUANCE,
    MADE_ON_LABEL,
    MONTH,
    MONTHLY_COUNTS,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    OPTIONAL_PROFILE_ITEMS,
    PROFILE_FIELDS,
    PROFILE_HEADERS,
    PROFILE_TABLE,
    RENEWAL,
    TABLES,
    is_renewal_header,
    without_unit,
)
from kofuplan.adapters.excel.promotion_parse import parse_promotion
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.adapters.input_bounds import count_ceiling
from kofuplan.domain import clerk_input
from kofuplan.domain.clerk_input import MAX_EXACT
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.wareki import reiwa_month
from kofuplan.domain.workbook import BudgetLine, Contacts, PlanWorkbook, Profile


def _marked(table: RawTable, sheet_row: int, width: int) -> bool:
    return any((sheet_row, table.first_col + j) in table.marks for j in range(width))


def _whole(column: Sequence[Any]) -> bool:
    """Every cell a count as a workbook holds one: a float (python-calamine) or an int
    (openpyxl) that :func:`whole_number` reads as itself."""
    types = set(map(type, column))
    if types == {float}:
        return all(map(float.is_integer, column)) and bool(
            0 <= min(column) <= max(column) < MAX_EXACT
        )
    if types == {int}:
        return bool(min(column) >= 0)
    return types == {int, float} and all(
        (type(v) is int and v >= 0) or (type(v) is float and v.is_integer() and 0 <= v < MAX_EXACT)
        for v in column
    )


def _monthly_as_written(
    table: RawTable, months: Sequence[str], cols: dict[str, int], ceiling: int
) -> dict[str, tuple[int, ...]] | None:
    """The monthly table column by column when it is as the template writes it and a clerk
    fills it (every month once, as YYYY-MM text, every count a whole number ≥ 0, no marked
    cell, 臨時窓口数 within 専用窓口数): what the row-by-row reading gives, without its
    per-cell work. None otherwise: the rows are then read one by one, problems named."""
    if table.marks or len(table.rows) != len(months):
        return None
    columns = list(zip(*table.rows, strict=True)) if table.rows else []
    if not columns:
        return None
    given = columns[cols[MONTH.name]]
    if set(map(type, given)) != {str} or set(given) != set(months):
        return None  # (with as many rows as months, every month once)
    index = {m: i for i, m in enumerate(given)}
    order = None if list(given) == list(months) else [index[m] for m in months]
    out: dict[str, tuple[int, ...]] = {}
    for f in MONTHLY_COUNTS:
        column = columns[cols[f.name]]
        if not _whole(column) or max(column) > ceiling:
            return None  # read cell by cell: the cell beyond the ceiling is named
        values = tuple(map(int, column))
        out[f.name] = values if order is None else tuple(values[i] for i in order)
    if any(o > d for o, d in zip(out["offsite_counters"], out["dedicated_counters"], strict=True)):
        return None
    return out


def _parse_monthly(
    table: RawTable, months: Sequence[str], out: Problems
) -> dict[str, tuple[int, ...]] | None:
    cols = table_columns(table, MONTHLY_FIELDS, out)
    if cols is None:
        return None
    ceiling = count_ceiling()  # bounds.count_ceiling: a count beyond it is a typing error
    fast = _monthly_as_written(table, months, cols, ceiling)
    if fast is not None:
        return fast
    index = {m: i for i, m in enumerate(months)}
    values: dict[str, list[int]] = {f.name: [0] * len(months) for f in MONTHLY_COUNTS}
    month_col = cols[MONTH.name]
    counts = [(f, cols[f.name], values[f.name]) for f in MONTHLY_COUNTS]
    assert all(f.kind == "count" for f in MONTHLY_COUNTS)  # whole_number is their reading
    seen: dict[str, int] = {}
    # The cells as the template holds them (a month as "2020-10", counts as numbers) are
    # taken as they are; anything else goes through read_cell, which gives the same value
    # or names the problem. A marked cell (merged, an error) always goes through read_cell.
    plain = not table.marks
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        raw_month = row[month_col]
        month: str | None = raw_month if plain and raw_month in index else None
        if month is None:
            if all(blank(v) for v in row) and not _marked(table, sheet_row, len(row)):
                continue
            where = (table, sheet_row, table.first_col + month_col)
            month = read_cell(out, *where, MONTH, raw_month, months)
            if month is None:
                continue
        where = (table, sheet_row, table.first_col + month_col)
        if month in seen:
            out.at(
                *where,
                f"{MONTH.header} {reiwa_month(month)} が2回あります（{seen[month] + 1}行目にも）。"
                "1か月1行にしてください",
                f"{MONTH.header} {month} appears twice (also on row {seen[month] + 1})",
            )
            continue
        seen[month] = sheet_row
        i = index[month]
        got: dict[str, int] = {}
        for f, col, column in counts:
            raw = row[col]
            # a count as the template holds it (a whole float), as whole_number reads it
            number = (
                int(raw)
                if plain and type(raw) is float and raw.is_integer() and 0 <= raw <= ceiling
                else None
            )
            if number is None:
                number = read_cell(out, table, sheet_row, table.first_col + col, f, raw, months)
                if number is not None and number > ceiling:  # a typing error, not a count
                    out.at(
                        table,
                        sheet_row,
                        table.first_col + col,
                        f"{f.header}: 上限 {ceiling:,} を超えています（{number:,}）。"
                        "桁を確かめてください",
                        f"{f.header} must be at most {ceiling:,}, got {number:,}",
                    )
                    number = None
            if number is not None:
                column[i] = got[f.name] = number
        dedicated, offsite = got.get("dedicated_counters"), got.get("offsite_counters")
        if dedicated is not None and offsite is not None and offsite > dedicated:
            out.at(
                table,
                sheet_row,
                table.first_col + cols["offsite_counters"],
                f"臨時窓口数（{offsite}）が専用窓口数（{dedicated}）を超えています。臨時窓口は"
                "専用窓口の内数です。専用窓口数以下の数を入力してください",
                f"臨時窓口数 ({offsite}) must not exceed 専用窓口数 ({dedicated}): "
                "off-site counters are counted among the dedicated ones",
            )
    absent = [m for m in months if m not in seen]
    if absent:
        out.table(
            table,
            "月の行がありません: " + "、".join(reiwa_month(m) for m in absent),
            f"{MONTH.header} missing: " + ", ".join(absent),
        )
    return {name: tuple(v) for name, v in values.items()}


def _parse_profile(table: RawTable, months: Sequence[str], out: Problems) -> Profile | None:
    rows = items_by_label(table, PROFILE_HEADERS, out)
    if rows is None:
        return None
    values: dict[str, Any] = {}
    for f in PROFILE_FIELDS:
        if f.header not in rows:
            if f.name not in OPTIONAL_PROFILE_ITEMS:
                out.table(
                    table,
                    f"項目「{f.header}」の行がありません。行を削除しないでください",
                    f'項目 "{f.header}" is missing',
                )
            continue
        sheet_row, raw = rows[f.header]
        where = (table, sheet_row, table.first_col + 1)
        if f.kind == "lg_code":
            text = cell_text(raw)
            code = text.zfill(6) if text.isdigit() else text
            problem = lg_code_error(code)
            if problem:
                out.at(*where, f"{f.header}: {problem}", f"{f.header}: {problem}")
                values[f.name] = None
            else:
                values[f.name] = code
            continue
        values[f.name] = read_cell(out, *where, f, raw, months)
    required = [f for f in PROFILE_FIELDS if f.name not in OPTIONAL_PROFILE_ITEMS]
    if any(f.name not in values for f in required) or any(v is None for v in values.values()):
        return None
    return Profile(**values)


def _parse_budget(
    table: RawTable, months: Sequence[str], max_rows: int, out: Problems
) -> tuple[BudgetLine, ...] | None:
    cols = table_columns(table, BUDGET_FIELDS, out)
    if cols is None:
        return None
    if len(table.rows) > max_rows:
        out.table(
            table,
            f"{len(table.rows):,}行あります（上限は{max_rows:,}行）",
            f"{len(table.rows):,} rows (the limit is {max_rows:,})",
        )
        return None
    lines: list[BudgetLine] = []
    plain = not table.marks
    seen: dict[tuple[str, type, Any], Any] = {}
    for r, row in enumerate(table.rows):
        sheet_row = table.header_row + 1 + r
        if plain and BLANKS.issuperset(row):  # a spare row left empty
            continue
        cells = {f.name: row[cols[f.name]] for f in BUDGET_FIELDS}
        if all(blank(v) for v in cells.values()):
            continue
        got = {}
        for f in BUDGET_FIELDS:
            raw = cells[f.name]
            key = (f.name, type(raw), raw)
            # A value read once is read the same way again (令和2年度 on every line of a year);
            # a marked cell is never taken from the cache.
            value = seen.get(key) if plain else None
            if value is None:
                col = table.first_col + cols[f.name]
                value = read_cell(out, table, sheet_row, col, f, raw, months)
                if value is not None:
                    seen[key] = value
            got[f.name] = value
        if all(v is not None for v in got.values()):
            item = str(got["item"])
            lines.append(
                BudgetLine(
                    int(got["fiscal_year"]), BUDGET_ITEM_CODES.get(item, item), int(got["yen"])
                )
            )
    return tuple(lines)


_CONTACT_ADVICE = {
    "phone": (
        "市外局番からの電話番号を文字で入力してください（例: 03-1234-5678。数値として入力すると"
        "先頭の0が消えます）",
        "must be a telephone number of 10 or 11 digits from the area code (03-1234-5678)",
    ),
    "email": (
        "メールアドレスを入力してください（例: madoguchi@city.example.lg.jp）",
        "must be an e-mail address (madoguchi@city.example.lg.jp)",
    ),
    "text": (
        f"{CONTACT_TEXT_MAX}文字以内の文字で入力してください",
        f"must be text of at most {CONTACT_TEXT_MAX} characters",
    ),
    "made_on": (
        "作成日を日付で入力してください（例: 令和2年10月1日 または 2020-10-01）",
        "must be a date (令和2年10月1日 or 2020-10-01)",
    ),
}


def _contact_value(kind: str, raw: Any) -> str | None:
    if kind == "phone":
        return clerk_input.phone(raw)
    if kind == "email":
        return clerk_input.email(raw)
    if kind == "made_on":
        day = clerk_input.serial_date(raw)
        return day.isoformat() if day is not None and 2000 <= day.year <= 2100 else None
    if clerk_input.spreadsheet_error(raw) is not None:
        return None
    text = cell_text(raw)
    return text if len(text) <= CONTACT_TEXT_MAX else None


def _parse_contacts(table: RawTable | None, out: Problems) -> Contacts:
    """担当課, 担当者, 電話, メール and 作成日 from the header block, each found by its label
    (the value in the cell to its right); blank ones stay blank, a bad one is named."""
    if table is None:
        return Contacts()
    wanted = {**CONTACT_LABELS, MADE_ON_LABEL: "made_on"}
    got: dict[str, str] = {}
    for r, row in enumerate(table.rows):
        for c, label in enumerate(row[:-1]):
            if not isinstance(label, str):
                continue
            name = wanted.get(clerk_input.normalise(label))
            if name is None or name in got:
                continue
            raw = row[c + 1]
            if blank(raw):
                got[name] = ""
                continue
            kind = name if name in ("phone", "email", "made_on") else "text"
            value = _contact_value(kind, raw)
            if value is None:
                ja, en = _CONTACT_ADVICE[kind]
                header = clerk_input.normalise(label)
                where = (table, table.header_row + 1 + r, table.first_col + c + 1)
                out.at(
                    *where, f"{header}: {ja}。{shown_ja(raw)}", f"{header} {en}, got {shown(raw)}"
                )
                got[name] = ""
            else:
                got[name] = value
    return Contacts(**got)


def _kind(monthly: RawTable | None) -> str:
    """Renewal when the monthly table's headers are worded for renewals (更新件数), else
    issuance (issue 17)."""
    if monthly is not None and any(
        is_renewal_header(without_unit(cell_text(h))) for h in monthly.headers
    ):
        return RENEWAL
    return ISSUANCE


def parse_plan_workbook(
    label: str,
    tables: Mapping[str, RawTable],
    months: Sequence[str],
    *,
    max_budget_rows: int,
    max_event_rows: int,
    renewal_months: Sequence[str] = (),
) -> PlanWorkbook:
    """The workbook's contents, or :class:`WorkbookError` listing every problem found."""
    out = Problems(label)
    kind = _kind(tables.get(MONTHLY_TABLE))
    if kind == RENEWAL:
        months = renewal_months
        if not months:
            out.file(
                "更新計画のブックです。ここでは交付計画のブックだけを読み込めます"
                "（更新計画は kofuplan excel read で読み込んでください）",
                "a renewal plan's workbook: only issuance plans are read here "
                "(read renewal plans with kofuplan excel read)",
            )
            out.raise_if_any()
    for name in TABLES:
        if name not in tables:
            out.file(
                missing_table_ja(name),
                f'table "{name}" is missing (found: {", ".join(sorted(tables)) or "none"}); '
                "tables are found by name: do not rename or delete them",
            )
    profile = (
        _parse_profile(tables[PROFILE_TABLE], months, out) if PROFILE_TABLE in tables else None
    )
    counts = _parse_monthly(tables[MONTHLY_TABLE], months, out) if MONTHLY_TABLE in tables else None
    budget = (
        _parse_budget(tables[BUDGET_TABLE], months, max_budget_rows, out)
        if BUDGET_TABLE in tables
        else None
    )
    promotion = parse_promotion(tables, months, max_event_rows, out)
    contacts = _parse_contacts(tables.get(HEADER_BLOCK), out)
    out.raise_if_any()
    assert profile is not None and counts is not None and budget is not None
    assert promotion is not None
    return PlanWorkbook(
        profile=profile,
        months=tuple(months),
        counts=counts,
        budget=budget,
        promotion=promotion,
        contacts=contacts,
        kind=kind,
    )
