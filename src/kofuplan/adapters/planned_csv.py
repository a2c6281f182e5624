"""Read ``plan_monthly.csv`` (the plan engine's output contract, issue 2) for the follow-up.

Only the columns the follow-up needs are read: ``lg_code, month, issuance, cumulative_issued,
required_weekend_days``; any others are ignored, so the contract may grow by adding columns.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TextIO

import numpy as np

from kofuplan.domain.bounds import parse_count
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.planned import PlanInputError, PlannedMonths
from kofuplan.domain.snapshots import month_range, parse_month
from kofuplan.errors import InputError
from kofuplan.parameters import load_rules

NEEDED = ("lg_code", "month", "issuance", "cumulative_issued", "required_weekend_days")


Values = dict[tuple[str, str], tuple[int, int, int]]


def read_plan_monthly(path: Path) -> PlannedMonths:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise PlanInputError(f"{path}: 読み込めません ({exc.strerror})") from None
    try:
        with handle:
            values = _read_values(path, handle)
    except UnicodeDecodeError as exc:
        raise PlanInputError(f"{path}: UTF-8 のCSVではありません ({exc.reason})") from None
    except csv.Error as exc:
        raise PlanInputError(f"{path}: CSVとして読めません ({exc})") from None
    return _table(path, values)


def _read_values(path: Path, handle: TextIO) -> Values:
    values: Values = {}
    reader = csv.DictReader(handle)
    absent = [c for c in NEEDED if c not in (reader.fieldnames or [])]
    if absent:
        raise PlanInputError(f"{path}: 必須の列がありません: {', '.join(absent)}")
    ceiling = int(load_rules().at(dt.date.today())["bounds.count_ceiling"])
    for line_no, row in enumerate(reader, start=2):
        code, month = (row["lg_code"] or "").strip(), (row["month"] or "").strip()
        error = lg_code_error(code)
        if error:
            raise PlanInputError(f"{path}:{line_no}: lg_code: {error}")
        try:
            parse_month(month)
        except ValueError as exc:
            raise PlanInputError(f"{path}:{line_no}: month: {exc}") from None
        numbers = []
        for name in ("issuance", "cumulative_issued", "required_weekend_days"):
            try:
                numbers.append(parse_count(row[name] or "", f"{path}:{line_no}", name, ceiling))
            except InputError as exc:
                raise PlanInputError(str(exc)) from None
        if (code, month) in values:
            raise PlanInputError(f"{path}:{line_no}: 団体 {code} の {month} が重複しています")
        values[(code, month)] = (numbers[0], numbers[1], numbers[2])
    return values


def _table(path: Path, values: Values) -> PlannedMonths:
    if not values:
        raise PlanInputError(f"{path}: 計画の行がありません")
    codes = sorted({c for c, _ in values})
    months = month_range(min(m for _, m in values), max(m for _, m in values))
    missing = [f"{c} {m}" for c in codes for m in months if (c, m) not in values]
    if missing:
        shown = ", ".join(missing[:20]) + (" ほか" if len(missing) > 20 else "")
        raise PlanInputError(f"{path}: 次の団体・月の行がありません（{len(missing)}件）: {shown}")
    table = np.array([[values[(c, m)] for m in months] for c in codes], dtype=np.int64)
    return PlannedMonths(
        lg_codes=tuple(codes),
        months=tuple(months),
        issuance=table[:, :, 0],
        cumulative_issued=table[:, :, 1],
        required_weekend_days=table[:, :, 2],
    )
