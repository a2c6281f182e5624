"""Editing a saved plan: recompute the derived columns and check what the editor typed.

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
from kofuplan.domain.findings import Finding, FindingCode
from kofuplan.domain.plan_columns import PLAN_COLUMNS
from kofuplan.domain.wareki import reiwa_month

EDITABLE_COLUMNS = (
    "issuance",
    "dedicated_counters",
    "combined_counters",
    "offsite_counters",
    "weekend_days",
    "staff",
    "terminals",
)

OVER_CAPACITY = FindingCode("EDIT_OVER_CAPACITY", "error", "計画交付枚数が交付能力を超える月がある")
TARGET_MISMATCH = FindingCode(
    "EDIT_TARGET_MISMATCH", "error", "計画交付枚数の合計が交付枚数の想定と一致しない"
)
WEEKEND_SHORT = FindingCode(
    "EDIT_WEEKEND_SHORT", "warning", "土日開庁日数が必要日数（毎週土日いずれか）に満たない月がある"
)
OFFSITE_EXCEEDS = FindingCode(
    "EDIT_OFFSITE_EXCEEDS", "error", "庁舎外の臨時窓口数が専用窓口数を超えている"
)
CODES: tuple[FindingCode, ...] = (OVER_CAPACITY, TARGET_MISMATCH, WEEKEND_SHORT, OFFSITE_EXCEEDS)

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


def check(lg_code: str, rows: Sequence[Row], target_cards: int) -> list[Finding]:
    """What is wrong with an edited plan, each finding carrying its figures."""
    found: list[Finding] = []
    issuance = column(rows, "issuance")
    cap = column(rows, "capacity")
    for i in np.flatnonzero(issuance > cap).tolist():
        month = str(rows[i]["month"])
        found.append(
            Finding(
                lg_code,
                month,
                OVER_CAPACITY.code,
                OVER_CAPACITY.severity,
                float(issuance[i]),
                float(cap[i]),
                f"{reiwa_month(month)}の計画交付枚数 {int(issuance[i]):,} 枚が"
                f"交付能力 {int(cap[i]):,} 枚を超えています。窓口の増設等をご検討ください。",
            )
        )
    total = int(issuance.sum())
    if total != target_cards:
        found.append(
            Finding(
                lg_code,
                None,
                TARGET_MISMATCH.code,
                TARGET_MISMATCH.severity,
                float(total),
                float(target_cards),
                f"計画交付枚数の合計 {total:,} 枚が交付枚数の想定 {target_cards:,} 枚"
                f"（住基人口−令和2年9月末までの累計交付枚数）と {total - target_cards:+,} 枚"
                "ずれています。",
            )
        )
    weekend = column(rows, "weekend_days")
    required = column(rows, "required_weekend_days")
    for i in np.flatnonzero(weekend < required).tolist():
        month = str(rows[i]["month"])
        found.append(
            Finding(
                lg_code,
                month,
                WEEKEND_SHORT.code,
                WEEKEND_SHORT.severity,
                float(weekend[i]),
                float(required[i]),
                f"{reiwa_month(month)}の土日開庁日数 {int(weekend[i])} 日が"
                f"必要日数 {int(required[i])} 日に満たません。",
            )
        )
    offsite = column(rows, "offsite_counters")
    dedicated = column(rows, "dedicated_counters")
    for i in np.flatnonzero(offsite > dedicated).tolist():
        month = str(rows[i]["month"])
        found.append(
            Finding(
                lg_code,
                month,
                OFFSITE_EXCEEDS.code,
                OFFSITE_EXCEEDS.severity,
                float(offsite[i]),
                float(dedicated[i]),
                f"{reiwa_month(month)}の庁舎外臨時窓口数 {int(offsite[i])} が"
                f"専用窓口数 {int(dedicated[i])} を超えています。",
            )
        )
    return found


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
