"""Cell helpers shared by the table parsers: problems that name file, sheet and cell (in
Japanese, with English for logs), and the reading of one cell by its kind through the one
normaliser of user-typed values (:mod:`kofuplan.domain.clerk_input`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kofuplan.adapters.excel.errors import WorkbookError, cell_name, shown, shown_ja
from kofuplan.adapters.excel.layout import Field, issuance_wording, sheet_title, without_unit
from kofuplan.adapters.excel.tables import RawTable
from kofuplan.domain import clerk_input
from kofuplan.domain.promotion_input import EVENING_HOURS_MAX, SHARE_MAX
from kofuplan.errors import InputError

MAX_PROBLEMS = 30  # beyond this a file is clearly the wrong one; say so instead of listing all


class Problems:
    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: list[str] = []
        self.english: list[str] = []

    def at(self, table: RawTable, row: int, col: int, ja: str, en: str) -> None:
        where = f"{table.sheet}!{cell_name(row, col)}"
        self.lines.append(f"{self.label}: シート「{table.sheet}」セル{cell_name(row, col)}: {ja}")
        self.english.append(f"{self.label}: {where}: {en}")

    def table(self, table: RawTable, ja: str, en: str) -> None:
        last = table.header_row + len(table.rows)
        span = f"{cell_name(table.header_row, table.first_col)}:" + cell_name(
            last, table.first_col + len(table.headers) - 1
        )
        self.lines.append(f"{self.label}: シート「{table.sheet}」{span}: {ja}")
        self.english.append(f"{self.label}: {table.sheet}!{span}: table {table.name}: {en}")

    def file(self, ja: str, en: str) -> None:
        self.lines.append(f"{self.label}: {ja}")
        self.english.append(f"{self.label}: {en}")

    def raise_if_any(self) -> None:
        if self.lines:
            ja, en = self.lines[:MAX_PROBLEMS], self.english[:MAX_PROBLEMS]
            if len(self.lines) > MAX_PROBLEMS:
                more = len(self.lines) - MAX_PROBLEMS
                ja.append(f"{self.label}: … ほかに {more} 件の問題があります")
                en.append(f"{self.label}: … and {more} more problems")
            raise WorkbookError(ja, en)


class BadCell(InputError):
    """A cell's value is not of its field's kind."""


BLANKS = frozenset({"", None})  # empty cells as the sources give them (blank() says more)


def blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A text cell; a number typed into it reads as the number's digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()


def _bounded(number: float | None, low: float, high: float) -> float:
    if number is None or not low <= number <= high:
        raise BadCell
    return number


def cell_value(f: Field, value: Any, months: Sequence[str]) -> Any:
    """The value of a non-blank cell of field ``f``; :class:`BadCell` when it is not one.
    The promotion section's cells go through its one validator instead
    (:mod:`kofuplan.domain.promotion_input`).
    Spreadsheet errors (``#DIV/0!``) are never a value."""
    if clerk_input.spreadsheet_error(value) is not None:
        raise BadCell
    kind = f.kind
    if kind == "count":
        number = clerk_input.whole_number(value)
        if number is None:
            raise BadCell
        return number
    if kind == "rate":
        rate = clerk_input.number(value)
        if rate is None or rate <= 0:
            raise BadCell
        return rate
    if kind == "pace":
        return _bounded(clerk_input.number(value), 0.0, float("inf"))
    if kind == "month":
        month = clerk_input.month(value)
        if month is None or month not in months:
            raise BadCell
        return month
    if kind == "fiscal_year":
        year = clerk_input.fiscal_year(value)
        if year is None or not 2000 <= year <= 2100:
            raise BadCell
        return year
    text = cell_text(value)
    if not text:
        raise BadCell
    return text


def expected(f: Field, months: Sequence[str]) -> tuple[str, str]:
    """What a field's cell must hold: (Japanese, saying what to type; English)."""
    first, last = months[0], months[-1]
    from kofuplan.domain.wareki import reiwa_month  # the labels the sheet shows

    period_ja = f"{reiwa_month(first)}から{reiwa_month(last)}まで"
    period = f"from {first} to {last}"
    return {
        "count": ("0以上の整数を入力してください（例: 1200）", "must be a whole number ≥ 0"),
        "rate": ("0より大きい数を入力してください（例: 40.5）", "must be a number > 0"),
        "pace": ("0以上の数を入力してください（例: 12.5）", "must be a number ≥ 0"),
        "share": (
            f"0%から{SHARE_MAX:.0%}までの割合を入力してください（例: 50%）",
            f"must be a share from 0 to {SHARE_MAX:g} (0% to {SHARE_MAX:.0%})",
        ),
        "hours": (
            f"0から{EVENING_HOURS_MAX:g}までの時間数を入力してください（例: 2.5）",
            f"must be a number of hours from 0 to {EVENING_HOURS_MAX:g}",
        ),
        "month": (
            f"{period_ja}の月を入力してください（例: 令和2年12月 または 2020-12）",
            f"must be a month {period} (YYYY-MM)",
        ),
        "months": (
            f"{period_ja}の月を「;」で区切って入力してください（例: 2020-12;2021-01、同じ月は1回）",
            f'must be months {period} (YYYY-MM, separated by ";", each once)',
        ),
        "flag": ("「はい」か「いいえ」（○か×）を入力してください", "must be はい or いいえ"),
        "date": (
            "日付を入力してください（例: 令和3年4月1日 または 2021-04-01）",
            "must be a date YYYY-MM-DD",
        ),
        "fiscal_year": (
            "年度を入力してください（例: 令和3年度 または 2021）",
            "must be a fiscal year such as 令和3年度 or 2021",
        ),
    }.get(f.kind, ("文字を入力してください（空欄にはできません）", "must not be empty"))


def bad_cell(
    out: Problems, table: RawTable, row: int, col: int, f: Field, raw: Any, months: Sequence[str]
) -> None:
    """Report a cell that is not of its field's kind: merged, a spreadsheet error, or a value
    of the wrong kind, saying what to type instead."""
    mark = table.marks.get((row, col))
    if mark == "merged":
        out.at(
            table,
            row,
            col,
            f"{f.header}: 結合されたセルです。セルの結合を解除して、値を入力し直してください",
            f"{f.header}: the cell is merged with others; unmerge it and type the value again",
        )
        return
    error = clerk_input.spreadsheet_error(raw) or mark
    ja, en = expected(f, months)
    if error is not None:
        out.at(
            table,
            row,
            col,
            f"{f.header}: 計算エラー {error} が表示されています。{ja}",
            f"{f.header} {en}, got the error {error}",
        )
        return
    got = "" if f.kind in ("text", "lg_code") else f", got {shown(raw)}"
    out.at(table, row, col, f"{f.header}: {ja}。{shown_ja(raw)}", f"{f.header} {en}{got}")


def read_cell(
    out: Problems,
    table: RawTable,
    row: int,
    col: int,
    f: Field,
    raw: Any,
    months: Sequence[str],
) -> Any:
    """A cell's value, or None after reporting it (see :func:`bad_cell`)."""
    if table.marks and (row, col) in table.marks:
        bad_cell(out, table, row, col, f, raw, months)
        return None
    try:
        return cell_value(f, raw, months)
    except BadCell:
        bad_cell(out, table, row, col, f, raw, months)
        return None


def table_columns(table: RawTable, fields: Sequence[Field], out: Problems) -> dict[str, int] | None:
    """Where each field's column is in ``table``, found by its header; None if any is missing."""
    # a renewal workbook's headers (更新件数) name the same fields (issue 17)
    found = {issuance_wording(without_unit(cell_text(h))): j for j, h in enumerate(table.headers)}
    wanted = {f.header for f in fields}
    missing = [f.header for f in fields if f.header not in found]
    if not missing:
        return {f.name: found[f.header] for f in fields}
    optional = {"備考"}  # a free-text column the template adds
    strangers = [
        j
        for j, h in enumerate(table.headers)
        if issuance_wording(without_unit(cell_text(h))) not in wanted | optional
    ]
    if len(strangers) == len(missing):  # renamed: point at each renamed header cell
        for j, header in zip(strangers, missing, strict=True):
            out.at(
                table,
                table.header_row,
                table.first_col + j,
                f"見出しが「{cell_text(table.headers[j])}」に変わっています。「{header}」に戻してください"
                "（見出しでデータを読み取ります）",
                f'header {shown(table.headers[j])} should be "{header}" '
                f"(table {table.name} is read by its headers)",
            )
    else:
        out.table(
            table,
            "見出し " + "、".join(f"「{h}」" for h in missing) + " が見つかりません。"
            "見出しを変更・削除しないでください",
            "missing column(s) " + ", ".join(f'"{h}"' for h in missing),
        )
    return None


def items_by_label(
    table: RawTable, headers: Sequence[str], out: Problems
) -> dict[str, tuple[int, Any]] | None:
    """The rows of a 項目・値 table by their 項目: label -> (sheet row, value)."""
    labels = [cell_text(h) for h in table.headers]
    if labels[:2] != list(headers):
        for j, header in enumerate(headers):
            got = table.headers[j] if j < len(table.headers) else ""
            if cell_text(got) != header:
                out.at(
                    table,
                    table.header_row,
                    table.first_col + j,
                    f"見出しが「{cell_text(got)}」になっています。「{header}」に戻してください",
                    f'header {shown(got)} should be "{header}"',
                )
        return None
    rows: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(table.rows):
        label = cell_text(row[0])
        if label in rows:
            out.at(
                table,
                table.header_row + 1 + r,
                table.first_col,
                f"項目「{label}」が2回あります。1回にしてください",
                f'項目 "{label}" appears twice',
            )
        elif label:
            rows[label] = (table.header_row + 1 + r, row[1])
    return rows


def missing_table_ja(name: str) -> str:
    return (
        f"シート「{sheet_title(name)}」の表が見つかりません。表・シートの名前と見出しを"
        "変更・削除しないでください（配布された様式に入力し直してください）"
    )
