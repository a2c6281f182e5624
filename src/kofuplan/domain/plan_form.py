"""A plan as written by a municipality, turned into columns; its problems of form (R1.2).

A plan may come back from the clerk written by hand. Only the columns of
:data:`REQUIRED_COLUMNS` must be there; every problem inside them (a month missing or given
twice, a count that is negative or not whole, an unknown lg_code) becomes an R1.2 finding
instead of an exception, so that the prefecture gets advice it can send. Cells with such a
problem are marked invalid and the other checks leave them out.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain import advice
from kofuplan.domain.findings import Finding, FindingCode

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]

R1_2 = FindingCode(
    "R1.2", "error", "計画の様式の不備（月の欠落・重複、不正な枚数・窓口数、不明な団体コード）"
)
CODES: tuple[FindingCode, ...] = (R1_2,)

REQUIRED_COLUMNS = (
    "lg_code",
    "month",
    "issuance",
    "dedicated_counters",
    "combined_counters",
    "offsite_counters",
    "weekend_days",
)
COUNT_COLUMNS = REQUIRED_COLUMNS[2:]
# Columns a plan may state; when blank or absent they are derived as the engine does.
OPTIONAL_RATE_COLUMNS = ("dedicated_daily_per_counter", "combined_daily_per_counter")
# Evening opening (R8.3) as extra open days; 0 is a valid figure.
OPTIONAL_EXTRA_DAYS_COLUMN = "evening_day_equivalents"
OPTIONAL_COUNT_COLUMNS = ("staff",)


@dataclass(frozen=True)
class PlanRow:
    """One row of a plan file: its line number (for messages) and its cells as text."""

    line: int
    cells: Mapping[str, str]


@dataclass(frozen=True)
class PlanFigures:
    """A plan's own figures over (municipalities, months). Invalid cells hold 0 (or NaN / -1
    for the optional columns) and are False in ``valid``."""

    lg_code: StrArray  # (N,), in the order the plan first names them
    months: tuple[str, ...]
    issuance: IntArray
    dedicated_counters: IntArray
    combined_counters: IntArray
    offsite_counters: IntArray
    weekend_days: IntArray
    dedicated_daily_per_counter: FloatArray  # NaN where the plan does not state it
    combined_daily_per_counter: FloatArray  # NaN where the plan does not state it
    staff: IntArray  # -1 where the plan does not state it
    evening_day_equivalents: FloatArray  # NaN where the plan does not state it
    valid: BoolArray  # the month is given exactly once with every count whole and ≥ 0


def _whole(raw: str) -> tuple[int | None, float | None]:
    """(the whole number ≥ 0, None) or (None, the number as read, or None if not a number)."""
    text = raw.strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None, None
    if not math.isfinite(number):
        return None, None
    if number < 0 or not number.is_integer():
        return None, number
    return int(number), None


def _rate(raw: str, low: float = 0.0, inclusive: bool = False) -> float | None:
    try:
        number = float(raw.strip())
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return number if number > low or (inclusive and number == low) else None


def read_plan_form(
    rows: Sequence[PlanRow],
    months: tuple[str, ...],
    known_codes: Collection[str],
) -> tuple[PlanFigures, list[Finding]]:
    """Columns for every known municipality the plan names, and the R1.2 findings."""
    known = set(known_codes)
    findings: list[Finding] = []
    order: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for row in rows:
        code = row.cells.get("lg_code", "").strip()
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

    n, m = len(order), len(months)
    month_ix = {mo: j for j, mo in enumerate(months)}
    counts = {c: np.zeros((n, m), dtype=np.int64) for c in COUNT_COLUMNS}
    rates = {c: np.full((n, m), np.nan) for c in OPTIONAL_RATE_COLUMNS}
    staff = np.full((n, m), -1, dtype=np.int64)
    evenings = np.full((n, m), np.nan)
    times = np.zeros((n, m), dtype=np.int64)
    valid = np.zeros((n, m), dtype=np.bool_)

    for row in rows:
        code = row.cells.get("lg_code", "").strip()
        if code not in order:
            continue
        i = order[code]
        month = row.cells.get("month", "").strip()
        if month not in month_ix:
            findings.append(_form(code, None, advice.month_outside(month, months, row.line)))
            continue
        j = month_ix[month]
        times[i, j] += 1
        if times[i, j] > 1:
            continue  # the first row of a month counts; the repeat is reported below
        ok = True
        for col in COUNT_COLUMNS:
            raw = row.cells.get(col, "")
            value, bad = _whole(raw)
            if value is None:
                ok = False
                findings.append(
                    Finding(
                        code,
                        month,
                        R1_2.code,
                        R1_2.severity,
                        bad,
                        0.0,
                        advice.bad_count(month, col, raw, row.line),
                    )
                )
            else:
                counts[col][i, j] = value
        for col in OPTIONAL_RATE_COLUMNS:
            raw = row.cells.get(col, "").strip()
            if raw:
                rate = _rate(raw)
                if rate is None:
                    findings.append(_form(code, month, advice.bad_rate(month, col, raw, row.line)))
                else:
                    rates[col][i, j] = rate
        raw_evenings = row.cells.get(OPTIONAL_EXTRA_DAYS_COLUMN, "").strip()
        if raw_evenings:
            extra = _rate(raw_evenings, inclusive=True)
            if extra is None:
                findings.append(
                    _form(
                        code,
                        month,
                        advice.bad_rate(month, OPTIONAL_EXTRA_DAYS_COLUMN, raw_evenings, row.line),
                    )
                )
            else:
                evenings[i, j] = extra
        raw_staff = row.cells.get("staff", "").strip()
        if raw_staff:
            value, bad = _whole(raw_staff)
            if value is None:
                findings.append(
                    Finding(
                        code,
                        month,
                        R1_2.code,
                        R1_2.severity,
                        bad,
                        0.0,
                        advice.bad_count(month, "staff", raw_staff, row.line),
                    )
                )
            else:
                staff[i, j] = value
        valid[i, j] = ok

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
    valid &= times >= 1
    figures = PlanFigures(
        lg_code=np.array(codes, dtype=np.str_),
        months=months,
        issuance=counts["issuance"],
        dedicated_counters=counts["dedicated_counters"],
        combined_counters=counts["combined_counters"],
        offsite_counters=counts["offsite_counters"],
        weekend_days=counts["weekend_days"],
        dedicated_daily_per_counter=rates["dedicated_daily_per_counter"],
        combined_daily_per_counter=rates["combined_daily_per_counter"],
        staff=staff,
        evening_day_equivalents=evenings,
        valid=valid,
    )
    return figures, findings


def _form(code: str, month: str | None, message: str) -> Finding:
    return Finding(code, month, R1_2.code, R1_2.severity, None, None, message)
