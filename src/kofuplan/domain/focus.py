"""The focus designation (重点的フォローアップ), used by the Ministry from June 2022.

Municipalities fall into four groups. A municipality is designated for the next month when
both its month-end coverage (交付率, %) and its growth in coverage over the month (points) are
strictly below its group's pooled figures (the group's total cards ÷ total population).

Growth is the difference of two coverages, each over its own month's population, as the
published rates are: when the population base changes (each summer) the growth carries that
change too, for the municipality and its group alike.

Every function works on arrays of any shape whose first axis is municipalities, so one month
(m,) and a whole replay (m, months) run the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.errors import InputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

GROUPS = (1, 2, 3, 4)
GROUP_LABELS = {
    1: "指定都市・中核市",
    2: "その他の人口20万人以上の市・特別区",
    3: "その他の市",
    4: "町村",
}


def core_cities_in_force(
    designated: Mapping[str, Mapping[str, Any]], day: dt.date
) -> frozenset[str]:
    """lg_codes of the core cities (中核市) whose designation holds on ``day``."""
    return frozenset(code for code, entry in designated.items() if entry["since"] <= day)


MUNICIPALITY_TYPES = ("指定都市", "特別区", "市", "町", "村")
"""The statistics' 団体区分, every one of which falls in a focus group."""


def focus_groups(
    lg_codes: npt.ArrayLike,
    types: npt.ArrayLike,
    population: npt.ArrayLike,
    core_cities: frozenset[str],
    large_city_population: int,
) -> IntArray:
    """The group (1–4) of each municipality. ``population`` may carry a months axis; the
    groups then follow it (a city crossing the threshold changes group that month)."""
    codes = np.asarray(lg_codes, dtype=object)
    kinds = np.asarray(types, dtype=object)
    pop = np.asarray(population, dtype=np.int64)
    extra = (1,) * (pop.ndim - 1)  # broadcast the per-municipality facts over months
    is_core = np.array([c in core_cities for c in codes], dtype=bool).reshape(-1, *extra)
    designated_city = (kinds == "指定都市").reshape(-1, *extra)
    ward = (kinds == "特別区").reshape(-1, *extra)
    city = (kinds == "市").reshape(-1, *extra)
    town = np.isin(kinds, ["町", "村"]).reshape(-1, *extra)
    group = np.zeros(pop.shape, dtype=np.int64)
    group = np.where(city, 3, group)
    group = np.where(ward | (city & (pop >= large_city_population)), 2, group)
    group = np.where(designated_city | (city & is_core), 1, group)
    group = np.where(town, 4, group)
    if (group == 0).any():
        bad = sorted({str(k) for k in kinds.ravel()} - set(MUNICIPALITY_TYPES))
        raise InputError(f"団体区分（municipality_type）が不明です: {', '.join(bad)}")
    return group


@dataclass(frozen=True)
class FocusResult:
    group: IntArray
    coverage_pct: FloatArray
    growth_pt: FloatArray
    group_coverage_pct: FloatArray  # each municipality's group figure, same shape as group
    group_growth_pt: FloatArray
    designated: BoolArray


def _pooled(values: npt.ArrayLike, weights: npt.ArrayLike, group: IntArray) -> FloatArray:
    """Σ values ÷ Σ weights over each group, spread back to its members."""
    num = np.asarray(values, dtype=np.float64)
    den = np.asarray(weights, dtype=np.float64)
    out = np.full(group.shape, np.nan)
    for g in GROUPS:
        member = group == g
        total_den = np.where(member, den, 0.0).sum(axis=0)
        total_num = np.where(member, num, 0.0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(total_den > 0, total_num / total_den, np.nan)
        out = np.where(member, np.broadcast_to(ratio, group.shape), out)
    return out


def designate(
    cards: npt.ArrayLike,
    population: npt.ArrayLike,
    previous_cards: npt.ArrayLike,
    previous_population: npt.ArrayLike,
    group: IntArray,
) -> FocusResult:
    """Designate the municipalities below their group's pooled coverage and growth."""
    c = np.asarray(cards, dtype=np.float64)
    p = np.asarray(population, dtype=np.float64)
    pc = np.asarray(previous_cards, dtype=np.float64)
    pp = np.asarray(previous_population, dtype=np.float64)
    # Compare shares (cards ÷ population), not percentages: a correctly rounded quotient is
    # exact enough that a municipality exactly at its group's figure compares equal (×100 first
    # would make 220/400 and 55/100 differ in the last bit).
    share = c / p
    growth = share - pc / pp
    group_share = _pooled(c, p, group)
    group_growth = group_share - _pooled(pc, pp, group)
    # NaN group figures (an empty group) compare False: nobody is designated against nothing.
    designated = (share < group_share) & (growth < group_growth)
    return FocusResult(
        group=group,
        coverage_pct=share * 100.0,
        growth_pt=growth * 100.0,
        group_coverage_pct=group_share * 100.0,
        group_growth_pt=group_growth * 100.0,
        designated=designated,
    )
