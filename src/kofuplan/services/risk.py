"""Use case: the backlog risk of a written plan under uncertain campaign response."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from kofuplan.domain.demand import DemandRules
from kofuplan.domain.risk import BacklogRisk, PlanDemand, backlog_risk
from kofuplan.domain.rule_values import RiskRules
from kofuplan.errors import InputError
from kofuplan.parameters import load_rules


def run_risk(
    read_plan: Callable[[], PlanDemand],
    seed: int,
    draws: int | None = None,
    as_of: dt.date | None = None,
) -> tuple[PlanDemand, BacklogRisk]:
    """Read the plan (``read_plan``: the adapter's reader, called once the options are
    known to be good), simulate the risk per municipality and month.

    The rules hold at ``as_of`` (by default the first day of the plan's first month).
    """
    ceiling = RiskRules.from_rules(load_rules().at(dt.date.today())).draws_ceiling
    if draws is not None and draws > ceiling:
        raise InputError(f"--draws {draws}: 試行回数の上限 {ceiling:,} を超えています")
    demand = read_plan()
    first = demand.months[0]
    day = as_of or dt.date(int(first[:4]), int(first[5:7]), 1)
    rules = load_rules().at(day)
    demand_rules = DemandRules.from_rules(rules)
    lag = demand_rules.production_lag_months
    risk_rules = RiskRules.from_rules(rules)
    campaign = np.minimum(demand.campaign_applications, demand.applications)
    risk = backlog_risk(
        demand.applications - campaign,
        campaign,
        demand.capacity,
        production_lag_months=lag,
        response_low=risk_rules.response_low,
        response_high=risk_rules.response_high,
        draws=risk_rules.draws if draws is None else draws,
        rng=np.random.default_rng(seed),
        max_wait_months=max(demand_rules.max_wait_months, 1),
        # Cards of applications made before the plan are already in production.
        in_production=demand.deliveries[:, :lag],
    )
    return demand, risk
