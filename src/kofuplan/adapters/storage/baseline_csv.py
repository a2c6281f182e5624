"""A minimal reader of the statistics' long format (one row per municipality per snapshot),
enough to create the municipalities and their baseline. The plan engine's own reader
(``kofuplan.adapters.stats_csv``) replaces it once both are on main."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kofuplan.domain.lgcode import lg_code_error

REQUIRED = (
    "snapshot_date",
    "pref_code",
    "pref_name",
    "lg_code",
    "municipality_name",
    "population",
    "cards_issued_cumulative",
)


class StatsError(ValueError):
    """The statistics file is unusable; the message names the file, line and column."""


@dataclass(frozen=True)
class BaselineRow:
    pref_code: str
    pref_name: str
    lg_code: str
    name: str
    population: int
    cards_issued: int


def read_baseline(path: Path, as_of: dt.date) -> list[BaselineRow]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as e:
        raise StatsError(f"{path}: cannot read ({e.strerror})") from None
    rows: list[BaselineRow] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise StatsError(f"{path}: missing column(s) {', '.join(missing)}")
        wanted = as_of.isoformat()
        for line, r in enumerate(reader, start=2):
            if r["snapshot_date"] != wanted:
                continue
            code = r["lg_code"].zfill(6)
            problem = lg_code_error(code)
            if problem:
                raise StatsError(f"{path}:{line}: lg_code: {problem}")
            try:
                population = int(r["population"])
                issued = int(r["cards_issued_cumulative"])
            except ValueError:
                raise StatsError(
                    f"{path}:{line}: population / cards_issued_cumulative is not a whole number"
                ) from None
            rows.append(
                BaselineRow(
                    r["pref_code"].zfill(2),
                    r["pref_name"],
                    code,
                    r["municipality_name"],
                    population,
                    issued,
                )
            )
    if not rows:
        raise StatsError(f"{path}: no rows for snapshot_date {wanted}")
    return rows
