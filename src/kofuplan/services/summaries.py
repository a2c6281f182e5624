"""Precomputed summaries (issue 14 §1): the national view (aggregates, coverage by
prefecture, rankings, focus list, promotion rollup) and each prefecture's aggregate are
computed after a plan, actual, status, input or submission changes, stored, and read on view.

``views.national_view`` and ``views.summarize`` stay the one computation; this module stores
their results and serves them. A change marks the stored ones stale in its own transaction
(the store's ``SummaryStore``); the refresher recomputes each stale one once, however
many changes came meanwhile (one process at a time: a claim in the table), so a save never
waits for a national recompute. A page asked for while its summary is being recomputed shows
the stored one with the time it was computed; one never computed is computed on the spot.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, cast

from kofuplan import settings
from kofuplan.domain.promotion import PromotionRollup
from kofuplan.services import views
from kofuplan.services.ports import NATION, Storage, UnitOfWork, pref_scope, scope_pref_code

log = logging.getLogger(__name__)


def _nation_content(n: views.NationView) -> dict[str, Any]:
    content = dataclasses.asdict(n)
    for s in content["submissions"].values():  # JSON: times as ISO text
        s["at"] = s["at"].isoformat() if s.get("at") is not None else None
    return content


def _nation_from(content: dict[str, Any]) -> views.NationView:
    data = dict(content)
    data["summary"] = views.AreaSummary(**data["summary"])
    data["promotion_by_pref"] = {
        k: PromotionRollup(**v) for k, v in data.get("promotion_by_pref", {}).items()
    }
    total = data.get("promotion_total")
    data["promotion_total"] = PromotionRollup(**total) if total else None
    return views.NationView(**data)


def _compute(uow: UnitOfWork, scope: str) -> dict[str, Any]:
    if scope == NATION:
        return _nation_content(views.national_view(uow))
    pref_code = scope_pref_code(scope)
    return dataclasses.asdict(views.summarize(uow, list(uow.places.municipalities(pref_code))))


def refresh(storage: Storage, scope: str) -> bool:
    """Recompute ``scope`` if it is stale and no other process is at it; True if done."""
    with storage.unit_of_work() as uow:
        version = uow.summaries.claim(scope)
        if version is None:
            return False
        started = time.perf_counter()
        try:
            content = _compute(uow, scope)
            uow.summaries.store(scope, version, content)
        except Exception:
            uow.rollback()
            uow.summaries.release(scope)
            raise
        log.info(
            "summary %s v%d in %.0f ms", scope, version, 1000 * (time.perf_counter() - started)
        )
        return True


class _Filtered:
    """A store whose bulk reads (every municipality's latest revision heads, inputs and
    actuals; the municipalities by prefecture) are made once and answered for any set of
    lg_codes from that one read; everything else goes to the store. Recomputing many
    prefectures' summaries then costs a few queries, not a few per prefecture (issue 16)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._memo: dict[Any, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _all(self, key: Any, read: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]

    @staticmethod
    def _of(found: Mapping[str, Any], lg_codes: Iterable[str] | None) -> dict[str, Any]:
        if lg_codes is None:
            return dict(found)
        return {lg: found[lg] for lg in lg_codes if lg in found}

    def latest_revision_heads(
        self, lg_codes: Iterable[str] | None = None, kind: str = "issuance"
    ) -> dict[str, Any]:
        every = self._all(("heads", kind), lambda: self._inner.latest_revision_heads(None, kind))
        return self._of(every, lg_codes)

    def latest_inputs_of(self, lg_codes: Iterable[str] | None = None) -> dict[str, Any]:
        return self._of(self._all("inputs", lambda: self._inner.latest_inputs_of(None)), lg_codes)

    def all_actuals(self, lg_codes: Iterable[str] | None = None) -> dict[str, Any]:
        return self._of(self._all("actuals", lambda: self._inner.all_actuals(None)), lg_codes)

    def municipalities(self, pref_code: str | None = None) -> Any:
        every = self._all("places", lambda: list(self._inner.municipalities()))
        return every if pref_code is None else [m for m in every if m.pref_code == pref_code]


