"""The plan table: the ``plan_monthly.csv`` contract as typed arrays, municipalities × months.

Every source of a plan produces one (the engine's :meth:`Plan.table`, the CSV reader, the
Excel reader, the store) and every consumer takes one (the checks, the editor's preview, the
aggregates, the follow-up, the prefecture workbook, the pages). A plan figure never travels
as text inside the program: text becomes numbers once, at the edge, in
:func:`kofuplan.domain.plan_form.read_plan_form`.

A figure the source did not give is False in ``given[column]``; its array holds 0 (or NaN for
the decimal columns) there, never a made-up value.

The store keeps a table as rows of plain values (:func:`table_rows`) and reads them back with
:func:`rows_table`; a table saved and read back is equal to itself (:func:`same_table`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.capacity import NO_RECRUIT
from kofuplan.domain.plan_columns import PLAN_COLUMNS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]

# The contract's figures by kind (``lg_code`` and ``month`` are the table's axes).
COUNT_COLUMNS = (
    "issuance",
    "cumulative_issued",
    "open_weekdays",
    "weekend_days",
    "required_weekend_days",
    "open_days",
    "dedicated_counters",
    "combined_counters",
    "capacity",
    "offsite_counters",
    "staff",
    "terminals",
)
# Evening opening (R8.3) as extra open days: added after the contract, read where given.
DECIMAL_COLUMNS = (
    "coverage_pct",
    "dedicated_daily_per_counter",
    "combined_daily_per_counter",
    "evening_day_equivalents",
)
MONTH_COLUMNS = ("recruit_start_month",)
# Counts a month cannot do without: a month lacking one is invalid (R1.2), and the checks
# leave it out.
REQUIRED_COUNTS = (
    "issuance",
    "dedicated_counters",
    "combined_counters",
    "offsite_counters",
    "weekend_days",
)
# A renewal plan's figures after the contract's columns (issue 17): the expiries and the
# expected renewals of each kind behind the month's count, in expected people (decimals).
RENEWAL_FIGURES = (
    "expiring_certificates",
    "expiring_certificates_only",
    "expiring_cards",
    "renewals_certificate",
    "renewals_card",
)
FIGURE_COLUMNS = COUNT_COLUMNS + DECIMAL_COLUMNS + MONTH_COLUMNS
assert set(PLAN_COLUMNS[2:]) <= set(FIGURE_COLUMNS), "every contract column has a kind"


@dataclass(frozen=True)
class PlanTable:
    """A plan over (municipalities, months).

    ``counts`` and ``decimals`` hold every figure column by name; ``recruit_start_index`` is
    the recruiting month as an offset from ``months[0]`` (``NO_RECRUIT`` where none).
    ``valid`` is True where the month is given exactly once with every figure the reader
    required whole and in range; the checks leave the other cells out.

    ``extra`` holds a renewal plan's own figures (:data:`RENEWAL_FIGURES`), NaN where not
    given; an issuance plan has none.
    """

    lg_code: StrArray  # (N,)
    months: tuple[str, ...]  # (M,), YYYY-MM
    counts: Mapping[str, IntArray]
    decimals: Mapping[str, FloatArray]
    recruit_start_index: IntArray
    given: Mapping[str, BoolArray]
    valid: BoolArray
    extra: Mapping[str, FloatArray] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.lg_code), len(self.months))

    @property
    def issuance(self) -> IntArray:
        return self.counts["issuance"]

    @property
    def dedicated_counters(self) -> IntArray:
        return self.counts["dedicated_counters"]

    @property
    def combined_counters(self) -> IntArray:
        return self.counts["combined_counters"]

    @property
    def offsite_counters(self) -> IntArray:
        return self.counts["offsite_counters"]

    @property
    def weekend_days(self) -> IntArray:
        return self.counts["weekend_days"]

    @property
    def staff(self) -> IntArray:
        return self.counts["staff"]

    @property
    def planned_issuance(self) -> IntArray:
        """Issuance where the month is valid, 0 elsewhere."""
        out: IntArray = np.where(self.valid, self.issuance, 0)
        return out

    def stated(self, column: str) -> FloatArray:
        """A decimal column with NaN where the plan does not state it."""
        out: FloatArray = np.where(self.given[column], self.decimals[column], np.nan)
        return out

    def fully_given(self, column: str) -> bool:
        return bool(self.given[column].all())

    def take(self, rows: npt.NDArray[np.intp]) -> PlanTable:
        """The municipalities ``rows``, in that order."""
        return PlanTable(
            lg_code=self.lg_code[rows],
            months=self.months,
            counts={k: v[rows] for k, v in self.counts.items()},
            decimals={k: v[rows] for k, v in self.decimals.items()},
            recruit_start_index=self.recruit_start_index[rows],
            given={k: v[rows] for k, v in self.given.items()},
            valid=self.valid[rows],
            extra={k: v[rows] for k, v in self.extra.items()},
        )

    def row_of(self, lg_code: str) -> int | None:
        hits = np.flatnonzero(self.lg_code == lg_code)
        return int(hits[0]) if hits.size else None


def empty_table(lg_codes: list[str], months: tuple[str, ...]) -> PlanTable:
    """A table with nothing given: every figure to be filled in by a reader."""
    shape = (len(lg_codes), len(months))
    return PlanTable(
        lg_code=np.array(lg_codes, dtype=np.str_),
        months=months,
        counts={c: np.zeros(shape, dtype=np.int64) for c in COUNT_COLUMNS},
        decimals={c: np.full(shape, np.nan) for c in DECIMAL_COLUMNS},
        recruit_start_index=np.full(shape, NO_RECRUIT, dtype=np.int64),
        given={c: np.zeros(shape, dtype=np.bool_) for c in FIGURE_COLUMNS},
        valid=np.zeros(shape, dtype=np.bool_),
    )


def table_of(
    lg_code: npt.ArrayLike,
    months: tuple[str, ...],
    counts: Mapping[str, npt.ArrayLike],
    decimals: Mapping[str, npt.ArrayLike],
    recruit_start_index: npt.ArrayLike,
) -> PlanTable:
    """A table whose every figure is given (as the engine makes one)."""
    codes = np.asarray(lg_code, dtype=np.str_)
    shape = (len(codes), len(months))
    full = np.ones(shape, dtype=np.bool_)
    return PlanTable(
        lg_code=codes,
        months=months,
        counts={
            c: np.ascontiguousarray(np.broadcast_to(np.asarray(v, dtype=np.int64), shape))
            for c, v in counts.items()
        },
        decimals={
            c: np.ascontiguousarray(np.broadcast_to(np.asarray(v, dtype=np.float64), shape))
            for c, v in decimals.items()
        },
        recruit_start_index=np.asarray(recruit_start_index, dtype=np.int64),
        given={c: full for c in FIGURE_COLUMNS},
        valid=full,
    )


Value = int | float | str | None


def table_rows(table: PlanTable) -> dict[str, list[dict[str, Value]]]:
    """The table as the store keeps it: per municipality, a row of plain values per month
    (decimals to the hundredth, as ``plan_monthly.csv`` has them; None where not given; the
    recruiting month as YYYY-MM, "" for none). :func:`rows_table` reads them back."""
    from kofuplan.domain.snapshots import add_months

    out: dict[str, list[dict[str, Value]]] = {}
    counts = {c: v.tolist() for c, v in table.counts.items()}
    decimals = {c: np.round(v, 2).tolist() for c, v in table.decimals.items()}
    given = {c: v.tolist() for c, v in table.given.items()}
    extra = {c: v.tolist() for c, v in table.extra.items()}
    recruit = table.recruit_start_index.tolist()
    recruit_given = given["recruit_start_month"]
    for i, code in enumerate(table.lg_code.tolist()):
        rows = out.setdefault(str(code), [])
        for j, month in enumerate(table.months):
            row: dict[str, Value] = {"lg_code": str(code), "month": month}
            for c in COUNT_COLUMNS:
                row[c] = int(counts[c][i][j]) if given[c][i][j] else None
            for c in DECIMAL_COLUMNS:
                row[c] = float(decimals[c][i][j]) if given[c][i][j] else None
            k = int(recruit[i][j])
            row["recruit_start_month"] = (
                None
                if not recruit_given[i][j]
                else ""
                if k == NO_RECRUIT
                else add_months(table.months[0], k)
            )
            for c, values in extra.items():
                value = float(values[i][j])
                row[c] = value if value == value else None  # NaN: not given
            rows.append(row)
    return out


# The largest count a stored row is read with: within int64 with room for sums. Stored plans
# were bounded when saved (``bounds.count_ceiling``); the checks report a count beyond it or
# below 0 (``stored_plan.on_period``), one beyond this is left not given.
_LARGEST_COUNT = 2**53


def _count(value: Any) -> int | None:
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int:
        return value if -_LARGEST_COUNT <= value <= _LARGEST_COUNT else None
    return None


def _real(value: Any) -> float | None:
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is int:
        return float(value) if -_LARGEST_COUNT <= value <= _LARGEST_COUNT else None
    return None


def rows_table(
    lg_code: str, rows: Sequence[Mapping[str, Any]], columns: Collection[str] | None = None
) -> PlanTable:
    """One municipality's stored rows (:func:`table_rows`' rows, one per month) as a table
    over the rows' months in their order; a renewal plan's figures (:data:`RENEWAL_FIGURES`)
    go to ``extra`` when the rows have them. For rows the store wrote, not for input: a value
    that is not a plain number of its kind is left not given (the checks then report the
    month's missing figure), never guessed; a month is valid when it has every
    :data:`REQUIRED_COUNTS`. With ``columns``, only those figures are read (the others are
    not given): for a reader that needs a few of every plan (the aggregates)."""
    from kofuplan.domain.snapshots import month_index

    months = tuple(str(r.get("month", "")) for r in rows)
    if columns is not None:
        return _some_figures(lg_code, months, rows, columns)
    table = empty_table([lg_code], months)
    for c in COUNT_COLUMNS:
        table.counts[c][0], table.given[c][0] = _count_column([r.get(c) for r in rows])
    for c in DECIMAL_COLUMNS:
        table.decimals[c][0], table.given[c][0] = _decimal_column([r.get(c) for r in rows])
    first = None
    for j, r in enumerate(rows):
        value = r.get("recruit_start_month")
        if value == "":
            table.given["recruit_start_month"][0, j] = True
        elif isinstance(value, str):
            try:
                first = month_index(months[0]) if first is None else first
                table.recruit_start_index[0, j] = month_index(value) - first
            except ValueError:
                continue
            table.given["recruit_start_month"][0, j] = True
    table.valid[0] = np.logical_and.reduce([table.given[c][0] for c in REQUIRED_COUNTS])
    extra = [c for c in RENEWAL_FIGURES if rows and c in rows[0]]
    if not extra:
        return table
    figures = {c: _decimal_column([r.get(c) for r in rows])[0][None, :] for c in extra}
    return replace(table, extra=figures)


def _some_figures(
    lg_code: str,
    months: tuple[str, ...],
    rows: Sequence[Mapping[str, Any]],
    columns: Collection[str],
) -> PlanTable:
    """:func:`rows_table` of only ``columns`` (counts, decimals or renewal figures): the
    figures not read share one read-only blank array each (a national sum reads two figures
    of every plan; a table of 40 fresh arrays each cost it several times the sum itself).
    No month is valid: the table is for sums, not for the checks."""
    shape = (1, len(months))
    zeros, nans = np.zeros(shape, dtype=np.int64), np.full(shape, np.nan)
    blank, none = np.zeros(shape, dtype=np.bool_), np.full(shape, NO_RECRUIT, dtype=np.int64)
    for array in (zeros, nans, blank, none):
        array.flags.writeable = False
    counts: dict[str, IntArray] = dict.fromkeys(COUNT_COLUMNS, zeros)
    decimals: dict[str, FloatArray] = dict.fromkeys(DECIMAL_COLUMNS, nans)
    given: dict[str, BoolArray] = dict.fromkeys(FIGURE_COLUMNS, blank)
    extra: dict[str, FloatArray] = {}
    for c in columns:
        values = [r.get(c) for r in rows]
        if c in counts:
            figures, has = _count_column(values)
            counts[c], given[c] = figures[None, :], has[None, :]
        elif c in decimals:
            reals, has = _decimal_column(values)
            decimals[c], given[c] = reals[None, :], has[None, :]
        elif c in RENEWAL_FIGURES and rows and c in rows[0]:
            extra[c] = _decimal_column(values)[0][None, :]
    return PlanTable(
        lg_code=np.array([lg_code], dtype=np.str_),
        months=months,
        counts=counts,
        decimals=decimals,
        recruit_start_index=none,
        given=given,
        valid=blank,
        extra=extra,
    )


_NONE = type(None)


def _count_column(values: list[Any]) -> tuple[IntArray, BoolArray]:
    """A column of counts and where they are given. Whole columns at once when they hold
    only ints and blanks, as the store writes them (issue 16: a national aggregate reads
    every latest revision); value by value otherwise."""
    if set(map(type, values)) <= {int, _NONE}:
        given = np.array([v is not None for v in values], dtype=np.bool_)
        try:
            figures = np.array([0 if v is None else v for v in values], dtype=np.int64)
        except OverflowError:  # beyond int64: not given, found value by value below
            pass
        else:
            given &= np.abs(figures) <= _LARGEST_COUNT
            return np.where(given, figures, 0), given
    read = [_count(v) for v in values]
    return (
        np.array([0 if v is None else v for v in read], dtype=np.int64),
        np.array([v is not None for v in read], dtype=np.bool_),
    )


def _decimal_column(values: list[Any]) -> tuple[FloatArray, BoolArray]:
    """A column of decimals (NaN where not given) and where they are given."""
    if set(map(type, values)) <= {float, _NONE}:
        reals = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    else:
        reals = np.array(
            [np.nan if (v := _real(value)) is None else v for value in values], dtype=np.float64
        )
    given = np.isfinite(reals)
    return np.where(given, reals, np.nan), given


def same_table(a: PlanTable, b: PlanTable) -> bool:
    """Equal municipalities, months, masks and figures (NaN equal to NaN)."""

    def same(x: Mapping[str, npt.NDArray[Any]], y: Mapping[str, npt.NDArray[Any]]) -> bool:
        return x.keys() == y.keys() and all(
            np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind == "f") for k in x
        )

    return (
        np.array_equal(a.lg_code, b.lg_code)
        and a.months == b.months
        and same(a.counts, b.counts)
        and same(a.decimals, b.decimals)
        and np.array_equal(a.recruit_start_index, b.recruit_start_index)
        and same(a.given, b.given)
        and np.array_equal(a.valid, b.valid)
        and same(a.extra, b.extra)
    )
