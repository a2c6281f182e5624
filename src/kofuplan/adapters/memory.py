"""An in-memory implementation of the stores of ``kofuplan.services.ports``: what the service
tests run the use cases on, without a database or a server. It keeps the SQL store's contract
(``tests/unit/test_store_contract.py`` runs the same tests over both): append-only revisions
with a unique number per municipality, newest-first listings, a unit of work whose changes
are seen by others only after its commit and are dropped by a rollback, and summaries marked
stale by every change they sum.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import secrets
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, cast

from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_table import PlanTable, rows_table, table_rows
from kofuplan.services import ports
from kofuplan.services.ports import (
    NATION,
    MunicipalityData,
    RevisionTaken,
    SummaryListener,
    pref_scope,
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Prefecture:
    code: str
    name: str


@dataclass
class Municipality:
    lg_code: str
    pref_code: str
    name: str
    population: int
    cards_issued_baseline: int
    baseline_date: dt.date
    recent_increase: int = 0
    recent_days: int = 0
    municipality_type: str = ""


@dataclass
class User:
    id: int
    login: str
    password_hash: str
    role: str
    lg_code: str | None
    pref_code: str | None
    created_at: dt.datetime = field(default_factory=_now)
    must_change_password: bool = False
    password_changed_at: dt.datetime | None = None


@dataclass
class LoginSession:
    id: str
    user_id: int
    created_at: dt.datetime = field(default_factory=_now)
    ended_at: dt.datetime | None = None


@dataclass
class SignInEvent:
    id: int
    login: str
    address: str
    outcome: str
    user_id: int | None = None
    actor_id: int | None = None
    at: dt.datetime = field(default_factory=_now)


@dataclass
class PlanRevision:
    id: int
    lg_code: str
    seq: int
    base_revision_id: int | None
    author_id: int | None
    reason: str
    rows: list[dict[str, Any]]  # as the SQL store keeps them (``table_rows``)
    created_at: dt.datetime = field(default_factory=_now)
    kind: str = "issuance"

    @property
    def table(self) -> PlanTable:
        return rows_table(self.lg_code, self.rows)


@dataclass
class InputRevision:
    id: int
    lg_code: str
    seq: int
    base_revision_id: int | None
    author_id: int | None
    reason: str
    content: dict[str, Any]
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class ReviewEvent:
    id: int
    lg_code: str
    status: str
    revision_id: int | None
    actor_id: int | None
    comment: str
    explanations: list[dict[str, Any]] | None = None
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class Actual:
    id: int
    lg_code: str
    month: str
    issued: int
    backlog: int | None
    author_id: int | None
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class Advice:
    id: int
    lg_code: str
    author_id: int | None
    text: str
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class Submission:
    id: int
    pref_code: str
    author_id: int | None
    revisions: dict[str, Any]
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class StoredFinding:
    revision_id: int
    finding: Finding


@dataclass
class Summary:
    scope: str
    version: int = 0
    computed_version: int = -1
    computed_at: dt.datetime | None = None
    claimed_until: dt.datetime | None = None
    content: dict[str, Any] | None = None


@dataclass
class Tables:
    """Everything stored; a unit of work works on a copy of the containers. Records are
    never changed in place: a change replaces the record (``dataclasses.replace``)."""

    prefectures: dict[str, Prefecture] = field(default_factory=dict)
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    login_sessions: dict[str, LoginSession] = field(default_factory=dict)
    sign_in_events: list[SignInEvent] = field(default_factory=list)
    plan_revisions: list[PlanRevision] = field(default_factory=list)
    input_revisions: list[InputRevision] = field(default_factory=list)
    review_events: list[ReviewEvent] = field(default_factory=list)
    actuals: list[Actual] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    findings: list[StoredFinding] = field(default_factory=list)
    summaries: dict[str, Summary] = field(default_factory=dict)


class MemoryStorage:
    """The in-memory store (``kofuplan.services.ports.Storage``)."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.lock = threading.Lock()
        self._listeners: list[SummaryListener] = []
        self.key = f"memory:{id(self)}"
        self.commits = 0  # how many units of work committed (tests: nothing half-written)
        self._next_id = 0
        self.reserved: dict[tuple[str, str, int], MemoryUnitOfWork] = {}  # appended, uncommitted

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    @property
    def summary_listeners(self) -> list[SummaryListener]:
        return self._listeners

    def init(self) -> None:
        pass

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    def copy(self) -> MemoryStorage:
        """Another store holding what this one holds (tests: one seeded store, a copy each);
        the records are shared, as none is changed in place."""
        other = MemoryStorage()
        with self.lock:
            other.tables = _shallow(self.tables)
            other.tables.summaries = {k: copy.copy(v) for k, v in self.tables.summaries.items()}
            other._next_id = self._next_id
        return other


