"""Monthly follow-up: actual results against the plan (R6.2, R8.1), as findings.

Pure and columnar: every input is an array shaped (municipalities, months) already aligned by
the service; thresholds come in per month (they are dated rules). The result holds a boolean
array per finding code, so a replay of 27 months costs a few array operations; the Japanese
findings are written only for the month a caller asks for.

A finding that needs an optional survey column the actuals lack is not raised; the result says
which were skipped and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kofuplan.domain.findings import Finding, FindingCode
from kofuplan.domain.focus import GROUP_LABELS, FocusResult
from kofuplan.domain.snapshots import add_months
from kofuplan.domain.wareki import reiwa_month

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BEHIND = FindingCode("F-behind", "warning", "累計交付枚数が計画を下回っている")
BACKLOG = FindingCode("F-backlog", "warning", "交付前のカードが滞留している")
SLOW = FindingCode("F-slow", "warning", "申請から交付まで1か月を超えている")
WEEKEND = FindingCode("F-weekend", "warning", "休日交付日数が必要日数に満たない")
FOCUS = FindingCode("F-focus", "info", "重点的フォローアップの対象")
CODES: tuple[FindingCode, ...] = (BEHIND, BACKLOG, SLOW, WEEKEND, FOCUS)

# The survey column each finding needs; the others need only the plan and the statistics.
NEEDS_COLUMN = {
    BACKLOG.code: "cards_in_stock",
    SLOW.code: "median_days_to_issue",
    WEEKEND.code: "weekend_days_opened",
}


@dataclass(frozen=True)
class Thresholds:
    """Dated rule values, one per follow-up month (shape (months,))."""

    behind_tolerance: FloatArray  # fraction of the planned cumulative
    backlog_months: FloatArray  # months of the month's issuance
    slow_median_days: FloatArray
    focus_in_force: BoolArray  # whether the focus designation is raised that month


@dataclass(frozen=True)
class FollowupInputs:
    lg_codes: tuple[str, ...]
    months: tuple[str, ...]
    planned_cumulative: IntArray
    planned_issuance: IntArray
    required_weekend_days: IntArray
    actual_cumulative: IntArray
    actual_issuance: IntArray  # month-end cumulative − previous month-end cumulative
    focus: FocusResult
    survey: Mapping[str, FloatArray] = field(default_factory=dict)  # NaN = blank cell


@dataclass(frozen=True)
class Skipped:
    code: str
    column: str

    def message(self) -> str:
        return f"{self.code}: 実績に任意列 {self.column} がないため判定していません"


@dataclass(frozen=True)
class FollowupResult:
    inputs: FollowupInputs
    thresholds: Thresholds
    deviation_pct: FloatArray  # (actual − planned) ÷ planned × 100
    flags: Mapping[str, BoolArray]  # code -> (municipalities, months)
    skipped: tuple[Skipped, ...]

    def counts(self, code: str) -> IntArray:
        """Municipalities flagged with ``code`` in each month."""
        return np.asarray(self.flags[code].sum(axis=0), dtype=np.int64)

    def codes_at(self, row: int, col: int) -> list[str]:
        return [c.code for c in CODES if self.flags[c.code][row, col]]

    def findings(self, col: int) -> list[Finding]:
        """The findings of month ``col``, municipality by municipality, in code order."""
        out: list[Finding] = []
        for row in range(len(self.inputs.lg_codes)):
            for code in self.codes_at(row, col):
                out.append(_WRITERS[code](self, row, col))
        return out


def follow_up(inputs: FollowupInputs, thresholds: Thresholds) -> FollowupResult:
    planned = inputs.planned_cumulative.astype(np.float64)
    actual = inputs.actual_cumulative.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        deviation = np.where(planned > 0, (actual - planned) / planned * 100.0, np.nan)
    flags: dict[str, BoolArray] = {}
    shape = planned.shape
    flags[BEHIND.code] = deviation < -thresholds.behind_tolerance * 100.0
    skipped: list[Skipped] = []
    survey = inputs.survey

    def need(code: str) -> FloatArray | None:
        column = NEEDS_COLUMN[code]
        if column not in survey:
            skipped.append(Skipped(code, column))
            flags[code] = np.zeros(shape, dtype=bool)
            return None
        return np.asarray(survey[column], dtype=np.float64)

    # Comparisons with NaN (a blank cell) are False: a municipality that left the cell blank
    # is not flagged for it.
    stock = need(BACKLOG.code)
    if stock is not None:
        one_month = inputs.actual_issuance * thresholds.backlog_months
        flags[BACKLOG.code] = stock > one_month
    days = need(SLOW.code)
    if days is not None:
        flags[SLOW.code] = days > thresholds.slow_median_days
    weekend = need(WEEKEND.code)
    if weekend is not None:
        flags[WEEKEND.code] = weekend < inputs.required_weekend_days
    flags[FOCUS.code] = inputs.focus.designated & thresholds.focus_in_force
    return FollowupResult(inputs, thresholds, deviation, flags, tuple(skipped))


# ---- Japanese advice, one writer per code -------------------------------------------------


def _n(x: float) -> str:
    return f"{round(x):,}"


def _behind(r: FollowupResult, i: int, j: int) -> Finding:
    p, month = r.inputs, r.inputs.months[j]
    shortfall = -float(r.deviation_pct[i, j])
    tolerance = float(r.thresholds.behind_tolerance[j]) * 100.0
    planned, actual = int(p.planned_cumulative[i, j]), int(p.actual_cumulative[i, j])
    return Finding(
        p.lg_codes[i],
        month,
        BEHIND.code,
        BEHIND.severity,
        round(shortfall, 2),
        tolerance,
        f"{reiwa_month(month)}末の累計交付枚数は{_n(actual)}枚で、計画（{_n(planned)}枚）を"
        f"{shortfall:.1f}%（{_n(planned - actual)}枚）下回っており、許容範囲（{tolerance:g}%）を"
        "超えています。交付窓口・職員の増強、休日・夜間交付の拡充、申請勧奨の強化をご検討ください。",
    )


def _backlog(r: FollowupResult, i: int, j: int) -> Finding:
    p, month = r.inputs, r.inputs.months[j]
    stock = float(p.survey["cards_in_stock"][i, j])
    issued = int(p.actual_issuance[i, j])
    limit = issued * float(r.thresholds.backlog_months[j])
    return Finding(
        p.lg_codes[i],
        month,
        BACKLOG.code,
        BACKLOG.severity,
        stock,
        limit,
        f"{reiwa_month(month)}末に交付前のカードが{_n(stock)}枚滞留しており、同月の交付実績"
        f"（{_n(issued)}枚）の{float(r.thresholds.backlog_months[j]):g}か月分を超えています。"
        "交付通知書を速やかに発送し、交付前設定と交付窓口の体制を拡充してください。",
    )


def _slow(r: FollowupResult, i: int, j: int) -> Finding:
    p, month = r.inputs, r.inputs.months[j]
    days = float(p.survey["median_days_to_issue"][i, j])
    limit = float(r.thresholds.slow_median_days[j])
    return Finding(
        p.lg_codes[i],
        month,
        SLOW.code,
        SLOW.severity,
        days,
        limit,
        f"{reiwa_month(month)}の申請から交付までの日数（中央値）は{days:g}日で、{limit:g}日を"
        "超えています。交付通知書を速やかに送付し、申請から交付まで1か月以内となるよう"
        "交付体制を見直してください。",
    )


def _weekend(r: FollowupResult, i: int, j: int) -> Finding:
    p, month = r.inputs, r.inputs.months[j]
    opened = float(p.survey["weekend_days_opened"][i, j])
    required = int(p.required_weekend_days[i, j])
    return Finding(
        p.lg_codes[i],
        month,
        WEEKEND.code,
        WEEKEND.severity,
        opened,
        required,
        f"{reiwa_month(month)}の休日交付日数は{opened:g}日で、必要な{required}日"
        "（毎週土日のいずれか）に満たません。毎週土日のいずれかは交付窓口を開設してください。",
    )


def _focus(r: FollowupResult, i: int, j: int) -> Finding:
    p, month, f = r.inputs, r.inputs.months[j], r.inputs.focus
    group = int(f.group[i, j])
    coverage, group_coverage = float(f.coverage_pct[i, j]), float(f.group_coverage_pct[i, j])
    growth, group_growth = float(f.growth_pt[i, j]), float(f.group_growth_pt[i, j])
    return Finding(
        p.lg_codes[i],
        month,
        FOCUS.code,
        FOCUS.severity,
        round(coverage, 2),
        round(group_coverage, 2),
        f"{reiwa_month(month)}末の交付率{coverage:.1f}%（グループ{group}「{GROUP_LABELS[group]}」"
        f"平均{group_coverage:.1f}%）、同月の伸び{growth:.2f}ポイント（同平均{group_growth:.2f}"
        f"ポイント）がいずれもグループ平均を下回るため、{reiwa_month(add_months(month, 1))}の"
        "重点的フォローアップの対象です。申請勧奨と交付体制の強化を重点的に進めてください。",
    )


_WRITERS = {
    BEHIND.code: _behind,
    BACKLOG.code: _backlog,
    SLOW.code: _slow,
    WEEKEND.code: _weekend,
    FOCUS.code: _focus,
}
