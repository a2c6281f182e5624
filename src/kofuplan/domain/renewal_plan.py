"""Renewal plans from the issuance plan's engine: the counters, staff, terminals, weekend days,
budget and waits the renewal wave takes (issue 17, item 3).

The residents come when their certificates or cards expire, so the monthly count is the
expected renewals themselves (whole people, each municipality's months adding up to its
rounded total), not a levelled schedule. Everything else is the issuance plan's own code,
run on the renewal rules:

- a counter's daily renewals follow from the counter minutes of the month's mix of kinds
  (certificate only, card and certificates) at the rules' occupancy, as a counter's daily
  issuance does for cards; combined counters keep their share of a dedicated counter;
- the waits use the renewal minutes (national mean of the window's mix) in Erlang C;
- back-office pre-issuance setup is needed for renewed cards only;
- the budget counts no postage (J-LIS sends the expiry notice) and a grant per renewal.

:func:`renewal_values` gives those values, each with its source; the service puts them in
place of the issuance ones in the rules snapshot, so the checks read the renewal plan with
exactly the rules it was made with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.advice import COLUMN_LABELS
from kofuplan.domain.budget import plan_budget
from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.capacity import plan_capacity
from kofuplan.domain.findings import FindingCode
from kofuplan.domain.gap import no_gap
from kofuplan.domain.plan import Plan
from kofuplan.domain.plan_table import RENEWAL_FIGURES, PlanTable
from kofuplan.domain.profiles import Profiles
from kofuplan.domain.promotion import evening_day_equivalents
from kofuplan.domain.renewal import RenewalDemand, RenewalRules
from kofuplan.domain.rule_values import CapacityRules
from kofuplan.domain.schedule import Demand, apportion
from kofuplan.domain.waits import QueueingParameters

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

METHOD = "renewal"
KINDS = ("issuance", METHOD)  # the plans a municipality keeps: 交付 and 更新

# Added to a renewal plan's rows after the plan contract's columns (plan_monthly.csv, the
# stored revision): the kind, and the expiries and expected renewals of each kind behind the
# month's count (expected numbers of people, to one decimal).
# The figures are a renewal plan table's ``extra`` (``plan_table.RENEWAL_FIGURES``).
RENEWAL_COLUMNS = ("kind", *RENEWAL_FIGURES)

# The renewal plan's fields as the clerk sees them (the issuance plan's labels otherwise).
RENEWAL_LABELS = {
    **COLUMN_LABELS,
    "issuance": "更新の件数（窓口に来る人数）",
    "cumulative_issued": "更新の件数の累計",
    "dedicated_counters": "更新専用窓口数",
    "combined_counters": "住民異動等と併せて更新を受け付ける窓口数",
    "weekend_days": "土日の更新受付予定日数",
    "dedicated_daily_per_counter": "専用窓口1窓口1日当たりの平均更新件数",
    "combined_daily_per_counter": "兼用窓口1窓口1日当たりの平均更新件数",
    "expiring_certificates": "有効期限を迎える電子証明書",
    "expiring_certificates_only": "うち電子証明書のみの更新",
    "expiring_cards": "有効期限を迎えるカード",
    "renewals_certificate": "電子証明書の更新の見込み",
    "renewals_card": "カードの更新の見込み",
}

# The prefecture's checks that carry over to a renewal plan: counters against today's pace
# (R6.1-2), the office's limit (R6.1-3), weekend opening (R6.1-4), impossible weekend days
# (R1.2), recruiting lead time (R2.3) and the budget (R5.1). R6.1-1 (nearly every resident
# holds a card by March 2023) belongs to the issuance plan only.
RENEWAL_CHECK_CODES = ("R6.1-2", "R6.1-3", "R6.1-4", "R1.2", "R2.3", "R5.1")


def applies_to_renewal(code: FindingCode | str) -> bool:
    return (code.code if isinstance(code, FindingCode) else code) in RENEWAL_CHECK_CODES


def daily_per_counter(minutes: FloatArray | float, params: Mapping[str, Any]) -> FloatArray:
    """Renewals a dedicated counter handles in a day at the rules' occupancy."""
    hours = CapacityRules.from_rules(params).counter_hours_per_day
    occupancy = RenewalRules.from_rules(params).counter_occupancy
    out: FloatArray = np.round(hours * 60.0 / np.asarray(minutes) * occupancy, 2)
    return out


def renewal_values(
    params: Mapping[str, Any], window: RenewalDemand, rules: RenewalRules
) -> dict[str, tuple[Any, str]]:
    """The rule values a renewal plan over ``window`` is made and checked with, in place of
    the issuance plan's: key → (value, where it comes from)."""
    return renewal_values_of_mix(
        params,
        (window.months[0], window.months[-1]),
        float(window.renewals_certificate.sum()),
        float(window.renewals_card.sum()),
        rules,
    )