class MemoryRepository:
    """Every store of the ports over one unit of work's tables."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def t(self) -> Tables:
        return self._uow.tables

    def _touch(self, pref_code: str) -> None:
        self._uow.stale |= {NATION, pref_scope(pref_code)}

    # --- places ---------------------------------------------------------------------------
    def prefecture(self, code: str) -> Prefecture | None:
        return self.t.prefectures.get(code)

    def prefectures(self) -> Sequence[Prefecture]:
        return [self.t.prefectures[c] for c in sorted(self.t.prefectures)]

    def municipality(self, lg_code: str) -> Municipality | None:
        return self.t.municipalities.get(lg_code)

    def municipalities(self, pref_code: str | None = None) -> Sequence[Municipality]:
        return [
            m
            for c, m in sorted(self.t.municipalities.items())
            if pref_code is None or m.pref_code == pref_code
        ]

    def put_prefecture(self, code: str, name: str) -> None:
        def op(t: Tables) -> None:
            t.prefectures[code] = Prefecture(code, name)

        self._uow.do(op)

    def put_municipality(self, m: MunicipalityData) -> None:
        def op(t: Tables) -> None:
            if m.pref_code not in t.prefectures:
                raise ValueError(f"unknown prefecture {m.pref_code}")  # the SQL foreign key
            t.municipalities[m.lg_code] = Municipality(**dataclasses.asdict(m))

        self._uow.do(op)
        self._touch(m.pref_code)

    # --- plan revisions -------------------------------------------------------------------
    def revision(self, revision_id: int) -> PlanRevision | None:
        return next((r for r in self.t.plan_revisions if r.id == revision_id), None)

    def revisions(
        self, lg_code: str, *, with_content: bool = True, kind: str = "issuance"
    ) -> Sequence[PlanRevision]:
        found = [r for r in self.t.plan_revisions if r.lg_code == lg_code and r.kind == kind]
        return sorted(found, key=lambda r: -r.seq)

    def latest_revision(self, lg_code: str, kind: str = "issuance") -> PlanRevision | None:
        found = self.revisions(lg_code, kind=kind)
        return found[0] if found else None

    def latest_revisions(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> dict[str, PlanRevision]:
        return _latest([r for r in self.t.plan_revisions if r.kind == kind], lg_codes)

    def latest_revision_heads(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> dict[str, tuple[int, dt.datetime]]:
        found = self.latest_revisions(lg_codes, kind)
        return {lg: (r.id, r.created_at) for lg, r in found.items()}

    def revision_tables(
        self, ids: Sequence[int], columns: Collection[str] | None = None
    ) -> dict[int, PlanTable]:
        wanted = set(ids)
        return {
            r.id: rows_table(r.lg_code, r.rows, columns)
            for r in self.t.plan_revisions
            if r.id in wanted
        }

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
        rid, at = self._uow.new_id(), _now()
        content = table_rows(table).get(lg_code, [])

        def op(t: Tables) -> PlanRevision:
            _known(t, lg_code)
            if _taken(t, lg_code, seq, kind):
                raise RevisionTaken("another save took this revision number")
            revision = PlanRevision(
                rid,
                lg_code,
                seq,
                base_revision_id,
                author_id,
                reason,
                copy.deepcopy(content),
                at,
                kind,
            )
            t.plan_revisions.append(revision)
            return revision

        self._uow.taken(
            f"plan:{kind}",
            lg_code,
            seq,
            lambda t: _has_seq([r for r in t.plan_revisions if r.kind == kind], lg_code, seq),
        )
        self._touch(lg_code[:2])
        return cast(PlanRevision, self._uow.do(op))

    def findings(self, revision_id: int) -> Sequence[Finding]:
        return [f.finding for f in self.t.findings if f.revision_id == revision_id]

    def add_findings(self, revision_id: int, findings: Iterable[Finding]) -> None:
        found = list(findings)

        def op(t: Tables) -> None:
            t.findings += [StoredFinding(revision_id, f) for f in found]

        self._uow.do(op)

    # --- inputs ---------------------------------------------------------------------------
    def input_revisions(self, lg_code: str) -> Sequence[InputRevision]:
        found = [r for r in self.t.input_revisions if r.lg_code == lg_code]
        return sorted(found, key=lambda r: -r.seq)

    def latest_inputs(self, lg_code: str) -> InputRevision | None:
        found = self.input_revisions(lg_code)
        return found[0] if found else None

    def latest_inputs_of(self, lg_codes: Iterable[str] | None = None) -> dict[str, InputRevision]:
        return _latest(self.t.input_revisions, lg_codes)

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
        rid, at, content = self._uow.new_id(), _now(), copy.deepcopy(content)

        def op(t: Tables) -> InputRevision:
            _known(t, lg_code)
            if _has_seq(t.input_revisions, lg_code, seq):
                raise RevisionTaken("another save took this revision number")
            revision = InputRevision(
                rid, lg_code, seq, base_revision_id, author_id, reason, copy.deepcopy(content), at
            )
            t.input_revisions.append(revision)
            return revision

        self._uow.taken("inputs", lg_code, seq, lambda t: _has_seq(t.input_revisions, lg_code, seq))
        self._touch(lg_code[:2])
        return cast(InputRevision, self._uow.do(op))

    # --- review ---------------------------------------------------------------------------
    def events(self, lg_code: str) -> Sequence[ReviewEvent]:
        return sorted(
            (e for e in self.t.review_events if e.lg_code == lg_code), key=lambda e: -e.id
        )

    def latest_events(self, lg_codes: Iterable[str] | None = None) -> dict[str, ReviewEvent]:
        wanted = None if lg_codes is None else set(lg_codes)
        out: dict[str, ReviewEvent] = {}
        for e in self.t.review_events:  # in id order: the last one wins
            if wanted is None or e.lg_code in wanted:
                out[e.lg_code] = e
        return out

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
        eid, at = self._uow.new_id(), _now()

        def op(t: Tables) -> None:
            _known(t, lg_code)
            t.review_events.append(
                ReviewEvent(
                    eid, lg_code, status, revision_id, actor_id, comment,
                    copy.deepcopy(explanations), at,
                )
            )  # fmt: skip

        self._uow.do(op)
        self._touch(lg_code[:2])

    def advice(self, lg_code: str) -> Sequence[Advice]:
        return sorted((a for a in self.t.advice if a.lg_code == lg_code), key=lambda a: -a.id)

    def advice_counts(self, lg_codes: Iterable[str]) -> dict[str, int]:
        wanted = set(lg_codes)
        out: dict[str, int] = {}
        for a in self.t.advice:
            if a.lg_code in wanted:
                out[a.lg_code] = out.get(a.lg_code, 0) + 1
        return out

    def add_advice(self, *, lg_code: str, author_id: int | None, text: str) -> Advice:
        aid, at = self._uow.new_id(), _now()

        def op(t: Tables) -> Advice:
            _known(t, lg_code)
            t.advice.append(Advice(aid, lg_code, author_id, text, at))
            return t.advice[-1]

        return cast(Advice, self._uow.do(op))

    def actuals(self, lg_code: str) -> dict[str, Actual]:
        return {a.month: a for a in self.t.actuals if a.lg_code == lg_code}

    def all_actuals(self, lg_codes: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
        wanted = None if lg_codes is None else set(lg_codes)
        out: dict[str, dict[str, int]] = {}
        for a in self.t.actuals:
            if wanted is None or a.lg_code in wanted:
                out.setdefault(a.lg_code, {})[a.month] = a.issued
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
        aid, at = self._uow.new_id(), _now()

        def op(t: Tables) -> None:
            _known(t, lg_code)
            t.actuals.append(Actual(aid, lg_code, month, issued, backlog, author_id, at))

        self._uow.do(op)
        self._touch(lg_code[:2])

    def latest_submissions(self) -> dict[str, Submission]:
        return {s.pref_code: s for s in self.t.submissions}

    def add_submission(
        self, *, pref_code: str, author_id: int | None, revisions: dict[str, Any]
    ) -> Submission:
        sid, at = self._uow.new_id(), _now()

        def op(t: Tables) -> Submission:
            t.submissions.append(
                Submission(sid, pref_code, author_id, copy.deepcopy(revisions), at)
            )
            return t.submissions[-1]

        self._touch(pref_code)
        return cast(Submission, self._uow.do(op))

    # --- accounts -------------------------------------------------------------------------
    def user(self, user_id: int) -> User | None:
        return next((u for u in self.t.users if u.id == user_id), None)

    def user_by_login(self, login: str) -> User | None:
        return next((u for u in self.t.users if u.login == login), None)

    def users_of(
        self, *, lg_code: str | None = None, pref_code: str | None = None
    ) -> Sequence[User]:
        if lg_code is not None:
            found = [u for u in self.t.users if u.role == "municipality" and u.lg_code == lg_code]
        else:
            found = [u for u in self.t.users if u.role == "prefecture" and u.pref_code == pref_code]
        return sorted(found, key=lambda u: u.login)

    def user_logins(self, ids: Iterable[int | None]) -> dict[int, str]:
        wanted = {i for i in ids if i is not None}
        return {u.id: u.login for u in self.t.users if u.id in wanted}

    def has_users(self) -> bool:
        return bool(self.t.users)

    def add_user(
        self,
        *,
        login: str,
        password_hash: str,
        role: str,
        lg_code: str | None,
        pref_code: str | None,
    ) -> User:
        uid, at = self._uow.new_id(), _now()

        def op(t: Tables) -> User:
            if any(u.login == login for u in t.users):
                raise ValueError(f"login {login!r} taken")  # the SQL unique constraint
            t.users.append(User(uid, login, password_hash, role, lg_code, pref_code, at))
            return t.users[-1]

        return cast(User, self._uow.do(op))

    def set_password(
        self,
        user_id: int,
        password_hash: str,
        *,
        must_change: bool | None = None,
        changed_at: dt.datetime | None = None,
    ) -> None:
        def op(t: Tables) -> None:
            for i, user in enumerate(t.users):
                if user.id == user_id:
                    t.users[i] = dataclasses.replace(
                        user,
                        password_hash=password_hash,
                        must_change_password=(
                            user.must_change_password if must_change is None else must_change
                        ),
                        password_changed_at=changed_at or user.password_changed_at,
                    )

        self._uow.do(op)

    def login_session(self, session_id: str) -> LoginSession | None:
        return self.t.login_sessions.get(session_id)

    def start_login_session(self, user_id: int) -> str:
        session_id, at = secrets.token_urlsafe(32), _now()

        def op(t: Tables) -> None:
            t.login_sessions[session_id] = LoginSession(session_id, user_id, at)

        self._uow.do(op)
        return session_id

    def end_login_session(self, session_id: str) -> None:
        at = _now()

        def op(t: Tables) -> None:
            row = t.login_sessions.get(session_id)
            if row is not None and row.ended_at is None:
                t.login_sessions[session_id] = dataclasses.replace(row, ended_at=at)

        self._uow.do(op)

    def end_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        at = _now()

        def op(t: Tables) -> None:
            for key, row in list(t.login_sessions.items()):
                if row.user_id == user_id and row.ended_at is None and row.id != keep:
                    t.login_sessions[key] = dataclasses.replace(row, ended_at=at)

        self._uow.do(op)

    def add_sign_in_event(
        self,
        *,
        login: str,
        address: str,
        outcome: str,
        user_id: int | None = None,
        actor_id: int | None = None,
    ) -> None:
        eid, at = self._uow.new_id(), _now()

        def op(t: Tables) -> None:
            t.sign_in_events.append(
                SignInEvent(eid, login, address, outcome, user_id, actor_id, at)
            )

        self._uow.do(op)

    def pair_sign_ins(
        self, login: str, address: str, since: dt.datetime, limit: int = 64
    ) -> list[tuple[str, dt.datetime]]:
        found = [
            (e.outcome, e.at)
            for e in reversed(self.t.sign_in_events)
            if e.login == login
            and e.address == address
            and e.at >= since
            and e.outcome in ("success", "failure")
        ]
        return found[:limit]

    def address_failures(
        self, address: str, since: dt.datetime, limit: int = 256
    ) -> list[dt.datetime]:
        found = [
            e.at
            for e in reversed(self.t.sign_in_events)
            if e.address == address and e.at >= since and e.outcome == "failure"
        ]
        return found[:limit]

    def sign_in_events(self, login: str | None = None, limit: int = 500) -> Sequence[SignInEvent]:
        found = [e for e in reversed(self.t.sign_in_events) if not login or e.login == login]
        return found[:limit]


class MemorySummaries:
    """Summaries: a claim and a result are committed at once, as in the SQL store."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    def load(self, scope: str) -> Summary | None:
        with self._storage.lock:
            found = self._storage.tables.summaries.get(scope)
            return copy.deepcopy(found)

    def claim(self, scope: str) -> int | None:
        now = _now()
        with self._storage.lock:
            row = self._storage.tables.summaries.setdefault(scope, Summary(scope))
            if row.computed_version >= row.version:
                return None
            if row.claimed_until is not None and row.claimed_until >= now:
                return None
            row.claimed_until = now + dt.timedelta(seconds=120)
            return row.version

    def store(self, scope: str, version: int, content: dict[str, Any]) -> None:
        with self._storage.lock:
            row = self._storage.tables.summaries[scope]
            row.content = copy.deepcopy(content)
            row.computed_version = version
            row.computed_at = _now()
            row.claimed_until = None

    def release(self, scope: str) -> None:
        with self._storage.lock:
            row = self._storage.tables.summaries.get(scope)
            if row is not None:
                row.claimed_until = None


