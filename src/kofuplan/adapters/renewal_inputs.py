"""Readers for the statistics the renewal wave is estimated from, besides the municipality file
(read by :func:`kofuplan.adapters.actuals_csv.read_actuals`): the prefecture series, the national
series and reference points, and the national figures by age band.

Each is the official long format of ``shared/data/mynumbercard`` (see its README). A snapshot
dated the 1st stands for the end of the previous month (:mod:`kofuplan.domain.snapshots`); the
figures are placed on that month end. Errors name the file, the line and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.actuals_csv import read_actuals
from kofuplan.domain.actuals import Actuals
from kofuplan.domain.labels import field_label, field_labels
from kofuplan.domain.renewal_history import AGE_BANDS, Series
from kofuplan.domain.snapshots import last_day, month_of_snapshot, parse_month
from kofuplan.errors import InputError
from kofuplan.parameters import RuleBook

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Row = tuple[int, dict[str, str]]
SHOWN_MAX = 40


def _rows(path: Path, required: Sequence[str]) -> list[Row]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: 読み込めません（{exc.strerror}）") from None
    out: list[Row] = []
    with handle:
        try:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}:1: 必要な列がありません: {field_labels(missing)}")
            for record in reader:
                if any((v or "").strip() for v in record.values()):
                    out.append((reader.line_num, {k: (v or "").strip() for k, v in record.items()}))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: UTF-8 の CSV ファイルではありません（{exc.start + 1} バイト目）"
            ) from None
        except csv.Error:
            raise InputError(f"{path}:{reader.line_num}: CSV の形式が正しくありません") from None
    if not out:
        raise InputError(f"{path}: データの行がありません")
    return out


def _shown(raw: str) -> str:
    """A cell as echoed in a message: at most 40 characters."""
    return raw if len(raw) <= SHOWN_MAX else raw[:SHOWN_MAX] + "…"


def _day(raw: str, where: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"{where}: {field_label(column)} 「{_shown(raw)}」は日付（YYYY-MM-DD）ではありません"
        ) from None


def _count(raw: str, where: str, column: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        raise InputError(
            f"{where}: {field_label(column)} は0以上の数で書いてください（入力値「{_shown(raw)}」）"
        )
    return value


def standing_day(day: dt.date) -> dt.date:
    """The month end a snapshot stands for (its own date when it stands for none)."""
    month = month_of_snapshot(day)
    return day if month is None else last_day(month)


def read_prefectures(path: Path) -> Series:
    """prefectures_long.csv: every prefecture's cumulative cards at every snapshot."""
    rows = _rows(path, ("snapshot_date", "pref_code", "cards_issued_cumulative"))
    cells: dict[tuple[str, dt.date], float] = {}
    for line, r in rows:
        where = f"{path.name}:{line}"
        day = standing_day(_day(r["snapshot_date"], where, "snapshot_date"))
        code = r["pref_code"].zfill(2)
        cells[(code, day)] = _count(r["cards_issued_cumulative"], where, "cards_issued_cumulative")
    codes = sorted({c for c, _ in cells})
    days = sorted({d for _, d in cells})
    gaps = [f"{c}（{d}）" for c in codes for d in days if (c, d) not in cells]
    if gaps:
        raise InputError(f"{path}: 次の都道府県・日付の数値がありません: " + "、".join(gaps[:10]))
    values = np.array([[cells[(c, d)] for d in days] for c in codes])
    return Series(tuple(codes), np.array([d.toordinal() for d in days], dtype=np.int64), values)


def read_national(monthly: Path, secondary: Path | None) -> Series:
    """The national cumulative: national_monthly.csv (month ends), then the secondary
    reference points (cards, or a rate × its population base) at their dates."""
    points: dict[dt.date, float] = {}
    for line, r in _rows(monthly, ("month", "cards_issued_cumulative")):
        where = f"{monthly.name}:{line}"
        try:
            parse_month(r["month"])
        except ValueError:
            raise InputError(
                f"{where}: {field_label('month')} 「{_shown(r['month'])}」は"
                " YYYY-MM の形ではありません"
            ) from None
        points[last_day(r["month"])] = _count(
            r["cards_issued_cumulative"], where, "cards_issued_cumulative"
        )
    if secondary is not None:
        for line, r in _rows(
            secondary, ("as_of", "metric", "value", "population_base", "rate_pct")
        ):
            where = f"{secondary.name}:{line}"
            day = _day(r["as_of"], where, "as_of")
            if day in points:
                continue  # the official series wins
            if r["metric"] == "cards_issued_cumulative" and r["value"]:
                points[day] = _count(r["value"], where, "value")
            elif r["metric"] == "cards_issued_rate_pct" and r["rate_pct"] and r["population_base"]:
                base = _count(r["population_base"], where, "population_base")
                points[day] = base * _count(r["rate_pct"], where, "rate_pct") / 100.0
    days = sorted(points)
    return Series(
        ("national",),
        np.array([d.toordinal() for d in days], dtype=np.int64),
        np.array([[points[d] for d in days]]),
    )


