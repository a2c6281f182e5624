"""Stored plans on the checks' calendar: many municipalities' stored tables (each over its own
months) as one table over the plan period, with the problems of form (R1.2) the store can
hold.

A stored plan was read and bounded when it was saved (``plan_form.read_plan_form`` at the
edge), so its figures need no reading again; what may still be wrong is where it sits: a month
outside the period the checks run on (the data's date moved on), a month of the period it
lacks, or a required figure it does not give. Each gets the finding ``read_plan_form`` gives
a plan file, with the line of the month in the municipality's own plan.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from kofuplan.domain import advice
from kofuplan.domain.capacity import NO_RECRUIT
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import DECIMAL_CEILING, R1_2, PlanBounds
from kofuplan.domain.plan_table import REQUIRED_COUNTS, BoolArray, PlanTable, empty_table
from kofuplan.domain.snapshots import month_index


def forget(table: PlanTable, columns: Collection[str]) -> PlanTable:
    """The table with ``columns`` (decimal figures) not given: what another source decides
    (a municipality's saved inputs give its daily figures per counter and evenings)."""
    given = {c: (np.zeros_like(v) if c in columns else v) for c, v in table.given.items()}
    decimals = {
        c: (np.full_like(v, np.nan) if c in columns else v) for c, v in table.decimals.items()
    }
    return replace(table, given=given, decimals=decimals)


def _finding(
    code: str, month: str | None, message: str, value: float | None, threshold: float | None
) -> Finding:
    return Finding(code, month, R1_2.code, R1_2.severity, value, threshold, message)


def on_period(
    tables: Sequence[PlanTable], months: tuple[str, ...], bounds: PlanBounds
) -> tuple[PlanTable, list[Finding]]:
    """The stored tables (one municipality each, in this order) on ``months``, and their
    R1.2 findings: a month outside ``months``, a month of them not in the plan, a required
    figure not given, a figure beyond its bound (a plan stored before the bounds).

    Whole arrays at once (issue 16: a prefecture's list and the nation check many plans): a
    plan over exactly the period, the usual case, is stacked as it is; only the others are
    laid on the period month by month."""
    if not tables:
        return empty_table([], months), []
    own_lines = np.arange(len(months), dtype=np.intp) + 2
    blocks: list[PlanTable] = []
    lines: list[npt.NDArray[np.intp]] = []  # the line of each period month in its plan, or -1
    findings: list[Finding] = []
    for t in tables:
        if t.months == months:
            blocks.append(t)
            lines.append(own_lines)
        else:
            block, line, outside = _laid_on(t, months)
            blocks.append(block)
            lines.append(line)
            findings += outside
    out = _stacked(blocks, months)
    line = np.stack(lines)
    present = line >= 0
    sound = _sound(out, bounds)
    flawed = np.zeros(out.shape, dtype=np.bool_)
    for c in REQUIRED_COUNTS:
        flawed |= present & ~(out.given[c] & sound[c])
    for c in (*_RATES, _EVENINGS, "staff"):
        flawed |= out.given[c] & ~sound[c]
    codes = [str(c) for c in out.lg_code.tolist()]
    for i, j in zip(*np.nonzero(flawed), strict=True):
        findings += _cell_findings(out, sound, int(i), int(j), int(line[i, j]), bounds)
    for i, j in zip(*np.nonzero(~present), strict=True):
        message = advice.month_count(months[j], 0)
        findings.append(_finding(codes[i], months[j], message, 0.0, 1.0))
    out = _bounded(out, sound)
    valid = np.logical_and.reduce([present, *(out.given[c] for c in REQUIRED_COUNTS)])
    return replace(out, valid=valid), findings


def _laid_on(
    t: PlanTable, months: tuple[str, ...]
) -> tuple[PlanTable, npt.NDArray[np.intp], list[Finding]]:
    """One stored table over its own months laid on ``months``: the table (nothing given
    where it has no row), each period month's line in it (-1 where none), and a finding for
    each of its months outside the period."""
    code = str(t.lg_code[0])
    out = empty_table([code], months)
    where = {month: j for j, month in enumerate(months)}
    into = np.array([where.get(month, -1) for month in t.months], dtype=np.intp)
    inside = np.flatnonzero(into >= 0)
    at = into[inside]
    outside = [
        _finding(code, None, advice.month_outside(t.months[k], months, k + 2), None, None)
        for k in np.flatnonzero(into < 0).tolist()
    ]
    for c in out.counts:
        out.counts[c][0, at] = t.counts[c][0, inside]
    for c in out.decimals:
        out.decimals[c][0, at] = t.decimals[c][0, inside]
    for c in out.given:
        out.given[c][0, at] = t.given[c][0, inside]
    _rebase_recruit(out, 0, at, t, inside)
    line = np.full(len(months), -1, dtype=np.intp)
    line[at] = inside + 2
    return out, line, outside


def _stacked(blocks: Sequence[PlanTable], months: tuple[str, ...]) -> PlanTable:
    """One-municipality tables over ``months`` as one table, in their order (a renewal
    plan's own figures stay behind: the checks do not read them)."""
    return PlanTable(
        lg_code=np.concatenate([b.lg_code for b in blocks]),
        months=months,
        counts={c: np.concatenate([b.counts[c] for b in blocks]) for c in blocks[0].counts},
        decimals={c: np.concatenate([b.decimals[c] for b in blocks]) for c in blocks[0].decimals},
        recruit_start_index=np.concatenate([b.recruit_start_index for b in blocks]),
        given={c: np.concatenate([b.given[c] for b in blocks]) for c in blocks[0].given},
        valid=np.concatenate([b.valid for b in blocks]),
    )


_RATES = ("dedicated_daily_per_counter", "combined_daily_per_counter")
_EVENINGS = "evening_day_equivalents"


def _sound(t: PlanTable, bounds: PlanBounds) -> dict[str, BoolArray]:
    """Where each figure is within its bound (read_plan_form's bounds)."""
    ceiling = bounds.count_ceiling
    out = {c: (v >= 0) & (v <= ceiling) for c, v in t.counts.items()}
    with np.errstate(invalid="ignore"):
        for c, v in t.decimals.items():
            if c in _RATES:
                out[c] = (v > 0) & (v <= bounds.daily_per_counter_ceiling)
            elif c == _EVENINGS:
                out[c] = (v >= 0) & (v <= bounds.extra_days_ceiling)
            else:
                out[c] = (v >= 0) & (v <= DECIMAL_CEILING)
    return out


def _bounded(t: PlanTable, sound: dict[str, BoolArray]) -> PlanTable:
    """The table with a figure beyond its bound not given (0, or NaN for a decimal)."""
    if all(sound[c][t.given[c]].all() for c in sound):
        return t  # the common case: every stored figure was bounded when it was saved
    given = {c: (v & sound[c] if c in sound else v) for c, v in t.given.items()}
    return replace(
        t,
        given=given,
        counts={c: np.where(given[c], v, 0) for c, v in t.counts.items()},
        decimals={c: np.where(given[c], v, np.nan) for c, v in t.decimals.items()},
    )


def _cell_findings(
    t: PlanTable, sound: dict[str, BoolArray], i: int, j: int, line: int, bounds: PlanBounds
) -> list[Finding]:
    """The R1.2 findings of cell (i, j) (the month on ``line`` of the municipality's own
    plan), in read_plan_form's order: the required counts, the daily figures, evenings,
    staff."""
    code, month, out = str(t.lg_code[i]), t.months[j], []
    for c in (*REQUIRED_COUNTS, *_RATES, _EVENINGS, "staff"):
        given = bool(t.given[c][i, j])
        if given and sound[c][i, j]:
            continue
        if c in _RATES or c == _EVENINGS:
            if given:
                shown = _shown(float(t.decimals[c][i, j]))
                message = advice.bad_rate(month, c, shown, line)
                out.append(_finding(code, month, message, None, None))
        elif given or c in REQUIRED_COUNTS:
            number = int(t.counts[c][i, j]) if given else None
            shown = "" if number is None else str(number)
            message = advice.bad_count(month, c, shown, line, bounds.count_ceiling)
            out.append(
                _finding(code, month, message, None if number is None else float(number), 0.0)
            )
    return out


def _shown(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _rebase_recruit(
    out: PlanTable, i: int, at: npt.NDArray[np.intp], t: PlanTable, inside: npt.NDArray[np.intp]
) -> None:
    """The recruiting months of ``t`` (offsets from its first month) as offsets from the
    period's first month."""
    recruit = t.recruit_start_index[0, inside]
    given = t.given["recruit_start_month"][0, inside]
    if not at.size or not (given & (recruit != NO_RECRUIT)).any():
        out.recruit_start_index[i, at] = NO_RECRUIT
        return
    shift = month_index(t.months[0]) - month_index(out.months[0])
    out.recruit_start_index[i, at] = np.where(recruit == NO_RECRUIT, NO_RECRUIT, recruit + shift)