Op = Callable[[Tables], Any]


class MemoryUnitOfWork:
    """Works on a copy of the tables and logs each change; a commit applies the log to the
    stored tables at once (all or nothing), a rollback drops it and takes a fresh copy."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage
        self.stale: set[str] = set()
        self.log: list[Op] = []
        self.tables = self._copy()
        repo = MemoryRepository(self)
        self.places = self.plans = self.inputs = self.reviews = self.accounts = repo
        self.summaries = MemorySummaries(storage)

    def _copy(self) -> Tables:
        with self._storage.lock:
            return _shallow(self._storage.tables)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def new_id(self) -> int:
        return self._storage.new_id()

    def do(self, op: Op) -> Any:
        """Apply a change here, and log it for the commit."""
        result = op(self.tables)
        self.log.append(op)
        return result

    def taken(self, kind: str, lg_code: str, seq: int, test: Callable[[Tables], bool]) -> None:
        """RevisionTaken when another unit of work committed the same number since this one
        began, or appended it and has not finished (the SQL store's flush finds it in the
        unique index); else the number is this unit of work's until it ends."""
        key = (kind, lg_code, seq)
        with self._storage.lock:
            holder = self._storage.reserved.get(key)
            if test(self._storage.tables) or (holder is not None and holder is not self):
                raise RevisionTaken("another save took this revision number")
            self._storage.reserved[key] = self

    def _release(self) -> None:
        with self._storage.lock:
            for key in [k for k, v in self._storage.reserved.items() if v is self]:
                del self._storage.reserved[key]

    def commit(self) -> None:
        log, self.log = self.log, []
        stale, self.stale = self.stale, set()
        with self._storage.lock:
            tables = _shallow(self._storage.tables)
            for op in log:  # all or nothing: an op that fails leaves the stored tables as they were
                op(tables)
            for scope in stale:
                row = tables.summaries.get(scope) or Summary(scope)
                tables.summaries[scope] = dataclasses.replace(row, version=row.version + 1)
            self._storage.tables = tables
            self._storage.commits += 1
            for key in [k for k, v in self._storage.reserved.items() if v is self]:
                del self._storage.reserved[key]
            listeners = list(self._storage.summary_listeners)
        self.tables = self._copy()
        for listener in listeners if stale else []:
            listener(set(stale))

    def rollback(self) -> None:
        self.stale = set()
        self.log = []
        self._release()
        self.tables = self._copy()


