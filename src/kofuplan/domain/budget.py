"""Costs of the plan by fiscal year against the estimated grant (R4.1, R5.1).

Costs are those the plan adds to today's set-up: the staff, counters and terminals above the
current ones, every off-site counter, the postage of an issuance notice per card, and taking
staff on and letting them go (``hiring``: each rise of the staff above today's at
``costs.staff_hire_yen``, each fall at ``costs.staff_release_yen``; issue 11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.capacity import Capacity
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.rule_values import CostRules

IntArray = npt.NDArray[np.int64]

COST_ITEMS = ("staff", "counters", "offsite_counters", "terminals", "notices", "hiring")
ALL_ITEMS = (*COST_ITEMS, "total", "estimated_grant", "shortfall")


def fiscal_year(month: str) -> int:
    """The fiscal year (April–March) a month belongs to, by its starting calendar year."""
    year, mon = int(month[:4]), int(month[5:7])
    return year if mon >= 4 else year - 1


@dataclass(frozen=True)
class Budget:
    fiscal_years: tuple[int, ...]
    items: tuple[str, ...]
    yen: IntArray  # (N, fiscal years, items)


def hiring_yen(staff: IntArray, staff_now: IntArray, params: Mapping[str, Any]) -> IntArray:
    """Per month (N, M): the staff above today's taken on at ``costs.staff_hire_yen`` each and
    let go at ``costs.staff_release_yen`` each (none before the plan)."""
    added = np.maximum(staff - staff_now[:, None], 0)
    step = np.diff(added, axis=1, prepend=0)
    costs = CostRules.from_rules(params)
    out: IntArray = (
        np.maximum(step, 0) * costs.staff_hire_yen + np.maximum(-step, 0) * costs.staff_release_yen
    )
    return out


def plan_budget(
    months: tuple[str, ...],
    issuance: IntArray,
    cap: Capacity,
    profiles: Profiles,
    params: Mapping[str, Any],
) -> Budget:
    fys = tuple(sorted({fiscal_year(m) for m in months}))
    fy_of_month = np.array([fys.index(fiscal_year(m)) for m in months])
    onehot = (fy_of_month[:, None] == np.arange(len(fys))[None, :]).astype(np.int64)  # (M, F)

    added_staff = np.maximum(cap.staff - profiles.staff[:, None], 0)
    in_office = cap.dedicated_counters - cap.offsite_counters + cap.combined_counters
    now_counters = (profiles.dedicated_counters + profiles.combined_counters)[:, None]
    added_counters = np.maximum(in_office - now_counters, 0)
    added_terminals = np.maximum(cap.terminals - profiles.terminals[:, None], 0)

    costs = CostRules.from_rules(params)
    monthly = {
        "staff": added_staff * profiles.staff_month_yen[:, None],
        "counters": added_counters * costs.counter_month_yen,
        "offsite_counters": cap.offsite_counters * profiles.offsite_counter_month_yen[:, None],
        "terminals": added_terminals * costs.terminal_month_yen,
        "notices": issuance * costs.notice_postage_yen,
        "hiring": hiring_yen(cap.staff, profiles.staff, params),
    }
    n = issuance.shape[0]
    yen = np.zeros((n, len(fys), len(ALL_ITEMS)), dtype=np.int64)
    for k, item in enumerate(COST_ITEMS):
        yen[:, :, k] = monthly[item].astype(np.int64) @ onehot
    total = yen[:, :, : len(COST_ITEMS)].sum(axis=2)
    # Without the Ministry's figure, the default grant follows the cards issued in the year.
    per_card = costs.grant_per_cap_yen
    default_grant = (issuance.astype(np.int64) @ onehot) * per_card
    given = profiles.estimated_grant_yen[:, None]
    grant = np.where(given >= 0, given, default_grant)
    yen[:, :, ALL_ITEMS.index("total")] = total
    yen[:, :, ALL_ITEMS.index("estimated_grant")] = grant
    yen[:, :, ALL_ITEMS.index("shortfall")] = np.maximum(total - grant, 0)
    return Budget(fys, ALL_ITEMS, yen)
