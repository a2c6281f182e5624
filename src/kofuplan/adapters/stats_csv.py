"""Readers for the official statistics (long format) and the municipalities' profile CSV.

Every error names the file, the line and the column; nothing is returned half-read.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kofuplan.adapters.input_bounds import count_ceiling
from kofuplan.adapters.promotion_fields import promotion_cell
from kofuplan.domain.bounds import check_measure, parse_count
from kofuplan.domain.labels import field_label, field_labels, input_label
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.profiles import OPTIONAL_FIELDS, WEEKEND_POLICIES, StatsRows
from kofuplan.domain.promotion import PROMOTION_FIELDS
from kofuplan.errors import InputError

STATS_COLUMNS = (
    "snapshot_date",
    "pref_code",
    "pref_name",
    "lg_code",
    "municipality_name",
    "municipality_type",
    "population",
    "cards_issued_cumulative",
    "prev_snapshot_date",
    "cards_issued_increase_since_prev",
)


def _open_csv(path: Path) -> tuple[list[str], Any, Any]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: 読み込めません（{exc.strerror}）") from None
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise InputError(f"{path}: ファイルが空です") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        handle.close()
        raise InputError(f"{path}: UTF-8 の CSV ファイルではありません（{exc}）") from None
    return header, reader, handle


def _whole(raw: str, where: str, label: str, ceiling: int | None = None) -> int:
    return parse_count(raw, where, label, ceiling or count_ceiling())


def snapshot_dates(path: Path) -> list[str]:
    header, reader, handle = _open_csv(path)
    with handle:
        col = header.index("snapshot_date") if "snapshot_date" in header else 0
        return sorted({row[col] for row in reader if row})


def read_stats(path: Path, as_of: dt.date) -> StatsRows:
    """The rows of one snapshot of the long statistics format."""
    header, reader, handle = _open_csv(path)
    missing = [c for c in STATS_COLUMNS if c not in header]
    if missing:
        handle.close()
        raise InputError(f"{path}:1: 必要な列がありません: {field_labels(missing)}")
    ix = {c: header.index(c) for c in STATS_COLUMNS}
    wanted = as_of.isoformat()
    ceiling = count_ceiling()
    cols: dict[str, list[Any]] = {c: [] for c in STATS_COLUMNS}
    seen: set[str] = set()
    dates: set[str] = set()
    earlier: dict[str, dict[str, str]] = {}
    with handle:
        try:
            for line, row in enumerate(reader, start=2):
                if not row:
                    continue
                date = row[ix["snapshot_date"]]
                dates.add(date)
                if date < wanted and len(row) == len(header):
                    # Earlier snapshots: the demand model smooths today's pace over them.
                    earlier.setdefault(date, {})[row[ix["lg_code"]].strip()] = row[
                        ix["cards_issued_cumulative"]
                    ]
                if date != wanted:
                    continue
                where = f"{path.name}:{line}"
                if len(row) != len(header):
                    raise InputError(
                        f"{where}: 列の数が見出しの {len(header)} と違います（{len(row)}）"
                    )
                code = row[ix["lg_code"]].strip()
                if (why := lg_code_error(code)) is not None:
                    raise InputError(f"{where}: {field_label('lg_code')}: {why}")
                if code in seen:
                    raise InputError(
                        f"{where}: {field_label('lg_code')} {code} が"
                        f"基準日 {wanted} の行に2回あります"
                    )
                seen.add(code)
                for c in STATS_COLUMNS:
                    cols[c].append(row[ix[c]])
                cols["lg_code"][-1] = code
                for c in ("population", "cards_issued_cumulative"):
                    cols[c][-1] = _whole(row[ix[c]], where, field_label(c), ceiling)
                inc = row[ix["cards_issued_increase_since_prev"]]
                cols["cards_issued_increase_since_prev"][-1] = (
                    _whole(inc, where, field_label("cards_issued_increase_since_prev"), ceiling)
                    if inc
                    else 0
                )
        except csv.Error as exc:
            raise InputError(f"{path}: CSV の形式が正しくありません（{exc}）") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: UTF-8 の文字ではありません（{exc}）") from None
    if not seen:
        near = ", ".join(sorted(dates)[-6:])
        raise InputError(f"{path}: 基準日 {wanted} の行がありません（最近の基準日: {near}）")
    prev_days = []
    for d in cols["prev_snapshot_date"]:
        try:
            prev_days.append((as_of - dt.date.fromisoformat(d)).days if d else 0)
        except ValueError:
            raise InputError(
                f"{path}: {field_label('prev_snapshot_date')} {d!r} が日付ではありません"
            ) from None
    history, days_before = _history(cols["lg_code"], earlier, as_of)
    return StatsRows(
        lg_code=np.array(cols["lg_code"], dtype=np.str_),
        pref_code=np.array(cols["pref_code"], dtype=np.str_),
        pref_name=np.array(cols["pref_name"], dtype=np.str_),
        name=np.array(cols["municipality_name"], dtype=np.str_),
        municipality_type=np.array(cols["municipality_type"], dtype=np.str_),
        population=np.array(cols["population"], dtype=np.int64),
        issued=np.array(cols["cards_issued_cumulative"], dtype=np.int64),
        recent_increase=np.array(cols["cards_issued_increase_since_prev"], dtype=np.int64),
        recent_days=np.array(prev_days, dtype=np.int64),
        history_issued=history,
        history_days_before=days_before,
    )


def _history(
    codes: list[str], earlier: Mapping[str, Mapping[str, str]], as_of: dt.date
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]:
    """Cumulative counts of ``codes`` at the earlier snapshots that hold all of them as whole
    numbers (a snapshot that does not is left out: it only smooths the pace)."""
    columns: list[list[int]] = []
    days: list[int] = []
    for date, by_code in sorted(earlier.items()):
        try:
            day = dt.date.fromisoformat(date)
            column = [int(by_code[c]) for c in codes]
        except (KeyError, ValueError):
            continue
        columns.append(column)
        days.append((as_of - day).days)
    if not columns:
        return np.zeros((len(codes), 0), dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.array(columns, dtype=np.int64).T, np.array(days, dtype=np.int64)


_DECIMAL_FIELDS = ("dedicated_daily_per_counter", "combined_daily_per_counter")


def read_profiles(path: Path, known_codes: set[str]) -> dict[str, dict[str, Any]]:
    """The municipalities' own inputs, keyed by lg_code. A blank cell means 'not given'."""
    header, reader, handle = _open_csv(path)
    if "lg_code" not in header:
        handle.close()
        raise InputError(f"{path}:1: {field_label('lg_code')} の列がありません")
    allowed = (*OPTIONAL_FIELDS, *PROMOTION_FIELDS)
    unknown = [c for c in header if c != "lg_code" and c not in allowed]
    if unknown:
        handle.close()
        raise InputError(
            f"{path}:1: 使えない列があります: {', '.join(unknown)}"
            f"（使える列: lg_code, {', '.join(allowed)}。docs/plan.md の --profiles を参照）"
        )
    out: dict[str, dict[str, Any]] = {}
    with handle:
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            where = f"{path.name}:{line}"
            if len(row) != len(header):
                raise InputError(
                    f"{where}: 列の数が見出しの {len(header)} と違います（{len(row)}）"
                )
            rec = dict(zip(header, row, strict=True))
            code = rec.pop("lg_code").strip()
            if (why := lg_code_error(code)) is not None:
                raise InputError(f"{where}: {field_label('lg_code')}: {why}")
            if code not in known_codes:
                raise InputError(f"{where}: {field_label('lg_code')} {code} は統計にありません")
            if code in out:
                raise InputError(f"{where}: {field_label('lg_code')} {code} が2回あります")
            out[code] = _profile_values(rec, where)
    return out


