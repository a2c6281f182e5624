"""The plan_monthly.csv contract every plan meets, whatever its kind (issuance or renewal):
the same assertions as tests/integration/test_plan_national.py's per-row checks."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.plan_columns import PLAN_COLUMNS


def read_plan(path: Path) -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        assert list(reader.fieldnames or [])[: len(PLAN_COLUMNS)] == list(PLAN_COLUMNS)
        for r in reader:
            rows[r["lg_code"]].append(r)
    return rows


def assert_plan_contract(rows: dict[str, list[dict[str, str]]], calendar: MonthCalendar) -> None:
    """Every month of the calendar; the R2.1 weekend minimum; open days add up; the planned
    count within the capacity (R6.1-2); no dedicated counter more than needed; cumulative is
    the running sum."""
    expected_days = {
        m: (int(calendar.open_weekdays[i]), int(calendar.required_weekend_days[i]))
        for i, m in enumerate(calendar.months)
    }
    for code, months in rows.items():
        assert [r["month"] for r in months] == list(calendar.months), code
        running = int(months[0]["cumulative_issued"]) - int(months[0]["issuance"])
        for r in months:
            assert (int(r["open_weekdays"]), int(r["required_weekend_days"])) == expected_days[
                r["month"]
            ]
            assert int(r["weekend_days"]) >= int(r["required_weekend_days"])
            assert int(r["open_days"]) == int(r["open_weekdays"]) + int(r["weekend_days"])
            issuance, capacity = int(r["issuance"]), int(r["capacity"])
            assert issuance <= capacity, (code, r["month"])
            running += issuance
            assert int(r["cumulative_issued"]) == running, (code, r["month"])
            dedicated = int(r["dedicated_counters"])
            daily = float(r["dedicated_daily_per_counter"]) * (dedicated - 1) + float(
                r["combined_daily_per_counter"]
            ) * int(r["combined_counters"])
            if dedicated > 0:
                assert int(daily * int(r["open_days"]) + 1e-6) < issuance, (code, r["month"])
            assert int(r["offsite_counters"]) <= dedicated