def _band(label: str) -> str | None:
    """Which of AGE_BANDS a published age band belongs to (None for the total row)."""
    if label == "全体":
        return None
    head = label.replace("歳", "").replace("〜", "～").split("～")[0].replace("以上", "")
    try:
        low = int(head)
    except ValueError:
        return "?"
    for band in AGE_BANDS[:-1]:
        if low == int(band.split("-")[0]):
            return band
    return AGE_BANDS[-1] if low >= 20 else "?"


def read_age_bands(path: Path) -> Series:
    """national_by_age_sex_long.csv: the nation's cumulative cards by :data:`AGE_BANDS`
    (both sexes) at each snapshot; ``values`` is (dates, bands)."""
    rows = _rows(path, ("snapshot_date", "age_band", "sex", "cards_issued_cumulative"))
    sums: dict[dt.date, dict[str, float]] = {}
    for line, r in rows:
        if r["sex"] != "total":
            continue
        where = f"{path.name}:{line}"
        band = _band(r["age_band"])
        if band is None:
            continue
        if band == "?":
            raise InputError(
                f"{where}: {field_label('age_band')} 「{_shown(r['age_band'])}」を読めません"
            )
        day = standing_day(_day(r["snapshot_date"], where, "snapshot_date"))
        cell = sums.setdefault(day, dict.fromkeys(AGE_BANDS, 0.0))
        cell[band] += _count(r["cards_issued_cumulative"], where, "cards_issued_cumulative")
    if not sums:
        raise InputError(f"{path}: {field_label('sex')} が「total」（男女計）の行がありません")
    days = sorted(sums)
    return Series(
        AGE_BANDS,
        np.array([d.toordinal() for d in days], dtype=np.int64),
        np.array([[sums[d][b] for b in AGE_BANDS] for d in days]),
    )


# The files of shared/data/mynumbercard, looked for next to the municipality statistics.
SIBLINGS = {
    "prefectures": "prefectures_long.csv",
    "national": "national_monthly.csv",
    "secondary": "national_reference_points_secondary.csv",
    "ages": "national_by_age_sex_long.csv",
}


@dataclass(frozen=True)
class RenewalSources:
    """The renewal wave's statistics files (:class:`kofuplan.services.ports.RenewalSource`)."""

    stats: Path
    prefectures_path: Path
    national_path: Path
    secondary: Path | None
    ages_path: Path

    @classmethod
    def beside(
        cls,
        stats: Path,
        prefectures: Path | None = None,
        national: Path | None = None,
        ages: Path | None = None,
        secondary: Path | None = None,
    ) -> RenewalSources:
        """The given files, or those of the same name next to ``stats``; the secondary
        reference points are optional."""

        def find(given: Path | None, key: str) -> Path:
            path = given or stats.parent / SIBLINGS[key]
            if not path.is_file():
                raise InputError(
                    f"{path}: 見つかりません（更新の見込みに必要なファイルです。"
                    f"--{key} で指定してください）"
                )
            return path

        second = secondary or stats.parent / SIBLINGS["secondary"]
        return cls(
            stats=stats,
            prefectures_path=find(prefectures, "prefectures"),
            national_path=find(national, "national"),
            secondary=second if second.is_file() else None,
            ages_path=find(ages, "ages"),
        )

    def actuals(self, book: RuleBook) -> Actuals:
        return read_actuals(self.stats, rules=book)

    def prefectures(self) -> Series:
        return read_prefectures(self.prefectures_path)

    def national(self) -> Series:
        return read_national(self.national_path, self.secondary)

    def ages(self) -> Series:
        return read_age_bands(self.ages_path)

    def where(self, key: str) -> str:
        return str({"stats": self.stats, "prefectures": self.prefectures_path}[key])
