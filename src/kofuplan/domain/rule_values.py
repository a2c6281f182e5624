"""Typed rules: one frozen dataclass per rules file, built from the dated YAML at a day
(``Snapshot``), in the manner of :meth:`kofuplan.domain.waits.QueueingParameters.from_rules`.

A key mistyped or a value of the wrong kind fails here, once, where the rules are read, rather
than as a ``KeyError`` deep in a check; code that takes these types is checked by mypy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CheckRules:
    """``rules/checks.yaml``: the prefecture's checks (R6.1) and the submission (R7.1)."""

    nearly_all_share: float
    submission_deadline: dt.date

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CheckRules:
        deadline = rules["checks.submission_deadline"]
        return cls(
            nearly_all_share=float(rules["checks.nearly_all_share"]),
            submission_deadline=deadline
            if isinstance(deadline, dt.date)
            else dt.date.fromisoformat(str(deadline)),
        )


@dataclass(frozen=True)
class StaffingRules:
    """``rules/staffing.yaml``."""

    recruit_lead_months: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> StaffingRules:
        return cls(recruit_lead_months=int(rules["staffing.recruit_lead_months"]))


@dataclass(frozen=True)
class NationalRules:
    """``rules/national.yaml``: the nation's aims (R8.2, R8.4)."""

    monthly_issuance_aim: int
    daily_pace_now: int
    daily_pace_multiplier: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> NationalRules:
        return cls(
            monthly_issuance_aim=int(rules["national.monthly_issuance_aim"]),
            daily_pace_now=int(rules["national.daily_pace_now"]),
            daily_pace_multiplier=float(rules["national.daily_pace_multiplier"]),
        )


@dataclass(frozen=True)
class PromotionRules:
    """``rules/promotion.yaml``."""

    qr_mailing_deadline: str  # YYYY-MM

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> PromotionRules:
        return cls(qr_mailing_deadline=str(rules["promotion.qr_mailing_deadline"]))


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
        def number(key: str) -> float:
            return float(rules[f"capacity.{key}"])

        share = rules["capacity.combined_card_share_by_month"]
        return cls(
            dedicated_daily_per_counter=number("dedicated_daily_per_counter"),
            combined_daily_per_counter=number("combined_daily_per_counter"),
            combined_card_share_by_month={int(k): float(v) for k, v in share.items()},
            default_combined_counters=int(rules["capacity.default_combined_counters"]),
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

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CostRules:
        return cls(**{name: int(rules[f"costs.{name}"]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PlanRules:
    """``rules/plan.yaml``: the plan's period, target and method."""

    period_start: str  # YYYY-MM
    period_end: str
    target_share_of_population: float
    default_method: str
    feasible_pace_multiple: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> PlanRules:
        return cls(
            period_start=str(rules["plan.period_start"]),
            period_end=str(rules["plan.period_end"]),
            target_share_of_population=float(rules["plan.target_share_of_population"]),
            default_method=str(rules["plan.default_method"]),
            feasible_pace_multiple=float(rules["plan.feasible_pace_multiple"]),
        )


@dataclass(frozen=True)
class CalendarRules:
    """``rules/calendar.yaml``: the year-end closure and the weekend days a week asked for."""

    closure_days: tuple[str, ...]  # MM-DD
    weekend_days_per_week: int

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> CalendarRules:
        return cls(
            closure_days=tuple(str(d) for d in rules["calendar.closure_days"]),
            weekend_days_per_week=int(rules["calendar.weekend_days_per_week"]),
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
        band = rules["risk.campaign_response_multiplier"]
        return cls(
            response_low=float(band["low"]),
            response_high=float(band["high"]),
            draws=int(rules["risk.draws"]),
            draws_ceiling=int(rules["risk.draws_ceiling"]),
        )


@dataclass(frozen=True)
class ServiceRules:
    """``rules/service.yaml``: the password policy (NIST SP 800-63B, OWASP's argon2id minimum)
    and how often the summaries are recomputed. The server's limits are ``Settings``."""

    password_min_length: int
    argon2_memory_kib: int
    argon2_time_cost: int
    argon2_parallelism: int
    summary_refresh_seconds: float

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> ServiceRules:
        return cls(
            password_min_length=int(rules["service.password_min_length"]),
            argon2_memory_kib=int(rules["service.argon2_memory_kib"]),
            argon2_time_cost=int(rules["service.argon2_time_cost"]),
            argon2_parallelism=int(rules["service.argon2_parallelism"]),
            summary_refresh_seconds=float(rules["service.summary_refresh_seconds"]),
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
        return cls(
            behind_tolerance=float(rules["followup.behind_tolerance"]),
            backlog_months_of_issuance=float(rules["followup.backlog_months_of_issuance"]),
            slow_median_days=float(rules["followup.slow_median_days"]),
            focus_first_month=str(rules["followup.focus_first_month"]),
        )


@dataclass(frozen=True)
class FocusRules:
    """``rules/focus.yaml`` and ``rules/core_cities.yaml``: the focus groups' city threshold
    and the core cities (中核市) with the day each designation holds from."""

    large_city_population: int
    core_cities: Mapping[str, Mapping[str, Any]]  # lg_code -> {since: date, …}

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> FocusRules:
        return cls(
            large_city_population=int(rules["focus.large_city_population"]),
            core_cities=rules["core_cities.designated"],
        )


@dataclass(frozen=True)
class RenewalPeriod:
    """``rules/renewal.yaml``: the months a renewal plan covers (the rest of the file is
    :class:`kofuplan.domain.renewal.RenewalRules`)."""

    period_start: str  # YYYY-MM
    period_end: str

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> RenewalPeriod:
        return cls(str(rules["renewal.period_start"]), str(rules["renewal.period_end"]))
