"""Queries and inserts over the tables: the SQLAlchemy implementation of the stores of
``kofuplan.services.ports`` (one :class:`Repository` serves them all), and the unit of work
that owns the session's commit and rollback. The use cases decide; the repository only reads
and appends rows, and never commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable, Collection, Iterable, Sequence
from types import TracebackType
from typing import Any, Self

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from kofuplan.adapters.storage import summary_store
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
    Summary,
    User,
    utcnow,
)
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_table import PlanTable, rows_table, table_rows
from kofuplan.services import ports
from kofuplan.services.ports import MunicipalityData, RevisionTaken

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

    def put_prefecture(self, code: str, name: str) -> None:
        p = self.prefecture(code)
        if p is None:
            self.session.add(Prefecture(code=code, name=name))
        else:
            p.name = name

    def put_municipality(self, m: MunicipalityData) -> None:
        self.session.merge(Municipality(**dataclasses.asdict(m)))

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
        return session_id

    def end_login_session(self, session_id: str) -> None:
        row = self.login_session(session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = utcnow()

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
    def add_sign_in_event(
        self,
        *,
        login: str,
        address: str,
        outcome: str,
        user_id: int | None = None,
        actor_id: int | None = None,
    ) -> None:
        self.session.add(
            SignInEvent(
                login=login, address=address, outcome=outcome, user_id=user_id, actor_id=actor_id
            )
        )

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

    def add_user(
        self,
        *,
        login: str,
        password_hash: str,
        role: str,
        lg_code: str | None,
        pref_code: str | None,
    ) -> User:
        user = User(
            login=login,
            password_hash=password_hash,
            role=role,
            lg_code=lg_code,
            pref_code=pref_code,
            created_at=utcnow(),
            must_change_password=False,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def set_password(
        self,
        user_id: int,
        password_hash: str,
        *,
        must_change: bool | None = None,
        changed_at: dt.datetime | None = None,
    ) -> None:
        user = self.session.get(User, user_id)
        if user is None:
            return
        user.password_hash = password_hash
        if must_change is not None:
            user.must_change_password = must_change
        if changed_at is not None:
            user.password_changed_at = changed_at

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

    def revision_tables(
        self, ids: Sequence[int], columns: Collection[str] | None = None
    ) -> dict[int, PlanTable]:
        out: dict[int, PlanTable] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            q = select(PlanRevision.id, PlanRevision.lg_code, PlanRevision.content).where(
                PlanRevision.id.in_(chunk)
            )
            out.update(
                {rid: rows_table(lg, rows, columns) for rid, lg, rows in self.session.execute(q)}
            )
        return out

    def add_revision(
        self,
        *,
        lg_code: str,
        seq: int,
        base_revision_id: int | None,
        author_id: int | None,
        reason: str,
        table: PlanTable,
        kind: str = "issuance",
    ) -> PlanRevision:
        revision = PlanRevision(
            lg_code=lg_code,
            kind=kind,
            seq=seq,
            base_revision_id=base_revision_id,
            author_id=author_id,
            reason=reason,
            content=table_rows(table).get(lg_code, []),
        )
        self._append(revision)
        return revision

    def _append(self, row: Any) -> None:
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError:  # another save took this seq first
            raise RevisionTaken("another save took this revision number") from None

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

    def add_inputs(
        self,
        *,
        lg_code: str,
        seq: int,
        base_revision_id: int | None,
        author_id: int | None,
        reason: str,
        content: dict[str, Any],
    ) -> InputRevision:
        revision = InputRevision(
            lg_code=lg_code,
            seq=seq,
            base_revision_id=base_revision_id,
            author_id=author_id,
            reason=reason,
            content=content,
        )
        self._append(revision)
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

    def add_event(
        self,
        *,
        lg_code: str,
        status: str,
        revision_id: int | None,
        actor_id: int | None,
        comment: str,
        explanations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.session.add(
            ReviewEvent(
                lg_code=lg_code,
                status=status,
                revision_id=revision_id,
                actor_id=actor_id,
                comment=comment,
                explanations=explanations,
            )
        )

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

    def add_actual(
        self,
        *,
        lg_code: str,
        month: str,
        issued: int,
        backlog: int | None,
        author_id: int | None,
    ) -> None:
        self.session.add(
            Actual(
                lg_code=lg_code, month=month, issued=issued, backlog=backlog, author_id=author_id
            )
        )

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

    def add_advice(self, *, lg_code: str, author_id: int | None, text: str) -> Advice:
        advice = Advice(lg_code=lg_code, author_id=author_id, text=text)
        self.session.add(advice)
        self.session.flush()
        return advice

    def latest_submissions(self) -> dict[str, PrefectureSubmission]:
        newest = select(func.max(PrefectureSubmission.id)).group_by(PrefectureSubmission.pref_code)
        q = select(PrefectureSubmission).where(PrefectureSubmission.id.in_(newest))
        return {s.pref_code: s for s in self.session.scalars(q).all()}

    def add_submission(
        self, *, pref_code: str, author_id: int | None, revisions: dict[str, Any]
    ) -> PrefectureSubmission:
        submission = PrefectureSubmission(
            pref_code=pref_code, author_id=author_id, revisions=revisions
        )
        self.session.add(submission)
        self.session.flush()
        return submission

    def user_logins(self, ids: Iterable[int | None]) -> dict[int, str]:
        wanted = [i for i in set(ids) if i is not None]
        if not wanted:
            return {}
        q = select(User.id, User.login).where(User.id.in_(wanted))
        return {uid: login for uid, login in self.session.execute(q).all()}


class SqlSummaries:
    """The summaries table (``summary_store``): a claim and a stored result are their own
    short transactions, as other processes must see them at once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self, scope: str) -> Summary | None:
        return self.session.get(Summary, scope, populate_existing=True)

    def claim(self, scope: str) -> int | None:
        return summary_store.claim(self.session, scope)

    def store(self, scope: str, version: int, content: dict[str, Any]) -> None:
        summary_store.store(self.session, scope, version, content)

    def release(self, scope: str) -> None:
        summary_store.release(self.session, scope)


class SqlUnitOfWork:
    """One session: the stores over it, its commit and its rollback. Leaving the ``with``
    block rolls back whatever was not committed, and closes the session."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions
        self.session = sessions()
        repo = Repository(self.session)
        self.places = self.plans = self.inputs = self.reviews = self.accounts = repo
        self.summaries = SqlSummaries(self.session)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def _implements(
    r: Repository, u: SqlUnitOfWork
) -> tuple[
    ports.PlaceStore,
    ports.PlanStore,
    ports.InputsStore,
    ports.ReviewStore,
    ports.AccountStore,
    ports.SummaryStore,
    ports.UnitOfWork,
]:
    """Never called: mypy checks here that this store implements every port."""
    return r, r, r, r, r, u.summaries, u
