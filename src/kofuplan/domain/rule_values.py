"""Typed rules: one frozen dataclass per rules file, built from the dated YAML at a day
(``Snapshot``), in the manner of :meth:`kofuplan.domain.waits.QueueingParameters.from_rules`.

A key mistyped or a value of the wrong kind fails here, once, where the rules are read, rather
than as a ``KeyError`` deep in a check; code that takes these types is checked by mypy. Code
reads a rule as ``CapacityRules.from_rules(params).staff_per_dedicated_counter``, never by its
string key (issue 12; ``tests/unit/test_issue12_typed_rules.py`` fails on a string-key lookup
in ``src`` and on a rules file whose class does not read each of its keys).

The files and their classes: ``actuals`` :class:`ActualsRules`, ``bounds``
:class:`~kofuplan.domain.plan_form.PlanBounds`, ``calendar`` :class:`CalendarRules`,
``campaigns`` :class:`CampaignsRules`, ``capacity`` :class:`CapacityRules`, ``checks``
:class:`CheckRules`, ``core_cities`` :class:`CoreCitiesRules`, ``costs`` :class:`CostRules`,
``demand`` :class:`~kofuplan.domain.demand.DemandRules`, ``excel`` :class:`ExcelRules`,
``focus`` :class:`FocusRules`, ``followup`` :class:`FollowupRules`, ``national``
:class:`NationalRules`, ``optimal`` :class:`OptimalRules`, ``plan`` :class:`PlanRules`,
``promotion`` :class:`PromotionRules`, ``queueing``
:class:`~kofuplan.domain.waits.QueueingParameters`, ``renewal``
:class:`~kofuplan.domain.renewal.RenewalRules`, ``risk`` :class:`RiskRules`, ``staffing``
:class:`StaffingRules`. The service's own settings (password hashing, the summaries' refresh)
are not rules: ``kofuplan.adapters.web.settings.Settings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ActualsRules",
    "CalendarRules",
    "CampaignsRules",
    "CapacityRules",
    "CheckRules",
    "CoreCitiesRules",
    "CostRules",
    "ExcelRules",
    "FocusRules",
    "FollowupRules",
    "NationalRules",
    "OptimalRules",
    "PlanRules",
    "PromotionRules",
    "RiskRules",
    "StaffingRules",
    "rule_file",
]


class RuleFile:
    """One rules file's values in a snapshot, addressed by their names within the file: the
    only place a rule's ``<file>.<name>`` key is spelled."""

    __slots__ = ("_rules", "_stem")

    def __init__(self, rules: Mapping[str, Any], stem: str) -> None:
        self._rules = rules
        self._stem = stem

    def __getitem__(self, name: str) -> Any:
        return self._rules[f"{self._stem}.{name}"]


def rule_file(rules: Mapping[str, Any], stem: str) -> RuleFile:
    """``rules/<stem>.yaml`` in the snapshot ``rules`` (``load_rules().at(day)``)."""
    return RuleFile(rules, stem)


def as_date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


@dataclass(frozen=True)
class ActualsRules:
    """``rules/actuals.yaml``: how the published statistics map to months."""

    snapshot_convention: str  # first_of_next_month | month_end
    population_reference_date: dt.date

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> ActualsRules:
        r = rule_file(rules, "actuals")
        return cls(
            snapshot_convention=str(r["snapshot_convention"]),
            population_reference_date=as_date(r["population_reference_date"]),
        )


@dataclass(frozen=True)
class CheckRules:
    """``rules/checks.yaml``: the prefecture's checks (R6.1) and the submission (R7.1)."""

    nearly_all_share: float
    submission_deadline: dt.date

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CheckRules:
        r = rule_file(rules, "checks")
        return cls(
            nearly_all_share=float(r["nearly_all_share"]),
            submission_deadline=as_date(r["submission_deadline"]),
        )


