"""The bounds on what a user types, as the rules give them today: they guard against mistyped
input (a count that would overflow the arrays), whatever date the plan is for."""

from __future__ import annotations

import datetime as dt

from kofuplan.domain.plan_form import PlanBounds
from kofuplan.parameters import load_rules


def input_bounds() -> PlanBounds:
    return PlanBounds.from_rules(load_rules().at(dt.date.today()))


def count_ceiling() -> int:
    """``bounds.count_ceiling`` today: no count read from a file may exceed it."""
    return input_bounds().count_ceiling
