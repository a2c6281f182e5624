"""The plan table: the ``plan_monthly.csv`` contract as typed arrays, municipalities × months.

Every source of a plan produces one (the engine's :meth:`Plan.table`, the CSV reader, the
Excel reader, the store) and every consumer takes one (the checks, the editor's preview, the
aggregates, the follow-up, the prefecture workbook, the pages). A plan figure never travels
as text inside the program: text becomes numbers once, at the edge, in
:func:`kofuplan.domain.plan_form.read_plan_form`.

A figure the source did not give is False in ``given[column]``; its array holds 0 (or NaN for
the decimal columns) there, never a made-up value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
FIGURE_COLUMNS = COUNT_COLUMNS + DECIMAL_COLUMNS + MONTH_COLUMNS
assert set(PLAN_COLUMNS[2:]) <= set(FIGURE_COLUMNS), "every contract column has a kind"


@dataclass(frozen=True)
class PlanTable:
    """A plan over (municipalities, months).

    ``counts`` and ``decimals`` hold every figure column by name; ``recruit_start_index`` is
    the recruiting month as an offset from ``months[0]`` (``NO_RECRUIT`` where none).
    ``valid`` is True where the month is given exactly once with every figure the reader
    required whole and in range; the checks leave the other cells out.
    """

    lg_code: StrArray  # (N,)
    months: tuple[str, ...]  # (M,), YYYY-MM
    counts: Mapping[str, IntArray]
    decimals: Mapping[str, FloatArray]
    recruit_start_index: IntArray
    given: Mapping[str, BoolArray]
    valid: BoolArray

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


def table_rows(table: PlanTable) -> dict[str, list[dict[str, int | float | str | None]]]:
    """The table as the store keeps it: per municipality, a row of plain values per month
    (decimals to the hundredth, as ``plan_monthly.csv`` has them; None where not given)."""
    from kofuplan.domain.snapshots import add_months

    out: dict[str, list[dict[str, int | float | str | None]]] = {}
    counts = {c: v.tolist() for c, v in table.counts.items()}
    decimals = {c: np.round(v, 2).tolist() for c, v in table.decimals.items()}
    given = {c: v.tolist() for c, v in table.given.items()}
    recruit = table.recruit_start_index.tolist()
    for i, code in enumerate(table.lg_code.tolist()):
        rows = out.setdefault(str(code), [])
        for j, month in enumerate(table.months):
            row: dict[str, int | float | str | None] = {"lg_code": str(code), "month": month}
            for c in COUNT_COLUMNS:
                row[c] = int(counts[c][i][j]) if given[c][i][j] else None
            for c in DECIMAL_COLUMNS:
                row[c] = float(decimals[c][i][j]) if given[c][i][j] else None
            k = int(recruit[i][j])
            row["recruit_start_month"] = "" if k == NO_RECRUIT else add_months(table.months[0], k)
            rows.append(row)
    return out
