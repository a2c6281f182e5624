"""Read monthly actuals from the statistics long format (one row per municipality per snapshot).

The format is that of ``municipalities_long_2020_2023.csv`` (マイナンバーカード交付状況):
``snapshot_date, lg_code, municipality_type, population, cards_issued_cumulative`` are
required; ``pref_code``, ``municipality_name``, ``population_reference_date`` are read when
present; a municipality's monthly survey may add the optional columns of
:data:`kofuplan.domain.actuals.SURVEY_COLUMNS`. Which snapshot stands for which month follows
the dated rule ``actuals.snapshot_convention`` (see :mod:`kofuplan.domain.snapshots`).

Renewal actuals (issue 17) come in the same format with a ``kind`` column: one row per
municipality, snapshot and kind of renewal, ``cards_issued_cumulative`` counting the renewals
of that kind since the renewal plan's first month. Reading them with ``kinds`` sums the kinds
asked for into one row per municipality and snapshot.

Errors name the file, the line and the column; missing months or municipalities are listed.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from kofuplan.adapters.input_bounds import count_ceiling
from kofuplan.domain.actuals import SURVEY_COLUMNS, Actuals, ActualsError
from kofuplan.domain.bounds import parse_count, parse_measure
from kofuplan.domain.focus import MUNICIPALITY_TYPES
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.rule_values import ActualsRules
from kofuplan.domain.snapshots import first_day, month_range, snapshots_by_month
from kofuplan.errors import InputError
from kofuplan.parameters import RuleBook, load_rules

REQUIRED = (
    "snapshot_date",
    "lg_code",
    "municipality_type",
    "population",
    "cards_issued_cumulative",
)


def _int(raw: str, where: str, ceiling: int) -> int:
    place, _, field = where.rpartition(": ")
    try:
        return parse_count(raw, place, field, ceiling)
    except InputError as exc:
        raise ActualsError(str(exc)) from None


def _float(raw: str, where: str, ceiling: int) -> float:
    if raw.strip() == "":
        return float("nan")
    place, _, field = where.rpartition(": ")
    try:
        return parse_measure(raw, place, field, float(ceiling))
    except InputError as exc:
        raise ActualsError(str(exc)) from None


Rows = dict[dt.date, list[tuple[int, list[str]]]]


def _read_rows(path: Path) -> tuple[dict[str, int], Rows]:
    """The header's column positions and the rows grouped by snapshot date."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ActualsError(f"{path}: 読み込めません ({exc.strerror})") from None
    try:
        with handle:
            return _parse(path, csv.reader(handle))
    except UnicodeDecodeError as exc:
        raise ActualsError(f"{path}: UTF-8 のCSVではありません ({exc.reason})") from None
    except csv.Error as exc:
        raise ActualsError(f"{path}: CSVとして読めません ({exc})") from None


def _parse(path: Path, reader: Iterator[list[str]]) -> tuple[dict[str, int], Rows]:
    header = next(reader, None)
    if header is None:
        raise ActualsError(f"{path}: 空のファイルです")
    col = {name.strip(): i for i, name in enumerate(header)}
    absent = [name for name in REQUIRED if name not in col]
    if absent:
        raise ActualsError(f"{path}: 必須の列がありません: {', '.join(absent)}")
    rows_by_date: Rows = {}
    for line_no, row in enumerate(reader, start=2):
        if not row or all(cell.strip() == "" for cell in row):
            continue
        if len(row) < len(header):
            raise ActualsError(f"{path}:{line_no}: 列が足りません（{len(row)}/{len(header)}）")
        raw_date = row[col["snapshot_date"]].strip()
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            raise ActualsError(
                f"{path}:{line_no}: snapshot_date {raw_date!r} は日付（YYYY-MM-DD）ではありません"
            ) from None
        rows_by_date.setdefault(day, []).append((line_no, row))
    return col, rows_by_date


def read_actuals(
    path: Path,
    months: Sequence[str] | None = None,
    rules: RuleBook | None = None,
    kinds: Sequence[str] | None = None,
) -> Actuals:
    """Month-end actuals for ``months`` (by default every month the file covers, which must
    then be consecutive). Every municipality must appear in every month read. With ``kinds``,
    the file must have a ``kind`` column and the rows of those kinds are summed."""
    rules = rules or load_rules()
    col, rows_by_date = _read_rows(path)
    if kinds is not None:
        rows_by_date = _sum_kinds(path, col, rows_by_date, kinds)
    elif "kind" in col:
        rows_by_date = _sum_kinds(path, col, rows_by_date, ("", "issuance"))
    survey_cols = [name for name in SURVEY_COLUMNS if name in col]

    def convention(month: str) -> str:
        return ActualsRules.from_rules(rules.at(first_day(month))).snapshot_convention

    by_month = snapshots_by_month(rows_by_date, convention)
    if not by_month:
        raise ActualsError(f"{path}: 月末を表す基準日（1日または月末日）の行がありません")
    wanted = month_range(min(by_month), max(by_month)) if months is None else list(months)
    missing = [m for m in wanted if m not in by_month]
    if missing:
        have = ", ".join(by_month)
        raise ActualsError(
            f"{path}: 次の月末の実績がありません: {', '.join(missing)}（ある月: {have}）"
        )
    ceiling = count_ceiling()
    return _build(
        path, wanted, [by_month[m] for m in wanted], rows_by_date, col, survey_cols, ceiling
    )


