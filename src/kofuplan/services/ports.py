"""The ports the use cases talk to (issue 12 item 2): what a stored record looks like to them,
the few stores they read and append through, and the unit of work that owns the transaction.

- The records are read-only Protocols; the SQLAlchemy models (``adapters/storage``) and the
  in-memory fake (``adapters/memory``) both satisfy them.
- A store only reads and appends; it never commits. A use case runs inside one
  :class:`UnitOfWork` and calls :meth:`UnitOfWork.commit` when its change is whole; leaving the
  unit of work without a commit (an error on the way) rolls everything back, so a failed save
  writes nothing.
- Plan revisions go in and out as a :class:`~kofuplan.domain.plan_table.PlanTable` (one
  municipality, its months), never as text or rows; how a store keeps one is its own business
  (both keep the rows of ``domain.plan_table.table_rows``, read back by ``rows_table``).

Use cases never import an adapter (``tests/unit/test_layers.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

from kofuplan.domain.actuals import Actuals
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.profiles import StatsRows
from kofuplan.domain.renewal_history import Series
from kofuplan.errors import ConflictError
from kofuplan.parameters import RuleBook

# --- records -------------------------------------------------------------------------------


class PrefectureRecord(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class MunicipalityRecord(Protocol):
    @property
    def lg_code(self) -> str: ...
    @property
    def pref_code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def population(self) -> int: ...
    @property
    def cards_issued_baseline(self) -> int: ...
    @property
    def baseline_date(self) -> dt.date: ...
    @property
    def recent_increase(self) -> int: ...
    @property
    def recent_days(self) -> int: ...
    @property
    def municipality_type(self) -> str: ...


@dataclass(frozen=True)
class MunicipalityData:
    """A municipality's figures from a statistics snapshot, as the setup stores them."""

    lg_code: str
    pref_code: str
    name: str
    population: int
    cards_issued_baseline: int
    baseline_date: dt.date
    recent_increase: int = 0
    recent_days: int = 0
    municipality_type: str = ""


class UserRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def login(self) -> str: ...
    @property
    def password_hash(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def lg_code(self) -> str | None: ...
    @property
    def pref_code(self) -> str | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def must_change_password(self) -> bool: ...
    @property
    def password_changed_at(self) -> dt.datetime | None: ...


class LoginSessionRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def user_id(self) -> int: ...
    @property
    def ended_at(self) -> dt.datetime | None: ...


class SignInEventRecord(Protocol):
    @property
    def at(self) -> dt.datetime: ...
    @property
    def login(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def user_id(self) -> int | None: ...
    @property
    def actor_id(self) -> int | None: ...


class PlanRevisionRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def lg_code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def base_revision_id(self) -> int | None: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def reason(self) -> str: ...
    @property
    def table(self) -> PlanTable:
        """The plan: this municipality over its months."""
        ...


class InputRevisionRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def lg_code(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def base_revision_id(self) -> int | None: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def reason(self) -> str: ...
    @property
    def content(self) -> dict[str, Any]: ...


class ReviewEventRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def lg_code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def revision_id(self) -> int | None: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def comment(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def explanations(self) -> list[dict[str, Any]] | None: ...


class ActualRecord(Protocol):
    @property
    def month(self) -> str: ...
    @property
    def issued(self) -> int: ...
    @property
    def backlog(self) -> int | None: ...


class AdviceRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def lg_code(self) -> str: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime: ...


class SubmissionRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def pref_code(self) -> str: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def revisions(self) -> dict[str, Any]: ...


class SummaryRecord(Protocol):
    @property
    def scope(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def computed_version(self) -> int: ...
    @property
    def computed_at(self) -> dt.datetime | None: ...
    @property
    def content(self) -> dict[str, Any] | None: ...


class StatsSource(Protocol):
    """Where the published statistics and the municipalities' own inputs come from (the
    CSV files: :class:`kofuplan.adapters.stats_csv.StatsFiles`; a test may pass plain rows).
    The use case builds the profiles from what it gives."""

    def stats_at(self, as_of: dt.date) -> StatsRows: ...
    def snapshot_dates(self) -> list[str]: ...
    def given_profiles(self, known_codes: set[str]) -> dict[str, dict[str, Any]]: ...


class RenewalSource(Protocol):
    """The statistics the renewal wave is estimated from (the official long files:
    :class:`kofuplan.adapters.renewal_inputs.RenewalSources`)."""

    def actuals(self, book: RuleBook) -> Actuals: ...
    def prefectures(self) -> Series: ...
    def national(self) -> Series: ...
    def ages(self) -> Series: ...
    def where(self, key: str) -> str:
        """The name of the source ``key`` (``stats``, ``prefectures``) for a message."""
        ...


class FindingRecord(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def month(self) -> str | None: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...


class RevisionTaken(ConflictError):
    """Another save appended the same revision number first (a concurrent save on the same
    base). The unit of work must be rolled back before it is used again."""


# --- stores --------------------------------------------------------------------------------


class PlaceStore(Protocol):
    """Prefectures and municipalities, as loaded from the statistics."""

    def prefecture(self, code: str) -> PrefectureRecord | None: ...
    def prefectures(self) -> Sequence[PrefectureRecord]: ...
    def municipality(self, lg_code: str) -> MunicipalityRecord | None: ...
    def municipalities(self, pref_code: str | None = None) -> Sequence[MunicipalityRecord]: ...
    def put_prefecture(self, code: str, name: str) -> None: ...
    def put_municipality(self, m: MunicipalityData) -> None: ...


class PlanStore(Protocol):
    """Plan revisions (append-only, numbered by ``seq`` per municipality) and the findings of
    the checks on each."""

    def revision(self, revision_id: int) -> PlanRevisionRecord | None: ...
    def latest_revision(
        self, lg_code: str, kind: str = "issuance"
    ) -> PlanRevisionRecord | None: ...
    def revisions(
        self, lg_code: str, *, with_content: bool = True, kind: str = "issuance"
    ) -> Sequence[PlanRevisionRecord]: ...
    def latest_revisions(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> Mapping[str, PlanRevisionRecord]: ...
    def latest_revision_heads(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> dict[str, tuple[int, dt.datetime]]: ...
    def revision_tables(
        self, ids: Sequence[int], columns: Collection[str] | None = None
    ) -> dict[int, PlanTable]:
        """The plans of the revisions ``ids`` (those that exist), by id; with ``columns``,
        only those figures given (``plan_table.rows_table``)."""
        ...

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
    ) -> PlanRevisionRecord:
        """Append ``table`` (this municipality's row of it); :class:`RevisionTaken` when
        ``seq`` is taken for the municipality."""
        ...

    def add_findings(self, revision_id: int, findings: Iterable[Finding]) -> None: ...
    def findings(self, revision_id: int) -> Sequence[FindingRecord]: ...


class InputsStore(Protocol):
    """A municipality's own inputs (profile figures and promotion section), kept like plan
    revisions."""

    def latest_inputs(self, lg_code: str) -> InputRevisionRecord | None: ...
    def latest_inputs_of(
        self, lg_codes: Iterable[str] | None = None
    ) -> Mapping[str, InputRevisionRecord]: ...
    def input_revisions(self, lg_code: str) -> Sequence[InputRevisionRecord]: ...
    def add_inputs(
        self,
        *,
        lg_code: str,
        seq: int,
        base_revision_id: int | None,
        author_id: int | None,
        reason: str,
        content: dict[str, Any],
    ) -> InputRevisionRecord:
        """Append; :class:`RevisionTaken` when ``seq`` is taken for the municipality."""
        ...


class ReviewStore(Protocol):
    """The review's trail: status events, advice, actual results and prefecture submissions."""

    def events(self, lg_code: str) -> Sequence[ReviewEventRecord]: ...
    def latest_events(
        self, lg_codes: Iterable[str] | None = None
    ) -> Mapping[str, ReviewEventRecord]: ...
    def add_event(
        self,
        *,
        lg_code: str,
        status: str,
        revision_id: int | None,
        actor_id: int | None,
        comment: str,
        explanations: list[dict[str, Any]] | None = None,
    ) -> None: ...
    def advice(self, lg_code: str) -> Sequence[AdviceRecord]: ...
    def advice_counts(self, lg_codes: Iterable[str]) -> dict[str, int]: ...
    def add_advice(self, *, lg_code: str, author_id: int | None, text: str) -> AdviceRecord: ...
    def actuals(self, lg_code: str) -> Mapping[str, ActualRecord]: ...
    def all_actuals(self, lg_codes: Iterable[str] | None = None) -> dict[str, dict[str, int]]: ...
    def add_actual(
        self,
        *,
        lg_code: str,
        month: str,
        issued: int,
        backlog: int | None,
        author_id: int | None,
    ) -> None: ...
    def latest_submissions(self) -> Mapping[str, SubmissionRecord]: ...
    def add_submission(
        self, *, pref_code: str, author_id: int | None, revisions: dict[str, Any]
    ) -> SubmissionRecord: ...


class AccountStore(Protocol):
    """Accounts, login sessions and the sign-in audit log."""

    def user(self, user_id: int) -> UserRecord | None: ...
    def user_by_login(self, login: str) -> UserRecord | None: ...
    def users_of(
        self, *, lg_code: str | None = None, pref_code: str | None = None
    ) -> Sequence[UserRecord]: ...
    def user_logins(self, ids: Iterable[int | None]) -> dict[int, str]: ...
    def has_users(self) -> bool: ...
    def add_user(
        self,
        *,
        login: str,
        password_hash: str,
        role: str,
        lg_code: str | None,
        pref_code: str | None,
    ) -> UserRecord: ...
    def set_password(
        self,
        user_id: int,
        password_hash: str,
        *,
        must_change: bool | None = None,
        changed_at: dt.datetime | None = None,
    ) -> None: ...
    def login_session(self, session_id: str) -> LoginSessionRecord | None: ...
    def start_login_session(self, user_id: int) -> str: ...
    def end_login_session(self, session_id: str) -> None: ...
    def end_user_sessions(self, user_id: int, keep: str | None = None) -> None: ...
    def add_sign_in_event(
        self,
        *,
        login: str,
        address: str,
        outcome: str,
        user_id: int | None = None,
        actor_id: int | None = None,
    ) -> None: ...
    def pair_sign_ins(
        self, login: str, address: str, since: dt.datetime, limit: int = 64
    ) -> list[tuple[str, dt.datetime]]: ...
    def address_failures(
        self, address: str, since: dt.datetime, limit: int = 256
    ) -> list[dt.datetime]: ...
    def sign_in_events(
        self, login: str | None = None, limit: int = 500
    ) -> Sequence[SignInEventRecord]: ...


NATION = "nation"  # the scope of the national summary


def pref_scope(pref_code: str) -> str:
    """The scope of a prefecture's summary (``pref:13``)."""
    return f"pref:{pref_code}"


def scope_pref_code(scope: str) -> str:
    """The prefecture code of a prefecture's scope."""
    return scope.removeprefix("pref:")


class SummaryStore(Protocol):
    """Stored aggregates (``nation``, ``pref:XX``). Every change that a summary sums marks it
    stale in the change's own transaction. A claim to recompute one, and its result, are
    their own short transactions (other processes must see a claim at once)."""

    def load(self, scope: str) -> SummaryRecord | None: ...
    def claim(self, scope: str) -> int | None: ...
    def store(self, scope: str, version: int, content: dict[str, Any]) -> None: ...
    def release(self, scope: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction over the stores. ``with uow:`` … ``uow.commit()``; leaving the block
    without a commit rolls back what was not committed."""

    @property
    def places(self) -> PlaceStore: ...
    @property
    def plans(self) -> PlanStore: ...
    @property
    def inputs(self) -> InputsStore: ...
    @property
    def reviews(self) -> ReviewStore: ...
    @property
    def accounts(self) -> AccountStore: ...
    @property
    def summaries(self) -> SummaryStore: ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


SummaryListener = Callable[[set[str]], None]


class Storage(Protocol):
    """What the bootstrap hands the CLI and the app: units of work over one store."""

    @property
    def key(self) -> str:
        """Tells stores apart (one summary refresher per store and process)."""
        ...

    @property
    def summary_listeners(self) -> list[SummaryListener]:
        """Called with the stale summaries' scopes after a commit that changed what they sum."""
        ...

    def init(self) -> None:
        """Create or migrate the schema."""
        ...

    def unit_of_work(self) -> UnitOfWork: ...
