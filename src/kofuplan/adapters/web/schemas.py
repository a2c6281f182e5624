"""JSON shapes of the HTTP API (kept apart from the tables, as the full-stack template does)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Month = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


class LoginIn(BaseModel):
    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class SessionOut(BaseModel):
    login: str
    role: str
    lg_code: str | None
    pref_code: str | None
    home: str
    csrf_token: str
    must_change_password: bool = False


class ErrorOut(BaseModel):
    detail: str


class PlanRowEdit(BaseModel):
    """The cells an editor may change in one month; absent cells keep the base value."""

    month: str = Month
    issuance: int | None = Field(None, ge=0)
    dedicated_counters: int | None = Field(None, ge=0)
    combined_counters: int | None = Field(None, ge=0)
    offsite_counters: int | None = Field(None, ge=0)
    weekend_days: int | None = Field(None, ge=0)
    staff: int | None = Field(None, ge=0)
    terminals: int | None = Field(None, ge=0)


class PlanSaveIn(BaseModel):
    base_revision_id: int | None = Field(description="the revision the edits were made on")
    reason: str = Field("", max_length=2000)
    rows: list[PlanRowEdit] = Field(max_length=120)


class FindingOut(BaseModel):
    lg_code: str
    month: str | None
    code: str
    severity: str
    value: float | None
    threshold: float | None
    message: str


class RevisionOut(BaseModel):
    id: int
    kind: str = Field("issuance", description="issuance (交付) or renewal (更新) plan")
    seq: int
    base_revision_id: int | None
    reason: str
    created_at: dt.datetime
    author: str
    content: list[dict[str, Any]]


class PlanOut(BaseModel):
    lg_code: str
    name: str
    pref_code: str
    status: str
    target: int
    revision: RevisionOut | None
    findings: list[FindingOut] = Field(description="the editor's checks (EDIT_*)")
    review_findings: list[FindingOut] = Field(
        description="the prefecture's checks (R6.1 …, as `kofuplan check`)"
    )


class RenewalPlanOut(BaseModel):
    """A municipality's renewal plan (更新, FY2025–FY2030): the latest renewal revision, the
    findings of the checks that apply to renewals, the budget by fiscal year."""

    lg_code: str
    name: str
    pref_code: str
    months: list[str]
    revision: RevisionOut | None
    findings: list[FindingOut]
    fiscal_years: list[int]
    budget: dict[str, list[int]] = Field(description="item -> yen by fiscal year")
    revisions: list[dict[str, Any]] = Field(description="every renewal revision, newest first")


class RevisionSummary(BaseModel):
    id: int
    seq: int
    base_revision_id: int | None
    reason: str
    at: dt.datetime
    by: str
    changes: list[tuple[str, str, Any, Any]]
    base_seq: int | None = None


class ConflictOut(BaseModel):
    detail: str
    current_revision_id: int | None


class ActualIn(BaseModel):
    issued: int = Field(ge=0)
    backlog: int | None = Field(None, ge=0)


class ReviewIn(BaseModel):
    decision: Literal["accept", "return"]
    comment: str = Field("", max_length=4000)
    revision_id: int | None = Field(
        None, description="the revision reviewed (as shown); a newer one since gets 409"
    )


class HandInIn(BaseModel):
    comment: str = Field("", max_length=4000)
    explanations: dict[str, str] = Field(
        default_factory=dict,
        description="理由 for each error of the plan, keyed 'CODE|YYYY-MM' ('CODE|' for the "
        "whole plan); every error needs one",
    )


class StaleReviewOut(BaseModel):
    detail: str
    current_revision_id: int
    changes: list[tuple[str, str, Any, Any]]


class AdviceIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class CommentIn(BaseModel):
    comment: str = Field("", max_length=4000)


class StatusOut(BaseModel):
    lg_code: str
    status: str


class MunicipalityRow(BaseModel):
    lg_code: str
    name: str
    status: str
    comment: str
    revision_id: int | None
    errors: int
    warnings: int
    advice_sent: int
    finding_codes: list[str] = Field(
        default_factory=list, description="the codes of the prefecture's checks that fired"
    )


class PrefectureOut(BaseModel):
    pref_code: str
    name: str
    municipalities: list[MunicipalityRow]
    last_submission: dt.datetime | None
    renewal: dict[str, Any] = Field(
        default_factory=dict, description="the renewal plans summed (months, budget, findings)"
    )


class SubmissionOut(BaseModel):
    pref_code: str
    at: dt.datetime
    accepted: dict[str, int]
    not_accepted: list[str]


class NationOut(BaseModel):
    months: list[str]
    planned: list[int]
    actual: list[int | None]
    capacity: list[int]
    aim: int
    months_over_aim: list[str]
    coverage_by_pref: dict[str, float]
    pref_ranking: list[dict[str, Any]]
    focus: list[dict[str, Any]]
    promotion_by_pref: dict[str, dict[str, int]] = Field(
        description="forms mailed, events, convenience-store fee reductions by prefecture "
        "(the Ministry's survey of R2.4), from the municipalities' promotion sections"
    )
    promotion_total: dict[str, int]
    renewal: dict[str, Any] = Field(
        default_factory=dict, description="the renewal plans summed (months, budget, findings)"
    )


class EventIn(BaseModel):
    """An off-site application event (R3.3)."""

    model_config = ConfigDict(extra="forbid")
    month: str = Month
    days: int = Field(ge=0)
    applications_per_day: int = Field(ge=0)
    infection_control: bool = False


class MunicipalInputs(BaseModel):
    """The municipality's own inputs (the profile CSV's optional columns) and its promotion
    section (R2.4, R3.2–R3.4, R8.3); absent or null = not given (the default applies)."""

    model_config = ConfigDict(extra="forbid")
    dedicated_counters: int | None = Field(None, ge=0)
    dedicated_daily_per_counter: float | None = Field(None, gt=0)
    combined_counters: int | None = Field(None, ge=0)
    combined_daily_per_counter: float | None = Field(None, gt=0)
    staff: int | None = Field(None, ge=0)
    terminals: int | None = Field(None, ge=0)
    office_max_counters: int | None = Field(None, ge=0)
    weekend_policy: Literal["min", "all"] | None = None
    staff_month_yen: int | None = Field(None, ge=0)
    offsite_counter_month_yen: int | None = Field(None, ge=0)
    estimated_grant_yen: int | None = Field(None, ge=0)
    qr_mailing_forms: int | None = Field(None, ge=0)
    qr_mailing_months: list[str] | None = Field(None, max_length=120)
    offsite_events: list[EventIn] | None = Field(None, max_length=500)
    insurance_support_method: str | None = Field(None, max_length=2000)
    insurance_assist_share: float | None = Field(None, ge=0, le=1)
    evenings_per_month: int | None = Field(None, ge=0)
    evening_hours: float | None = Field(None, ge=0, le=24)
    konbini_offered: bool | None = None
    konbini_fee_counter_yen: int | None = Field(None, ge=0)
    konbini_fee_store_yen: int | None = Field(None, ge=0)
    konbini_reduction_from: dt.date | None = None


class InputsSaveIn(BaseModel):
    base_revision_id: int | None = Field(description="the inputs revision the edits were made on")
    reason: str = Field("", max_length=2000)
    inputs: MunicipalInputs


class InputRevisionOut(BaseModel):
    id: int
    seq: int
    base_revision_id: int | None
    reason: str
    created_at: dt.datetime
    author: str


class InputsOut(BaseModel):
    lg_code: str
    revision: InputRevisionOut | None = Field(description="null until the first save")
    inputs: MunicipalInputs
    review_findings: list[FindingOut] = Field(
        description="the prefecture's checks of the latest plan with these inputs"
    )


class InputRevisionFull(InputRevisionOut):
    inputs: MunicipalInputs
