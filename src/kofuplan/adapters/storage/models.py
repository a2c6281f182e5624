"""Tables. Plans, review events, actuals, findings and advice are append-only: a row is never
updated in place, so every earlier state can be shown and nothing an editor typed is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kofuplan.domain.plan_table import PlanTable, rows_table


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Prefecture(Base):
    __tablename__ = "prefectures"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(16))


class Municipality(Base):
    __tablename__ = "municipalities"
    lg_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    pref_code: Mapped[str] = mapped_column(ForeignKey("prefectures.code"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    population: Mapped[int] = mapped_column(Integer)
    cards_issued_baseline: Mapped[int] = mapped_column(Integer)
    baseline_date: Mapped[dt.date] = mapped_column(Date)
    # The recent pace at the baseline (cards issued since the previous snapshot, and over how
    # many days): the engine derives the current counters from it, so the checks need it.
    recent_increase: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    recent_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # 特別区 / 指定都市 / 市 / 町 / 村 from the statistics: the focus designation groups by it.
    municipality_type: Mapped[str] = mapped_column(String(8), default="", server_default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # municipality | prefecture | ministry
    lg_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.lg_code"))
    pref_code: Mapped[str | None] = mapped_column(ForeignKey("prefectures.code"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set by a reset (a temporary password): every page asks for a new password first.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SignInEvent(Base):
    """The audit log of signing in: every success, failure, refusal while throttled, password
    change and reset (migration 0005). The throttle reads its recent failures from here, so it
    holds across server processes."""

    __tablename__ = "sign_in_events"
    __table_args__ = (
        Index("ix_sign_in_events_login_address", "login", "address", "at"),
        Index("ix_sign_in_events_address", "address", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    login: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    # success | failure | throttled | password_changed | password_reset
    outcome: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who reset it


class LoginSession(Base):
    """A signed-in browser or API client. The cookie carries the (signed) id; signing out
    ends the row, so a copied cookie stops working at once rather than at its expiry."""

    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PlanRevision(Base):
    """One saved state of a municipality's plan: the whole content, never edited.

    ``kind`` tells the issuance plan (2020–2023) from the renewal plan (更新, issue 17): each
    is a history of its own. ``seq`` counts revisions within a municipality and kind; the
    unique (lg_code, kind, seq) triple is what makes concurrent saves safe: two saves based on
    the same revision both want the same ``seq`` and the database lets only one of them in.
    """

    __tablename__ = "plan_revisions"
    __table_args__ = (
        UniqueConstraint("lg_code", "kind", "seq", name="uq_plan_revisions_lg_code_kind_seq"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lg_code: Mapped[str] = mapped_column(ForeignKey("municipalities.lg_code"), index=True)
    # issuance | renewal (migration 0007)
    kind: Mapped[str] = mapped_column(String(16), default="issuance", server_default="issuance")
    seq: Mapped[int] = mapped_column(Integer)
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("plan_revisions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # rows of plan_monthly.csv

    @property
    def table(self) -> PlanTable:
        """The plan as the services read it (the rows are ``table_rows``' rows)."""
        return rows_table(self.lg_code, self.content or [])


class InputRevision(Base):
    """One saved state of a municipality's own inputs: its profile figures (counters now,
    per-counter daily figures, office limit, weekend policy, costs, grant) and its promotion
    section (R2.4, R3.2–R3.4, R8.3). Kept like plan revisions: the whole content, never edited,
    a stale save refused through the unique (lg_code, seq) pair."""

    __tablename__ = "input_revisions"
    __table_args__ = (UniqueConstraint("lg_code", "seq", name="uq_input_revisions_lg_code_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lg_code: Mapped[str] = mapped_column(ForeignKey("municipalities.lg_code"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("input_revisions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The given fields only (kofuplan.services.municipal_inputs: the profile CSV's optional
    # and promotion columns, as JSON values); a field absent means "not given".
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReviewEvent(Base):
    """A change of review status (draft, submitted, returned, accepted) with its comment."""

    __tablename__ = "review_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lg_code: Mapped[str] = mapped_column(ForeignKey("municipalities.lg_code"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("plan_revisions.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # On a hand-in: the municipality's explanation (理由) of each error of the revision,
    # as [{code, month, message, reason}] (migration 0005).
    explanations: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class Actual(Base):
    """Monthly actual results as entered; the latest row per (lg_code, month) is current."""

    __tablename__ = "actuals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lg_code: Mapped[str] = mapped_column(ForeignKey("municipalities.lg_code"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    issued: Mapped[int] = mapped_column(Integer)
    backlog: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredFinding(Base):
    """A finding of the checks, as computed for one plan revision."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lg_code: Mapped[str] = mapped_column(ForeignKey("municipalities.lg_code"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("plan_revisions.id"), index=True)
    month: Mapped[str | None] = mapped_column(String(7))
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None]
    threshold: Mapped[float | None]
    message: Mapped[str] = mapped_column(Text)


class Advice(Base):
    """Advice a prefecture sent to one of its municipalities (R6.2)."""

    __tablename__ = "advice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lg_code: Mapped[str] = mapped_column(ForeignKey("municipalities.lg_code"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrefectureSubmission(Base):
    """A prefecture's submission of its municipalities' plans to the Ministry (R7.1)."""

    __tablename__ = "prefecture_submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pref_code: Mapped[str] = mapped_column(ForeignKey("prefectures.code"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revisions: Mapped[dict[str, Any]] = mapped_column(JSON)  # lg_code -> revision id


class Summary(Base):
    """A stored aggregate read by the national and prefecture pages (issue 14): ``scope`` is
    ``nation`` or ``pref:XX``. Every change of a plan, an actual, a status, an input or a
    submission bumps ``version`` in the same transaction; the aggregate is recomputed after
    the change (``computed_version`` says which version it holds) and read on view."""

    __tablename__ = "summaries"
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    computed_version: Mapped[int] = mapped_column(Integer, default=-1)
    computed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
