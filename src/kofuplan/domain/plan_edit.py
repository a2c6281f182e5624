"""Editing a saved plan: recompute the derived columns of what the editor typed.

What is wrong with an edited plan is the prefecture's one check set
(:func:`kofuplan.domain.checks.check_plan`): the editor's preview, every saved revision and the
prefecture's list run it alike.

A plan is stored as rows of the ``plan_monthly.csv`` contract (issue 2). The web editor lets a
municipality change the counts it decides (issuance, counters, weekend days, staff, terminals);
the derived columns follow by the contract's own formulas:

* ``open_days = open_weekdays + weekend_days``
* ``capacity = (dedicated_counters × dedicated_daily_per_counter
  + combined_counters × combined_daily_per_counter) × (open_days + evening_day_equivalents)``,
  in whole cards, by the engine's ``kofuplan.domain.capacity.capacity_of``
* ``cumulative_issued`` = baseline + issuance so far; ``coverage_pct`` = that / population.

Columnar like the rest of the domain: many municipalities' rows become (municipalities × months)
arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.capacity import capacity_of
from kofuplan.domain.plan_columns import PLAN_COLUMNS

EDITABLE_COLUMNS = (
    "issuance",
    "dedicated_counters",
    "combined_counters",
    "offsite_counters",
    "weekend_days",
    "staff",
    "terminals",
)

Row = Mapping[str, Any]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def column(rows: Sequence[Row], name: str) -> FloatArray:
    """One column as floats; a column the rows lack (an older contract) reads as zeros."""
    return np.array([float(r.get(name) or 0) for r in rows], dtype=np.float64)


def recompute(rows: Sequence[Row], population: int, baseline_issued: int) -> list[dict[str, Any]]:
    """The rows with their derived columns made consistent with the edited ones."""
    out = [dict(r) for r in rows]
    open_days = column(rows, "open_weekdays") + column(rows, "weekend_days")
    # The engine's own formula (R8.3 evening opening counts as extra open days, when given).
    cap = capacity_of(
        column(rows, "dedicated_counters").astype(np.int64),
        column(rows, "dedicated_daily_per_counter"),
        column(rows, "combined_counters").astype(np.int64),
        column(rows, "combined_daily_per_counter"),
        open_days + column(rows, "evening_day_equivalents"),
    )
    cumulative = baseline_issued + np.cumsum(column(rows, "issuance"))
    coverage = 100.0 * cumulative / population if population > 0 else np.zeros_like(cumulative)
    for i, r in enumerate(out):
        r["open_days"] = int(open_days[i])
        r["capacity"] = int(cap[i])
        r["cumulative_issued"] = int(cumulative[i])
        r["coverage_pct"] = round(float(coverage[i]), 2)
    return out


def target(population: int, baseline_issued: int, share_of_population: float) -> int:
    """R1.1: the cards still to issue by March 2023."""
    return max(0, round(population * share_of_population) - baseline_issued)


def diff(old: Sequence[Row], new: Sequence[Row]) -> list[tuple[str, str, Any, Any]]:
    """(month, column, old value, new value) for every cell that changed between revisions."""
    before = {str(r["month"]): r for r in old}
    changes: list[tuple[str, str, Any, Any]] = []
    for r in new:
        month = str(r["month"])
        prev = before.get(month, {})
        for name in PLAN_COLUMNS:
            if name in ("lg_code", "month"):
                continue
            if prev.get(name) != r.get(name):
                changes.append((month, name, prev.get(name), r.get(name)))
    return changes
