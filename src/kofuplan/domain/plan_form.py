"""A plan as written by a municipality, turned into a :class:`PlanTable`; its problems of form
(R1.2), with bounds on every figure.

This is the one validator of a plan's figures, whatever they came from: a CSV file, a
workbook, a page's form, an API body or the store. The adapters only hand over plain values
(numbers, None for a blank, or the text of a cell that is not a number); every check of form
and range is here.

A plan may come back from the clerk written by hand. Only the columns of
:data:`REQUIRED_COLUMNS` must be there; every problem inside them (a month missing or given
twice, a count that is negative, not whole or beyond the ceiling, an unknown lg_code) becomes
an R1.2 finding instead of an exception, so that the prefecture gets advice it can send. Cells
with such a problem are marked invalid and the other checks leave them out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kofuplan.domain import advice
from kofuplan.domain.findings import Finding, FindingCode
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.plan_table import (
    COUNT_COLUMNS as TABLE_COUNT_COLUMNS,
)
from kofuplan.domain.plan_table import (
    DECIMAL_COLUMNS,
    REQUIRED_COUNTS,
    BoolArray,
    FloatArray,
    IntArray,
    PlanTable,
    empty_table,
)
from kofuplan.domain.planned import PlanInputError
from kofuplan.domain.rule_values import rule_file
from kofuplan.domain.snapshots import month_index, month_range, parse_month
from kofuplan.domain.wareki import reiwa_month

R1_2 = FindingCode(
    "R1.2", "error", "計画の様式の不備（月の欠落・重複、不正な枚数・窓口数、不明な団体コード）"
)
CODES: tuple[FindingCode, ...] = (R1_2,)

REQUIRED_COLUMNS = ("lg_code", "month", *REQUIRED_COUNTS)
COUNT_COLUMNS = REQUIRED_COLUMNS[2:]
# Columns a plan may state; when blank or absent they are derived as the engine does.
OPTIONAL_RATE_COLUMNS = ("dedicated_daily_per_counter", "combined_daily_per_counter")
# Evening opening (R8.3) as extra open days; 0 is a valid figure.
OPTIONAL_EXTRA_DAYS_COLUMN = "evening_day_equivalents"
OPTIONAL_COUNT_COLUMNS = ("staff",)
# The engine's derived columns: read where given and sound, otherwise left not given (the
# checks derive them again; the follow-up requires the ones it uses).
_DERIVED_COUNTS = tuple(
    c for c in TABLE_COUNT_COLUMNS if c not in COUNT_COLUMNS + OPTIONAL_COUNT_COLUMNS
)

Cell = str | int | float | None
"""A plain value: a number, None for a blank cell, or the text of a cell that is no number."""


@dataclass(frozen=True)
class PlanRow:
    """One row of a plan: its line number (for messages) and its cells as plain values."""

    line: int
    cells: Mapping[str, Cell]


@dataclass(frozen=True)
class PlanBounds:
    """The largest figures a plan may hold (``rules/bounds.yaml``)."""

    count_ceiling: int
    daily_per_counter_ceiling: float
    extra_days_ceiling: float
    offered_load_ceiling: float  # erlangs at one counter (``kofuplan counters``)

    @classmethod
    def from_rules(cls, params: Mapping[str, Any]) -> PlanBounds:
        r = rule_file(params, "bounds")
        return cls(
            count_ceiling=int(r["count_ceiling"]),
            daily_per_counter_ceiling=float(r["daily_per_counter_ceiling"]),
            extra_days_ceiling=float(r["extra_days_ceiling"]),
            offered_load_ceiling=float(r["offered_load_ceiling"]),
        )


# The widest a decimal figure with no bound of its own may be (交付率（%）, derived, not
# typed): it only keeps garbage out of the checks' arithmetic. One value for every reader.
DECIMAL_CEILING = 1e6

_INTEGER = re.compile(r"[+-]?\d+")


def plain_value(raw: Any) -> Cell:
    """A cell's plain value: int or float for a number (thousands separators allowed), None
    for a blank, the stripped text otherwise. The one place text becomes a plan figure."""
    if raw is None or isinstance(raw, bool):
        return None if raw is None else str(raw)
    if isinstance(raw, int | float):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    bare = text.replace(",", "")
    if _INTEGER.fullmatch(bare):
        return int(bare)
    try:
        number = float(bare)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _shown(value: Cell) -> str:
    return "" if value is None else str(value)


def whole_count(value: Cell, ceiling: int) -> tuple[int | None, float | None]:
    """(the whole number in 0…ceiling, None) or (None, the number as read, or None if it is no
    number)."""
    if value is None or isinstance(value, str):
        return None, None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, None
        if not value.is_integer():
            return None, value
    whole = int(value)
    if whole < 0 or whole > ceiling:
        return None, float(whole)
    return whole, None


def bounded_number(value: Cell, low: float, high: float, inclusive: bool = False) -> float | None:
    """The number when low < value ≤ high (low ≤ value with ``inclusive``), else None."""
    if value is None or isinstance(value, str):
        return None
    number = float(value)
    if not math.isfinite(number) or number > high:
        return None
    return number if number > low or (inclusive and number == low) else None


def read_plan_form(
    rows: Sequence[PlanRow],
    months: tuple[str, ...],
    known_codes: Collection[str],
    bounds: PlanBounds,
) -> tuple[PlanTable, list[Finding]]:
    """The table of every known municipality the plan names, and the R1.2 findings."""
    known = set(known_codes)
    findings: list[Finding] = []
    order: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for row in rows:
        code = _shown(row.cells.get("lg_code")).strip()
        if code in known:
            order.setdefault(code, len(order))
        elif code not in unknown:
            unknown[code] = row.line
    for code, line in unknown.items():
        findings.append(
            Finding(
                code, None, R1_2.code, R1_2.severity, None, None, advice.unknown_code(code, line)
            )
        )
    table = empty_table(list(order), months)
    month_ix = {mo: j for j, mo in enumerate(months)}
    times = np.zeros(table.shape, dtype=np.int64)
    # In the rows' order: a finding made here, or a row to read into cell (i, j).
    steps: list[Finding | tuple[int, int, str, str, PlanRow]] = []
    for row in rows:
        code = _shown(row.cells.get("lg_code")).strip()
        if code not in order:
            continue
        i = order[code]
        month = _shown(row.cells.get("month")).strip()
        if month not in month_ix:
            steps.append(_form(code, None, advice.month_outside(month, months, row.line)))
            continue
        j = month_ix[month]
        times[i, j] += 1
        if times[i, j] > 1:
            continue  # the first row of a month counts; the repeat is reported below
        steps.append((i, j, code, month, row))
    cells = [step for step in steps if not isinstance(step, Finding)]
    clean = _read_clean(table, [(i, j, row) for i, j, _, _, row in cells], bounds)
    for step in steps:
        if isinstance(step, Finding):
            findings.append(step)
        elif not clean:
            findings += _read_row(table, *step, bounds)

    codes = list(order)
    for i, j in zip(*np.nonzero(times != 1), strict=True):
        t = int(times[i, j])
        findings.append(
            Finding(
                codes[i],
                months[j],
                R1_2.code,
                R1_2.severity,
                float(t),
                1.0,
                advice.month_count(months[j], t),
            )
        )
    table.valid[...] &= times >= 1
    return table, findings


def _read_clean(
    table: PlanTable, cells: list[tuple[int, int, PlanRow]], bounds: PlanBounds
) -> bool:
    """The common case, column by column: every row's figures plain numbers within their
    bounds, blank where they may be (as the store and the engine give them). Then the table
    holds what :func:`_read_row` would have put in it, which would have found nothing; False,
    with the table untouched, when any cell is otherwise (the rows are then read one by one,
    with their findings). Issue 16: a national check reads 130,000 stored rows."""
    if not cells:
        return True
    at = (np.array([i for i, _, _ in cells]), np.array([j for _, j, _ in cells]))
    rows = [row.cells for _, _, row in cells]
    ceiling = bounds.count_ceiling
    counts: dict[str, tuple[IntArray, BoolArray]] = {}
    decimals: dict[str, tuple[FloatArray, BoolArray]] = {}

    def column(name: str, kinds: tuple[type, ...]) -> list[Any] | None:
        values = [r.get(name) for r in rows]
        return values if all(v is None or type(v) in kinds for v in values) else None

    try:
        for name in COUNT_COLUMNS + OPTIONAL_COUNT_COLUMNS + _DERIVED_COUNTS:
            values = column(name, (int,))
            if values is None:
                return False
            given = np.array([v is not None for v in values])
            figures = np.array([0 if v is None else v for v in values], dtype=np.int64)
            sound = given & (figures >= 0) & (figures <= ceiling)
            if name in _DERIVED_COUNTS:
                given = sound  # an unsound derived figure is not read (no finding)
            elif not np.array_equal(sound, given) or (name in COUNT_COLUMNS and not given.all()):
                return False
            counts[name] = (figures, given)
        for name, low, high, inclusive, silent in (
            *((c, 0.0, bounds.daily_per_counter_ceiling, False, False)
              for c in OPTIONAL_RATE_COLUMNS),
            (OPTIONAL_EXTRA_DAYS_COLUMN, 0.0, bounds.extra_days_ceiling, True, False),
            ("coverage_pct", 0.0, DECIMAL_CEILING, True, True),
        ):  # fmt: skip
            values = column(name, (int, float))
            if values is None:
                return False
            has = np.array([v is not None for v in values])
            reals = np.array([0.0 if v is None else float(v) for v in values])
            with np.errstate(invalid="ignore"):
                above = (reals > low) | ((reals == low) if inclusive else False)
                sound = has & np.isfinite(reals) & (reals <= high) & above
            if silent:
                has = sound
            elif not np.array_equal(sound, has):
                return False
            decimals[name] = (reals, has)
    except OverflowError:  # a number beyond any bound: read one by one, with its finding
        return False
    recruit = [r.get("recruit_start_month") for r in rows]
    if not all(v is None or type(v) is str for v in recruit):
        return False
    for name, (figures, given) in counts.items():
        table.counts[name][at] = np.where(given, figures, table.counts[name][at])
        table.given[name][at] = given
    for name, (reals, has) in decimals.items():
        table.decimals[name][at] = np.where(has, reals, table.decimals[name][at])
        table.given[name][at] = has
    blank = np.array([not _shown(v).strip() for v in recruit])
    table.given["recruit_start_month"][at[0][blank], at[1][blank]] = True  # no recruiting
    for k in np.flatnonzero(~blank).tolist():
        _read_recruit(table, int(at[0][k]), int(at[1][k]), recruit[k])
    table.valid[at] = True
    return True


def _read_row(
    table: PlanTable, i: int, j: int, code: str, month: str, row: PlanRow, bounds: PlanBounds
) -> list[Finding]:
    """Fill cell (i, j) of the table from one row; the row's R1.2 findings."""
    found: list[Finding] = []
    ok = True
    ceiling = bounds.count_ceiling
    for col in COUNT_COLUMNS:
        raw = plain_value(row.cells.get(col))
        value, bad = whole_count(raw, ceiling)
        if value is None:
            ok = False
            found.append(
                Finding(
                    code,
                    month,
                    R1_2.code,
                    R1_2.severity,
                    bad,
                    0.0,
                    advice.bad_count(month, col, _shown(raw), row.line, ceiling),
                )
            )
        else:
            table.counts[col][i, j] = value
            table.given[col][i, j] = True
    for col in OPTIONAL_RATE_COLUMNS:
        raw = plain_value(row.cells.get(col))
        if raw is not None:
            rate = bounded_number(raw, 0.0, bounds.daily_per_counter_ceiling)
            if rate is None:
                found.append(_form(code, month, advice.bad_rate(month, col, _shown(raw), row.line)))
            else:
                table.decimals[col][i, j] = rate
                table.given[col][i, j] = True
    raw_evenings = plain_value(row.cells.get(OPTIONAL_EXTRA_DAYS_COLUMN))
    if raw_evenings is not None:
        extra = bounded_number(raw_evenings, 0.0, bounds.extra_days_ceiling, inclusive=True)
        if extra is None:
            found.append(
                _form(
                    code,
                    month,
                    advice.bad_rate(
                        month, OPTIONAL_EXTRA_DAYS_COLUMN, _shown(raw_evenings), row.line
                    ),
                )
            )
        else:
            table.decimals[OPTIONAL_EXTRA_DAYS_COLUMN][i, j] = extra
            table.given[OPTIONAL_EXTRA_DAYS_COLUMN][i, j] = True
    raw_staff = plain_value(row.cells.get("staff"))
    if raw_staff is not None:
        value, bad = whole_count(raw_staff, ceiling)
        if value is None:
            found.append(
                Finding(
                    code,
                    month,
                    R1_2.code,
                    R1_2.severity,
                    bad,
                    0.0,
                    advice.bad_count(month, "staff", _shown(raw_staff), row.line, ceiling),
                )
            )
        else:
            table.counts["staff"][i, j] = value
            table.given["staff"][i, j] = True
    _read_derived(table, i, j, row, bounds)
    table.valid[i, j] = ok
    return found