def _sum_kinds(path: Path, col: dict[str, int], rows_by_date: Rows, kinds: Sequence[str]) -> Rows:
    """One row per municipality and snapshot: the counts of the rows of ``kinds`` added up
    (the other columns from the first such row)."""
    if "kind" not in col:
        raise ActualsError(f"{path}: kind 列がありません（更新の実績には kind 列が必要です）")
    wanted = set(kinds)
    cards = col["cards_issued_cumulative"]
    out: Rows = {}
    for day, rows in rows_by_date.items():
        merged: dict[str, tuple[int, list[str]]] = {}
        seen: set[tuple[str, str]] = set()
        for line_no, row in rows:
            kind = row[col["kind"]].strip()
            if kind not in wanted:
                continue
            code = row[col["lg_code"]].strip()
            if (code, kind) in seen:
                raise ActualsError(
                    f"{path}:{line_no}: 団体 {code} の {day} の kind {kind} の行が重複しています"
                )
            seen.add((code, kind))
            if code not in merged:
                merged[code] = (line_no, list(row))
                continue
            # Counts add up over kinds; a survey answer is the municipality's, taken from the
            # first row that gives it.
            first = merged[code][1]
            where = f"{path}:{line_no}: cards_issued_cumulative"
            ceiling = count_ceiling()
            first[cards] = str(
                _int(first[cards], where, ceiling) + _int(row[cards], where, ceiling)
            )
            for name in SURVEY_COLUMNS:
                if name in col and not first[col[name]].strip():
                    first[col[name]] = row[col[name]]
        if merged:
            out[day] = list(merged.values())
    if not out:
        raise ActualsError(f"{path}: kind が {', '.join(kinds)} の行がありません")
    return out


def _build(
    path: Path,
    months: list[str],
    dates: list[dt.date],
    rows_by_date: dict[dt.date, list[tuple[int, list[str]]]],
    col: dict[str, int],
    survey_cols: list[str],
    ceiling: int,
) -> Actuals:
    codes_per_month: list[dict[str, tuple[int, list[str]]]] = []
    for day in dates:
        seen: dict[str, tuple[int, list[str]]] = {}
        for line_no, row in rows_by_date[day]:
            code = row[col["lg_code"]].strip()
            error = lg_code_error(code)
            if error:
                raise ActualsError(f"{path}:{line_no}: lg_code: {error}")
            if code in seen:
                raise ActualsError(
                    f"{path}:{line_no}: 団体 {code} の {day} の行が重複しています"
                    f"（{seen[code][0]}行目）"
                )
            seen[code] = (line_no, row)
        codes_per_month.append(seen)
    all_codes = sorted(set().union(*codes_per_month))
    gaps = [
        f"{month}（{day}）: {', '.join(sorted(set(all_codes) - set(seen))[:10])}"
        for month, day, seen in zip(months, dates, codes_per_month, strict=True)
        if len(seen) < len(all_codes)
    ]
    if gaps:
        raise ActualsError(f"{path}: 次の月に団体の行がありません: " + "; ".join(gaps))

    m, t = len(all_codes), len(months)
    cards = np.zeros((m, t), dtype=np.int64)
    population = np.zeros((m, t), dtype=np.int64)
    survey = {name: np.full((m, t), np.nan) for name in survey_cols}
    ref_dates: list[str] = []
    first = codes_per_month[0]
    meta = [first[code][1] for code in all_codes]
    for code in all_codes:
        line_no, row = first[code]
        kind = row[col["municipality_type"]].strip()
        if kind not in MUNICIPALITY_TYPES:
            raise ActualsError(
                f"{path}:{line_no}: municipality_type {kind!r} は "
                f"{'・'.join(MUNICIPALITY_TYPES)} のいずれかで書いてください"
            )
    for j, seen in enumerate(codes_per_month):
        ref = ""
        for i, code in enumerate(all_codes):
            line_no, row = seen[code]
            where = f"{path}:{line_no}"
            cards[i, j] = _int(
                row[col["cards_issued_cumulative"]], f"{where}: cards_issued_cumulative", ceiling
            )
            population[i, j] = _int(row[col["population"]], f"{where}: population", ceiling)
            if population[i, j] <= 0:
                raise ActualsError(f"{where}: population は正の整数でなければなりません")
            for name in survey_cols:
                survey[name][i, j] = _float(row[col[name]], f"{where}: {name}", ceiling)
            if not ref and "population_reference_date" in col:
                ref = row[col["population_reference_date"]].strip()
        ref_dates.append(ref)

    def text(row: list[str], name: str, default: str) -> str:
        return row[col[name]].strip() if name in col else default

    return Actuals(
        lg_codes=tuple(all_codes),
        pref_codes=tuple(
            text(r, "pref_code", c[:2]).zfill(2) for r, c in zip(meta, all_codes, strict=True)
        ),
        names=tuple(text(r, "municipality_name", "") for r in meta),
        types=tuple(text(r, "municipality_type", "") for r in meta),
        months=tuple(months),
        snapshot_dates=tuple(d.isoformat() for d in dates),
        cards=cards,
        population=population,
        population_reference_dates=tuple(ref_dates),
        survey=survey,
    )