@dataclass(frozen=True)
class StaffingRules:
    """``rules/staffing.yaml``: recruiting and fiscal-year appointments."""

    recruit_lead_months: int
    transfer_share: float  # of today's card staff, movable from other sections
    term_end_month: int  # the month appointments end (3: March)

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> StaffingRules:
        r = rule_file(rules, "staffing")
        return cls(
            recruit_lead_months=int(r["recruit_lead_months"]),
            transfer_share=float(r["transfer_share"]),
            term_end_month=int(r["term_end_month"]),
        )


@dataclass(frozen=True)
class NationalRules:
    """``rules/national.yaml``: the nation's aims (R8.2, R8.4)."""

    monthly_issuance_aim: int
    daily_pace_now: int
    daily_pace_multiplier: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> NationalRules:
        r = rule_file(rules, "national")
        return cls(
            monthly_issuance_aim=int(r["monthly_issuance_aim"]),
            daily_pace_now=int(r["daily_pace_now"]),
            daily_pace_multiplier=float(r["daily_pace_multiplier"]),
        )


@dataclass(frozen=True)
class PromotionRules:
    """``rules/promotion.yaml``."""

    qr_mailing_deadline: str  # YYYY-MM

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> PromotionRules:
        return cls(qr_mailing_deadline=str(rule_file(rules, "promotion")["qr_mailing_deadline"]))


@dataclass(frozen=True)
class CapacityRules:
    """``rules/capacity.yaml``: default throughputs and what a counter takes."""

    dedicated_daily_per_counter: float
    combined_daily_per_counter: float
    combined_card_share_by_month: Mapping[int, float]
    default_combined_counters: int
    office_headroom_factor: float
    staff_per_dedicated_counter: float
    staff_per_combined_counter: float
    terminals_per_counter: float
    presetup_cards_per_staff_day: float
    presetup_terminals_per_staff: float
    counter_hours_per_day: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CapacityRules:
        r = rule_file(rules, "capacity")

        def number(key: str) -> float:
            return float(r[key])

        share = r["combined_card_share_by_month"]
        return cls(
            dedicated_daily_per_counter=number("dedicated_daily_per_counter"),
            combined_daily_per_counter=number("combined_daily_per_counter"),
            combined_card_share_by_month={int(k): float(v) for k, v in share.items()},
            default_combined_counters=int(r["default_combined_counters"]),
            office_headroom_factor=number("office_headroom_factor"),
            staff_per_dedicated_counter=number("staff_per_dedicated_counter"),
            staff_per_combined_counter=number("staff_per_combined_counter"),
            terminals_per_counter=number("terminals_per_counter"),
            presetup_cards_per_staff_day=number("presetup_cards_per_staff_day"),
            presetup_terminals_per_staff=number("presetup_terminals_per_staff"),
            counter_hours_per_day=number("counter_hours_per_day"),
        )