def _profile_values(rec: Mapping[str, str], where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, raw in rec.items():
        raw = raw.strip()
        if not raw:
            continue
        if field in PROMOTION_FIELDS:
            values[field] = promotion_cell(field, raw, where)
        elif field == "weekend_policy":
            if raw not in WEEKEND_POLICIES:
                raise InputError(
                    f"{where}: {input_label('weekend_policy')} は {', '.join(WEEKEND_POLICIES)} の"
                    f"いずれかで書いてください（{raw!r}）"
                )
            values[field] = raw
        elif field in _DECIMAL_FIELDS:
            try:
                number = float(raw)
            except ValueError:
                number = -1.0
            if not number > 0 or number != number or number == float("inf"):
                raise InputError(
                    f"{where}: {input_label(field)} は 0 より大きい数値で書いてください（{raw!r}）"
                )
            values[field] = check_measure(number, where, input_label(field), count_ceiling())
        else:
            values[field] = _whole(raw, where, input_label(field))
    return values


@dataclass(frozen=True)
class StatsFiles:
    """The statistics file and the optional ``--profiles`` file, as the use cases read them
    (:class:`kofuplan.services.ports.StatsSource`)."""

    stats: Path
    profiles: Path | None = None

    def stats_at(self, as_of: dt.date) -> StatsRows:
        return read_stats(self.stats, as_of)

    def snapshot_dates(self) -> list[str]:
        return snapshot_dates(self.stats)

    def given_profiles(self, known_codes: set[str]) -> dict[str, dict[str, Any]]:
        return {} if self.profiles is None else read_profiles(self.profiles, known_codes)