def _read_derived(table: PlanTable, i: int, j: int, row: PlanRow, bounds: PlanBounds) -> None:
    """The engine's derived figures, where the row gives them soundly (no finding otherwise:
    the checks derive them again)."""
    for col in _DERIVED_COUNTS:
        value, _ = whole_count(plain_value(row.cells.get(col)), bounds.count_ceiling)
        if value is not None:
            table.counts[col][i, j] = value
            table.given[col][i, j] = True
    coverage = bounded_number(
        plain_value(row.cells.get("coverage_pct")), 0.0, DECIMAL_CEILING, inclusive=True
    )
    if coverage is not None:
        table.decimals["coverage_pct"][i, j] = coverage
        table.given["coverage_pct"][i, j] = True
    _read_recruit(table, i, j, row.cells.get("recruit_start_month"))


def _read_recruit(table: PlanTable, i: int, j: int, value: Cell) -> None:
    recruit = _shown(value).strip()
    if not recruit:
        table.given["recruit_start_month"][i, j] = True  # blank: no recruiting that month
    else:
        try:
            parse_month(recruit)
        except ValueError:
            return
        table.recruit_start_index[i, j] = month_index(recruit) - month_index(table.months[0])
        table.given["recruit_start_month"][i, j] = True


def count_field_error(
    month: str,
    column: str,
    raw: Any,
    bounds: PlanBounds,
    labels: Mapping[str, str] = advice.COLUMN_LABELS,
) -> str | None:
    """Why ``raw`` cannot be the month's figure ``column`` (a whole count in 0…ceiling), in
    the clerk's words with the field's label (``labels``: the renewal plan has its own);
    None when it can. For an editor's form, an API body or an imported row, which are refused
    whole rather than reported."""
    value = plain_value(raw)
    ceiling = field_ceiling(column, bounds)
    whole, bad = whole_count(value, ceiling)
    if whole is not None:
        return None
    where = f"{reiwa_month(month)}の{labels.get(column, column)}"
    if bad is not None and bad < 0:
        return f"{where}: 負の値 {_shown(value)} は入力できません"
    return f"{where}: 「{_shown(value)}」は0以上{ceiling:,}以下の整数で入力してください"