@dataclass(frozen=True)
class CostRules:
    """``rules/costs.yaml``: unit costs and the grant per card, in yen."""

    staff_month_yen: int
    counter_month_yen: int
    offsite_counter_month_yen: int
    terminal_month_yen: int
    notice_postage_yen: int
    grant_per_cap_yen: int
    staff_hire_yen: int
    staff_release_yen: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CostRules:
        r = rule_file(rules, "costs")
        return cls(**{name: int(r[name]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PlanRules:
    """``rules/plan.yaml``: the plan's period, target and method."""

    period_start: str  # YYYY-MM
    period_end: str
    baseline_date: dt.date
    target_share_of_population: float
    default_method: str
    feasible_pace_multiple: float
    needed_ramp_months: int
    max_staff_change_share: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> PlanRules:
        r = rule_file(rules, "plan")
        return cls(
            period_start=str(r["period_start"]),
            period_end=str(r["period_end"]),
            baseline_date=as_date(r["baseline_date"]),
            target_share_of_population=float(r["target_share_of_population"]),
            default_method=str(r["default_method"]),
            feasible_pace_multiple=float(r["feasible_pace_multiple"]),
            needed_ramp_months=int(r["needed_ramp_months"]),
            max_staff_change_share=float(r["max_staff_change_share"]),
        )


@dataclass(frozen=True)
class CalendarRules:
    """``rules/calendar.yaml``: the year-end closure and the weekend days a week asked for."""

    closure_days: tuple[str, ...]  # MM-DD
    weekend_days_per_week: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CalendarRules:
        r = rule_file(rules, "calendar")
        return cls(
            closure_days=tuple(str(d) for d in r["closure_days"]),
            weekend_days_per_week=int(r["weekend_days_per_week"]),
        )


@dataclass(frozen=True)
class CampaignsRules:
    """``rules/campaigns.yaml``: the national campaigns as dated entries (read with
    :func:`kofuplan.domain.demand.campaigns_known`) and the non-holders they are shared by."""

    national: tuple[Mapping[str, Any], ...]
    national_non_holders: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CampaignsRules:
        r = rule_file(rules, "campaigns")
        return cls(
            national=tuple(r["national"]),
            national_non_holders=int(r["national_non_holders"]),
        )


@dataclass(frozen=True)
class RiskRules:
    """``rules/risk.yaml``: the Monte Carlo of the backlog risk."""

    response_low: float  # the campaign response multiplier's band
    response_high: float
    draws: int
    draws_ceiling: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> RiskRules:
        r = rule_file(rules, "risk")
        band = r["campaign_response_multiplier"]
        return cls(
            response_low=float(band["low"]),
            response_high=float(band["high"]),
            draws=int(r["draws"]),
            draws_ceiling=int(r["draws_ceiling"]),
        )


@dataclass(frozen=True)
class FollowupRules:
    """``rules/followup.yaml``: the monthly follow-up's thresholds (R6.2)."""

    behind_tolerance: float
    backlog_months_of_issuance: float
    slow_median_days: float
    focus_first_month: str  # YYYY-MM: the focus designation applies from this month

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> FollowupRules:
        r = rule_file(rules, "followup")
        return cls(
            behind_tolerance=float(r["behind_tolerance"]),
            backlog_months_of_issuance=float(r["backlog_months_of_issuance"]),
            slow_median_days=float(r["slow_median_days"]),
            focus_first_month=str(r["focus_first_month"]),
        )


@dataclass(frozen=True)
class FocusRules:
    """``rules/focus.yaml``: the focus groups' city threshold."""

    large_city_population: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> FocusRules:
        return cls(large_city_population=int(rule_file(rules, "focus")["large_city_population"]))


@dataclass(frozen=True)
class CoreCitiesRules:
    """``rules/core_cities.yaml``: the core cities (中核市) with the day each designation holds
    from."""

    designated: Mapping[str, Mapping[str, Any]]  # lg_code -> {name, pref, since}

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CoreCitiesRules:
        return cls(designated=rule_file(rules, "core_cities")["designated"])


@dataclass(frozen=True)
class ExcelRules:
    """``rules/excel.yaml``: what a workbook may hold before it is refused, and the template's
    spare rows."""

    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: float
    max_zip_members: int
    max_budget_rows: int
    max_event_rows: int
    spare_event_rows: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> ExcelRules:
        r = rule_file(rules, "excel")
        return cls(
            max_file_bytes=int(r["max_file_bytes"]),
            max_uncompressed_bytes=int(r["max_uncompressed_bytes"]),
            max_compression_ratio=float(r["max_compression_ratio"]),
            max_zip_members=int(r["max_zip_members"]),
            max_budget_rows=int(r["max_budget_rows"]),
            max_event_rows=int(r["max_event_rows"]),
            spare_event_rows=int(r["spare_event_rows"]),
        )


@dataclass(frozen=True)
class OptimalRules:
    """``rules/optimal.yaml``: the optimum's own costs and solver settings."""

    weekend_staff_day_yen: int
    late_card_month_penalty_yen: int
    mip_rel_gap: float
    staff_levels: int
    states_per_level: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> OptimalRules:
        r = rule_file(rules, "optimal")
        return cls(
            weekend_staff_day_yen=int(r["weekend_staff_day_yen"]),
            late_card_month_penalty_yen=int(r["late_card_month_penalty_yen"]),
            mip_rel_gap=float(r["mip_rel_gap"]),
            staff_levels=int(r["staff_levels"]),
            states_per_level=int(r["states_per_level"]),
        )
