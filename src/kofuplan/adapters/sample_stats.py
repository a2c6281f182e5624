"""Generated sample statistics for the demo: made up, labelled as sample, never real data.

They use the official long format, so the demo runs the same readers as real data does.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from kofuplan.adapters.stats_csv import STATS_COLUMNS
from kofuplan.domain.lgcode import check_digit

SAMPLE_PREFECTURES = (("13", "サンプル都"), ("27", "サンプル府"), ("47", "サンプル県"))
_TYPES = ("市", "市", "町", "町", "村")


def sample_stats_rows(
    rng: np.random.Generator, as_of: dt.date, per_prefecture: int = 12
) -> list[dict[str, str]]:
    prev = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows: list[dict[str, str]] = []
    for pref, pref_name in SAMPLE_PREFECTURES:
        for k in range(per_prefecture):
            code5 = f"{pref}{201 + k * 2:03d}"
            kind = _TYPES[k % len(_TYPES)]
            population = int(rng.lognormal(10.5 if kind == "市" else 9.0, 0.8)) + 500
            coverage = rng.uniform(0.14, 0.26)
            issued = int(population * coverage)
            monthly = int(issued * rng.uniform(0.04, 0.08))
            rows.append(
                {
                    "snapshot_date": as_of.isoformat(),
                    "pref_code": pref,
                    "pref_name": pref_name,
                    "lg_code": f"{code5}{check_digit(code5)}",
                    "municipality_name": f"サンプル{kind}{k + 1}",
                    "municipality_type": kind,
                    "population": str(population),
                    "cards_issued_cumulative": str(issued),
                    "prev_snapshot_date": prev.isoformat(),
                    "cards_issued_increase_since_prev": str(monthly),
                }
            )
    return rows


def write_sample_stats(path: Path, as_of: dt.date, seed: int = 20201027) -> Path:
    rows = sample_stats_rows(np.random.default_rng(seed), as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(STATS_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
