"""Issue 7, done when: the optimal method runs on the real data at 2020-10-01 and is never
dearer than `delivery` (R4.1), keeping the one-month rule (R8.1) after the recruiting lead
(R2.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from kofuplan.domain.optimal import capacity_cost
from tests.once import national_run


@pytest.mark.slow
def test_R4_1_R8_1_optimal_on_the_real_data_is_never_dearer_than_delivery(
    long_stats: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    as_of = dt.date(2020, 10, 1)  # the national runs are made once per run (tests/once.py)
    delivery = national_run(tmp_path_factory, long_stats, as_of, "delivery")
    optimal = national_run(tmp_path_factory, long_stats, as_of, "optimal")
    params = delivery.params
    assert len(optimal.plan.profiles) == 1741
    cost_optimal = capacity_cost(optimal.plan.capacity, optimal.plan.profiles, params)
    cost_delivery = capacity_cost(delivery.plan.capacity, delivery.plan.profiles, params)
    assert (cost_optimal <= cost_delivery + 1e-6).all()
    # Cards arrive as `delivery` has them (the forecast's and the gap's); none is issued
    # before it arrives and, once new staff can be trained, none waits past the month after.
    gap = delivery.plan.gap
    arrived = np.cumsum(gap.forecast_deliveries + gap.deliveries_needed, axis=1)
    issued = np.cumsum(optimal.plan.issuance, axis=1)
    assert (issued <= arrived).all()
    lead = max(int(params["staffing.recruit_lead_months"]), 1)
    assert (issued[:, lead:] >= arrived[:, lead - 1 : -1]).all()
