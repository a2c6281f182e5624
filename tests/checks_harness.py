"""Small plans for the checks' tests: municipalities from a few figures, the engine's plan of
them as the rows of ``plan_monthly.csv``, and a check run over rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kofuplan.adapters.plan_csv import plan_columns
from kofuplan.adapters.promotion_fields import promotion_cell
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.lgcode import check_digit
from kofuplan.domain.plan import make_plan
from kofuplan.domain.plan_form import PlanRow
from kofuplan.domain.profiles import OPTIONAL_FIELDS, Profiles, StatsRows, build_profiles
from kofuplan.domain.promotion import PROMOTION_FIELDS
from kofuplan.parameters import Snapshot
from kofuplan.services.checking import CheckRun, check_rows
from kofuplan.services.planning import plan_calendar, rules_at


def lg_code(code5: str) -> str:
    return code5 + str(check_digit(code5))


def profiles_of(municipalities: Sequence[Mapping[str, Any]], params: Snapshot) -> Profiles:
    """Profiles from ``{lg_code, population, issued, pace, [own inputs]}`` mappings; ``pace``
    is the cards issued in the 30 days before the snapshot."""
    n = len(municipalities)
    codes = [str(m["lg_code"]) for m in municipalities]
    stats = StatsRows(
        lg_code=np.array(codes, dtype=np.str_),
        pref_code=np.array(
            [str(m.get("pref_code", c[:2])) for m, c in zip(municipalities, codes, strict=True)]
        ),
        pref_name=np.array([str(m.get("pref_name", "テスト県")) for m in municipalities]),
        name=np.array([str(m.get("name", f"テスト市{k}")) for k, m in enumerate(municipalities)]),
        municipality_type=np.array(["市"] * n),
        population=np.array([int(m["population"]) for m in municipalities], dtype=np.int64),
        issued=np.array([int(m["issued"]) for m in municipalities], dtype=np.int64),
        recent_increase=np.array([int(m.get("pace", 0)) for m in municipalities], dtype=np.int64),
        recent_days=np.full(n, 30, dtype=np.int64),
    )
    given = {
        str(m["lg_code"]): {
            **{k: v for k, v in m.items() if k in OPTIONAL_FIELDS},
            # Promotion cells are written as in the profile CSV and parsed the same way.
            **{
                k: promotion_cell(k, str(v), f"case {m['lg_code']}")
                for k, v in m.items()
                if k in PROMOTION_FIELDS
            },
        }
        for m in municipalities
    }
    return build_profiles(stats, given, params)


def setting(as_of: dt.date) -> tuple[Snapshot, MonthCalendar]:
    params = rules_at(as_of)
    return params, plan_calendar(params, as_of)


def engine_rows(
    profiles: Profiles, calendar: MonthCalendar, params: Snapshot, method: str = "level"
) -> list[PlanRow]:
    """The engine's plan, as the rows its CSV would have (strings, as a reader sees them)."""
    columns = plan_columns(make_plan(profiles, calendar, params, method))
    names = list(columns)
    return [
        PlanRow(k + 2, dict(zip(names, values, strict=True)))
        for k, values in enumerate(zip(*columns.values(), strict=True))
    ]


def run(
    rows: Sequence[PlanRow],
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Snapshot,
    as_of: dt.date,
) -> CheckRun:
    return check_rows(rows, profiles, calendar, params, as_of)


def edit(rows: Sequence[PlanRow], lg: str | None, month: str | None, **cells: Any) -> list[PlanRow]:
    """Rows with some cells replaced where lg_code and month match (None = any)."""
    out = []
    for r in rows:
        if (lg is None or r.cells["lg_code"] == lg) and (
            month is None or r.cells["month"] == month
        ):
            out.append(PlanRow(r.line, {**r.cells, **{k: str(v) for k, v in cells.items()}}))
        else:
            out.append(r)
    return out
