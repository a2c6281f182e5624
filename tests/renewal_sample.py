"""Generated statistics for the renewal pipeline: three municipalities in two prefectures,
with every file the renewal estimate reads (labelled as generated, not the Ministry's)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from kofuplan.domain.snapshots import add_months, last_day, month_of_snapshot

# (lg_code, pref_code, pref_name, name, type, population)
MUNICIPALITIES = (
    ("011002", "01", "北海道", "札幌市", "指定都市", 1_960_000),
    ("012025", "01", "北海道", "函館市", "市", 250_000),
    ("131016", "13", "東京都", "千代田区", "特別区", 66_000),
)
STATS_HEADER = [
    "snapshot_date",
    "month_end_equiv",
    "pref_code",
    "pref_name",
    "lg_code",
    "municipality_name",
    "municipality_type",
    "population",
    "population_reference_date",
    "cards_issued_cumulative",
    "prev_snapshot_date",
    "cards_issued_increase_since_prev",
]


def _dates() -> list[dt.date]:
    days = [dt.date(2020, 1, 20)]
    month = "2020-03"
    while month <= "2023-01":
        days.append(dt.date(int(month[:4]), int(month[5:]), 1))
        month = add_months(month, 1)
    return days


def _share(day: dt.date) -> float:
    """Cumulative share of the population holding a card: 15% in January 2020 to 60%."""
    span = (dt.date(2023, 1, 1) - dt.date(2020, 1, 20)).days
    return 0.15 + 0.45 * (day - dt.date(2020, 1, 20)).days / span


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_renewal_sample(folder: Path) -> Path:
    """Write the four statistics files into ``folder``; returns the municipality file."""
    folder.mkdir(parents=True, exist_ok=True)
    days = _dates()
    rows: list[list[object]] = []
    pref: dict[tuple[dt.date, str], int] = {}
    for k, day in enumerate(days):
        month = month_of_snapshot(day) or ""
        for code, pcode, pname, name, kind, pop in MUNICIPALITIES:
            cards = int(pop * _share(day))
            prev = days[k - 1] if k else dt.date(2019, 11, 1)
            before = int(pop * _share(prev)) if k else int(pop * 0.13)
            rows.append(
                [
                    day,
                    month,
                    pcode,
                    pname,
                    code,
                    name,
                    kind,
                    pop,
                    "2020-01-01",
                    cards,
                    prev,
                    cards - before,
                ]
            )
            pref[(day, pcode)] = pref.get((day, pcode), 0) + cards
    stats = folder / "municipalities_long_2020_2023.csv"
    _write(stats, STATS_HEADER, rows)

    prefs = {p for _, p, *_ in MUNICIPALITIES}
    totals = {p: sum(m[5] for m in MUNICIPALITIES if m[1] == p) for p in prefs}
    pref_rows: list[list[object]] = []
    for day, share in ((dt.date(2017, 3, 8), 0.06), (dt.date(2019, 11, 1), 0.13)):
        for p in sorted(prefs):
            pref_rows.append([day, "", p, "", totals[p], int(totals[p] * share)])
    for day in days:
        for p in sorted(prefs):
            pref_rows.append([day, month_of_snapshot(day) or "", p, "", totals[p], pref[(day, p)]])
    _write(
        folder / "prefectures_long.csv",
        [
            "snapshot_date",
            "month_end_equiv",
            "pref_code",
            "pref_name",
            "population",
            "cards_issued_cumulative",
        ],
        pref_rows,
    )
    national = [
        [month_of_snapshot(day), day, sum(pref[(day, p)] for p in prefs)]
        for day in days
        if month_of_snapshot(day)
    ]
    _write(
        folder / "national_monthly.csv",
        ["month", "snapshot_date", "cards_issued_cumulative"],
        national,
    )
    bands = (
        ("全体", 1.0),
        ("0～4歳", 0.03),
        ("5～9", 0.04),
        ("10～14", 0.04),
        ("15～19", 0.05),
        ("20～24", 0.44),
        ("90歳以上", 0.40),
    )
    age_rows: list[list[object]] = []
    for day in (dt.date(2017, 5, 15), dt.date(2020, 10, 1), dt.date(2023, 1, 1)):
        total = sum(m[5] for m in MUNICIPALITIES) * (_share(day) if day.year > 2017 else 0.08)
        for label, share in bands:
            age_rows.append([day, label, "total", int(total * share)])
    _write(
        folder / "national_by_age_sex_long.csv",
        ["snapshot_date", "age_band", "sex", "cards_issued_cumulative"],
        age_rows,
    )
    return stats


def write_renewal_actuals(
    path: Path, plan_rows: dict[str, list[dict[str, str]]], pace: dict[str, float], last: str
) -> None:
    """Renewal actuals in the long format with a ``kind`` column: each municipality's planned
    cumulative renewals × its ``pace``, split into certificate and card rows; from the month
    before the plan (zero) to ``last``, at month ends."""
    rows: list[list[object]] = []
    population = {m[0]: m[5] for m in MUNICIPALITIES}
    kinds = {m[0]: m[4] for m in MUNICIPALITIES}
    for code, months in plan_rows.items():
        first = months[0]["month"]
        cumulative = {add_months(first, -1): (0.0, 0.0)}
        cert = card = 0.0
        for r in months:
            if r["month"] > last:
                break
            cert += float(r["renewals_certificate"]) * pace[code]
            card += float(r["renewals_card"]) * pace[code]
            cumulative[r["month"]] = (cert, card)
        for month, (c1, c2) in cumulative.items():
            day = last_day(month)
            for kind, value in (("certificate", c1), ("card", c2)):
                rows.append([day, code, kinds[code], population[code], round(value), kind])
    _write(
        path,
        [
            "snapshot_date",
            "lg_code",
            "municipality_type",
            "population",
            "cards_issued_cumulative",
            "kind",
        ],
        rows,
    )