@dataclass(frozen=True)
class MixValues:
    """What a mix of renewal kinds makes of the counters' rules (:func:`mix_values`)."""

    minutes: float  # mean service minutes per renewal
    dedicated_daily_per_counter: float
    combined_daily_per_counter: float
    card_share: float
    presetup_cards_per_staff_day: float


def mix_values(
    params: Mapping[str, Any], certificates: float, cards: float, rules: RenewalRules
) -> MixValues:
    """The counters' figures for renewals of each kind in these numbers: one place for the
    rule, whether one municipality's plan or the window's national mix is read."""
    total = certificates + cards
    minutes = (
        float(
            (certificates * rules.service_minutes_certificate + cards * rules.service_minutes_card)
            / total
        )
        if total > 0
        else rules.service_minutes_certificate
    )
    dedicated = float(daily_per_counter(minutes, params))
    capacity = CapacityRules.from_rules(params)
    ratio = capacity.combined_daily_per_counter / capacity.dedicated_daily_per_counter
    card_share = cards / total if total > 0 else 1.0
    presetup = capacity.presetup_cards_per_staff_day / max(card_share, 1e-6)
    return MixValues(
        minutes, dedicated, round(dedicated * ratio, 2), card_share, round(presetup, 2)
    )


def renewal_values_of_mix(
    params: Mapping[str, Any],
    period: tuple[str, str],
    certificates: float,
    cards: float,
    rules: RenewalRules,
) -> dict[str, tuple[Any, str]]:
    """:func:`renewal_values` from the renewals of each kind over the plan's ``period``
    (first, last month): what a stored renewal plan (its ``renewals_certificate`` and
    ``renewals_card`` columns) is checked with."""
    v = mix_values(params, certificates, cards, rules)
    minutes, dedicated, card_share = v.minutes, v.dedicated_daily_per_counter, v.card_share
    mix = f"national mix of the window: {minutes:.2f} minutes per renewal, cards {card_share:.1%}"
    return {
        "plan.period_start": (period[0], "the renewal window's first month"),
        "plan.period_end": (period[1], "the renewal window's last month"),
        "queueing.service_minutes": (round(minutes, 2), mix),
        "capacity.dedicated_daily_per_counter": (
            dedicated,
            f"counter hours × 60 ÷ minutes per renewal × renewal.counter_occupancy; {mix}",
        ),
        "capacity.combined_daily_per_counter": (
            v.combined_daily_per_counter,
            "the same share of a dedicated counter as for issuance",
        ),
        "capacity.presetup_cards_per_staff_day": (
            v.presetup_cards_per_staff_day,
            f"pre-issuance setup for renewed cards only ({card_share:.1%} of renewals)",
        ),
        "costs.notice_postage_yen": (
            rules.notice_postage_yen,
            "renewal.notice_postage_yen",
        ),
        "costs.grant_per_cap_yen": (
            rules.grant_per_renewal_yen,
            "renewal.grant_per_renewal_yen",
        ),
    }


def renewal_profiles(
    profiles: Profiles, window: RenewalDemand, rules: RenewalRules, params: Mapping[str, Any]
) -> Profiles:
    """Profiles for a renewal plan: no card counts before it (its cumulative is renewals),
    and each municipality's counter throughput from its own mix of kinds, unless it gave it."""
    return renewal_profiles_of_mix(
        profiles,
        window.renewals_certificate.sum(axis=1),
        window.renewals_card.sum(axis=1),
        rules,
        params,
    )


def renewal_profiles_of_mix(
    profiles: Profiles,
    certificate: FloatArray,
    card: FloatArray,
    rules: RenewalRules,
    params: Mapping[str, Any],
    combined_ratio: FloatArray | None = None,
) -> Profiles:
    """:func:`renewal_profiles` from each municipality's renewals of each kind (N,).
    ``combined_ratio`` (N,): a combined counter's share of a dedicated one's throughput for
    each municipality, where each is read with rules of its own mix (``params``' otherwise)."""
    total = certificate + card
    minutes = certificate * rules.service_minutes_certificate + card * rules.service_minutes_card
    mean = np.where(
        total > 0, minutes / np.where(total > 0, total, 1.0), rules.service_minutes_certificate
    )
    dedicated = daily_per_counter(mean, params)
    capacity = CapacityRules.from_rules(params)
    ratio: Any = (
        capacity.combined_daily_per_counter / capacity.dedicated_daily_per_counter
        if combined_ratio is None
        else combined_ratio
    )
    ded_given = ~profiles.defaulted.get("dedicated_daily_per_counter", np.ones(len(profiles), bool))
    comb_given = ~profiles.defaulted.get("combined_daily_per_counter", np.ones(len(profiles), bool))
    return replace(
        profiles,
        issued=np.zeros(len(profiles), dtype=np.int64),
        dedicated_daily_per_counter=np.where(
            ded_given, profiles.dedicated_daily_per_counter, dedicated
        ),
        combined_daily_per_counter=np.where(
            comb_given, profiles.combined_daily_per_counter, np.round(dedicated * ratio, 2)
        ),
    )


