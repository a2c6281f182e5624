"""``kofuplan check`` and ``kofuplan submit`` on files: the plans through the one plan reader,
the statistics and the municipalities' own inputs through theirs, then the use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from kofuplan.adapters.plan_reader import is_plan_file, read_plan_header, read_plan_rows
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.findings import FINDING_COLUMNS
from kofuplan.domain.plan_form import PlanRow
from kofuplan.errors import InputError
from kofuplan.services import submission
from kofuplan.services.checking import CheckRun, check_rows
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at


def check_plan_file(
    plan_path: Path, stats_path: Path, as_of: dt.date, profiles_path: Path | None = None
) -> CheckRun:
    params = rules_at(as_of)
    rows = read_plan_rows(plan_path)
    all_profiles = load_profiles(StatsFiles(stats_path, profiles_path), as_of, params)
    calendar = plan_calendar(params, as_of)
    return check_rows(rows, all_profiles, calendar, params, as_of)


def _is_findings_file(path: Path) -> bool:
    try:
        return tuple(read_plan_header(path)) == tuple(FINDING_COLUMNS)
    except InputError:
        return False


def plan_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The plan files named, or found (recursively) in the directories named, and the CSV
    files in those directories that are not plans."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*.csv")):
                # findings.csv (beside the plan in what `excel read` and `check` write) has
                # lg_code and month too, but is the checks' output, not a plan.
                plan = is_plan_file(candidate) and not _is_findings_file(candidate)
                (files if plan else skipped).append(candidate)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: そのファイルまたはフォルダはありません")
    if not files:
        raise InputError(f"{', '.join(str(p) for p in paths)}: 計画のファイルが見つかりません")
    return files, skipped


def submit(
    pref: str,
    paths: Sequence[Path],
    stats_path: Path,
    as_of: dt.date,
    profiles_path: Path | None = None,
    on: dt.date | None = None,
) -> submission.Submission:
    """``kofuplan submit``: the plan files (or directories of them), the statistics and the
    municipalities' own inputs read here, then the use case."""
    params = rules_at(as_of)
    all_profiles = load_profiles(StatsFiles(stats_path, profiles_path), as_of, params)
    files, skipped = plan_files(paths)
    rows: list[PlanRow] = [row for path in files for row in read_plan_rows(path)]
    return submission.submit(pref, files, skipped, rows, all_profiles, params, as_of, on)
