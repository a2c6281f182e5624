"""Stored aggregates (``summaries``): which ones a change makes stale, claiming one to
recompute, storing the result.

Every transaction that adds a plan revision, an actual, a review event, an inputs revision or
a submission, or changes a municipality's figures, bumps the version of the national summary
and of the prefectures concerned just before it commits, so a stored aggregate is never taken
for current after a change. After the commit, listeners (the service's refresher) are told.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kofuplan.adapters.storage.models import (
    Actual,
    InputRevision,
    Municipality,
    PlanRevision,
    PrefectureSubmission,
    ReviewEvent,
    Summary,
    utcnow,
)
from kofuplan.services.ports import NATION, pref_scope

CLAIM_SECONDS = 120  # a recompute that has not finished by then is taken over
_LG_ROWS = (PlanRevision, Actual, ReviewEvent, InputRevision)
Listener = Callable[[set[str]], None]


def _scopes_of(objects: Iterable[Any]) -> set[str]:
    scopes: set[str] = set()
    for obj in objects:
        if isinstance(obj, (*_LG_ROWS, Municipality)):
            scopes.add(pref_scope(str(obj.lg_code)[:2]))
        elif isinstance(obj, PrefectureSubmission):
            scopes.add(pref_scope(obj.pref_code))
    if scopes:
        scopes.add(NATION)
    return scopes


def _after_flush(session: Session, _context: Any) -> None:
    scopes = _scopes_of([*session.new, *session.dirty])
    if scopes:
        session.info.setdefault("pending_scopes", set()).update(scopes)


def _before_commit(session: Session) -> None:
    # The versions are bumped last, just before the commit: the summary rows are then locked
    # (PostgreSQL) only for the commit itself, not while a save runs its checks.
    session.flush()  # before_commit comes before the commit's own flush
    scopes = session.info.pop("pending_scopes", None)
    if not scopes:
        return
    session.execute(
        update(Summary)
        .where(Summary.scope.in_(sorted(scopes)))
        .values(version=Summary.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.info.setdefault("stale_scopes", set()).update(scopes)


def watch(sessions: sessionmaker[Session]) -> list[Listener]:
    """Keep the summaries' versions for every session made by ``sessions``; returns the list
    of listeners called with the stale scopes after each such commit (add to it)."""
    listeners: list[Listener] = []
    lock = threading.Lock()

    def after_commit(session: Session) -> None:
        scopes = session.info.pop("stale_scopes", None)
        if scopes:
            with lock:
                called = list(listeners)
            for listener in called:
                listener(set(scopes))

    def after_rollback(session: Session, _transaction: Any) -> None:
        session.info.pop("stale_scopes", None)
        session.info.pop("pending_scopes", None)

    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", after_commit)
    event.listen(sessions, "after_soft_rollback", after_rollback)
    return listeners


def load(session: Session, scope: str) -> Summary | None:
    return session.get(Summary, scope)


def claim(session: Session, scope: str) -> int | None:
    """Claim ``scope`` for recomputing; its current version, or None when another process
    is at it (or it is current)."""
    now = utcnow()
    row = session.get(Summary, scope)
    if row is None:
        try:
            session.add(Summary(scope=scope, version=0, computed_version=-1))
            session.commit()
        except IntegrityError:  # another process created it first
            session.rollback()
    result = session.execute(
        update(Summary)
        .where(
            Summary.scope == scope,
            Summary.computed_version < Summary.version,
            (Summary.claimed_until.is_(None)) | (Summary.claimed_until < now),
        )
        .values(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    version = session.scalar(select(Summary.version).where(Summary.scope == scope))
    return int(version or 0)


def store(session: Session, scope: str, version: int, content: dict[str, Any]) -> None:
    session.execute(
        update(Summary)
        .where(Summary.scope == scope)
        .values(content=content, computed_version=version, computed_at=utcnow(), claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def release(session: Session, scope: str) -> None:
    """Give up a claim (a recompute that failed): the next change tries again."""
    session.rollback()
    session.execute(
        update(Summary)
        .where(Summary.scope == scope)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def stale_scopes(session: Session) -> list[str]:
    q = select(Summary.scope).where(Summary.computed_version < Summary.version)
    return list(session.scalars(q).all())
