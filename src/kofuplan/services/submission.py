"""Use case: one prefecture's municipal plans, checked, as one file for the Ministry (R7.1).

Reports which of the prefecture's municipalities have no plan among the files, against the
submission deadline (a dated rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kofuplan.domain.checks import CODES
from kofuplan.domain.findings import Finding
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.plan_columns import PLAN_COLUMNS
from kofuplan.domain.plan_form import PlanRow
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.rule_values import CheckRules
from kofuplan.errors import InputError
from kofuplan.parameters import Snapshot
from kofuplan.services.checking import CheckRun, check_rows
from kofuplan.services.planning import plan_calendar


@dataclass(frozen=True)
class Submission:
    pref_code: str
    pref_name: str
    run: CheckRun
    members: tuple[tuple[str, str], ...]  # (lg_code, name) of every municipality of the prefecture
    missing: tuple[tuple[str, str], ...]
    deadline: dt.date
    on: dt.date
    files: tuple[Path, ...]
    skipped: tuple[Path, ...]  # CSV files in a directory that are not plans
    rows_of_other_prefectures: int

    @property
    def late(self) -> bool:
        return self.on > self.deadline


def submit(
    pref: str,
    files: Sequence[Path],
    skipped: Sequence[Path],
    plan_rows: Sequence[PlanRow],
    all_profiles: Profiles,
    params: Snapshot,
    as_of: dt.date,
    on: dt.date | None = None,
) -> Submission:
    """Check the prefecture's rows among ``plan_rows`` (read from ``files`` by the one plan
    reader) against its municipalities in ``all_profiles``."""
    pref = pref.strip().zfill(2)
    mine = np.nonzero(all_profiles.pref_code == pref)[0]
    if mine.size == 0:
        known = ", ".join(sorted({str(p) for p in all_profiles.pref_code}))
        raise InputError(f"--pref {pref}: 統計にない都道府県コードです（統計にあるもの: {known}）")
    profiles = all_profiles.take(mine)
    rows: list[PlanRow] = []
    others = 0
    for row in plan_rows:
        # A national or regional file may be given: keep this prefecture's rows, and
        # rows whose code is malformed (they belong to no prefecture; R1.2 reports them).
        code = str(row.cells.get("lg_code") or "").strip()
        if code.startswith(pref) or lg_code_error(code) is not None:
            rows.append(row)
        else:
            others += 1
    calendar = plan_calendar(params, as_of)
    run = check_rows(rows, profiles, calendar, params, as_of)
    members = tuple((str(c), str(n)) for c, n in zip(profiles.lg_code, profiles.name, strict=True))
    given = {str(c) for c in run.figures.lg_code}
    missing = tuple(m for m in members if m[0] not in given)
    return Submission(
        pref_code=pref,
        pref_name=str(profiles.pref_name[0]),
        run=run,
        members=members,
        missing=missing,
        deadline=CheckRules.from_rules(params).submission_deadline,
        on=on or dt.date.today(),
        files=tuple(files),
        skipped=tuple(skipped),
        rows_of_other_prefectures=others,
    )


PLAN_SHEET_COLUMNS = (
    "pref_code",
    "lg_code",
    "municipality_name",
    "status",
    "month",
    *(c for c in PLAN_COLUMNS[2:] if c not in ("terminals", "recruit_start_month")),
    *(c.code for c in CODES),
    "findings",
)


def status_of(sub: Submission, submitted: bool) -> str:
    if submitted:
        return "提出済"
    return "未提出（期限超過）" if sub.late else "未提出"


def submission_rows(sub: Submission) -> list[list[Any]]:
    """A row per municipality and month (blank cells where the plan's cell was unusable), the
    check results alongside; then a row per missing municipality, without a month."""
    run = sub.run
    fig, cap, cal = run.figures, run.capacity, run.calendar
    names = dict(sub.members)
    cumulative = run.cumulative_issued
    population = np.maximum(run.profiles.population, 1)
    by_cell: dict[tuple[str, str | None], list[Finding]] = {}
    for f in run.findings:
        by_cell.setdefault((f.lg_code, f.month), []).append(f)
    out: list[list[Any]] = []
    for i, code in enumerate(str(c) for c in fig.lg_code):
        whole = by_cell.get((code, None), [])
        for j, month in enumerate(cal.months):
            here = whole + by_cell.get((code, month), [])
            ok = bool(fig.valid[i, j])

            def v(x: Any, ok: bool = ok) -> Any:
                return x if ok else None

            results = []
            for c in CODES:
                sev = [f.severity for f in here if f.code == c.code]
                results.append("ok" if not sev else ("error" if "error" in sev else sev[0]))
            out.append(
                [
                    sub.pref_code,
                    code,
                    names.get(code, ""),
                    status_of(sub, True),
                    month,
                    v(int(fig.issuance[i, j])),
                    int(cumulative[i, j]),
                    round(float(cumulative[i, j] / population[i] * 100), 2),
                    int(cal.open_weekdays[j]),
                    v(int(fig.weekend_days[i, j])),
                    int(cal.required_weekend_days[j]),
                    v(int(cap.open_days[i, j])),
                    v(int(fig.dedicated_counters[i, j])),
                    round(float(cap.dedicated_daily_per_counter[i, j]), 2),
                    v(int(fig.combined_counters[i, j])),
                    round(float(cap.combined_daily_per_counter[i, j]), 2),
                    v(int(cap.capacity[i, j])),
                    v(int(fig.offsite_counters[i, j])),
                    v(int(cap.staff[i, j])),
                    *results,
                    " / ".join(f"[{f.code}] {f.message}" for f in here),
                ]
            )
    blanks = len(PLAN_SHEET_COLUMNS) - 5
    for code, name in sub.missing:
        out.append([sub.pref_code, code, name, status_of(sub, False), None, *([None] * blanks)])
    return out


def unknown_code_findings(sub: Submission) -> list[Finding]:
    known = {c for c, _ in sub.members}
    return [f for f in sub.run.findings if f.lg_code not in known]