class _ManyAreas:
    """A unit of work's reads for recomputing many summaries in one pass (:class:`_Filtered`)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.places = _Filtered(uow.places)
        self.plans = _Filtered(uow.plans)
        self.inputs = _Filtered(uow.inputs)
        self.reviews = _Filtered(uow.reviews)
        self.accounts = uow.accounts
        self.summaries = uow.summaries


def refresh_prefectures(storage: Storage, scopes: Iterable[str]) -> int:
    """:func:`refresh` of several prefectures' summaries in one pass: each claimed, computed
    from one read of every municipality's latest revisions, inputs and actuals, and stored;
    one that fails is given up (the next change retries it) and the others go on. Returns
    how many were stored."""
    done = 0
    with storage.unit_of_work() as uow:
        claimed = {s: v for s in scopes if (v := uow.summaries.claim(s)) is not None}
        reads = cast(UnitOfWork, _ManyAreas(uow))
        started = time.perf_counter()
        for scope, version in claimed.items():
            try:
                uow.summaries.store(scope, version, _compute(reads, scope))
                done += 1
            except Exception:  # a failed refresh leaves the stored one; the next change retries
                log.exception("refreshing summary %s failed", scope)
                uow.rollback()
                uow.summaries.release(scope)
        log.info("%d prefecture summaries in %.0f ms", done, 1000 * (time.perf_counter() - started))
    return done


def warm(storage: Storage) -> int:
    """Compute the summaries never computed or stale (each prefecture's, then the national
    view) before a server answers: its first pages then read stored ones instead of computing
    the nation inline, and the process keeps each revision's figures and checks from the
    start, so the refresher's recomputes after a save only read what changed (issue 16).
    Returns how many this process computed (another may be at some)."""
    with storage.unit_of_work() as uow:
        scopes = [pref_scope(p.code) for p in uow.places.prefectures()] + [NATION]
        todo = []
        for scope in scopes:
            row = uow.summaries.load(scope)
            if row is None or row.content is None or row.computed_version < row.version:
                todo.append(scope)
    prefectures = [scope for scope in todo if scope != NATION]
    done = refresh_prefectures(storage, prefectures)
    return done + (refresh(storage, NATION) if NATION in todo else 0)


def _stored(uow: UnitOfWork, storage: Storage | None, scope: str) -> dict[str, Any]:
    row = uow.summaries.load(scope)
    if row is not None and row.content is not None:
        if row.computed_version >= row.version:
            return row.content
        if storage is not None:  # being recomputed (or stale since another process): the stored one
            Refresher.for_storage(storage).wake({scope})
            return row.content
    # Never computed (a fresh database): compute it now, and store it when no other process
    # is computing it already.
    if storage is not None:
        refresh(storage, scope)
        row = uow.summaries.load(scope)
        if row is not None and row.content is not None:
            return row.content
    return _compute(uow, scope)


def computed_at(uow: UnitOfWork, scope: str = NATION) -> Any:
    row = uow.summaries.load(scope)
    return row.computed_at if row is not None else None


def nation(uow: UnitOfWork, storage: Storage | None = None) -> views.NationView:
    """The national view as last stored (recomputed on the spot only the first time)."""
    return _nation_from(_stored(uow, storage, NATION))


def prefecture(
    uow: UnitOfWork, pref_code: str, storage: Storage | None = None
) -> views.AreaSummary:
    return views.AreaSummary(**_stored(uow, storage, pref_scope(pref_code)))


class Refresher:
    """One thread per process and store: recomputes the summaries a commit made stale.
    :func:`stop` ends it (the app's shutdown): a recompute under way is finished and the
    thread joined, so no connection of the store is left open behind it."""

    _by_key: ClassVar[dict[str, Refresher]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        # The service's setting (KOFUPLAN_SUMMARY_REFRESH_SECONDS), as the bootstrap installed.
        self.interval = settings.current().summary_refresh_seconds
        self._pending: set[str] = set()
        self._busy = False  # recomputing the scopes last taken
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="kofuplan-summaries", daemon=True)
        self._thread.start()

    @classmethod
    def for_storage(cls, storage: Storage) -> Refresher:
        with cls._guard:
            found = cls._by_key.get(storage.key)
            if found is None or found.storage is not storage:
                found = cls._by_key[storage.key] = cls(storage)
            return found

    def wake(self, scopes: set[str]) -> None:
        with self._lock:
            self._pending |= scopes
        self._wake.set()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the recompute under way, if any, and wait for the thread to end."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def settle(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is pending or being recomputed; whether that came in time.
        For a server shutting down (and tests) before its store is closed or dropped, so no
        recompute is left holding a connection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._thread.is_alive():  # stopped (the app's shutdown): nothing runs
                return True
            with self._lock:
                if not (self._pending or self._busy or self._wake.is_set()):
                    return True
            time.sleep(0.02)
        return False

    def _run(self) -> None:
        last = -math.inf
        while True:
            self._wake.wait()
            # Changes within the interval are summed in one recompute, not one each.
            delay = max(0.0, last + self.interval - time.monotonic())
            if self._stopping.wait(delay) or self._stopping.is_set():
                return
            last = time.monotonic()
            self._wake.clear()
            with self._lock:
                scopes, self._pending = self._pending, set()
                self._busy = True
            try:
                # Prefectures first, in one pass; the national view is the costliest, done once.
                # A failed refresh leaves the stored one; the next change retries it.
                if scopes - {NATION}:
                    try:
                        refresh_prefectures(self.storage, sorted(scopes - {NATION}))
                    except Exception:
                        log.exception("refreshing summaries %s failed", sorted(scopes - {NATION}))
                if NATION in scopes and not self._stopping.is_set():
                    try:
                        refresh(self.storage, NATION)
                    except Exception:
                        log.exception("refreshing summary %s failed", NATION)
            finally:
                with self._lock:
                    self._busy = False


def start(storage: Storage) -> Callable[[set[str]], None]:
    """Recompute the summaries of ``storage`` after every commit that made them stale."""
    refresher = Refresher.for_storage(storage)
    if refresher.wake not in storage.summary_listeners:
        storage.summary_listeners.append(refresher.wake)
    return refresher.wake


def stop(storage: Storage) -> None:
    """Stop recomputing the summaries of ``storage`` (the app's shutdown, before the store
    closes its connections): its refresher finishes a recompute under way and ends."""
    with Refresher._guard:
        found = Refresher._by_key.get(storage.key)
        if found is None or found.storage is not storage:
            return
        del Refresher._by_key[storage.key]
    if found.wake in storage.summary_listeners:
        storage.summary_listeners.remove(found.wake)
    found.stop()
