"""JSON shapes of the HTTP API (kept apart from the tables, as the full-stack template does)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

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


class RevisionSummary(BaseModel):
    id: int
    seq: int
    base_revision_id: int | None
    reason: str
    at: dt.datetime
    by: str
    changes: list[tuple[str, str, Any, Any]]


class ConflictOut(BaseModel):
    detail: str
    current_revision_id: int | None


class ActualIn(BaseModel):
    issued: int = Field(ge=0)
    backlog: int | None = Field(None, ge=0)


class ReviewIn(BaseModel):
    decision: Literal["accept", "return"]
    comment: str = Field("", max_length=4000)


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


class PrefectureOut(BaseModel):
    pref_code: str
    name: str
    municipalities: list[MunicipalityRow]
    last_submission: dt.datetime | None


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