def _shallow(t: Tables) -> Tables:
    """A copy of the containers, sharing the records: a record is never changed in place
    (a change replaces it), so a unit of work's copy is cheap and isolated."""
    return Tables(**{f.name: copy.copy(getattr(t, f.name)) for f in dataclasses.fields(t)})


def _taken(t: Tables, lg_code: str, seq: int, kind: str) -> bool:
    return any(r.lg_code == lg_code and r.seq == seq and r.kind == kind for r in t.plan_revisions)


def _has_seq(rows: Sequence[Any], lg_code: str, seq: int) -> bool:
    return any(r.lg_code == lg_code and r.seq == seq for r in rows)


def _known(t: Tables, lg_code: str) -> None:
    if lg_code not in t.municipalities:
        raise ValueError(f"unknown municipality {lg_code}")  # the SQL foreign key


def _latest(rows: Sequence[Any], lg_codes: Iterable[str] | None) -> dict[str, Any]:
    wanted = None if lg_codes is None else set(lg_codes)
    out: dict[str, Any] = {}
    for r in rows:
        if (wanted is None or r.lg_code in wanted) and (
            r.lg_code not in out or r.seq > out[r.lg_code].seq
        ):
            out[r.lg_code] = r
    return out


def _implements(
    r: MemoryRepository, u: MemoryUnitOfWork, s: MemoryStorage
) -> tuple[
    ports.PlaceStore,
    ports.PlanStore,
    ports.InputsStore,
    ports.ReviewStore,
    ports.AccountStore,
    ports.SummaryStore,
    ports.UnitOfWork,
    ports.Storage,
]:
    """Never called: mypy checks here that this store implements every port."""
    return r, r, r, r, r, u.summaries, u, s
