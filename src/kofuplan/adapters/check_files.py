"""``kofuplan check`` on files: the plan through the one plan reader, the statistics and the
municipalities' own inputs through theirs, then the use case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.services.checking import CheckRun, check_rows
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at


def check_plan_file(
    plan_path: Path, stats_path: Path, as_of: dt.date, profiles_path: Path | None = None
) -> CheckRun:
    params = rules_at(as_of)
    rows = read_plan_rows(plan_path)
    all_profiles = load_profiles(stats_path, as_of, profiles_path, params)
    calendar = plan_calendar(params, as_of)
    return check_rows(rows, all_profiles, calendar, params, as_of)
