"""plan_monthly.csv carries the waits per kind of day, after the contract's columns (R2.0, R8.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kofuplan.adapters.plan_csv import plan_columns
from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.plan_columns import PLAN_COLUMNS
from kofuplan.domain.waits import QueueingParameters, plan_waits
from kofuplan.parameters import load_rules
from kofuplan.services.planning import run_plan


def test_R8_3_plan_monthly_adds_weekday_and_weekend_waits(tmp_path: Path) -> None:
    as_of = dt.date(2020, 10, 1)
    stats = write_sample_stats(tmp_path / "stats.csv", as_of)
    plan = run_plan(StatsFiles(stats), as_of, method="level").plan
    columns = plan_columns(plan)
    names = list(columns)
    assert names[: len(PLAN_COLUMNS)] == list(PLAN_COLUMNS)  # the contract is untouched
    assert {"wait_weekday_minutes", "wait_weekend_minutes"} <= set(names[len(PLAN_COLUMNS) :])
    assert plan.waits is not None
    rows = len(columns["lg_code"])
    for name in ("wait_weekday_minutes", "wait_weekend_minutes"):
        values = columns[name]
        assert len(values) == rows
        assert all(v == "" or v == "inf" or float(v) >= 0 for v in values)
    # A counter more everywhere never lengthens a wait in the written figures.
    cap = plan.capacity
    counters = cap.dedicated_counters + cap.combined_counters
    weekdays = cap.open_days - cap.weekend_days
    params = QueueingParameters.from_rules(load_rules().at(as_of))
    more = plan_waits(plan.issuance, weekdays, cap.weekend_days, counters + 1, params)
    before = plan.waits.weekend.worst_hour_wait_minutes
    assert (more.weekend.worst_hour_wait_minutes <= before).all()