# A month has at most 31 days: a count of days beyond that is a typing error, and a billion
# days would carry capacity (counters × cards a day × days) past a 64-bit integer (issue 12:
# a save of 177,372,498 土日 days answered 500).
DAY_COLUMNS = ("open_weekdays", "weekend_days", "required_weekend_days", "open_days")
MONTH_DAYS_MAX = 31


def field_ceiling(column: str, bounds: PlanBounds) -> int:
    """The largest whole figure ``column`` may hold: a month's days for a count of days, the
    count ceiling otherwise."""
    if column in DAY_COLUMNS:
        return min(bounds.count_ceiling, MONTH_DAYS_MAX)
    return bounds.count_ceiling


def figure_error(
    month: str,
    column: str,
    raw: Any,
    bounds: PlanBounds,
    labels: Mapping[str, str] = advice.COLUMN_LABELS,
) -> str | None:
    """Like :func:`count_field_error`, for any figure column (a count, a daily figure per
    counter, or an evening opening in days)."""
    if column not in (*OPTIONAL_RATE_COLUMNS, OPTIONAL_EXTRA_DAYS_COLUMN):
        return count_field_error(month, column, raw, bounds, labels)
    value = plain_value(raw)
    rates = column in OPTIONAL_RATE_COLUMNS
    high = bounds.daily_per_counter_ceiling if rates else bounds.extra_days_ceiling
    if bounded_number(value, 0.0, high, inclusive=not rates) is not None:
        return None
    where = f"{reiwa_month(month)}の{labels.get(column, column)}"
    low = "0より大きく" if rates else "0以上"
    return f"{where}: 「{_shown(value)}」は{low}{high:,.0f}以下の数で入力してください"


