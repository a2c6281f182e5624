"""What is known of each municipality when the plan is made, as columns.

The statistics give the population and the cards issued; a municipality's own profile gives
its counters, staff, office and costs. Whatever it has not given falls back to a dated default
(``rules/``), and :attr:`Profiles.defaulted` records which values those were, per municipality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.demand import DemandRules, smoothed_daily_pace
from kofuplan.domain.promotion import PROMOTION_FIELDS, MunicipalPromotion
from kofuplan.domain.rule_values import CapacityRules, CostRules

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]

# Weekend policies: the minimum of R2.1, or every Saturday and Sunday.
WEEKEND_POLICIES = ("min", "all")

# Profile fields a municipality may give; everything else comes from the statistics.
OPTIONAL_FIELDS = (
    "dedicated_counters",
    "dedicated_daily_per_counter",
    "combined_counters",
    "combined_daily_per_counter",
    "staff",
    "terminals",
    "office_max_counters",
    "weekend_policy",
    "staff_month_yen",
    "offsite_counter_month_yen",
    "estimated_grant_yen",
)


@dataclass(frozen=True)
class StatsRows:
    """One statistics snapshot, a row per municipality (the official figures)."""

    lg_code: StrArray
    pref_code: StrArray
    pref_name: StrArray
    name: StrArray
    municipality_type: StrArray
    population: IntArray
    issued: IntArray
    recent_increase: IntArray  # cards issued since the previous snapshot
    recent_days: IntArray  # calendar days that increase covers
    # Cumulative counts at earlier snapshots (N, K), taken the given days before this one
    # (K,): what the demand model smooths today's pace over. Empty when not read.
    history_issued: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    history_days_before: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class Profiles:
    """Arrays over municipalities; every array has the same length."""

    lg_code: StrArray
    pref_code: StrArray
    pref_name: StrArray
    name: StrArray
    municipality_type: StrArray
    population: IntArray
    issued: IntArray  # cumulative cards issued at the plan's as-of date
    recent_daily_issuance: FloatArray  # the current pace, cards per calendar day
    dedicated_counters: IntArray  # counters now, before the plan
    dedicated_daily_per_counter: FloatArray
    combined_counters: IntArray
    combined_daily_per_counter: FloatArray  # before the seasonal share
    staff: IntArray
    terminals: IntArray
    office_max_counters: IntArray
    weekend_policy: StrArray
    staff_month_yen: IntArray
    offsite_counter_month_yen: IntArray
    estimated_grant_yen: IntArray  # per fiscal year; -1 where the default per card applies
    promotion: npt.NDArray[np.object_]  # MunicipalPromotion per municipality (R2.4, R3, R8.3)
    defaulted: Mapping[str, BoolArray] = field(default_factory=dict)
    # Today's pace smoothed over the rules' window (demand.pace_window_months), cards per day;
    # None when no earlier snapshot was read (then the one-snapshot pace stands in).
    demand_daily_pace: FloatArray | None = None

    @property
    def demand_pace(self) -> FloatArray:
        """The pace the demand model starts from (R3, kofuplan.domain.demand)."""
        if self.demand_daily_pace is None:
            return self.recent_daily_issuance
        return self.demand_daily_pace

    def __len__(self) -> int:
        return int(self.lg_code.shape[0])

    @property
    def target(self) -> IntArray:
        """R1.1: population minus cards issued so far."""
        target: IntArray = np.maximum(self.population - self.issued, 0).astype(np.int64)
        return target

    def defaults_of(self, i: int) -> list[str]:
        return [name for name, mask in self.defaulted.items() if mask[i]]

    def take(self, index: npt.NDArray[np.intp] | slice) -> Profiles:
        """The profiles of a subset of municipalities, in the given order (a slice gives
        views, without copying)."""
        arrays = {
            f: getattr(self, f)[index]
            for f in self.__dataclass_fields__
            if f != "defaulted" and getattr(self, f) is not None
        }
        return replace(self, **arrays, defaulted={k: v[index] for k, v in self.defaulted.items()})


def build_profiles(
    stats: StatsRows,
    given: Mapping[str, Mapping[str, Any]],
    params: Mapping[str, Any],
) -> Profiles:
    """Join the statistics with the municipalities' own inputs, filling documented defaults.

    ``given`` maps lg_code to the fields of :data:`OPTIONAL_FIELDS` that municipality gave
    (already validated by the adapter). ``params`` is a rules snapshot.
    """
    n = stats.lg_code.shape[0]
    days = np.maximum(stats.recent_days, 1).astype(np.float64)
    pace = stats.recent_increase.astype(np.float64) / days
    capacity, costs = CapacityRules.from_rules(params), CostRules.from_rules(params)
    ded_daily_default = capacity.dedicated_daily_per_counter
    comb_daily_default = capacity.combined_daily_per_counter
    comb_default = capacity.default_combined_counters
    headroom = capacity.office_headroom_factor
    staff_ded = capacity.staff_per_dedicated_counter
    staff_comb = capacity.staff_per_combined_counter
    term_per_counter = capacity.terminals_per_counter
    presetup = capacity.presetup_cards_per_staff_day
    presetup_terms = capacity.presetup_terminals_per_staff
    staff_yen = costs.staff_month_yen
    offsite_yen = costs.offsite_counter_month_yen

    def given_column(name: str) -> tuple[list[Any], BoolArray]:
        values = [given.get(str(code), {}).get(name) for code in stats.lg_code]
        return values, np.array([v is None for v in values], dtype=np.bool_)

    masks: dict[str, BoolArray] = {}

    def column(name: str, fallback: Any, dtype: Any) -> Any:
        values, missing = given_column(name)
        masks[name] = missing
        fill = np.broadcast_to(np.asarray(fallback), (n,))
        return np.array([fill[i] if v is None else v for i, v in enumerate(values)], dtype=dtype)

    comb = column("combined_counters", comb_default, np.int64)
    comb_daily = column("combined_daily_per_counter", comb_daily_default, np.float64)
    ded_daily = column("dedicated_daily_per_counter", ded_daily_default, np.float64)
    # Without the municipality's own count, assume today's pace (per open weekday, about 5 in
    # 7 days) runs on the combined counters first and dedicated counters carry the rest.
    weekday_pace = pace * 7 / 5
    need = np.maximum(weekday_pace - comb * comb_daily, 0.0)
    ded = column("dedicated_counters", np.ceil(need / ded_daily).astype(np.int64), np.int64)
    office = column(
        "office_max_counters",
        np.maximum(2, np.ceil((ded + comb) * headroom)).astype(np.int64),
        np.int64,
    )
    back = np.ceil(weekday_pace / presetup)
    staff = column(
        "staff", np.ceil(ded * staff_ded + comb * staff_comb + back).astype(np.int64), np.int64
    )
    terminals = column(
        "terminals",
        np.ceil((ded + comb) * term_per_counter + back * presetup_terms).astype(np.int64),
        np.int64,
    )
    policy = column("weekend_policy", "min", np.str_)
    staff_month = column("staff_month_yen", staff_yen, np.int64)
    offsite_month = column("offsite_counter_month_yen", offsite_yen, np.int64)
    grant = column("estimated_grant_yen", -1, np.int64)

    return Profiles(
        lg_code=stats.lg_code,
        pref_code=stats.pref_code,
        pref_name=stats.pref_name,
        name=stats.name,
        municipality_type=stats.municipality_type,
        population=stats.population,
        issued=stats.issued,
        recent_daily_issuance=pace,
        dedicated_counters=ded,
        dedicated_daily_per_counter=ded_daily,
        combined_counters=comb,
        combined_daily_per_counter=comb_daily,
        staff=staff,
        terminals=terminals,
        office_max_counters=office,
        weekend_policy=policy,
        staff_month_yen=staff_month,
        offsite_counter_month_yen=offsite_month,
        estimated_grant_yen=grant,
        promotion=_promotion_column(stats.lg_code, given),
        defaulted=masks,
        demand_daily_pace=_smoothed_pace(stats, params),
    )


def _smoothed_pace(stats: StatsRows, params: Mapping[str, Any]) -> FloatArray | None:
    if stats.history_issued.shape[0] != stats.issued.shape[0]:
        return None
    return smoothed_daily_pace(
        stats.issued,
        stats.history_issued,
        stats.history_days_before,
        DemandRules.from_rules(params).pace_window_months,
    )


def _promotion_column(
    codes: StrArray, given: Mapping[str, Mapping[str, Any]]
) -> npt.NDArray[np.object_]:
    """The promotion section of each municipality, from the promotion fields it gave."""
    column = np.empty(codes.shape[0], dtype=object)
    for i, code in enumerate(codes.tolist()):
        own = given.get(code, {})
        column[i] = MunicipalPromotion(**{k: v for k, v in own.items() if k in PROMOTION_FIELDS})
    return column
