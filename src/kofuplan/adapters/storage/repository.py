"""Queries and inserts over the tables. The use cases in ``kofuplan.services.workflow`` decide;
this module only reads and appends rows."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, defer

from kofuplan.adapters.storage.models import (
    Actual,
    Advice,
    InputRevision,
    LoginSession,
    Municipality,
    PlanRevision,
    Prefecture,
    PrefectureSubmission,
    ReviewEvent,
    SignInEvent,
    StoredFinding,
    User,
    utcnow,
)
from kofuplan.domain.findings import Finding

MAX_ID = 2**31 - 1  # INTEGER primary keys (PostgreSQL's int4)


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- places -------------------------------------------------------------------------
    def municipality(self, lg_code: str) -> Municipality | None:
        return self.session.get(Municipality, lg_code)

    def prefecture(self, code: str) -> Prefecture | None:
        return self.session.get(Prefecture, code)

    def prefectures(self) -> Sequence[Prefecture]:
        return self.session.scalars(select(Prefecture).order_by(Prefecture.code)).all()

    def municipalities(self, pref_code: str | None = None) -> Sequence[Municipality]:
        q = select(Municipality).order_by(Municipality.lg_code)
        if pref_code is not None:
            q = q.where(Municipality.pref_code == pref_code)
        return self.session.scalars(q).all()

    def upsert_prefecture(self, code: str, name: str) -> None:
        p = self.prefecture(code)
        if p is None:
            self.session.add(Prefecture(code=code, name=name))
        else:
            p.name = name

    def upsert_municipality(self, m: Municipality) -> None:
        self.session.merge(m)

    # --- users --------------------------------------------------------------------------
    def user(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def user_by_login(self, login: str) -> User | None:
        return self.session.scalars(select(User).where(User.login == login)).first()

    def login_session(self, session_id: str) -> LoginSession | None:
        return self.session.get(LoginSession, session_id)

    def start_login_session(self, user_id: int) -> str:
        session_id = secrets.token_urlsafe(32)
        self.session.add(LoginSession(id=session_id, user_id=user_id))
        self.session.commit()
        return session_id

    def end_login_session(self, session_id: str) -> None:
        row = self.login_session(session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = utcnow()
            self.session.commit()

    def end_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every open session of a user (after a reset or a password change)."""
        q = update(LoginSession).where(
            LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
        )
        if keep is not None:
            q = q.where(LoginSession.id != keep)
        self.session.execute(q.values(ended_at=utcnow()))

    def users_of(
        self, *, lg_code: str | None = None, pref_code: str | None = None
    ) -> Sequence[User]:
        """The accounts of a municipality, or a prefecture's own accounts."""
        q = select(User).order_by(User.login)
        if lg_code is not None:
            q = q.where(User.role == "municipality", User.lg_code == lg_code)
        else:
            q = q.where(User.role == "prefecture", User.pref_code == pref_code)
        return self.session.scalars(q).all()

    # --- sign-in audit log (also what the throttle counts) ------------------------------
    def add_sign_in_event(self, event: SignInEvent) -> None:
        self.session.add(event)

    def pair_sign_ins(
        self, login: str, address: str, since: dt.datetime, limit: int = 64
    ) -> list[tuple[str, dt.datetime]]:
        """(outcome, at) of a login from an address since ``since``, newest first."""
        q = (
            select(SignInEvent.outcome, SignInEvent.at)
            .where(
                SignInEvent.login == login,
                SignInEvent.address == address,
                SignInEvent.at >= since,
                SignInEvent.outcome.in_(("success", "failure")),
            )
            .order_by(SignInEvent.id.desc())
            .limit(limit)
        )
        return [(o, at) for o, at in self.session.execute(q).all()]

    def address_failures(
        self, address: str, since: dt.datetime, limit: int = 256
    ) -> list[dt.datetime]:
        q = (
            select(SignInEvent.at)
            .where(
                SignInEvent.address == address,
                SignInEvent.at >= since,
                SignInEvent.outcome == "failure",
            )
            .order_by(SignInEvent.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(q).all())

    def sign_in_events(self, login: str | None = None, limit: int = 500) -> Sequence[SignInEvent]:
        q = select(SignInEvent).order_by(SignInEvent.id.desc()).limit(limit)
        if login:
            q = q.where(SignInEvent.login == login)
        return self.session.scalars(q).all()

    def has_users(self) -> bool:
        return self.session.scalars(select(User.id).limit(1)).first() is not None

    def advice_counts(self, lg_codes: Iterable[str]) -> dict[str, int]:
        q = (
            select(Advice.lg_code, func.count(Advice.id))
            .where(Advice.lg_code.in_(list(lg_codes)))
            .group_by(Advice.lg_code)
        )
        return {lg: n for lg, n in self.session.execute(q).all()}

    def add_user(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    # --- plan revisions -----------------------------------------------------------------
    def revision(self, revision_id: int) -> PlanRevision | None:
        if not 0 < revision_id <= MAX_ID:  # beyond the column's range: no such revision
            return None
        return self.session.get(PlanRevision, revision_id)

    def latest_revision(self, lg_code: str, kind: str = "issuance") -> PlanRevision | None:
        q = (
            select(PlanRevision)
            .where(PlanRevision.lg_code == lg_code, PlanRevision.kind == kind)
            .order_by(PlanRevision.seq.desc())
            .limit(1)
        )
        return self.session.scalars(q).first()

    def revisions(
        self, lg_code: str, *, with_content: bool = True, kind: str = "issuance"
    ) -> Sequence[PlanRevision]:
        q = (
            select(PlanRevision)
            .where(PlanRevision.lg_code == lg_code, PlanRevision.kind == kind)
            .order_by(PlanRevision.seq.desc())
        )
        if not with_content:  # a history listing: the contents are large and not needed
            q = q.options(defer(PlanRevision.content, raiseload=True))
        return self.session.scalars(q).all()

    def _newest(self, lg_codes: Iterable[str] | None, kind: str) -> Any:
        """lg_code and seq of each municipality's newest revision of ``kind``."""
        newest = (
            select(PlanRevision.lg_code, func.max(PlanRevision.seq).label("seq"))
            .where(PlanRevision.kind == kind)
            .group_by(PlanRevision.lg_code)
        )
        if lg_codes is not None:
            newest = newest.where(PlanRevision.lg_code.in_(list(lg_codes)))
        return newest.subquery()

    def latest_revisions(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> dict[str, PlanRevision]:
        sub = self._newest(lg_codes, kind)
        q = select(PlanRevision).join(
            sub,
            (PlanRevision.lg_code == sub.c.lg_code)
            & (PlanRevision.seq == sub.c.seq)
            & (PlanRevision.kind == kind),
        )
        return {r.lg_code: r for r in self.session.scalars(q).all()}

    def latest_revision_heads(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> dict[str, tuple[int, dt.datetime]]:
        """lg_code -> (id, created_at) of its latest revision, without the contents."""
        sub = self._newest(lg_codes, kind)
        q = select(PlanRevision.lg_code, PlanRevision.id, PlanRevision.created_at).join(
            sub,
            (PlanRevision.lg_code == sub.c.lg_code)
            & (PlanRevision.seq == sub.c.seq)
            & (PlanRevision.kind == kind),
        )
        return {lg: (rid, at) for lg, rid, at in self.session.execute(q).all()}

    def revision_contents(self, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            q = select(PlanRevision.id, PlanRevision.content).where(PlanRevision.id.in_(chunk))
            out.update({rid: content for rid, content in self.session.execute(q).all()})
        return out

    def add_revision(self, revision: PlanRevision) -> PlanRevision:
        self.session.add(revision)
        self.session.flush()  # raises IntegrityError when another save took this seq first
        return revision

    # --- the municipality's own inputs (profile figures and promotion section) ----------
    def latest_inputs(self, lg_code: str) -> InputRevision | None:
        q = (
            select(InputRevision)
            .where(InputRevision.lg_code == lg_code)
            .order_by(InputRevision.seq.desc())
            .limit(1)
        )
        return self.session.scalars(q).first()

    def latest_inputs_of(self, lg_codes: Iterable[str] | None = None) -> dict[str, InputRevision]:
        newest = select(InputRevision.lg_code, func.max(InputRevision.seq).label("seq")).group_by(
            InputRevision.lg_code
        )
        if lg_codes is not None:
            newest = newest.where(InputRevision.lg_code.in_(list(lg_codes)))
        sub = newest.subquery()
        q = select(InputRevision).join(
            sub, (InputRevision.lg_code == sub.c.lg_code) & (InputRevision.seq == sub.c.seq)
        )
        return {r.lg_code: r for r in self.session.scalars(q).all()}

    def input_revisions(self, lg_code: str) -> Sequence[InputRevision]:
        q = (
            select(InputRevision)
            .where(InputRevision.lg_code == lg_code)
            .order_by(InputRevision.seq.desc())
        )
        return self.session.scalars(q).all()

    def add_inputs(self, revision: InputRevision) -> InputRevision:
        self.session.add(revision)
        self.session.flush()  # raises IntegrityError when another save took this seq first
        return revision

    # --- review status ------------------------------------------------------------------
    def events(self, lg_code: str) -> Sequence[ReviewEvent]:
        q = (
            select(ReviewEvent)
            .where(ReviewEvent.lg_code == lg_code)
            .order_by(ReviewEvent.id.desc())
        )
        return self.session.scalars(q).all()

    def latest_events(self, lg_codes: Iterable[str] | None = None) -> dict[str, ReviewEvent]:
        newest = select(func.max(ReviewEvent.id)).group_by(ReviewEvent.lg_code)
        if lg_codes is not None:
            newest = newest.where(ReviewEvent.lg_code.in_(list(lg_codes)))
        q = select(ReviewEvent).where(ReviewEvent.id.in_(newest))
        return {e.lg_code: e for e in self.session.scalars(q).all()}

    def add_event(self, event: ReviewEvent) -> None:
        self.session.add(event)

    # --- actuals, findings, advice, submissions -----------------------------------------
    def actuals(self, lg_code: str) -> dict[str, Actual]:
        q = select(Actual).where(Actual.lg_code == lg_code).order_by(Actual.id)
        return {a.month: a for a in self.session.scalars(q).all()}

    def all_actuals(self, lg_codes: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
        newest = select(func.max(Actual.id)).group_by(Actual.lg_code, Actual.month)
        if lg_codes is not None:
            newest = newest.where(Actual.lg_code.in_(list(lg_codes)))
        q = select(Actual.lg_code, Actual.month, Actual.issued).where(Actual.id.in_(newest))
        out: dict[str, dict[str, int]] = {}
        for lg, month, issued in self.session.execute(q).all():
            out.setdefault(lg, {})[month] = issued
        return out

    def add_actual(self, actual: Actual) -> None:
        self.session.add(actual)

    def findings(self, revision_id: int) -> Sequence[StoredFinding]:
        q = select(StoredFinding).where(StoredFinding.revision_id == revision_id)
        return self.session.scalars(q.order_by(StoredFinding.id)).all()

    def add_findings(self, revision_id: int, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.session.add(
                StoredFinding(
                    lg_code=f.lg_code,
                    revision_id=revision_id,
                    month=f.month,
                    code=f.code,
                    severity=f.severity,
                    value=f.value,
                    threshold=f.threshold,
                    message=f.message,
                )
            )

    def advice(self, lg_code: str) -> Sequence[Advice]:
        q = select(Advice).where(Advice.lg_code == lg_code).order_by(Advice.id.desc())
        return self.session.scalars(q).all()

    def add_advice(self, advice: Advice) -> None:
        self.session.add(advice)

    def latest_submissions(self) -> dict[str, PrefectureSubmission]:
        newest = select(func.max(PrefectureSubmission.id)).group_by(PrefectureSubmission.pref_code)
        q = select(PrefectureSubmission).where(PrefectureSubmission.id.in_(newest))
        return {s.pref_code: s for s in self.session.scalars(q).all()}

    def add_submission(self, submission: PrefectureSubmission) -> None:
        self.session.add(submission)

    def user_logins(self, ids: Iterable[int | None]) -> dict[int, str]:
        wanted = [i for i in set(ids) if i is not None]
        if not wanted:
            return {}
        q = select(User.id, User.login).where(User.id.in_(wanted))
        return {uid: login for uid, login in self.session.execute(q).all()}


def as_dict(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}