def renewal_counts(window: RenewalDemand) -> IntArray:
    """Whole residents per municipality and month: each municipality's rounded total,
    apportioned over its months by the expected renewals."""
    renewals = window.renewals
    totals = np.rint(renewals.sum(axis=1)).astype(np.int64)
    return apportion(totals, renewals)


def make_renewal_plan(
    profiles: Profiles,
    calendar: MonthCalendar,
    params: Mapping[str, Any],
    window: RenewalDemand,
) -> Plan:
    """The renewal plan. ``profiles`` from :func:`renewal_profiles`, ``params`` from
    :func:`renewal_parameters`; ``window`` covers exactly the calendar's months."""
    if tuple(window.months) != tuple(calendar.months):
        raise ValueError("make_renewal_plan: the renewal window and the calendar differ")
    issuance = renewal_counts(window)
    codes = profiles.lg_code.tolist()
    promotions = dict(zip(codes, profiles.promotion.tolist(), strict=True))
    evenings = evening_day_equivalents(
        codes, calendar.months, promotions, CapacityRules.from_rules(params).counter_hours_per_day
    )
    cap = plan_capacity(issuance, profiles, calendar, params, evenings)
    demand = Demand(
        applications=window.renewals,
        deliveries=window.renewals_card,  # new cards J-LIS makes for card renewals
        by_source={"certificate": window.renewals_certificate, "card": window.renewals_card},
    )
    cumulative = profiles.issued[:, None] + np.cumsum(issuance, axis=1)
    budget = plan_budget(calendar.months, issuance, cap, profiles, params)
    queueing = QueueingParameters.from_rules(params)
    gap = no_gap(*issuance.shape)  # renewals are due, not promoted: no gap
    return Plan(
        METHOD, profiles, calendar, demand, issuance, cumulative, cap, budget, gap, queueing
    )


# The monthly sums of renewal plans over a prefecture or the nation: (name, plan column).
AREA_SERIES = (
    ("expected", "issuance"),
    ("certificate", "renewals_certificate"),
    ("card", "renewals_card"),
    ("dedicated_counters", "dedicated_counters"),
    ("combined_counters", "combined_counters"),
    ("offsite_counters", "offsite_counters"),
    ("staff", "staff"),
    ("terminals", "terminals"),
    ("weekend_days", "weekend_days"),
    ("capacity", "capacity"),
)
_TENTHS = ("certificate", "card")  # renewals of each kind are summed to the tenth


def area_series(table: PlanTable, months: Sequence[str]) -> FloatArray:
    """One stored renewal plan's :data:`AREA_SERIES` figures by month, (series, months): a
    figure the plan does not give counts 0, a month outside ``months`` is left out. Read once
    per revision; the area's sums are then whole-array additions (:func:`area_sums`)."""
    index = {month: j for j, month in enumerate(months)}
    at = [(k, index[month]) for k, month in enumerate(table.months) if month in index]
    out = np.zeros((len(AREA_SERIES), len(months)))
    if not at:
        return out
    own, into = (np.array(x, dtype=np.intp) for x in zip(*at, strict=True))
    for k, (_, column) in enumerate(AREA_SERIES):
        if column in table.extra:
            values = np.nan_to_num(table.extra[column][0], nan=0.0)
        elif column in table.counts:
            values = np.where(table.given[column][0], table.counts[column][0], 0)
        else:
            continue
        np.add.at(out[k], into, values[own])
    return out


def area_sums(series: Sequence[FloatArray], months: Sequence[str]) -> dict[str, list[Any]]:
    """The plans' :func:`area_series` summed over an area, month by month in the plans' order:
    renewals of each kind to the tenth, the other figures whole."""
    total = np.zeros((len(AREA_SERIES), len(months)))
    for one in series:
        total += one
    return {
        name: [round(v, 1) if name in _TENTHS else round(v) for v in total[k].tolist()]
        for k, (name, _) in enumerate(AREA_SERIES)
    }