def _form(code: str, month: str | None, message: str) -> Finding:
    return Finding(code, month, R1_2.code, R1_2.severity, None, None, message)


def plan_table_of(
    rows: Sequence[PlanRow], needed: Sequence[str], bounds: PlanBounds, where: str
) -> PlanTable:
    """A complete plan (every municipality it names, every month of its own period, the
    ``needed`` columns in every row), or an InputError naming ``where``, the line and the
    field. For readers that must refuse a flawed plan instead of reporting it (follow-up)."""
    codes: dict[str, None] = {}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        code = _shown(row.cells.get("lg_code")).strip()
        error = lg_code_error(code)
        if error:
            raise PlanInputError(f"{where}:{row.line}: lg_code: {error}")
        month = _shown(row.cells.get("month")).strip()
        try:
            parse_month(month)
        except ValueError as exc:
            raise PlanInputError(f"{where}:{row.line}: month: {exc}") from None
        if (code, month) in seen:
            raise PlanInputError(f"{where}:{row.line}: 団体 {code} の {month} が重複しています")
        seen[(code, month)] = row.line
        codes.setdefault(code, None)
    if not seen:
        raise PlanInputError(f"{where}: 計画の行がありません")
    months = tuple(month_range(min(m for _, m in seen), max(m for _, m in seen)))
    missing = [f"{c} {m}" for c in codes for m in months if (c, m) not in seen]
    if missing:
        shown = ", ".join(missing[:20]) + (" ほか" if len(missing) > 20 else "")
        raise PlanInputError(f"{where}: 次の団体・月の行がありません（{len(missing)}件）: {shown}")
    ordered = sorted(codes)
    table = empty_table(ordered, months)
    at = {c: k for k, c in enumerate(ordered)}
    month_ix = {m: k for k, m in enumerate(months)}
    for row in rows:
        code = _shown(row.cells.get("lg_code")).strip()
        month = _shown(row.cells.get("month")).strip()
        i, j = at[code], month_ix[month]
        for col in needed:
            raw = plain_value(row.cells.get(col))
            if col in DECIMAL_COLUMNS:
                number = bounded_number(raw, 0.0, DECIMAL_CEILING, inclusive=True)
                if number is None:
                    raise PlanInputError(
                        f"{where}:{row.line}: {col}: {_shown(raw)!r} は数値ではありません"
                    )
                table.decimals[col][i, j] = number
            else:
                value, _ = whole_count(raw, bounds.count_ceiling)
                if value is None:
                    raise PlanInputError(
                        f"{where}:{row.line}: {col}: {_shown(raw)!r} は"
                        f"0以上{bounds.count_ceiling:,}以下の整数ではありません"
                    )
                table.counts[col][i, j] = value
            table.given[col][i, j] = True
    table.valid[...] = True
    return table
